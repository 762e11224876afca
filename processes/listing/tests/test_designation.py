"""Designation end to end through the pages people use: the handler proposes, the subject is told and may
object in the portal, the leader decides in the workbench.

Each test checks what someone would notice: the case and entry states, the documents, who was told,
what went to the platforms, the public list, the timeline.
"""

import datetime

import pytest
from django.urls import reverse
from viewflow.workflow.status import PROCESS, STATUS

from credit.models import CreditRecord, ListEntry, PlatformSync, RecordStatus
from credit.workdays import add_working_days
from processes.common.materials import case_materials
from processes.common.models import TaskDeadline
from processes.listing import services
from processes.listing.flows import ListingFlow
from processes.listing.models import ListingCase
from processes.objection.flows import ObjectionFlow
from processes.objection.models import Objection
from processes.objection.tests.support import act as objection_act

from .support import (
    LISTING_DECISION,
    NOT_LISTED,
    PRE_NOTICE,
    D,
    _form_errors,
    claim,
    document_text,
    document_titles,
    leader_decides,
    notified,
    open_task,
    portal_object,
    portal_page,
    propose,
    propose_page,
    submit,
    timeline,
)

S = ListingCase.Status
WINDOW_ENDS = D(2026, 6, 23)  # 5 working days from Monday 15 June, across the Dragon Boat holiday (19 June)


def waiting_for_window(case) -> bool:
    return case.process.task_set.filter(flow_task=ListingFlow.await_window, status=STATUS.NEW).exists()


def test_proposal_sends_pre_notice_with_reasons_basis_and_rights_and_opens_the_window(client, people, record):
    case = propose(client, people.handler, people.subject, basis=record)

    entry = case.entry
    assert case.status == S.WINDOW and entry.status == ListEntry.Status.PRE_NOTICE
    assert case.reference == f"LR2026{case.pk:06d}"
    assert entry.objection_window_ends == WINDOW_ENDS == add_working_days(D(2026, 6, 15), 5).date
    assert entry.basis_record == record and entry.measures == ["限制参与交通运输工程招标投标", "加强日常监管，提高抽查比例"]
    assert document_titles(case) == [PRE_NOTICE]
    text = document_text(case, PRE_NOTICE)
    for fragment in ("拟将你（单位）列入严重失信主体（黑名单）", "2026年内三次严重超限超载运输", "认定标准", "交执罚〔2026〕31号", "2026年6月23日前", "陈述、申辩和提出异议的权利"):
        assert fragment in text, fragment
    assert people.subject.uscc in text
    assert notified("listing_pre_notice", case) == ["applicant"]
    assert waiting_for_window(case) and not case.process.task_set.filter(flow_task=ListingFlow.decide).exists()
    page = portal_page(client, people.applicant, case)
    assert "提出异议" in page and "无异议，放弃异议期" in page and "已告知，异议期内" in page


def test_proposal_refused_with_every_reason_and_only_for_handlers(client, people, record):
    response = propose_page(client, people.handler, people.subject, subject_code="91350100M000100Y44", expires_on="2026-06-01")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "校验位错误" in errors["subject_code"][0] and errors["expires_on"]

    response = propose_page(client, people.handler, people.subject, basis=record, expires_on="2026-06-01", measures="")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"expires_on", "measures"}
    assert not ListEntry.objects.exists()

    client.force_login(people.leader)  # a leader decides; handlers propose
    assert client.get(reverse("listing:propose")).status_code == 403


def test_window_passing_without_objection_sends_it_to_the_leader_who_lists_and_publishes(client, people, record):
    case = propose(client, people.handler, people.subject, basis=record)

    assert services.listings_close_windows(today=WINDOW_ENDS) == 0  # the last day still belongs to the subject
    assert services.listings_close_windows(today=WINDOW_ENDS + datetime.timedelta(days=1)) == 1
    case.refresh_from_db()
    assert case.status == S.DECIDING and not waiting_for_window(case)
    decide = open_task(case, ListingFlow.decide)
    assert decide.department.code == "enforcement" and decide.owner is None
    assert TaskDeadline.objects.get(task=decide).rule_key == "listing.decide"
    assert notified("task_assigned", case) == ["enf.leader"]

    case = leader_decides(client, people.leader, case)

    entry = ListEntry.objects.get(pk=case.entry_id)
    assert case.status == S.LISTED and entry.status == ListEntry.Status.LISTED
    assert entry.listed_on == D(2026, 6, 15) and entry.expires_on == D(2027, 6, 30)
    assert document_titles(case) == [PRE_NOTICE, LISTING_DECISION]
    syncs = PlatformSync.objects.filter(event="list_designation")
    assert sorted(syncs.values_list("platform", flat=True)) == ["credit.mot", "creditchina", "provincial"]
    assert {s.payload["measures"][0] for s in syncs} == {"限制参与交通运输工程招标投标"}
    assert notified("listing_decided", case) == ["applicant"]
    assert timeline(case) == ["proposed", "pre_notice", "window_closed", "listed"]
    case.process.refresh_from_db()
    assert case.process.status == PROCESS.DONE
    assert people.subject.name in client.get(reverse("listing:public_list", args=["black"])).content.decode()


def test_objection_in_the_window_runs_through_the_objection_process_and_the_designation_waits(client, people, record):
    case = propose(client, people.handler, people.subject, basis=record)

    response = portal_object(client, people.applicant, case)
    assert response.status_code == 302, _form_errors(response)

    case.refresh_from_db()
    objection = case.objection
    assert case.status == S.OBJECTION and objection.record == record and objection.channel == Objection.Channel.PORTAL
    assert CreditRecord.objects.get(pk=record.pk).status == RecordStatus.UNDER_OBJECTION
    assert "拟列入严重失信主体（黑名单），案件 " + case.reference in objection.statement
    assert notified("listing_objection_received", case) == ["applicant"]
    # the window passing changes nothing: the designation waits for the objection's result
    assert services.listings_close_windows(today=WINDOW_ENDS + datetime.timedelta(days=3)) == 0
    case.refresh_from_db()
    assert case.status == S.OBJECTION and waiting_for_window(case)

    objection_act(client, people.clerk, objection, ObjectionFlow.intake, {"decision": "accept", "reason": ""})
    objection_act(client, people.handler, objection, ObjectionFlow.verify, {"outcome": "upheld", "reason": "三次超限均有执法记录和车辆登记为证。"})
    objection = objection_act(client, people.reviewer, objection, ObjectionFlow.review, {"decision": "approve", "comment": "同意。"})

    assert objection.status == Objection.Status.DECIDED
    case.refresh_from_db()
    assert case.status == S.DECIDING and not waiting_for_window(case)
    assert timeline(case)[-1] == "objection_closed"

    # the leader sees the objection and must answer it
    task = claim(client, people.leader, open_task(case, ListingFlow.decide))
    page = client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk])).content.decode()
    assert objection.reference in page and "维持原记录" in page
    response = submit(client, people.leader, task, {"decision": "list", "reason": "符合认定标准。", "expires_on": "2027-06-30"})
    assert response.status_code == 200 and response.context["form"].errors["objection_reply"]

    response = submit(client, people.leader, task, {
        "decision": "list", "reason": "符合认定标准。", "expires_on": "2027-06-30",
        "objection_reply": "经异议处理程序核查，三次超限记录均属实，异议不成立。",
    })
    assert response.status_code == 302, _form_errors(response)
    case.refresh_from_db()
    assert case.status == S.LISTED
    assert "异议不成立" in document_text(case, LISTING_DECISION)


def test_objection_that_withdraws_the_basis_record_leaves_only_not_listing(client, people, record):
    case = propose(client, people.handler, people.subject, basis=record)
    portal_object(client, people.applicant, case)
    case.refresh_from_db()
    objection = case.objection
    objection_act(client, people.clerk, objection, ObjectionFlow.intake, {"decision": "accept", "reason": ""})
    objection_act(client, people.handler, objection, ObjectionFlow.verify, {"outcome": "withdrawn", "reason": "车辆非该单位所有，处罚对象错误。"})
    objection_act(client, people.reviewer, objection, ObjectionFlow.review, {"decision": "approve", "comment": ""})
    assert CreditRecord.objects.get(pk=record.pk).status == RecordStatus.WITHDRAWN

    task = claim(client, people.leader, open_task(case, ListingFlow.decide))
    reply = {"objection_reply": "依据记录已撤销。"}
    response = submit(client, people.leader, task, {"decision": "list", "reason": "仍然列入。", "expires_on": "2027-06-30", **reply})
    assert response.status_code == 200 and "依据记录当前为“已撤销”，不能据此列入。" in str(response.context["form"].errors)

    response = submit(client, people.leader, task, {"decision": "not_list", "reason": "依据记录经异议撤销，不符合认定标准。", **reply})
    assert response.status_code == 302, _form_errors(response)
    case.refresh_from_db()
    assert case.status == S.NOT_LISTED and case.entry.status == ListEntry.Status.WITHDRAWN
    assert document_titles(case) == [PRE_NOTICE, NOT_LISTED]
    assert not PlatformSync.objects.filter(event="list_designation").exists()
    assert people.subject.name not in client.get(reverse("listing:public_list", args=["black"])).content.decode()


def test_objection_with_no_basis_record_is_recorded_for_the_leader_to_answer(client, people):
    case = propose(client, people.handler, people.subject, list_kind="focus", reason="多次被投诉违规揽客。")

    response = portal_object(client, people.applicant, case, statement="投诉均未查实。")
    assert response.status_code == 302, _form_errors(response)

    case.refresh_from_db()
    assert case.objection is None and case.objection_statement == "投诉均未查实。"
    assert case.status == S.DECIDING and not Objection.objects.exists()
    assert sorted(m.name for m in case_materials(case)) == sorted(["车辆转让合同.pdf", "异议申诉信用承诺书.pdf"])
    case = leader_decides(client, people.leader, case, objection_reply="投诉经现场核查属实，异议不成立。")
    assert case.status == S.LISTED and "投诉经现场核查属实" in document_text(case, LISTING_DECISION)


def test_subject_may_waive_the_window_and_cannot_object_after_it(client, people, record):
    case = propose(client, people.handler, people.subject, basis=record)
    other = propose(client, people.handler, people.subject, list_kind="focus")

    client.force_login(people.applicant)
    assert client.post(reverse("listing:portal_waive", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.status == S.DECIDING and case.waived_at is not None and not waiting_for_window(case)
    assert open_task(case, ListingFlow.decide)

    with pytest.raises(Exception) as refused:
        services.listing_object(case=other, by=people.applicant, grounds="wrong", statement="晚了。", today=WINDOW_ENDS + datetime.timedelta(days=1))
    assert "异议期已于2026年6月23日届满" in str(refused.value)


def test_strangers_do_not_see_or_object_to_someone_elses_listing(client, people, record):
    case = propose(client, people.handler, people.subject, basis=record)
    client.force_login(people.stranger)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert portal_object(client, people.stranger, case).status_code == 404
    client.force_login(people.outsider)  # 运管科 is not involved
    assert client.get(case.get_staff_url()).status_code == 403


def test_portal_home_shows_my_list_information(client, people, record):
    case = propose(client, people.handler, people.subject, basis=record)
    client.force_login(people.applicant)
    page = client.get(reverse("portal:home")).content.decode()
    assert "我的名单信息" in page and case.reference in page and "已告知（异议期）" in page


def test_an_objection_filed_on_the_objection_pages_during_the_window_is_waited_for_too(client, people, record):
    from processes.objection.tests.support import file_objection

    case = propose(client, people.handler, people.subject, basis=record)
    objection = file_objection(client, people.applicant, record)  # the ordinary objection page, not the listing's

    assert services.listings_close_windows(today=WINDOW_ENDS + datetime.timedelta(days=1)) == 1
    case.refresh_from_db()
    assert case.status == S.OBJECTION and case.objection == objection and waiting_for_window(case)

    objection_act(client, people.clerk, objection, ObjectionFlow.intake, {"decision": "refuse", "reason": "异议理由与记录无关。"})
    case.refresh_from_db()
    assert case.status == S.DECIDING and open_task(case, ListingFlow.decide)
    assert timeline(case) == ["proposed", "pre_notice", "objected", "objection_closed"]
