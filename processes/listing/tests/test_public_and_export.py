"""Public disclosure (no login): the red and black lists in force, searchable, a natural person's ID masked and no
phone shown. The monthly effectiveness list (联合奖惩成效清单) exported by staff as Excel and CSV, read back."""

import csv
import datetime
import io
import zoneinfo

from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from credit.models import Department, JointAction, ListEntry
from credit.validators import mask_id_number
from tests.factories import SubjectFactory, next_id_number

from .support import listed_entry, propose

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def public(client, kind, **params) -> str:
    client.logout()
    response = client.get(reverse("listing:public_list", args=[kind]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_public_lists_show_entries_in_force_with_natural_persons_masked_and_no_phone(client, people, record):
    driver = SubjectFactory(kind="natural_person", name="林国栋", uscc=None, id_number=next_id_number(), contact_phone="13912345678")
    listed_entry(people, subject=driver)
    listed_entry(people, basis=record)
    red = SubjectFactory(name="诚信客运有限公司")
    listed_entry(people, subject=red, list_kind="red", measures=("行政审批绿色通道",))
    pending = SubjectFactory(name="拟列入物流有限公司")
    propose(client, people.handler, pending)  # only proposed: not public
    ended = SubjectFactory(name="期满运输有限公司")
    listed_entry(people, subject=ended, expires_on=datetime.date(2026, 6, 20))

    page = public(client, "black")
    assert driver.name in page and people.subject.name in page and people.subject.uscc in page
    assert mask_id_number(driver.id_number) in page and driver.id_number not in page
    assert "13912345678" not in page and driver.contact_phone not in page
    assert red.name not in page and pending.name not in page
    assert "限制参与交通运输工程招标投标" in page and "交通运输综合行政执法支队" in page

    red_page = public(client, "red")
    assert red.name in red_page and "行政审批绿色通道" in red_page and people.subject.name not in red_page

    # searchable by name, or by the full code (the answer still masked)
    page = public(client, "black", q="林国")
    assert driver.name in page and people.subject.name not in page
    table = public(client, "black", q=driver.id_number.lower()).split('<table id="entries">')[1]  # the search box echoes what was typed
    assert driver.name in table and driver.id_number not in table
    assert people.subject.name in public(client, "black", q=people.subject.uscc)

    client.logout()
    assert client.get(reverse("listing:public_list", args=["focus"])).status_code == 404  # shared with systems, not published


def test_an_entry_leaves_the_public_list_when_its_period_ends_before_its_removal_is_decided(client, people, record, clock):
    listed_entry(people, basis=record, expires_on=datetime.date(2026, 6, 20))
    assert people.subject.name in public(client, "black")
    clock(datetime.datetime(2026, 6, 21, 9, 0))
    assert people.subject.name not in public(client, "black")


def test_public_index_links_the_lists_and_the_published_repairs(client, db):
    page = client.get(reverse("listing:public_index")).content.decode()
    assert reverse("listing:public_list", args=["red"]) in page and reverse("listing:public_list", args=["black"]) in page
    assert reverse("repair:public_list") in page and reverse("documents:verify_form") in page
    try:
        commitments = reverse("commitment:public_list")
    except NoReverseMatch:  # the commitment process is not installed: no link
        assert "信用承诺公示" not in page
    else:
        assert commitments in page


# --- the monthly effectiveness list -------------------------------------------------------------------------


def action(subject, *, at, measure, matter, kind=JointAction.Kind.PUNISHMENT, department="approval"):
    return JointAction.objects.create(
        subject=subject, kind=kind, measure=measure, matter=matter, executing_department=Department.objects.get(code=department),
        executed_at=at.replace(tzinfo=BEIJING),
    )


def test_effectiveness_list_exports_the_months_actions_as_excel_and_csv(client, people):
    driver = SubjectFactory(kind="natural_person", name="林国栋", uscc=None, id_number=next_id_number())
    action(people.subject, at=datetime.datetime(2026, 5, 31, 23, 30), measure="限制参与招标投标", matter="公路养护工程招标")  # May, Beijing time
    action(people.subject, at=datetime.datetime(2026, 6, 1, 0, 10), measure="限制参与招标投标", matter="公路养护工程招标（二标段）")
    action(driver, at=datetime.datetime(2026, 6, 18, 14, 5), measure="从业资格审批从严", matter="道路运输从业资格证换证", department="transport")
    action(people.other_subject, at=datetime.datetime(2026, 6, 20, 9, 0), measure="优先办理", matter="容缺受理", kind=JointAction.Kind.REWARD)
    action(people.subject, at=datetime.datetime(2026, 7, 1, 0, 0), measure="限制参与招标投标", matter="七月的事项")

    client.force_login(people.outsider)
    page = client.get(reverse("listing:joint_actions"), {"month": "2026-06"})
    assert page.status_code == 200 and len(page.context["rows"]) == 3

    response = client.get(reverse("listing:joint_actions"), {"month": "2026-06", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["信用主体", "统一社会信用代码/身份证号码", "奖惩类型", "措施", "执行部门", "执行时间", "事项"]
    assert rows[1:] == [
        [people.subject.name, people.subject.uscc, "联合惩戒", "限制参与招标投标", "行政审批科", datetime.datetime(2026, 6, 1, 0, 10), "公路养护工程招标（二标段）"],
        [driver.name, mask_id_number(driver.id_number), "联合惩戒", "从业资格审批从严", "运管科", datetime.datetime(2026, 6, 18, 14, 5), "道路运输从业资格证换证"],
        [people.other_subject.name, people.other_subject.uscc, "联合激励", "优先办理", "行政审批科", datetime.datetime(2026, 6, 20, 9, 0), "容缺受理"],
    ]

    response = client.get(reverse("listing:joint_actions"), {"month": "2026-06", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())  # Excel reads the Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "信用主体" and len(rows) == 4
    assert rows[2] == [driver.name, mask_id_number(driver.id_number), "联合惩戒", "从业资格审批从严", "运管科", "2026-06-18 14:05", "道路运输从业资格证换证"]

    # the current month by default; a subject's user may not export
    assert client.get(reverse("listing:joint_actions")).context["month"] == datetime.date(2026, 6, 1)
    client.force_login(people.applicant)
    assert client.get(reverse("listing:joint_actions"), {"format": "csv"}).status_code == 403
    assert ListEntry.objects.count() == 0
