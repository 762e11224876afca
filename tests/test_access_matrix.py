"""Every URL × every kind of user: the expected allow or deny, from one rule table.

The URLs come from the resolver itself (every app, viewflow's /workflow/ site, the
admin, the API), so a new endpoint without a rule fails ``test_every_url_has_a_rule``.
One objection case (subject A, record of the enforcement detachment, accepted, at the
verification step) gives the detail URLs real ids; other ids are 999999 (nothing there).

Outcomes of a GET: ``ok`` (2xx, or 3xx to anything but a login page), ``deny`` (401, 403,
404, or a redirect to a login page), ``method`` (405: the endpoint takes POST only).
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from documents.selectors import documents_for
from processes.listing import services as listing_services
from processes.objection.flows import ObjectionFlow
from processes.objection.tests.support import accept, file_objection, make_record, open_task
from tests.factories import make_staff, make_subject_user

KINDS = ("anonymous", "subject_a", "subject_b", "staff_involved", "staff_uninvolved", "credit_office", "admin", "check_token")
STAFF = ("staff_involved", "staff_uninvolved", "credit_office")
MISSING = "999999"


def _rule(ok=(), method=()):
    return {kind: ("ok" if kind in ok else "method" if kind in method else "deny") for kind in KINDS}


PUBLIC = _rule(ok=KINDS)
LOGGED_IN = _rule(ok=("subject_a", "subject_b", *STAFF, "admin"))
SUBJECTS = _rule(ok=("subject_a", "subject_b"))
SUBJECT_A = _rule(ok=("subject_a",))
STAFF_ANY = _rule(ok=(*STAFF, "admin"))
INVOLVED = _rule(ok=("staff_involved", "credit_office", "admin"))
LEADS = _rule(ok=("credit_office", "admin"))  # the credit office (法规科) and administrators
ADMIN = _rule(ok=("admin",))
TOKEN = _rule(ok=("check_token",))
NOBODY = _rule()  # no object behind the id (999999), or a step this case never reached: 404 for all
POST_ONLY = _rule(method=KINDS)
POST_LOGGED_IN = _rule(method=("subject_a", "subject_b", *STAFF, "admin"))
POST_STAFF = _rule(method=(*STAFF, "admin"))
POST_LEADS = _rule(method=("credit_office", "admin"))
OBJECTION_PROCESS = r"^workflow/credit_processes/objection/<int:process_pk>/"

# (regex on the route as the resolver spells it, rule): the first match wins. A route no
# regex matches has no rule, and test_every_url_has_a_rule fails.
RULES = [
    (r"^healthz$", PUBLIC),
    (r"^$", PUBLIC),
    (r"^accounts/(login|password_reset|password_reset/done|reset/<uidb64>/<token>|reset/done)/$", PUBLIC),
    (r"^accounts/logout/$", POST_ONLY),
    (r"^accounts/password_change/(done/)?$", LOGGED_IN),
    (r"^admin/login/$", PUBLIC),
    (r"^admin/logout/$", _rule(ok=[k for k in KINDS if k != "admin"], method=("admin",))),
    # add/delete pages of append-only or system-written models, the autocomplete without a
    # field, view-on-site and password of a missing id: refused even to the administrator
    (r"^admin/(autocomplete/|r/|\^|\(\?P<url>|accounts/user/<id>/password/)", NOBODY),
    (r"^admin/(viewflow|axes|audit|documents|notifications|transfer)/\w+/add/$", NOBODY),
    (r"^admin/listing/check(client|log)/add/$", NOBODY),  # check clients are created with a command
    (r"^admin/(audit/auditentry|documents/document|documents/documentsequence|transfer/transfer)/<path:object_id>/delete/$", NOBODY),
    (r"^admin/", ADMIN),
    (r"^api/(schema|docs)/$", PUBLIC),
    (r"^api/v1/check/$", TOKEN),
    (r"^api/v1/tasks/(inbox|queue)/$", STAFF_ANY),
    (r"^api/v1/tasks/<int:task_id>/(claim|release)/$", POST_STAFF),
    (r"^api/v1/\w+/<int:pk>/tasks/<int:task_id>/complete/$", POST_STAFF),
    (r"^api/v1/interviews/imports/$", POST_STAFF),
    (r"^api/v1/(objections|interviews|commitments)/$", LOGGED_IN),
    (r"^api/v1/objections/<int:pk>/$", _rule(ok=("subject_a", "staff_involved", "credit_office", "admin"))),
    (r"^api/v1/\w+/<int:pk>/(supply|confirm|signed-letter)/$", POST_LOGGED_IN),
    (r"^api/v1/transfers/?$", POST_ONLY),  # the national site, signed with its HMAC secret
    (r"^\^?api/", NOBODY),
    (r"^documents/verify/", PUBLIC),
    (r"^documents/download/<uuid:pk>/$", _rule(ok=("subject_a", "staff_involved", "credit_office", "admin"))),
    (r"^notifications/$", LOGGED_IN),
    (r"^notifications/(<int:pk>/read|read-all)/$", POST_LOGGED_IN),
    (r"^workbench/$", STAFF_ANY),
    (r"^workbench/tasks/<int:pk>/$", NOBODY),
    (r"^workflow/(credit_processes/)?$", PUBLIC),
    (OBJECTION_PROCESS + r"$", INVOLVED),
    (OBJECTION_PROCESS + r"verify/<int:task_pk>/detail/$", INVOLVED),
    (OBJECTION_PROCESS + r"verify/<int:task_pk>/assign/$", _rule(ok=("staff_involved", "admin"))),
    (OBJECTION_PROCESS + r"(cancel/|verify/<int:task_pk>/(revive|undo|cancel)/)$", ADMIN),
    # the flow's chart (no case data) and the task index that only redirects to its detail page
    (r"^workflow/credit_processes/\\w+/<int:process_pk>/chart/$", STAFF_ANY),
    (OBJECTION_PROCESS + r"verify/<int:task_pk>/$", STAFF_ANY),
    # the flow's chart (no case data) and the task index that only redirects to its detail page
    (r"^workflow/credit_processes/\w+/<int:process_pk>/chart/$", STAFF_ANY),
    (OBJECTION_PROCESS + r"verify/<int:task_pk>/$", STAFF_ANY),
    (r"^workflow/.*<int:process_pk>/", NOBODY),
    (r"^workflow/", STAFF_ANY),  # viewflow's lists: each shows the user's departments' tasks
    (r"^oversight/refresh/$", POST_LEADS),
    (r"^oversight/(deadlines/<str:which>/|\^reports/)", NOBODY),
    (r"^oversight/", LEADS),
    (r"^portal/$", LOGGED_IN),
    (r"^portal/subject/$", POST_LOGGED_IN),
    (r"^portal/commitments/new/$", SUBJECTS),
    (r"^portal/records/<int:record_pk>/", SUBJECT_A),
    (r"^portal/objections/<int:pk>/", SUBJECT_A),
    (r"^portal/interviews/<int:pk>/confirm/$", POST_LOGGED_IN),
    (r"^portal/", NOBODY),
    (r"^public/lists/<str:kind>/$", NOBODY),
    (r"^public/", PUBLIC),
    (r"^staff/objections/new/$", LEADS),
    (r"^staff/objections/<int:pk>/$", INVOLVED),
    (r"^staff/(records/<int:record_pk>/repair-notice|interviews/<int:pk>/confirm)/$", POST_STAFF),
    (r"^staff/(penalties|lists|check-log|joint-actions|interviews|interviews/new|interviews/import|commitments/new)/$", STAFF_ANY),
    (r"^staff/lists/propose/$", _rule(ok=("staff_involved", "staff_uninvolved", "admin"))),  # designating departments
    (r"^staff/platform-syncs/$", LEADS),
    (r"^staff/platform-syncs/<int:pk>/resend/$", POST_LEADS),
    (r"^staff/", NOBODY),
    (r"^commitments/", NOBODY),
]


def routes():
    """Every (route, name, pattern) the resolver knows, namespaces joined with ':'."""
    found = []

    def walk(resolver, prefix, namespace):
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                ns = ":".join(filter(None, [namespace, item.namespace])) or None
                walk(item, prefix + str(item.pattern), ns)
            elif isinstance(item, URLPattern):
                name = item.name and ":".join(filter(None, [namespace, item.name]))
                found.append((prefix + str(item.pattern), name))

    walk(get_resolver(), "", None)
    return [(route, name) for route, name in found if not route.startswith("^media/")]  # DEBUG only


def test_every_url_has_a_rule():
    unruled = [route for route, _ in routes() if rule_for(route) is None]
    assert not unruled, f"new endpoints without an access rule in tests/test_access_matrix.py: {unruled}"


def rule_for(route):
    for pattern, rule in RULES:
        if re.search(pattern, route):
            return rule
    return None


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = Client()
    subject_a_user, subject_a = make_subject_user(username="subject.a")
    subject_b_user, _ = make_subject_user(username="subject.b")
    users = {
        "subject_a": subject_a_user,
        "subject_b": subject_b_user,
        "staff_involved": make_staff("enforcement", "handler", username="enf.handler"),
        "staff_uninvolved": make_staff("transport", "handler", username="transport.handler"),
        "credit_office": make_staff("legal", "intake", username="legal.clerk"),
    }
    from django.contrib.auth import get_user_model

    users["admin"] = get_user_model().objects.create_superuser("root", "root@example.com", "pass-12345")
    record = make_record(subject_a, decision_date=datetime.date(2026, 1, 6), publish_on=datetime.date(2026, 1, 9))
    objection = accept(client, users["credit_office"], file_objection(client, subject_a_user, record))
    verify = open_task(objection, ObjectionFlow.verify)
    _, token = listing_services.check_client_create(name="审批系统", system_kind="licensing")
    clients = {"anonymous": Client(), "check_token": Client(HTTP_AUTHORIZATION=f"Bearer {token}")}
    for kind, user in users.items():
        clients[kind] = Client()
        clients[kind].force_login(user)
    ids = {
        "objection": objection.pk, "record": record.pk, "process": objection.process_id, "task": verify.pk,
        "document": documents_for(objection).first().pk,
    }
    return clients, ids


def fill(route, name, ids):
    """A concrete path for a route: the case's ids where the route is the objection's, else 999999."""
    objectionish = (name or "").startswith(("objection:", "credit_processes:objection:")) or route.startswith("api/v1/objections/")
    values = {
        "pk": ids["objection"] if objectionish else MISSING,
        "record_pk": ids["record"],
        "process_pk": ids["process"] if objectionish else MISSING,
        "task_pk": ids["task"] if objectionish and ":verify:" in (name or "") else MISSING,
        "uuid:pk": ids["document"],
    }

    def value(match):
        if match.group(1) == "uuid":
            return str(ids["document"])
        return str(values.get(match.group(2), MISSING if match.group(1) != "str" else "x"))

    path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    path = path.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", lambda m: "2026-01" if "month" in m.group(0) else MISSING, path)
    return "/" + path


def outcome(response) -> str:
    if response.status_code == 405:
        return "method"
    if response.status_code in (401, 403, 404):
        return "deny"
    if response.status_code in (301, 302, 303, 307, 308):
        return "deny" if "login" in response["Location"] else "ok"
    if response.status_code < 300 or response.status_code == 400:  # 400: past the gate, the input was checked
        return "ok"
    return f"error {response.status_code}"


def test_every_url_answers_every_kind_of_user_as_its_rule_says(world):
    clients, ids = world
    wrong = []
    checked = 0
    for route, name in routes():
        rule = rule_for(route)
        path = fill(route, name, ids)
        for kind, client in clients.items():
            response = client.get(path)
            got = outcome(response)
            if route == "healthz" and response.status_code == 503:
                got = "ok"  # the health page answers everyone; 503 says a backend is down, not "denied"
            checked += 1
            if got != rule[kind]:
                wrong.append(f"{kind:>16} GET {path} ({route}): expected {rule[kind]}, got {got} [{response.status_code}]")
    assert not wrong, f"{len(wrong)} of {checked} answers differ from the rule table:\n" + "\n".join(wrong)
    assert checked > 4000
