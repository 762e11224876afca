"""The staff frontend speaks Simplified Chinese: viewflow's pages use the project's catalog.

viewflow ships an empty zh_Hans catalog; ``locale/zh_Hans/LC_MESSAGES/django.po`` (compiled
to ``django.mo``, both committed) translates every one of its msgids, and LOCALE_PATHS
catalogs take precedence over app catalogs.
"""

import ast
import datetime
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import viewflow
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from processes.objection.flows import ObjectionFlow
from processes.objection.tests.support import file_objection, make_record, open_task, task_url
from tests.factories import make_staff, make_subject_user

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
VIEWFLOW_CATALOG = Path(viewflow.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

MENU = {"总览", "待办", "待领取", "已办", "返回", "应用"}
# viewflow's own labels that must no longer show (menus, buttons, column and field names, statuses)
ENGLISH = {
    "Dashboard", "Inbox", "Queue", "Archive", "Back", "Applications", "Log out", "Filter",
    "Assign", "Assign and continue", "Execute", "Execute and continue", "Unassign", "Cancel",
    "Created", "Started", "Finished", "Owner", "Description", "Status", "Task", "Process",
    "New", "Done", "Assigned", "Canceled", "Yesterday",
}


# --- the catalog -------------------------------------------------------------------------


def read_po(path: Path) -> dict:
    """``{(msgctxt, msgid, msgid_plural): [msgstr, ...]}`` of a .po file, header left out."""
    entries, entry, key = {}, {}, None

    def flush():
        if entry.get("msgid"):
            entries[(entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"))] = [
                value for name, value in sorted(entry.items()) if name.startswith("msgstr")
            ]

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if not line and entry:
                flush()
                entry = {}
            continue
        if line.startswith('"'):
            entry[key] += ast.literal_eval(line)
            continue
        key, _, value = line.partition(" ")
        entry[key] = ast.literal_eval(value)
    flush()
    return entries


def test_every_msgid_has_a_chinese_msgstr():
    catalog = read_po(CATALOG / "django.po")
    assert len(catalog) >= 160
    empty = [msgid for (_, msgid, _), msgstrs in catalog.items() if not msgstrs or not all(s.strip() for s in msgstrs)]
    assert empty == []
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", s[0])) for s in catalog.values()) > 0.9 * len(catalog)


def test_catalog_covers_viewflows_own():
    ours = {(ctx, msgid) for ctx, msgid, _ in read_po(CATALOG / "django.po")}
    theirs = {(ctx, msgid) for ctx, msgid, _ in read_po(VIEWFLOW_CATALOG)}
    assert theirs - ours == set()


def test_compiled_catalog_matches_the_po():
    """django.mo is what Django loads: it must be compiled from the current django.po."""
    with open(CATALOG / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    for (ctx, msgid, plural), msgstrs in read_po(CATALOG / "django.po").items():
        key = msgid if ctx is None else f"{ctx}\x04{msgid}"
        assert (compiled[(key, 0)] if plural else compiled[key]) == msgstrs[0], msgid


def test_django_uses_the_project_catalog():
    with translation.override("zh-hans"):
        assert translation.gettext("Inbox") == "待办"
        assert translation.gettext("Queue") == "待领取"
        assert translation.gettext("Assign") == "领取"
        assert translation.gettext("Execute and continue") == "办理并继续"
        assert translation.gettext("Task {task} has been assigned.") == "任务 {task} 已领取。"
        assert translation.pgettext("STATUS", "Done") == "已办结"
        assert translation.pgettext("STATUS", "Assigned") == "已领取"


# --- the pages ---------------------------------------------------------------------------


class _Text(HTMLParser):
    """What a person reads on a page: text, and the labels and titles of fields and links."""

    def __init__(self):
        super().__init__()
        self.skip, self.texts = 0, set()

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")
        self.texts.update(" ".join(v.split()) for k, v in attrs if k in ("label", "title", "aria-label") and v)

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.add(" ".join(data.split()))


def texts(response) -> set[str]:
    assert response.status_code == 200, response.status_code
    parser = _Text()
    parser.feed(response.content.decode())
    return parser.texts


def assert_chinese(page: set[str], *labels: str, hardcoded: frozenset = frozenset()):
    """``hardcoded``: English that viewflow writes into a template without marking it for
    translation, which no catalog can reach."""
    assert MENU <= page, MENU - page
    assert set(labels) <= page, set(labels) - page
    assert page & ENGLISH - hardcoded == set(), page & ENGLISH - hardcoded


@pytest.fixture
def case(client, db, settings, tmp_path):
    """A filed objection: its intake task waits in the credit office's queue."""
    settings.MEDIA_ROOT = tmp_path / "media"
    applicant, subject = make_subject_user()
    record = make_record(subject, decision_date=datetime.date(2026, 1, 6), publish_on=datetime.date(2026, 1, 9))
    objection = file_objection(client, applicant, record)
    clerk = make_staff("legal", "intake")
    client.force_login(clerk)
    return objection, open_task(objection, ObjectionFlow.intake)


def test_workbench_pages_are_in_chinese(client, case):
    objection, task = case
    flow = ObjectionFlow.instance

    dashboard = texts(client.get(reverse("credit_processes:objection:index")))
    assert_chinese(dashboard, "领取", "创建时间", "完成时间", "流程列表")

    processes = texts(client.get(flow.reverse("process_list")))
    assert_chinese(processes, "筛选", "状态", "创建时间", "完成时间", "退出登录")

    queue = texts(client.get(flow.reverse("queue")))
    assert_chinese(queue, "编号", "任务", "创建时间", "受理审查")

    inbox = texts(client.get(flow.reverse("inbox")))
    assert_chinese(inbox, "编号", "任务")

    # viewflow/workflow/task_base.html: <md-outlined-text-field label="Owner" ...>
    task_fields = frozenset({"Owner"})
    assign = texts(client.get(task_url(task, "assign")))
    assert_chinese(assign, "领取", "领取并办理", "状态", "待办理", hardcoded=task_fields)

    detail = texts(client.get(flow.reverse("process_detail", args=[objection.process_id])))
    assert_chinese(detail, "说明", "办理人", "开始时间", "完成时间", "状态", "已办结", "待办理")


def test_claiming_and_handling_a_task_in_chinese(client, case):
    _, task = case

    response = client.post(task_url(task, "assign"), follow=True)
    page = texts(response)
    assert "任务" in page and "已领取。" in page  # "任务 <a>#2</a> 已领取。"
    assert not any("has been assigned" in text for text in page)

    execute = texts(client.get(task_url(task, "execute")))
    assert_chinese(execute, "办理", "办理并继续")

    inbox = texts(client.get(ObjectionFlow.instance.reverse("inbox")))
    assert_chinese(inbox, "受理审查")
