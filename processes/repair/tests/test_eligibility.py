"""May a penalty be repaired now? Each severity under each regime, on the days either side of the boundary.

The periods are the rule table's (credit.reference_data): general 3 months everywhere;
serious 6 months under the 2019 rules and 12 months from order 58 on; minor penalties
(22号 / order 36) as soon as the obligations are performed. The clock starts at the
decision, except under order 36, where it starts at publication. The 2019 rules ask for
an authorisation letter, a training certificate and a credit report besides the proof
of performance and the commitment letter; order 58 adds the authorisation letter only.

Refusals are checked on the portal page too: every reason at once, and nothing written.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from viewflow.workflow.models import Process

from credit import services as credit_services
from credit.models import Department, RecordStatus
from documents.models import Document
from notifications.models import Notification
from processes.common.models import CaseEvent, Material
from processes.objection.tests.support import accept as accept_objection
from processes.objection.tests.support import approve as approve_objection
from processes.objection.tests.support import file_objection, propose
from processes.repair.eligibility import repair_eligibility
from processes.repair.models import RepairApplication

from .support import (
    CURRENT_MATERIALS,
    MATERIALS_2019,
    MATERIALS_2023,
    D,
    accept,
    decide,
    file_repair,
    form_errors,
    make_penalty,
    pdf_upload,
    portal_file,
)

ONE_DAY = datetime.timedelta(days=1)
MISSING_AUTHORISATION = "缺少材料：授权委托书/法定代表人身份证明。"
MISSING_TRAINING = "缺少材料：信用修复培训证明。"
MISSING_REPORT = "缺少材料：信用报告。"
NO_PERFORMANCE_DATE = "请填写履行行政处罚义务（如缴清罚款、完成整改）的日期。"


def eligibility(record, *, today, performed_on=None, materials=CURRENT_MATERIALS):
    return repair_eligibility(
        record=record, obligations_performed_on=performed_on or record.decision_date + datetime.timedelta(days=10), material_kinds=set(materials), today=today
    )


def assert_nothing_written():
    assert not RepairApplication.objects.exists()
    assert not Material.objects.exists()
    assert not Process.objects.exists()
    assert not Document.objects.exists()
    assert not Notification.objects.exists()
    assert not CaseEvent.objects.exists()


# --- the minimum publication period, per regime and severity -----------------------------------

PERIODS = [
    # regime, severity, decision, publication, earliest repair date, minimum months, materials the regime asks for
    pytest.param("2026-order36", "general", D(2026, 5, 1), D(2026, 5, 3), D(2026, 8, 3), 3, CURRENT_MATERIALS, id="order36-general-from-publication"),
    pytest.param("2026-order36", "serious", D(2026, 4, 2), D(2026, 4, 8), D(2027, 4, 8), 12, CURRENT_MATERIALS, id="order36-serious-from-publication"),
    pytest.param("2026-order36", "general", D(2026, 4, 1), D(2026, 4, 3), D(2026, 7, 3), 3, CURRENT_MATERIALS, id="order36-first-day"),
    pytest.param("2025-22", "general", D(2026, 3, 31), D(2026, 4, 3), D(2026, 6, 30), 3, CURRENT_MATERIALS, id="22-last-day-from-decision"),
    pytest.param("2025-22", "general", D(2025, 6, 10), D(2025, 6, 12), D(2025, 9, 10), 3, CURRENT_MATERIALS, id="22-general"),
    pytest.param("2025-22", "serious", D(2025, 4, 10), D(2025, 4, 14), D(2026, 4, 10), 12, CURRENT_MATERIALS, id="22-serious"),
    pytest.param("2023-order58", "general", D(2023, 6, 1), D(2023, 6, 5), D(2023, 9, 1), 3, MATERIALS_2023, id="order58-general"),
    pytest.param("2023-order58", "serious", D(2023, 6, 1), D(2023, 6, 5), D(2024, 6, 1), 12, MATERIALS_2023, id="order58-serious"),
    pytest.param("2023-order58", "serious", D(2023, 5, 1), D(2023, 5, 4), D(2024, 5, 1), 12, MATERIALS_2023, id="order58-first-day"),
    pytest.param("2019-527", "serious", D(2023, 4, 30), D(2023, 5, 4), D(2023, 10, 30), 6, MATERIALS_2019, id="2019-last-day"),
    pytest.param("2019-527", "serious", D(2020, 1, 15), D(2020, 1, 17), D(2020, 7, 15), 6, MATERIALS_2019, id="2019-serious"),
    pytest.param("2019-527", "general", D(2020, 3, 31), D(2020, 4, 3), D(2020, 6, 30), 3, MATERIALS_2019, id="2019-general-month-end"),
]


@pytest.mark.parametrize(("regime", "severity", "decided", "published", "earliest", "months", "materials"), PERIODS)
def test_repairable_from_the_end_of_the_minimum_period_not_a_day_before(people, regime, severity, decided, published, earliest, months, materials):
    record = make_penalty(people.subject, severity=severity, decision_date=decided, publish_on=published)
    assert record.rule_version.code == regime and record.earliest_repair_on == earliest

    on_the_day = eligibility(record, today=earliest, materials=materials)

    assert on_the_day.eligible, on_the_day.reasons
    assert on_the_day.rule_version.code == regime and on_the_day.earliest_repair_on == earliest
    assert on_the_day.required_materials == list(materials)

    day_before = eligibility(record, today=earliest - ONE_DAY, materials=materials)

    severity_label = {"general": "一般", "serious": "严重"}[severity]
    assert day_before.reasons == [
        f"最短公示期（{months}个月）未满：按{record.rule_version.name}，"
        f"该{severity_label}失信行为最早可于{earliest.year}年{earliest.month}月{earliest.day}日申请信用修复。"
    ]


def test_order_36_general_penalty_counts_from_publication_the_example_of_the_brief(people):
    record = make_penalty(people.subject, severity="general", decision_date=D(2026, 5, 1), publish_on=D(2026, 5, 3))

    assert eligibility(record, today=D(2026, 8, 3)).eligible
    [reason] = eligibility(record, today=D(2026, 8, 2)).reasons
    assert "2026年8月3日" in reason and "国家发展改革委令第36号" in reason and "（3个月）" in reason


@pytest.mark.parametrize(
    ("regime", "decided"),
    [pytest.param("2025-22", D(2025, 6, 10), id="22号"), pytest.param("2026-order36", D(2026, 5, 6), id="order36")],
)
def test_minor_penalty_is_repairable_as_soon_as_the_obligations_are_performed(people, regime, decided):
    record = make_penalty(people.subject, severity="minor", decision_date=decided, publish_on=decided)
    performed = decided + ONE_DAY
    assert record.rule_version.code == regime

    same_day = eligibility(record, today=performed, performed_on=performed)
    assert same_day.eligible, same_day.reasons
    assert same_day.earliest_repair_on == performed

    no_date = repair_eligibility(record=record, obligations_performed_on=None, material_kinds=set(CURRENT_MATERIALS), today=performed)
    assert no_date.reasons == [NO_PERFORMANCE_DATE]

    not_yet = eligibility(record, today=performed, performed_on=performed + ONE_DAY)
    assert not_yet.reasons == ["义务履行日期不能晚于今天：请在履行完毕后再申请。"]


def test_performance_before_the_decision_is_questioned(people):
    record = make_penalty(people.subject, severity="minor", decision_date=D(2026, 5, 6), publish_on=D(2026, 5, 6))

    result = eligibility(record, today=D(2026, 5, 20), performed_on=D(2026, 5, 5))

    assert result.reasons == ["义务履行日期早于处罚决定日期，请核对。"]


# --- materials ------------------------------------------------------------------------------------


def test_2019_rules_ask_for_every_extra_material_and_name_each_missing_one_at_once(people):
    record = make_penalty(people.subject, severity="general", decision_date=D(2020, 3, 31), publish_on=D(2020, 4, 3))

    result = eligibility(record, today=D(2021, 1, 4), materials=CURRENT_MATERIALS)

    assert result.reasons == [MISSING_AUTHORISATION, MISSING_TRAINING, MISSING_REPORT]
    assert eligibility(record, today=D(2021, 1, 4), materials=MATERIALS_2019).eligible


def test_order_58_adds_the_authorisation_letter_only(people):
    record = make_penalty(people.subject, severity="general", decision_date=D(2023, 6, 1), publish_on=D(2023, 6, 5))

    assert eligibility(record, today=D(2024, 1, 2), materials=CURRENT_MATERIALS).reasons == [MISSING_AUTHORISATION]
    assert eligibility(record, today=D(2024, 1, 2), materials=MATERIALS_2023).eligible


def test_current_rules_need_proof_of_performance_and_the_commitment_letter(people, record):
    result = eligibility(record, today=D(2026, 5, 11), materials=())

    assert result.reasons == ["缺少材料：履行义务证明（缴款凭证、整改材料）。", "缺少材料：信用承诺书。"]


# --- through the portal: every reason at once, nothing written -------------------------------------


def test_portal_gives_every_reason_at_once_and_writes_nothing(client, people, clock):
    clock(datetime.datetime(2020, 5, 20, 9, 30))
    record = make_penalty(
        people.subject, severity="serious", decision_date=D(2020, 1, 15), publish_on=D(2020, 1, 17), document_number="交执罚〔2020〕3号"
    )
    not_a_pdf = SimpleUploadedFile("缴款凭证.pdf", b"MZ\x90\x00 not a document", content_type="application/pdf")

    response = portal_file(
        client, people.applicant, record, performed_on="", statement="  ", materials=CURRENT_MATERIALS,
        extra={"performance_proof": [pdf_upload("罚款缴纳凭证.pdf"), not_a_pdf]},
    )

    assert response.status_code == 200
    errors = form_errors(response)
    assert sorted(errors) == sorted(
        [
            "请填写申请理由：已履行了哪些义务、如何整改。",
            "文件“缴款凭证.pdf”不是 PDF、JPEG 或 PNG 文件（按文件内容识别，与扩展名无关）。",
            NO_PERFORMANCE_DATE,
            f"最短公示期（6个月）未满：按{record.rule_version.name}，该严重失信行为最早可于2020年7月15日申请信用修复。",
            MISSING_AUTHORISATION,
            MISSING_TRAINING,
            MISSING_REPORT,
        ]
    )
    page = response.content.decode()
    assert "暂不能提交" in page and "2020年7月15日" in page and "信用报告" in page
    assert_nothing_written()
    record.refresh_from_db()
    assert record.status == RecordStatus.PUBLISHED


def test_portal_refuses_a_general_penalty_under_order_36_the_day_before_and_files_it_on_the_day(client, people, clock):
    record = make_penalty(people.subject, severity="general", decision_date=D(2026, 5, 1), publish_on=D(2026, 5, 3))

    clock(datetime.datetime(2026, 8, 2, 23, 30))  # Beijing time: still 2 August
    response = portal_file(client, people.applicant, record, performed_on="2026-05-20")

    assert response.status_code == 200
    assert form_errors(response) == [
        f"最短公示期（3个月）未满：按{record.rule_version.name}，该一般失信行为最早可于2026年8月3日申请信用修复。"
    ]
    assert_nothing_written()

    clock(datetime.datetime(2026, 8, 3, 0, 5))
    application = file_repair(client, people.applicant, record, performed_on="2026-05-20")

    assert application.status == RepairApplication.Status.FILED
    assert application.rule_version.code == "2026-order36"
    assert application.eligibility == {
        "rule_version": "2026-order36", "earliest_repair_on": "2026-08-03", "required_materials": list(CURRENT_MATERIALS),
    }
    assert application.reference == f"XF2026{application.pk:06d}"


def test_portal_lists_all_three_missing_2019_materials(client, people, clock):
    clock(datetime.datetime(2021, 3, 1, 10))
    record = make_penalty(people.subject, severity="general", decision_date=D(2020, 3, 31), publish_on=D(2020, 4, 3))

    response = portal_file(client, people.applicant, record, performed_on="2020-04-20", materials=CURRENT_MATERIALS)

    assert response.status_code == 200
    assert form_errors(response) == [MISSING_AUTHORISATION, MISSING_TRAINING, MISSING_REPORT]
    assert_nothing_written()

    application = file_repair(client, people.applicant, record, performed_on="2020-04-20", materials=MATERIALS_2019)
    assert sorted(application.eligibility["required_materials"]) == sorted(MATERIALS_2019)
    assert Material.objects.count() == len(MATERIALS_2019)


def test_portal_refuses_a_minor_penalty_without_the_performance_date(client, people, clock):
    clock(datetime.datetime(2026, 5, 20, 10))
    record = make_penalty(people.subject, severity="minor", decision_date=D(2026, 5, 6), publish_on=D(2026, 5, 6))

    response = portal_file(client, people.applicant, record, performed_on="")

    assert response.status_code == 200 and form_errors(response) == [NO_PERFORMANCE_DATE]
    assert_nothing_written()

    application = file_repair(client, people.applicant, record, performed_on="2026-05-20")
    assert application.eligibility["earliest_repair_on"] == "2026-05-20"


# --- the record's own state --------------------------------------------------------------------------


def _under_objection(client, people, record):
    file_objection(client, people.applicant, record)


def _withdrawn(client, people, record):
    objection = accept_objection(client, people.clerk, file_objection(client, people.applicant, record))
    approve_objection(client, people.reviewer, propose(client, people.handler, objection, "withdrawn", reason="处罚决定已被复议撤销。"))


def _expired(client, people, record):
    assert credit_services.records_expire_due(today=record.publication_ends_on + ONE_DAY) == 1


def _repaired(client, people, record):
    application = accept(client, people.clerk, file_repair(client, people.applicant, record))
    decide(client, people.handler, application, "approve", "已缴清罚款并完成整改。")


@pytest.mark.parametrize(
    ("make_state", "status", "reason"),
    [
        pytest.param(_under_objection, RecordStatus.UNDER_OBJECTION, "该记录正在异议处理中，请待异议办结后再申请信用修复。", id="under-objection"),
        pytest.param(_withdrawn, RecordStatus.WITHDRAWN, "该记录已撤销，无需申请修复。", id="withdrawn"),
        pytest.param(_expired, RecordStatus.EXPIRED, "该记录公示期已满，已停止公示，无需申请修复。", id="expired"),
        pytest.param(_repaired, RecordStatus.REPAIRED, "该记录已经修复，停止公示，无需再次申请。", id="repaired"),
    ],
)
def test_record_not_in_publication_is_refused(client, people, record, clock, make_state, status, reason):
    clock(datetime.datetime(2026, 5, 11, 10))
    make_state(client, people, record)
    record.refresh_from_db()
    assert record.status == status
    applications_before = RepairApplication.objects.count()

    response = portal_file(client, people.colleague, record)

    assert response.status_code == 200 and form_errors(response) == [reason]
    assert RepairApplication.objects.count() == applications_before
    assert not RepairApplication.objects.filter(filed_by=people.colleague).exists()


def test_unpublished_penalty_is_refused(people, clock):
    record = make_penalty(people.subject, publish_on=None)

    assert eligibility(record, today=D(2026, 5, 11)).reasons == ["该记录未公示，无需申请修复。"]


def test_a_record_other_than_a_penalty_is_refused(client, people, clock):
    clock(datetime.datetime(2026, 5, 11, 10))
    licence = credit_services.record_create(
        subject=people.subject, source_department=Department.objects.get(code="approval"), kind="licence", title="道路运输经营许可",
        document_number="交审许〔2026〕5号", deciding_authority="市交通运输局", decision_date=D(2026, 1, 6), publish_on=D(2026, 1, 9),
    )

    response = portal_file(client, people.applicant, licence)

    assert response.status_code == 200
    assert form_errors(response) == ["只有行政处罚记录可以申请信用修复，该记录是“行政许可”。"]
    assert_nothing_written()


def test_a_second_application_while_one_is_open_is_refused(client, people, record, clock):
    clock(datetime.datetime(2026, 5, 11, 10))
    first = file_repair(client, people.applicant, record)

    response = portal_file(client, people.colleague, record, statement="再次申请。")

    assert response.status_code == 200
    assert form_errors(response) == ["该记录已有正在办理的信用修复申请，请等待办理结果。"]
    assert list(RepairApplication.objects.values_list("pk", flat=True)) == [first.pk]

    # still refused once the case is with the deciding department
    accept(client, people.clerk, first)
    response = portal_file(client, people.colleague, record, statement="再次申请。")
    assert form_errors(response) == ["该记录已有正在办理的信用修复申请，请等待办理结果。"]
    assert RepairApplication.objects.count() == 1
