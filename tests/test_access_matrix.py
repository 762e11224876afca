"""Every URL × every kind of user: the expected allow or deny, from one rule table.

The URLs come from the resolver itself (every app, viewflow's /workflow/ site, the
admin, the API), so a new endpoint without a rule fails ``test_every_url_has_a_rule``.

The kinds of user: anonymous; subject A (whose cases these are) and subject B; every
staff role (受理员, 承办人, 审核人, 负责人, 管理员) in the enforcement detachment
(执法支队, the department every seeded case involves) and in 运管科 (involved in none),
and every role but 管理员 in the credit office (法规科, which leads credit work and is
involved in every case); the superuser; a business system with a check-API token; the
national site (转办), which signs its requests.

One case of every process, filed by subject A against the enforcement detachment's
records, gives the ids: objections (one at verification, claimed; one decided after a
supplement; one transferred from the national site, awaiting intake), repairs (one at
the decision, claimed; one approved), a commitment at verification, interviews (one
confirmed and awaiting the meeting; one whose notice is being prepared), list
designations (one awaiting the leader; one listed, its removal under review). The pages
of a node no seeded case reached get a task of another node of the flow: they must not
open it (404 for all). Other ids no case has (the admin's) are 999999. A page that looks
a subject up is also asked about subject A (``SEARCHES``).

Outcomes: ``ok`` (2xx, 400 — past the gate, the input was checked — or 3xx to anything
but a login page), ``deny`` (401, 403, 404, or a redirect to a login page), ``method``
(405), ``conflict`` (409: the caller may see the case, but the case is not at that step).
An endpoint that answers only POST is also POSTed to (each POST rolled back), so its
rule says who gets past its gate. And a page that answers 200 to someone who may not
see subject A's cases must not name subject A (``test_no_page_shows_subject_a_to_those_it_does_not_concern``).
"""

import datetime
import fnmatch
import json
import logging
import re
import time
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from viewflow.workflow.status import STATUS

from credit.models import Department, ListEntry, PlatformSync
from documents.models import Document
from notifications.models import Notification
from processes.commitment.flows import CommitmentFlow
from processes.commitment.tests.support import sign as commitment_sign, submit_commitment, supply as commitment_supply
from processes.common.models import DepartmentTask
from processes.common.taskapi import task_claim, task_complete
from processes.interview import services as interview_services
from processes.interview.flows import InterviewFlow
from processes.interview.tests.support import HEADER, make_dishonesty, portal_confirm, send_notice, start_interview
from processes.listing import services as listing_services
from processes.listing.flows import ListingFlow, RemovalFlow
from processes.listing.models import RemovalCase
from processes.listing.tests.support import start_removal_page
from processes.objection.flows import ObjectionFlow
from processes.objection.tests.support import accept, act, approve, claim, file_objection, make_record, open_task, pdf_upload, propose
from processes.repair.flows import RepairFlow
from processes.repair.tests.support import accept as repair_accept, decide as repair_decide, file_repair
from processes.transfer.models import Transfer
from processes.transfer.tests.support import SECRET, make_case, post as transfer_post, sign as transfer_sign
from tests.factories import SubjectFactory, make_staff, make_subject_user

MISSING = "999999"
ROLES = ("intake", "handler", "reviewer", "leader", "admin")
STAFF_KINDS = tuple(
    f"{department}.{role}"
    for department in ("enforcement", "transport", "legal")
    for role in ROLES
    if (department, role) != ("legal", "admin")  # an administrator is one everywhere: enforcement.admin and transport.admin say it
)
KINDS = ("anonymous", "subject_a", "subject_b", *STAFF_KINDS, "superuser", "check_token", "national_site")

# Groups of kinds, as fnmatch patterns over KINDS ("*.*" is every staff kind).
EVERYONE = ("*",)
LOGGED_IN = ("subject_*", "*.*", "superuser")
STAFF = ("*.*", "superuser")
ADMINS = ("*.admin", "superuser")  # the 管理员 role counts in every department
CREDIT_OFFICE = ("legal.*", *ADMINS)
CASE_STAFF = ("enforcement.*", *CREDIT_OFFICE)  # every seeded case involves 执法支队 and 法规科
CASE_PARTIES = ("subject_a", *CASE_STAFF)
#: oversight.access: the credit office and leaders see everything, a section chief (审核人) their own department
OVERSIGHT = ("legal.*", "*.leader", "*.reviewer", *ADMINS)
OVERSIGHT_ALL = ("legal.*", "*.leader", *ADMINS)
#: Those who may see subject A's cases; to anyone else no page may name subject A (public lists aside).
SEES_A = ("subject_a", *CASE_STAFF)


def kinds(*patterns) -> frozenset:
    found = {kind for kind in KINDS for pattern in patterns if fnmatch.fnmatchcase(kind, pattern)}
    unknown = [p for p in patterns if not any(fnmatch.fnmatchcase(kind, p) for kind in KINDS)]
    assert not unknown, f"patterns matching no kind of user: {unknown}"
    return frozenset(found)


@dataclass(frozen=True)
class Rule:
    get: dict
    post: dict | None = None  # POSTed too (an endpoint that answers only POST): the expected answers
    shows_a: frozenset = frozenset()  # kinds outside SEES_A that this page may show subject A to (public data)


def outcomes(ok=(), method=(), conflict=(), otherwise="deny") -> dict:
    ok, method, conflict = kinds(*ok) if ok else frozenset(), kinds(*method) if method else frozenset(), kinds(*conflict) if conflict else frozenset()
    return {k: "ok" if k in ok else "method" if k in method else "conflict" if k in conflict else otherwise for k in KINDS}


def matches(got: str, expected: str) -> bool:
    return got == expected or (expected == "refused" and got in ("deny", "method"))


def allow(*patterns, shows_a=()) -> Rule:
    return Rule(get=outcomes(ok=patterns), shows_a=kinds(*shows_a) if shows_a else frozenset())


def post_only(*patterns, conflict=()) -> Rule:
    """A POST gets past the gate for ``patterns`` (409 for ``conflict``), a GET answers them 405;
    the others are refused either way (a GET may answer them 405 or refuse them: nothing is shown)."""
    admitted = (*patterns, *conflict)
    return Rule(get=outcomes(method=admitted, otherwise="refused"), post=outcomes(ok=patterns, conflict=conflict))


PUBLIC = allow(*EVERYONE)
NOBODY = allow()  # no such object (999999, another node's task), or a page refused even to the administrator
METHOD_ONLY = Rule(get=outcomes(method=EVERYONE))  # not POSTed: a POST would log the client out

# --- viewflow's task pages ------------------------------------------------------------------------------------
#
# Each node a seeded case reached, with the state its task is in and who holds it. A human
# task is claimed by one role in one department (or an administrator); only its owner
# executes it; administrators cancel, undo and revive. Its detail page is for the staff the
# case involves; its index only redirects (to the page the user may open, or to "/").

#: flow/node → (status, the role that claims it, the owner's kind): human tasks of the seeded cases
HUMAN_TASKS = {
    "objection/intake": (STATUS.NEW, "legal.intake", None),  # the transferred objection
    "objection/verify": (STATUS.ASSIGNED, "enforcement.handler", "enforcement.handler"),
    "objection/review": (STATUS.DONE, "enforcement.reviewer", "enforcement.reviewer"),
    "repair/intake": (STATUS.DONE, "legal.intake", "legal.intake"),
    "repair/decide": (STATUS.ASSIGNED, "enforcement.handler", "enforcement.handler"),
    "commitment/verify": (STATUS.NEW, "enforcement.handler", None),
    "interview/prepare": (STATUS.ASSIGNED, "enforcement.handler", "enforcement.handler"),
    "interview/hold": (STATUS.NEW, "enforcement.handler", None),
    "listing/decide": (STATUS.NEW, "enforcement.leader", None),
    "removal/review": (STATUS.NEW, "enforcement.reviewer", None),
}
#: flow → the other nodes (start, gates, waits, end) a seeded case passed through
OTHER_NODES = {
    "objection": ("start", "after_intake", "await_supplement", "after_supplement", "after_review", "end"),
    "repair": ("start", "after_intake", "end"),
    "commitment": ("start", "is_signed", "await_signature", "after_signature", "await_supplement"),
    "interview": ("start", "await_confirmation", "after_confirmation"),
    "listing": ("start", "await_window", "end"),
    "removal": ("start",),
}


def task_rules() -> list:
    rules = []
    for flow_node, (status, claimer, owner) in HUMAN_TASKS.items():
        flow, node = flow_node.split("/")
        base = rf"^workflow/credit_processes/{flow}/<int:process_pk>/{node}/<int:task_pk>/"
        rules += [
            (base + "assign/$", allow(claimer, *ADMINS) if status == STATUS.NEW else NOBODY),
            (base + "unassign/$", allow(owner, *ADMINS) if owner else NOBODY),  # only the confirmation page; POST checks the state
            (base + "execute/$", allow(owner) if status == STATUS.ASSIGNED else NOBODY),
        ]
    for flow, nodes in OTHER_NODES.items():
        rules.append((rf"^workflow/credit_processes/{flow}/<int:process_pk>/({'|'.join(nodes)})/<int:task_pk>/(assign|unassign|execute)/$", NOBODY))
    reached = "|".join(f"{flow}/<int:process_pk>/{node}" for flow, node in (fn.split("/") for fn in HUMAN_TASKS)) + "|" + "|".join(
        f"{flow}/<int:process_pk>/({'|'.join(nodes)})" for flow, nodes in OTHER_NODES.items()
    )
    prefix = rf"^workflow/credit_processes/({reached})/<int:task_pk>/"
    rules += [
        (prefix + "$", allow(*STAFF)),  # the index: a redirect to what the user may open
        (prefix + "detail/$", allow(*CASE_STAFF)),
        (prefix + "(cancel|undo|revive)/$", allow(*ADMINS)),
    ]
    return rules


# --- the rule table ---------------------------------------------------------------------------------------------

# (regex on the route as the resolver spells it, rule): the first match wins. A route no
# regex matches has no rule, and test_every_url_has_a_rule fails.
RULES = [
    (r"^healthz$", PUBLIC),
    (r"^$", PUBLIC),
    (r"^accounts/(login|password_reset|password_reset/done|reset/<uidb64>/<token>|reset/done)/$", PUBLIC),
    (r"^accounts/logout/$", METHOD_ONLY),
    (r"^accounts/password_change/(done/)?$", allow(*LOGGED_IN)),
    (r"^admin/login/$", PUBLIC),
    (r"^admin/logout/$", Rule(get=outcomes(ok=[k for k in KINDS if k != "superuser"], method=("superuser",)))),
    # add/delete pages of append-only or system-written models, the autocomplete without a
    # field, view-on-site and password of a missing id: refused even to the administrator
    (r"^admin/(autocomplete/|r/|\^|\(\?P<url>|accounts/user/<id>/password/)", NOBODY),
    (r"^admin/(viewflow|axes|audit|documents|notifications|transfer)/\w+/add/$", NOBODY),
    (r"^admin/listing/check(client|log)/add/$", NOBODY),  # check clients are created with a command
    (r"^admin/(audit/auditentry|documents/document|documents/documentsequence|transfer/transfer)/<path:object_id>/delete/$", NOBODY),
    (r"^admin/", allow("superuser")),  # Django's admin: superusers only (管理员 staff act in the workbench)
    (r"^api/(schema|docs)/$", PUBLIC),
    (r"^api/v1/check/$", allow("check_token", shows_a=("check_token",))),  # what the check is for; no code: 400
    (r"^api/v1/tasks/(inbox|queue)/$", allow(*STAFF)),
    (r"^api/v1/tasks/<int:task_id>/claim/$", post_only("legal.intake", *ADMINS)),  # the transferred objection's intake
    (r"^api/v1/tasks/<int:task_id>/release/$", post_only("enforcement.handler", *ADMINS)),  # the repair decision it claimed
    (r"^api/v1/(objections|interviews)/<int:pk>/tasks/<int:task_id>/complete/$", post_only("enforcement.handler")),  # claimed by it
    (r"^api/v1/commitments/<int:pk>/tasks/<int:task_id>/complete/$", post_only(conflict=CASE_STAFF)),  # not claimed yet
    (r"^api/v1/interviews/imports/$", post_only(*STAFF)),
    (r"^api/v1/interviews/imports/<int:pk>/$", allow("enforcement.handler", *CREDIT_OFFICE)),  # its uploader
    (r"^api/v1/(objections|interviews|commitments)/$", allow(*LOGGED_IN)),  # each sees their own (no subject A for others)
    (r"^api/v1/(objections|interviews|commitments)/<int:pk>/$", allow(*CASE_PARTIES)),
    # the subject's actions, on cases past that step (the staff of the case confirm an interview on its behalf)
    (r"^api/v1/objections/<int:pk>/supply/$", post_only(conflict=("subject_a",))),
    (r"^api/v1/commitments/<int:pk>/(signed-letter|supply)/$", post_only("subject_a")),  # no file: 400
    (r"^api/v1/interviews/<int:pk>/confirm/$", post_only(conflict=CASE_PARTIES)),
    (r"^api/v1/transfers/?$", post_only("national_site")),  # signed with the national site's secret; an empty case is 400
    (r"^api/v1/transfers/<path:transfer_id>$", allow("national_site")),
    (r"^\^?api/", NOBODY),
    (r"^documents/verify/<str:code>/$", allow(*EVERYONE, shows_a=EVERYONE)),  # the code is printed on the document: its holder sees whose it is
    (r"^documents/verify/", PUBLIC),
    (r"^documents/download/<uuid:pk>/$", allow(*CASE_PARTIES)),  # each document has its own rule: DOCUMENTS
    (r"^notifications/$", allow(*LOGGED_IN)),
    (r"^notifications/<int:pk>/read/$", post_only("subject_a")),  # subject A's notification
    (r"^notifications/read-all/$", post_only(*LOGGED_IN)),
    (r"^workbench/$", allow(*STAFF)),
    (r"^workbench/tasks/<int:pk>/$", allow(*STAFF)),  # a redirect to the task's page, which decides
    (r"^workflow/(credit_processes/)?$", PUBLIC),
    *task_rules(),
    (r"^workflow/credit_processes/\w+/<int:process_pk>/$", allow(*CASE_STAFF)),
    (r"^workflow/credit_processes/\w+/<int:process_pk>/cancel/$", allow(*ADMINS)),
    (r"^workflow/credit_processes/\w+/<int:process_pk>/chart/$", allow(*STAFF)),  # the flow's chart: no case data
    (r"^workflow/.*<int:task_pk>", NOBODY),  # nodes no seeded case reached, given another node's task
    (r"^workflow/", allow(*STAFF)),  # viewflow's lists: each shows the user's departments' tasks
    (r"^oversight/refresh/$", post_only(*OVERSIGHT_ALL)),
    # leaders oversee every department (oversight.access): its deadlines and records name subjects;
    # a section chief (审核人) sees only their own department's
    (r"^oversight/", allow(*OVERSIGHT, shows_a=("*.leader",))),
    (r"^portal/$", allow(*LOGGED_IN)),
    (r"^portal/subject/$", post_only("subject_a")),  # choosing subject A
    (r"^portal/commitments/new/$", allow("subject_*")),
    (r"^portal/records/<int:record_pk>/", allow("subject_a")),
    (r"^portal/(objections|repairs|listings|removals|interviews|commitments)/<int:pk>/$", allow("subject_a")),
    (r"^portal/(objections/<int:pk>/supply|commitments/<int:pk>/(signed-letter|supply)|listings/<int:pk>/object)/$", allow("subject_a")),
    (r"^portal/(listings/<int:pk>/no-objection|interviews/<int:pk>/confirm)/$", post_only("subject_a")),
    (r"^portal/", NOBODY),
    (r"^commitments/<int:pk>/letter/$", allow(*CASE_PARTIES)),
    (r"^public/lists/<str:kind>/$", allow(*EVERYONE, shows_a=EVERYONE)),  # subject A is on the black list
    (r"^public/(repairs|commitments)/$", allow(*EVERYONE, shows_a=EVERYONE)),  # and its repair and commitment are published
    (r"^public/", PUBLIC),
    (r"^staff/objections/new/$", allow("legal.intake", "legal.handler", *ADMINS)),  # the credit office's counter
    (r"^staff/commitments/new/$", allow("*.intake", "*.handler", *ADMINS)),  # a department's counter
    (r"^staff/lists/propose/$", allow("*.handler", *ADMINS)),  # a designating department's handlers
    (r"^staff/lists/<int:entry_pk>/removal/$", allow(*CASE_STAFF)),  # the designating department and the credit office
    (r"^staff/(objections|repairs|listings|removals|interviews|commitments)/<int:pk>/$", allow(*CASE_STAFF)),
    (r"^staff/interviews/imports/<int:pk>/$", allow("enforcement.handler", *CREDIT_OFFICE)),
    (r"^staff/records/<int:record_pk>/repair-notice/$", post_only(*CASE_STAFF)),
    (r"^staff/interviews/<int:pk>/confirm/$", post_only(*CASE_STAFF)),
    (r"^staff/lists/$", allow(*STAFF, shows_a=STAFF)),  # the register of every list entry, for all staff
    (r"^staff/check-log/$", allow(*STAFF, shows_a=STAFF)),  # which system checked whom (the check API's log)
    (r"^staff/interviews/new/$", allow(*STAFF, shows_a=STAFF)),  # published dishonesty records and lists in force, to start from
    # the penalty search (for a repair notice): the records of the user's own departments
    (r"^staff/(penalties|joint-actions|interviews|interviews/import)/$", allow(*STAFF)),
    (r"^staff/platform-syncs/$", allow(*CREDIT_OFFICE)),
    (r"^staff/platform-syncs/<int:pk>/resend/$", post_only(*CREDIT_OFFICE)),
    (r"^staff/", NOBODY),
    (r"^commitments/", NOBODY),
]

#: The documents of the seeded cases: who may download each (documents:download).
DOCUMENTS = {
    "objection acceptance notice (to the subject)": CASE_PARTIES,
    "objection verification letter (between departments)": CASE_STAFF,
    "repair decision": CASE_PARTIES,
    "interview notice": CASE_PARTIES,
    "listing decision": CASE_PARTIES,
}


def routes():
    """Every (route, name) the resolver knows, namespaces joined with ':'."""
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


def rule_for(route):
    for pattern, rule in RULES:
        if re.search(pattern, route):
            return rule
    return None


def test_every_url_has_a_rule():
    unruled = [route for route, _ in routes() if rule_for(route) is None]
    assert not unruled, f"new endpoints without an access rule in tests/test_access_matrix.py: {unruled}"


# --- the seeded cases -------------------------------------------------------------------------------------------


class NationalSiteClient(Client):
    """The national site: every request signed with the shared secret over ``<timestamp>.<body>``."""

    def generic(self, method, path, data="", content_type="application/octet-stream", secure=False, *, headers=None, query_params=None, **extra):
        body = data if isinstance(data, bytes) else str(data).encode()
        timestamp = int(time.time())
        extra.update(HTTP_X_TRANSFER_TIMESTAMP=str(timestamp), HTTP_X_TRANSFER_SIGNATURE=transfer_sign(timestamp, body))
        return super().generic(method, path, data, content_type, secure, headers=headers, query_params=query_params, **extra)


def _done_task(case, node) -> DepartmentTask:
    return DepartmentTask.objects.filter(process_id=case.process_id, flow_task=node, status=STATUS.DONE).latest("pk")


def _document(case, title_part: str) -> Document:
    return Document.objects.for_case(case).get(title__contains=title_part)


def seed():
    client = Client()
    user_model = get_user_model()
    a_user, subject_a = make_subject_user(SubjectFactory(name="矩阵甲货运有限公司"), username="subject.a")
    b_user, _ = make_subject_user(SubjectFactory(name="矩阵乙货运有限公司"), username="subject.b")
    users = {"subject_a": a_user, "subject_b": b_user, "superuser": user_model.objects.create_superuser("root", "root@example.com", "pass-12345")}
    for kind in STAFF_KINDS:
        department, role = kind.split(".")
        users[kind] = make_staff(department, role, username=kind)
    u = SimpleNamespace(**{kind.replace(".", "_"): user for kind, user in users.items()})
    serial = iter(range(1, 100))
    # decided four months ago: published, and past a general penalty's minimum period (repairable)
    decided_on = timezone.localdate() - datetime.timedelta(days=120)
    dates = {"decision_date": decided_on, "publish_on": decided_on + datetime.timedelta(days=3)}

    def record(**fields):
        return make_record(subject_a, document_number=f"交执罚〔{decided_on.year}〕{next(serial)}号", **dates, **fields)

    # objections: one at verification (claimed), one decided after a supplement, one transferred, awaiting intake
    objection = accept(client, u.legal_intake, file_objection(client, a_user, record()))
    claim(client, u.enforcement_handler, open_task(objection, ObjectionFlow.verify))
    decided = file_objection(client, a_user, record())
    due_on = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    act(client, u.legal_intake, decided, ObjectionFlow.intake, {"decision": "supplement", "reason": "请补充复议决定书。", "due_on": due_on})
    client.force_login(a_user)
    assert client.post(f"/portal/objections/{decided.pk}/supply/", {"note": "已补充。", "files": pdf_upload("复议决定书.pdf")}).status_code == 302
    decided = approve(client, u.enforcement_reviewer, propose(client, u.enforcement_handler, accept(client, u.legal_intake, decided), "upheld"))
    transferred_record = record()
    answer = transfer_post(Client(), make_case(case_type="objection", subject=subject_a, decision_no=transferred_record.document_number))
    assert answer.status_code == 201, answer.content
    transfer = Transfer.objects.get(transfer_id=json.loads(answer.content)["transfer_id"])
    transferred = transfer.case

    # repairs: one at the decision (claimed), one approved
    performed_on = (decided_on + datetime.timedelta(days=14)).isoformat()
    repair = repair_accept(client, u.legal_intake, file_repair(client, a_user, record(), performed_on=performed_on))
    claim(client, u.enforcement_handler, open_task(repair, RepairFlow.decide))
    approved = repair_accept(client, u.legal_intake, file_repair(client, a_user, record(), performed_on=performed_on))
    approved = repair_decide(client, u.enforcement_handler, approved, "approve", "已缴清罚款并完成整改。")

    # a commitment to the enforcement detachment: signed, materials supplied, awaiting verification
    enforcement = Department.objects.get(code="enforcement")
    commitment = submit_commitment(client, a_user, subject_a, department=enforcement)
    assert commitment_sign(client, a_user, commitment).status_code == 302
    assert commitment_supply(client, a_user, commitment).status_code == 302

    # interviews: one confirmed, awaiting the meeting; one whose notice is being prepared (claimed)
    interview = start_interview(client, u.enforcement_handler, record=make_dishonesty(subject_a, document_number="交执失〔2026〕1号", **dates))
    when = (timezone.localtime() + datetime.timedelta(days=14)).strftime("%Y-%m-%d 09:30")
    send_notice(client, u.enforcement_handler, interview, when=when)
    assert portal_confirm(client, a_user, interview).status_code == 302
    preparing = start_interview(client, u.enforcement_handler, record=make_dishonesty(subject_a, document_number="交执失〔2026〕2号", **dates))
    claim(client, u.enforcement_handler, open_task(preparing, InterviewFlow.prepare))
    batch = interview_services.interview_import(
        name="名单.csv", content=(",".join(HEADER) + "\n某公司,不是代码,失信,执法支队,2026-01-05,省级,警示约谈\n").encode(), by=u.enforcement_handler,
    )

    # lists: one designation awaiting the leader; one listed, its removal under review
    def designation(list_kind, basis=None):
        case = listing_services.listing_propose(
            subject=subject_a, list_kind=list_kind, department=enforcement, basis_record=basis,
            designation_standard="《交通运输领域严重失信主体名单认定标准》第三条", reason="一年内三次严重超限超载运输。",
            expires_on=timezone.localdate() + datetime.timedelta(days=365), measures=["限制参与交通运输工程招标投标"], by=u.enforcement_handler,
        )
        listing_services.listing_waive_objection(case=case, by=a_user)
        return case

    listed = designation("black", basis=record(severity="serious"))
    decide = open_task(listed, ListingFlow.decide)
    task_claim(task_id=decide.pk, user=u.enforcement_leader)
    task_complete(task_id=decide.pk, user=u.enforcement_leader, perform=lambda _t: listing_services.listing_decide(case=listed, by=u.enforcement_leader, decision="list", reason="符合认定标准。"))
    entry = ListEntry.objects.get(pk=listed.entry_id)
    assert start_removal_page(client, u.enforcement_handler, entry, reason=ListEntry.RemovalReason.COURT_RULING).status_code == 302
    removal = RemovalCase.objects.get(entry=entry)
    pending = designation("focus")

    _, token = listing_services.check_client_create(name="审批系统", system_kind="licensing")
    cases = {
        "objection": objection, "repair": repair, "commitment": commitment, "interview": interview, "listing": pending, "removal": removal,
    }
    tasks = {
        "objection/intake": open_task(transferred, ObjectionFlow.intake), "objection/verify": open_task(objection, ObjectionFlow.verify),
        "objection/review": _done_task(decided, ObjectionFlow.review), "repair/intake": _done_task(repair, RepairFlow.intake),
        "repair/decide": open_task(repair, RepairFlow.decide), "commitment/verify": open_task(commitment, CommitmentFlow.verify),
        "interview/prepare": open_task(preparing, InterviewFlow.prepare), "interview/hold": open_task(interview, InterviewFlow.hold),
        "listing/decide": open_task(pending, ListingFlow.decide), "removal/review": open_task(removal, RemovalFlow.review),
    }
    others = {"objection": decided, "repair": approved, "commitment": commitment, "interview": interview, "listing": listed, "removal": removal}
    for flow, nodes in OTHER_NODES.items():
        for node in nodes:
            tasks[f"{flow}/{node}"] = DepartmentTask.objects.filter(process_id=others[flow].process_id, flow_task=getattr(cases[flow].process.flow_class, node)).latest("pk")
    documents = {
        "objection acceptance notice (to the subject)": _document(objection, "受理通知书"),
        "objection verification letter (between departments)": _document(objection, "协查函"),
        "repair decision": _document(approved, "信用修复决定书"),
        "interview notice": _document(interview, "约谈通知书"),
        "listing decision": _document(listed, "列入名单决定书"),
    }
    clients = {"anonymous": Client(), "check_token": Client(HTTP_AUTHORIZATION=f"Bearer {token}"), "national_site": NationalSiteClient()}
    for kind, user in users.items():
        clients[kind] = Client()
        clients[kind].force_login(user)
    return SimpleNamespace(
        users=users, clients=clients, subject_a=subject_a, cases=cases, preparing=preparing, tasks=tasks, documents=documents, transfer=transfer,
        record=record(), entry=entry, batch=batch, sync=PlatformSync.objects.order_by("pk").first(),
        notification=Notification.objects.filter(recipient=a_user).order_by("pk").first(),
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seeded cases, once for the module, in a transaction rolled back at its end."""
    from django.conf import settings

    static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    overrides = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"), STORAGES=static, NATIONAL_SITE_SECRET=SECRET, NATIONAL_SITE_FEEDBACK_URL="",
        PLATFORM_SYNC_URLS={}, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Thirteen thousand requests: the session in its cookie spares a query each (who may do what does not depend on it).
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
    )
    # Each refusal is logged with its traceback: thousands of them, on purpose, here.
    quiet = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    with django_db_blocker.unblock(), overrides, transaction.atomic():
        cache.clear()
        world = seed()
        check_seed(world)
        yield world
        transaction.set_rollback(True)
    for logger, level in zip(quiet, levels):
        logger.setLevel(level)


def check_seed(world):
    """The seeded tasks are in the states HUMAN_TASKS says (so its rules describe them)."""
    wrong = []
    for flow_node, (status, claimer, owner) in HUMAN_TASKS.items():
        task = world.tasks[flow_node]
        task.refresh_from_db()
        held = f"{task.owner_permission_obj_pk}/{task.owner_permission}"
        claimer_department, claimer_role = claimer.split(".")
        expected = f"{Department.objects.get(code=claimer_department).pk}/credit.role_{claimer_role}"
        if task.status != status or (task.owner.username if task.owner_id else None) != owner or held != expected:
            wrong.append(f"{flow_node}: {task.status}, owner {task.owner}, held by {held} (expected {status}, {owner}, {expected})")
    assert not wrong, wrong


# --- filling in a route -------------------------------------------------------------------------------------------

#: Pages that look a subject up: each is asked about subject A too (url name → the parameter).
SEARCHES = {
    "repair:staff_penalties": "q", "interview:staff_start": "q", "listing:register": "q", "listing:check_log": "code",
    "listing_api:check": "code", "listing:public_list": "q", "repair:public_list": "q", "commitment:public_list": "q",
}

FAMILIES = [  # (regex on the URL name, the seeded case whose ids the route gets)
    (r"^(objection|objection_api|credit_processes:objection):", "objection"),
    (r"^(repair|credit_processes:repair):", "repair"),
    (r"^(commitment|commitment_api|credit_processes:commitment):", "commitment"),
    (r"^(interview|interview_api|credit_processes:interview):", "interview"),
    (r"^(listing:(staff|portal)_listing|listing:portal_(object|waive)|credit_processes:listing:)", "listing"),
    (r"^(listing:(staff|portal)_removal|credit_processes:removal:)", "removal"),
]


def fill(route, name, world) -> list[tuple[str, str, Rule]]:
    """The concrete requests for a route: (label, path, rule); several for a download of documents."""
    name = name or ""
    if name == "documents:download":
        return [(label, f"/documents/download/{world.documents[label].pk}/", allow(*DOCUMENTS[label])) for label in DOCUMENTS]
    case = next((world.cases[family] for pattern, family in FAMILIES if re.search(pattern, name)), None)
    values = {"record_pk": world.record.pk, "entry_pk": world.entry.pk, "which": "overdue", "kind": "black"}
    if case is not None:
        values.update(pk=case.pk, process_pk=case.process_id)
    task_node = re.match(r"^credit_processes:(\w+):(\w+):\w+$", name)
    if task_node:
        flow, node = task_node.groups()
        # a node no seeded case reached: a task of another node of the flow, which its pages must not open
        task = world.tasks.get(f"{flow}/{node}") or next(world.tasks[key] for key in HUMAN_TASKS if key.startswith(f"{flow}/"))
        values.update(process_pk=task.process_id, task_pk=task.pk)
    special = {
        "tasks_api:claim": {"task_id": world.tasks["objection/intake"].pk},
        "tasks_api:release": {"task_id": world.tasks["repair/decide"].pk},
        "objection_api:task-complete": {"task_id": world.tasks["objection/verify"].pk},
        "interview_api:task-complete": {"pk": world.preparing.pk, "task_id": world.tasks["interview/prepare"].pk},
        "commitment_api:task-complete": {"task_id": world.tasks["commitment/verify"].pk},
        "interview_api:import-detail": {"pk": world.batch.pk},
        "interview:import_result": {"pk": world.batch.pk},
        "notifications:mark_read": {"pk": world.notification.pk},
        "workbench:task": {"pk": world.tasks["objection/verify"].pk},
        "transfer_staff:platform_sync_resend": {"pk": world.sync.pk},
        "transfer_api:status": {"transfer_id": world.transfer.transfer_id},
        "documents:verify": {"code": world.documents["repair decision"].verification_code},
    }
    values.update(special.get(name, {}))

    def value(match):
        return str(values.get(match.group(2), MISSING))

    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "2026-01" if m.group(1) == "month" else MISSING, route)
    path = "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, path).replace("^", "").replace("$", "")
    found = [("", path, rule_for(route))]
    if name in SEARCHES:  # and looking subject A up by its code
        found.append((f"?{SEARCHES[name]}=", f"{path}?{SEARCHES[name]}={world.subject_a.uscc}", rule_for(route)))
    return found


def post_data(name, world) -> tuple[dict | str, str | None]:
    """A POST's body: what gets past input checks to the gate under test; (data, content type)."""
    future = (timezone.localtime() + datetime.timedelta(days=20)).replace(hour=9, minute=30, second=0, microsecond=0)
    bodies = {
        "portal:choose_subject": {"subject": world.subject_a.pk},
        "objection_api:task-complete": {"outcome": "upheld", "reason": "经核查，原记录无误。"},
        "interview_api:task-complete": {"kind": "warning", "scheduled_at": future.isoformat(), "place": "三楼约谈室", "matter": "督促整改"},
        "commitment_api:task-complete": {"method": "online", "finding": "容缺材料已补齐。", "result": "fulfilled"},
        "objection_api:case-supply": {"note": "已补充复议决定书。"},
        "interview_api:case-confirm": {"note": "电话确认参加。"},
    }
    body = bodies.get(name, {})
    if (name or "").startswith(("objection_api:", "interview_api:", "commitment_api:")) and name != "interview_api:import-create":
        return json.dumps(body, ensure_ascii=False), "application/json"
    return body, None


def outcome(response) -> str:
    code = response.status_code
    if code == 405:
        return "method"
    if code == 409:
        return "conflict"
    if code in (401, 403, 404):
        return "deny"
    if code in (301, 302, 303, 307, 308):
        return "deny" if "login" in response["Location"] else "ok"
    if code < 300 or code == 400:  # 400: past the gate, the input was checked
        return "ok"
    return f"error {code}"


def requests(world):
    for route, name in routes():
        for label, path, rule in fill(route, name, world):
            yield route, name, label, path, rule


@pytest.fixture(scope="module")
def answers(world):
    """Every route's GET, by every kind of user: (route, label, path, kind, rule, outcome, status, names subject A)."""
    markers = (world.subject_a.name.encode(), world.subject_a.uscc.encode())
    rows = []
    for route, name, label, path, rule in requests(world):
        for kind, client in world.clients.items():
            response = client.get(path)
            got = outcome(response)
            if route == "healthz" and response.status_code == 503:
                got = "ok"  # the health page answers everyone; 503 says a backend is down, not "denied"
            textual = response.get("Content-Type", "").startswith(("text/", "application/json"))
            body = b"".join(response.streaming_content) if response.streaming else response.content
            names_a = textual and any(marker in body for marker in markers if marker.decode() not in path)  # (a search echoes its query)
            rows.append(SimpleNamespace(route=route, label=label, path=path, kind=kind, rule=rule, got=got, status=response.status_code, names_a=names_a))
    return rows


@pytest.mark.django_db  # (the module's world is seeded in the test database: this marker asks for it)
def test_every_url_answers_every_kind_of_user_as_its_rule_says(answers):
    wrong = [
        f"{row.kind:>20} GET {row.path} ({row.route}{' ' + row.label if row.label else ''}): expected {row.rule.get[row.kind]}, got {row.got} [{row.status}]"
        for row in answers
        if not matches(row.got, row.rule.get[row.kind])
    ]
    assert not wrong, f"{len(wrong)} of {len(answers)} answers differ from the rule table:\n" + "\n".join(wrong)
    assert len(answers) > 10000


@pytest.mark.django_db
def test_no_page_shows_subject_a_to_those_it_does_not_concern(answers):
    sees_a = kinds(*SEES_A)
    leaks = [
        f"{row.kind:>20} GET {row.path} ({row.route}) [{row.status}] names subject A"
        for row in answers
        if row.names_a and row.kind not in sees_a and row.kind not in row.rule.shows_a
    ]
    assert not leaks, "\n".join(leaks)
    # the check can fail: subject A's own pages name it; and each exception in the table is still needed
    assert any(row.names_a and row.kind == "subject_a" for row in answers)
    needed = {id(row.rule) for row in answers if row.names_a and row.kind in row.rule.shows_a - sees_a}
    stale = [pattern for pattern, rule in RULES if rule.shows_a - sees_a and id(rule) not in needed]
    assert not stale, f"rules letting a page show subject A where none does: {stale}"


@pytest.mark.django_db
def test_a_task_page_opens_only_for_its_own_node_and_process(world):
    """Viewflow finds a task by its id: the node and the process in the URL must be the task's own."""
    flow = "/workflow/credit_processes/objection"
    intake, verify = world.tasks["objection/intake"], world.tasks["objection/verify"]
    # an intake clerk (受理员), but the enforcement detachment's: the objection's intake is the credit office's
    clerk = world.clients["enforcement.intake"]
    assert clerk.post(f"{flow}/{intake.process_id}/verify/{intake.pk}/assign/").status_code == 404
    assert clerk.post(f"{flow}/{intake.process_id}/review/{intake.pk}/assign/").status_code == 404
    intake.refresh_from_db()
    assert intake.status == STATUS.NEW and intake.owner_id is None
    handler = world.clients["enforcement.handler"]  # the verify task's owner
    assert handler.get(f"{flow}/{verify.process_id}/verify/{verify.pk}/execute/").status_code == 200
    assert handler.get(f"{flow}/{verify.process_id}/intake/{verify.pk}/execute/").status_code == 404
    assert handler.get(f"{flow}/{intake.process_id}/verify/{verify.pk}/execute/").status_code == 404


@pytest.mark.django_db
def test_every_post_only_endpoint_lets_in_only_those_its_rule_says(world):
    wrong, checked = [], 0
    for route, name, label, path, rule in requests(world):
        if rule.post is None:
            continue
        data, content_type = post_data(name, world)
        for kind, client in world.clients.items():
            with transaction.atomic():  # whatever the POST does is undone before the next
                response = client.post(path, data, content_type=content_type) if content_type else client.post(path, data)
                transaction.set_rollback(True)
            got = outcome(response)
            checked += 1
            if got != rule.post[kind]:
                wrong.append(f"{kind:>20} POST {path} ({route}): expected {rule.post[kind]}, got {got} [{response.status_code}]")
    assert not wrong, f"{len(wrong)} of {checked} answers differ from the rule table:\n" + "\n".join(wrong)
    assert checked > 300
