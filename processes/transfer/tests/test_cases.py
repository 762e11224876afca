"""What the bureau does with a transferred case: the credit office matches, judges and accepts it in the workbench.

A transfer is never dropped: no local record, or a record the case would be
refused for on the portal, still makes a case, and the credit office decides.
"""

import datetime

import pytest
from django.urls import reverse

from credit.models import RecordStatus
from processes.common.models import CaseEvent
from processes.objection.flows import ObjectionFlow
from processes.objection.models import Objection
from processes.objection.tests.support import claim, make_record, open_task, submit, workbench
from processes.repair.flows import RepairFlow
from processes.repair.models import RepairApplication

from .support import make_case, post

pytestmark = pytest.mark.django_db


def actions(case) -> list[str]:
    return list(CaseEvent.objects.filter(object_id=str(case.pk), content_type__model=case._meta.model_name).values_list("action", flat=True))


def test_repair_without_a_local_record_goes_to_the_credit_office_to_be_matched_and_accepted(client, people, record):
    response = post(client, make_case(subject=record.subject, decision_no="闽交执罚〔2026〕999号"))

    assert response.status_code == 201
    application = RepairApplication.objects.get()
    assert application.record is None and application.status == "filed"
    assert actions(application) == ["filed", "unmatched", "transferred"]
    assert "本地未找到该主体文号" in CaseEvent.objects.get(action="transferred").reason
    # in the credit office's queue, not in anyone else's
    assert application in workbench(client, people.clerk)["queue"]
    assert application not in workbench(client, people.outsider)["queue"]

    # the intake page offers the subject's penalty records; accepting without matching is refused
    task = claim(client, people.clerk, open_task(application, RepairFlow.intake))
    page = client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk])).content.decode()
    assert "匹配信用记录" in page and "尚未匹配到本地信用记录" in page
    response = submit(client, people.clerk, task, {"decision": "accept", "reason": ""})
    assert response.status_code == 200 and "请先匹配申请所涉信用记录" in response.content.decode()

    assert submit(client, people.clerk, task, {"record": record.pk, "decision": "accept", "reason": ""}).status_code == 302

    application.refresh_from_db()
    assert application.record == record and application.status == "deciding"
    assert "matched" in actions(application)
    assert open_task(application, RepairFlow.decide).department.code == "enforcement"


def test_objection_without_a_local_record_is_matched_at_intake_and_the_record_turns_under_objection(client, people, record):
    response = post(client, make_case(case_type="objection", subject=record.subject, decision_no="不存在的文号"))

    assert response.status_code == 201
    objection = Objection.objects.get()
    assert objection.record is None and objection.channel == Objection.Channel.TRANSFER
    assert objection.grounds == Objection.Grounds.WRONG
    assert record.status == RecordStatus.PUBLISHED  # nothing marked before it is matched
    assert objection in workbench(client, people.clerk)["queue"]
    client.force_login(people.clerk)
    assert "尚未匹配到本地信用记录" in client.get(objection.get_staff_url()).content.decode()

    # accepting without a record is refused, the form shows why, the task stays open
    task = claim(client, people.clerk, open_task(objection, ObjectionFlow.intake))
    response = submit(client, people.clerk, task, {"decision": "accept", "reason": ""})
    assert response.status_code == 200 and "请先匹配异议所涉信用记录" in response.content.decode()

    assert submit(client, people.clerk, task, {"record": record.pk, "decision": "accept", "reason": ""}).status_code == 302

    objection.refresh_from_db()
    assert objection.record == record and objection.status == Objection.Status.VERIFYING
    record.refresh_from_db()
    assert record.status == RecordStatus.UNDER_OBJECTION
    assert open_task(objection, ObjectionFlow.verify).department.code == "enforcement"
    assert actions(objection)[:5] == ["filed", "unmatched", "transferred", "matched", "record_under_objection"]


def test_matching_refuses_a_record_of_another_subject(client, people, record):
    from django.core.exceptions import ValidationError

    from processes.objection.services import objection_match_record

    post(client, make_case(case_type="objection", decision_no="不存在的文号"))  # a subject of its own
    objection = Objection.objects.get()
    with pytest.raises(ValidationError, match="不属于该信用主体"):
        objection_match_record(objection=objection, record=record, by=people.clerk)
    objection.refresh_from_db()
    assert objection.record is None


def test_objection_against_a_record_already_under_objection_is_filed_unmatched_with_the_reason(client, people, record):
    assert post(client, make_case(case_type="objection", subject=record.subject)).status_code == 201

    response = post(client, make_case(case_type="objection", subject=record.subject))

    assert response.status_code == 201
    second = Objection.objects.get(reference=response.json()["case_id"])
    assert second.record is None
    assert "不能标注异议" in CaseEvent.objects.filter(object_id=str(second.pk), action="transferred").get().reason


def test_ineligible_repair_transfer_is_still_created_and_intake_sees_why(client, people, subject):
    # decided two weeks ago: a general penalty's 3-month minimum publication has not passed
    recent = make_record(subject, decision_date=datetime.date.today() - datetime.timedelta(days=14), publish_on=datetime.date.today() - datetime.timedelta(days=10))

    response = post(client, make_case(subject=subject))

    assert response.status_code == 201
    application = RepairApplication.objects.get()
    assert application.record == recent and application.status == "filed"
    reasons = application.eligibility["reasons"]
    assert any("最短公示期" in reason for reason in reasons)
    event = CaseEvent.objects.get(action="eligibility_reasons")
    assert not event.visible_to_subject and "最短公示期" in event.reason
    # the clerk sees the reasons on the intake page and refuses with them
    task = claim(client, people.clerk, open_task(application, RepairFlow.intake))
    page = client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk])).content.decode()
    assert "资格审查未通过" in page and "最短公示期" in page
    assert submit(client, people.clerk, task, {"decision": "refuse", "reason": reasons[0]}).status_code == 302
    application.refresh_from_db()
    assert application.status == "not_accepted"


def test_eligible_repair_transfer_uses_the_records_performance_date(client, people, record):
    record.obligations_performed_on = datetime.date(2026, 2, 1)
    record.save()

    assert post(client, make_case(subject=record.subject)).status_code == 201

    application = RepairApplication.objects.get()
    assert application.obligations_performed_on == datetime.date(2026, 2, 1)
    assert "reasons" not in application.eligibility
    assert not CaseEvent.objects.filter(action="eligibility_reasons").exists()


def test_portal_filing_of_an_ineligible_repair_is_still_refused(people, subject):
    from django.core.exceptions import ValidationError

    from processes.repair.services import repair_file
    from tests.factories import make_subject_user

    recent = make_record(subject, decision_date=datetime.date.today() - datetime.timedelta(days=14), publish_on=datetime.date.today() - datetime.timedelta(days=10))
    user, _ = make_subject_user(subject=subject)
    with pytest.raises(ValidationError) as refused:
        repair_file(record=recent, statement="已整改", obligations_performed_on=datetime.date.today(), by=user)
    assert "eligibility" in refused.value.message_dict
    assert not RepairApplication.objects.exists()


def test_record_matched_despite_bracket_style_and_name_difference_noted(client, people, record):
    case = make_case(subject=record.subject, decision_no="交执罚[2026] 7号")
    case["subject"]["name"] = "另一个名字"

    assert post(client, case).status_code == 201

    application = RepairApplication.objects.get()
    assert application.record == record
    assert "不一致" in CaseEvent.objects.get(action="transferred").reason


def test_staff_case_page_shows_the_transfer(client, people, record):
    case = make_case(subject=record.subject)
    post(client, case)
    application = RepairApplication.objects.get()
    client.force_login(people.clerk)
    page = client.get(reverse("repair:staff_detail", args=[application.pk])).content.decode()
    assert case["transfer_id"] in page and "部级网站转办" in page
