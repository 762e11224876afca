"""The monthly report: the month's cases by process and outcome, the 7-day rate, joint actions, overdue steps.

Read back from the issued PDF (pypdf) and the Excel workbook (openpyxl).
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from credit.models import JointAction
from documents.models import Document
from oversight.models import MonthlyReport
from processes.objection.flows import ObjectionFlow
from processes.objection.tests.support import accept, approve, claim, file_objection, make_record, open_task, propose, submit
from processes.repair.flows import RepairFlow
from tests.factories import make_staff, make_subject_user

from .support import TODAY, D, at, department, freeze, pdf_text, seed_february


def backdate(objection, *, created, finished=None):
    """Viewflow stamps processes and tasks with the real clock: put the case's back into February."""
    Process.objects.filter(pk=objection.process_id).update(created=created, finished=finished)
    tasks = objection.process.task_set
    tasks.update(created=created)
    tasks.filter(finished__isnull=False).update(finished=finished or created)


@pytest.fixture
def february(client, people, subject, monkeypatch):
    """February 2026 at the bureau, looked at on 2026-03-09.

    Cases: objection 1 filed 02-02, decided 02-04 (upheld: 维持原记录); objection 2 filed 02-03,
    refused at intake (不予受理); objection 3 filed 02-05, intake still open, due 02-09
    (02-06 = 1, 02-09 = 2) → overdue on 02-28 by 19 days. A repair process (no case row) finished 02-10.
    Joint actions: one in January, one in February (in the list), one in March.
    Records: ``seed_february`` (the 7-day rate) plus three January penalties the objections are about.
    """
    applicant, _ = make_subject_user(subject=subject, username="applicant")
    handler, reviewer = make_staff("enforcement", "handler"), people.chief
    cases = []
    for n, day in enumerate((D(2026, 2, 2), D(2026, 2, 3), D(2026, 2, 5)), start=1):
        freeze(monkeypatch, at(day))
        record = make_record(subject, document_number=f"交执罚〔2026〕10{n}号", decision_date=D(2026, 1, 5), publish_on=D(2026, 1, 8))
        cases.append(file_objection(client, applicant, record))
        if n == 1:
            objection = accept(client, people.credit_clerk, cases[-1])
            approve(client, reviewer, propose(client, handler, objection, "upheld"))
            backdate(cases[-1], created=at(day), finished=at(D(2026, 2, 4), 16))
        elif n == 2:
            intake = claim(client, people.credit_clerk, open_task(cases[-1], ObjectionFlow.intake))
            assert submit(client, people.credit_clerk, intake, {"decision": "refuse", "reason": "不属于本机关管理范围。"}).status_code == 302
            backdate(cases[-1], created=at(day), finished=at(day, 15))
        else:
            backdate(cases[-1], created=at(day))
    Process.objects.create(flow_class=RepairFlow, status=PROCESS.DONE, created=at(D(2026, 2, 9)), finished=at(D(2026, 2, 10)))
    for day, measure in ((D(2026, 1, 20), "一月措施"), (D(2026, 2, 25), "限制参与招投标"), (D(2026, 3, 2), "三月措施")):
        JointAction.objects.create(
            subject=subject, kind=JointAction.Kind.PUNISHMENT, measure=measure, executing_department=department("approval"),
            executed_at=at(day), matter="道路运输经营许可申请", result="不予许可",
        )
    seed_february(subject)
    freeze(monkeypatch, at(TODAY, 11))
    for case in cases:
        case.refresh_from_db()
    return cases


def test_pdf_is_the_credit_offices_report_to_the_province(client, people, february):
    client.force_login(people.leader)

    response = client.get(reverse("oversight:monthly_report", args=["2026-02"]), {"format": "pdf"})

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    report = MonthlyReport.objects.get()
    assert report.document.kind == "monthly_report" and report.document.department == department("legal")
    assert report.document.number.startswith("交法〔2026〕") and report.document.number in text
    for expected in (
        "市交通运输局法规科",
        "2026年2月信用工作月度报告",
        "省交通运输厅信用工作领导小组办公室：",
        "数据统计截至2026年2月28日",
        # cases by process and outcome (every flow with cases, none named by the code)
        "异议处理：本月新收3件，办结2件（不予受理1件、维持原记录1件），月末在办1件。",
        "信用修复：本月新收1件，办结1件（（无案件记录）1件），月末在办0件。",
        # the 7-day rate: A, B, F on time; C, D, H late; E late unpublished; G not yet due
        "本月作出行政许可决定3件、行政处罚决定5件。按规定应自决定之日起7个工作日内公示",
        "已到期7件，其中按期公示3件、逾期公示3件、逾期未公示1件，7天合格率42.9%（行政许可50.0%，行政处罚40.0%）；尚未到期未公示1件",
        "交通运输综合行政执法支队：已到期5件，按期公示2件，逾期3件，7天合格率40.0%。",
        "行政审批科：已到期2件，按期公示1件，逾期1件，7天合格率50.0%。",
        "1.行政审批科，行政许可，交审许〔2026〕H号（广州市恒通货运有限公司），决定日期2026年2月26日，公示期限2026年3月6日，公示日期2026年3月9日。",
        "交执罚〔2026〕E号（广州市恒通货运有限公司），决定日期2026年2月10日，公示期限2026年2月26日，截至统计日未公示。",
        # joint actions
        "1.广州市恒通货运有限公司（",
        "联合惩戒；措施：限制参与招投标；执行部门：行政审批科；执行时间：2026年2月25日；事项：道路运输经营许可申请；成效：不予许可。",
        "本季度截至本月累计联合奖惩案例2件。",
        # overdue steps
        "本月超过办理期限的办理环节1个：",
        f"1.异议处理·受理审查：{''.join(str(february[2]).split())}，承办部门法规科，办理期限2026年2月9日，截至统计日未办结，已逾期19天。",
        # data quality: A–H all filled in
        "本月决定的信用记录8条，指标项填写率不低于60%的合格记录8条，合格率100.0%。",
    ):
        assert expected in text, expected
    assert "一月措施" not in text and "三月措施" not in text


def test_pdf_is_issued_once_and_reissued_on_request(client, people, february):
    client.force_login(people.credit_reviewer)
    url = reverse("oversight:monthly_report", args=["2026-02"])

    first = client.get(url, {"format": "pdf"})
    again = client.get(url, {"format": "pdf"})
    b"".join(first.streaming_content), b"".join(again.streaming_content)
    assert MonthlyReport.objects.count() == 1

    response = client.post(url)
    assert response.status_code == 302
    numbers = list(MonthlyReport.objects.order_by("issued_at").values_list("document__number", flat=True))
    assert len(numbers) == 2 and numbers[0] != numbers[1]
    assert Document.objects.filter(kind="monthly_report").count() == 2


def sheet_rows(workbook, name):
    return [tuple(cell for cell in row) for row in workbook[name].iter_rows(values_only=True)]


def test_excel_workbook_carries_the_same_rows(client, people, february):
    client.force_login(people.leader)

    response = client.get(reverse("oversight:monthly_report", args=["2026-02"]), {"format": "xlsx"})

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["案件办理情况", "7天合格率", "逾期公示记录", "联合奖惩成效清单", "超期案件", "数据质量"]
    assert sheet_rows(workbook, "7天合格率")[1:] == [
        ("交通运输综合行政执法支队", 5, 2, 2, 1, 0, "40.0%"),
        ("行政审批科", 3, 1, 1, 0, 1, "50.0%"),
        ("合计", 8, 3, 3, 1, 1, "42.9%"),
    ]
    assert [row[2] for row in sheet_rows(workbook, "逾期公示记录")[1:]] == ["交审许〔2026〕H号", "交执罚〔2026〕D号", "交执罚〔2026〕E号", "交执罚〔2026〕C号"]
    assert [row[3] for row in sheet_rows(workbook, "联合奖惩成效清单")[1:]] == ["限制参与招投标"]
    assert [(row[0], row[1], row[3], row[6]) for row in sheet_rows(workbook, "超期案件")[1:]] == [("异议处理", "受理审查", "法规科", 19)]
    assert ("异议处理", 3, 2, 1, "维持原记录", 1) in sheet_rows(workbook, "案件办理情况")


def test_a_section_chief_gets_their_departments_preview_and_workbook_but_not_the_official_pdf(client, people, february):
    client.force_login(people.chief)
    url = reverse("oversight:monthly_report", args=["2026-02"])

    page = client.get(url, {"department": department("approval").pk})  # forced back to 执法支队
    assert page.status_code == 200 and page.context["data"].department == "交通运输综合行政执法支队"
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    assert sheet_rows(workbook, "7天合格率")[1:] == [("交通运输综合行政执法支队", 5, 2, 2, 1, 0, "40.0%"), ("合计", 5, 2, 2, 1, 0, "40.0%")]
    assert sheet_rows(workbook, "联合奖惩成效清单")[1:] == []  # executed by 行政审批科
    assert sheet_rows(workbook, "超期案件")[1:] == []  # the overdue intake is the credit office's
    # Only the objection that 执法支队 verified.
    assert sheet_rows(workbook, "案件办理情况")[1:] == [("异议处理", 1, 1, 0, "维持原记录", 1)]

    assert client.get(url, {"format": "pdf"}).status_code == 403
    assert client.post(url).status_code == 403
    assert not MonthlyReport.objects.exists()


def test_long_lists_are_cut_in_the_pdf_and_counted(subject):
    from oversight.reports import PDF_LIST_LIMIT, monthly_report_content

    from .support import record

    # Decided Monday 02-02, never published: due 02-11 (02-03 … 02-11), late on 03-09.
    for n in range(PDF_LIST_LIMIT + 2):
        record(subject, decided=D(2026, 2, 2), published=None, number=f"交执罚〔2026〕L{n:02d}号")

    content = monthly_report_content(month=D(2026, 2, 1), today=TODAY)

    listed = [p for p in content.paragraphs if "截至统计日未公示" in p]
    assert len(listed) == PDF_LIST_LIMIT
    assert "另有2条，详见Excel附表。" in content.paragraphs
    assert content.summary["publication_late"] == PDF_LIST_LIMIT + 2
