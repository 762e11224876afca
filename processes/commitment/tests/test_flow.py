"""Every branch of the commitment flow, end to end through the pages people use.

The counter registers on its staff page or the subject submits on the portal; the
subject signs and uploads the letter and supplies missing materials on the portal;
staff claim and complete tasks on viewflow's task pages; the hourly sweep reminds
and sends overdue cases to verification. Each test checks what someone would
notice: the case status, the commitment in the credit file, the public page, the
documents issued, who was told, and the case's timeline.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS

from credit.models import Commitment
from processes.commitment import services
from processes.commitment.flows import CommitmentFlow
from processes.commitment.models import CommitmentCase
from processes.common.deadlines import previous_working_day
from processes.common.materials import case_materials
from processes.common.models import TaskDeadline

from .support import (
    MATTER,
    MISSING,
    RESULT,
    S,
    claim,
    confirm,
    document_titles,
    form_errors,
    letter,
    next_working_days,
    notified,
    open_task,
    portal_page,
    portal_register,
    public_page,
    register_at_counter,
    send_back,
    sign,
    staff_register,
    submit,
    submit_commitment,
    task_url,
    supply,
    timeline,
    verify_broken,
    verify_kept,
    workbench,
)

C = Commitment.Status


def commitment_status(case) -> str:
    return Commitment.objects.get(pk=case.commitment_id).status


def assert_process_finished(case):
    case.process.refresh_from_db()
    assert case.process.status == PROCESS.DONE
    assert not case.process.task_set.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]).exists()


# --- 容缺受理: registered at the counter, signed, supplied, verified as kept -------------------------


def test_counter_registers_tolerance_commitment_and_offers_the_letter_for_signing(client, people):
    case = register_at_counter(client, people.clerk, people.subject)

    assert case.status == S.SIGNING and case.channel == CommitmentCase.Channel.STAFF
    assert case.reference == f"CN{timezone.localdate().year}{case.pk:06d}"
    commitment = case.commitment
    assert commitment.kind == Commitment.Kind.TOLERANCE and commitment.department.code == "approval" and commitment.status == C.COMMITTED
    assert commitment.missing_materials == list(MISSING) and commitment.matter == MATTER
    # the due date is the rule table's (commitment.supplement: 20 working days), counted from registration
    assert commitment.supplement_due_on == next_working_days(timezone.localdate(), 20)
    assert "所缺材料在补齐期限内补齐" in commitment.content  # the kind's standard promise
    assert notified("commitment_registered", case) == ["applicant", "applicant.colleague"]
    assert timeline(case) == ["registered"]
    # nothing to verify yet, and not public before the letter is signed
    assert not case.process.task_set.filter(flow_task_type="HUMAN").exists()
    assert MATTER not in public_page(client)

    page = portal_page(client, people.applicant, case)
    assert "待上传签署的承诺书" in page and reverse("commitment:letter", args=[case.pk]) in page and 'id="sign-form"' in page
    response = letter(client, people.applicant, case)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_signed_letter_publishes_the_commitment_and_supplied_materials_send_it_to_the_approval_handlers(client, people):
    case = register_at_counter(client, people.clerk, people.subject)

    response = sign(client, people.applicant, case)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert case.status == S.AWAITING_SUPPLEMENT and case.published_at is not None
    assert case.supplement_remind_on == previous_working_day(case.commitment.supplement_due_on)
    assert commitment_status(case) == C.AWAITING_SUPPLEMENT
    assert [m.get_kind_display() for m in case_materials(case)] == ["信用承诺书"]
    assert notified("commitment_published", case) == ["applicant", "applicant.colleague"]
    public = public_page(client)
    assert MATTER in public and people.subject.name in public and "容缺受理" in public
    page = portal_page(client, people.applicant, case)
    assert 'id="supply-form"' in page and "安全生产管理制度文本、专职安全管理人员证明" in page

    response = supply(client, people.applicant, case)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.VERIFYING and case.supplied_at is not None and not case.supplement_overdue
    assert commitment_status(case) == C.VERIFYING
    assert sorted(m.get_kind_display() for m in case_materials(case)) == ["信用承诺书", "补正材料", "补正材料"]
    assert notified("commitment_supplied", case) == ["applicant", "applicant.colleague"]
    # the verification is the approval section's handlers' (and no one else's), due by the rule table
    assert notified("task_assigned", case) == ["approval.handler", "approval.handler2"]
    verify = open_task(case, CommitmentFlow.verify)
    assert verify.department.code == "approval" and verify.owner is None
    assert TaskDeadline.objects.get(task=verify).due_on == next_working_days(timezone.localdate(), 10)
    assert case in workbench(client, people.handler)["queue"]
    assert case not in workbench(client, people.outsider)["queue"]
    assert timeline(case) == ["registered", "signed", "supplied"]


def test_commitment_verified_as_kept_is_recorded_in_the_credit_file_with_a_result_notice(client, people):
    case = register_at_counter(client, people.clerk, people.subject)
    sign(client, people.applicant, case)
    supply(client, people.applicant, case)

    case = verify_kept(client, people.handler, case)

    assert case.status == S.FULFILLED and case.result == CommitmentCase.Result.FULFILLED
    assert case.verification_method == CommitmentCase.Method.ONLINE and case.decided_by == people.handler
    assert commitment_status(case) == C.FULFILLED and case.commitment.breach_record is None
    assert document_titles(case) == [RESULT]
    assert notified("commitment_fulfilled", case) == ["applicant", "applicant.colleague"]
    assert_process_finished(case)
    assert timeline(case) == ["registered", "signed", "supplied", "fulfilled"]
    page = portal_page(client, people.applicant, case)
    assert "已履约" in page and RESULT in page
    assert "已履约" in public_page(client, people.subject.name)


# --- 告知承诺 submitted on the portal with the letter: breach proposed, returned, then kept ------------


def test_portal_commitment_signed_at_once_goes_straight_to_verification(client, people):
    case = submit_commitment(client, people.applicant, people.subject, kind="notification", materials=(), signed=True)

    assert case.channel == CommitmentCase.Channel.PORTAL and case.applicant_name == people.applicant.full_name
    assert case.status == S.VERIFYING and case.published_at is not None
    assert commitment_status(case) == C.VERIFYING and case.commitment.supplement_due_on is None
    assert notified("commitment_registered", case) == notified("commitment_published", case) == ["applicant", "applicant.colleague"]
    assert open_task(case, CommitmentFlow.verify).department.code == "approval"
    assert timeline(case) == ["registered", "signed"]
    assert MATTER in public_page(client)


def test_reviewer_returns_a_breach_finding_and_the_handler_then_finds_the_commitment_kept(client, people):
    case = submit_commitment(client, people.applicant, people.subject, kind="notification", materials=(), signed=True)

    case = verify_broken(client, people.handler, case)
    assert case.status == S.REVIEWING and case.breach_severity == "serious"
    # the reviewer (not the handlers) confirms; the finding is internal until then
    assert notified("task_assigned", case) == ["approval.handler", "approval.handler2", "approval.reviewer"]
    assert commitment_status(case) == C.VERIFYING
    assert "breach_proposed" not in timeline(case, for_subject=True)

    case = send_back(client, people.reviewer, case)
    assert case.status == S.VERIFYING and case.review_comment == "证据不足，请补充现场核查记录。"
    assert open_task(case, CommitmentFlow.verify).owner is None

    case = verify_kept(client, people.handler2, case, method="on_site", finding="补充现场核查：已建立制度并落实。")
    assert case.status == S.FULFILLED and case.breach_severity == "" and case.breach_legal_basis == ""
    assert commitment_status(case) == C.FULFILLED
    assert document_titles(case) == [RESULT]
    assert notified("commitment_breached", case) == []
    assert_process_finished(case)
    assert timeline(case) == ["registered", "signed", "breach_proposed", "returned", "fulfilled"]
    assert timeline(case, for_subject=True) == ["registered", "signed", "fulfilled"]


def test_reviewer_confirms_a_breach_and_the_case_ends_breached(client, people):
    case = register_at_counter(client, people.clerk, people.subject, kind="public", materials=(), signed=True)
    assert case.status == S.VERIFYING  # signed at the counter: published at once

    case = confirm(client, people.reviewer, verify_broken(client, people.handler, case, severity="general"))

    assert case.status == S.BREACHED and case.decided_by == people.reviewer
    assert commitment_status(case) == C.BREACHED
    assert_process_finished(case)
    assert timeline(case) == ["registered", "signed", "breach_proposed", "breached"]


# --- missing materials not supplied: reminder, then verification flagged overdue ------------------------


def test_subject_is_reminded_one_working_day_before_the_due_date_and_only_once(client, people):
    due = next_working_days(timezone.localdate(), 5)
    case = register_at_counter(client, people.clerk, people.subject, due_on=due)
    sign(client, people.applicant, case)
    remind_on = previous_working_day(due)

    assert services.commitments_sweep_supplements(today=remind_on - datetime.timedelta(days=1)) == {"reminded": 0, "lapsed": 0}
    assert services.commitments_sweep_supplements(today=remind_on) == {"reminded": 1, "lapsed": 0}
    assert services.commitments_sweep_supplements(today=due) == {"reminded": 0, "lapsed": 0}

    assert notified("commitment_supplement_reminder", case) == ["applicant", "applicant.colleague"]
    case.refresh_from_db()
    assert case.status == S.AWAITING_SUPPLEMENT
    assert "supplement_reminded" in timeline(case)


def test_missing_materials_not_supplied_by_the_due_date_send_the_case_to_verification_flagged(client, people, clock):
    due = next_working_days(timezone.localdate(), 3)
    case = register_at_counter(client, people.clerk, people.subject, due_on=due)
    sign(client, people.applicant, case)

    counts = services.commitments_sweep_supplements(today=due + datetime.timedelta(days=1))

    assert counts == {"reminded": 0, "lapsed": 1}
    case.refresh_from_db()
    assert case.status == S.VERIFYING and case.supplement_overdue and case.supplied_at is None
    assert commitment_status(case) == C.VERIFYING
    assert notified("commitment_supplement_overdue", case) == ["applicant", "applicant.colleague"]
    assert open_task(case, CommitmentFlow.verify).department.code == "approval"
    assert timeline(case)[-1] == "supplement_overdue"
    assert services.commitments_sweep_supplements(today=due + datetime.timedelta(days=2)) == {"reminded": 0, "lapsed": 0}

    # the case has moved on: the portal takes no materials any more and says so
    clock(datetime.datetime.combine(due + datetime.timedelta(days=1), datetime.time(10)))
    response = supply(client, people.applicant, case)
    assert response.status_code == 302  # the case moved on: nothing to supply any more
    case.refresh_from_db()
    assert case.status == S.VERIFYING and case.supplied_at is None


def test_supplying_after_the_due_date_before_the_sweep_is_refused_with_the_reason(client, people, clock):
    due = next_working_days(timezone.localdate(), 3)
    case = register_at_counter(client, people.clerk, people.subject, due_on=due)
    sign(client, people.applicant, case)
    clock(datetime.datetime.combine(due + datetime.timedelta(days=1), datetime.time(9)))

    response = supply(client, people.applicant, case)

    assert response.status_code == 200
    assert any("补齐期限" in error and "已过" in error for error in form_errors(response, "supply_form"))
    case.refresh_from_db()
    assert case.status == S.AWAITING_SUPPLEMENT and case.supplied_at is None


# --- refusals, every problem at once ------------------------------------------------------------------


def test_portal_refuses_a_commitment_with_every_problem_listed_and_creates_nothing(client, people):
    response = portal_register(client, people.applicant, people.subject, kind="tolerance", matter="", materials=())

    assert response.status_code == 200
    errors = form_errors(response)
    assert any("请填写承诺事项" in error for error in errors) and any("容缺受理须列明容缺的材料" in error for error in errors)
    assert not CommitmentCase.objects.exists() and not Commitment.objects.exists()

    response = portal_register(client, people.applicant, people.subject, kind="notification", materials=("营业执照",))
    assert any("只有容缺受理" in error for error in form_errors(response))
    assert not CommitmentCase.objects.exists()


def test_counter_refuses_a_tolerance_commitment_without_materials_and_with_a_past_due_date_in_one_answer(client, people):
    response = staff_register(client, people.clerk, people.subject, materials=(), due_on=timezone.localdate())

    errors = form_errors(response)
    assert any("容缺受理须列明容缺的材料" in error for error in errors)
    assert any("补齐期限应晚于今天" in error for error in errors)
    assert not CommitmentCase.objects.exists()


def test_counter_refuses_an_unknown_subject_code(client, people):
    response = staff_register(client, people.clerk, people.subject, subject_code="91350100M000100Y43")

    assert any("没有该代码的信用主体" in error for error in form_errors(response))
    assert not CommitmentCase.objects.exists()


def test_uploading_the_letter_twice_or_supplying_when_nothing_is_missing_changes_nothing(client, people):
    case = submit_commitment(client, people.applicant, people.subject, kind="public", materials=(), signed=True)

    response = sign(client, people.applicant, case)
    assert response.status_code == 302
    assert "该承诺书已上传" in client.get(response["Location"]).content.decode()
    response = supply(client, people.applicant, case)
    assert "该承诺当前不需要补齐材料" in client.get(response["Location"]).content.decode()
    case.refresh_from_db()
    assert case.status == S.VERIFYING
    assert [m.get_kind_display() for m in case_materials(case)] == ["信用承诺书"]


def test_signing_without_a_file_is_refused_on_the_case_page(client, people):
    case = submit_commitment(client, people.applicant, people.subject)

    response = sign(client, people.applicant, case, files=())

    assert response.status_code == 200 and "请上传签署后的信用承诺书" in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.SIGNING


def test_breach_without_severity_or_legal_basis_is_refused_on_the_task_page_and_the_task_stays_open(client, people):
    case = submit_commitment(client, people.applicant, people.subject, kind="notification", materials=(), signed=True)
    task = claim(client, people.handler, open_task(case, CommitmentFlow.verify))

    response = submit(client, people.handler, task, {"method": "written", "finding": "书面核查：承诺不实。", "result": "breached", "severity": "", "legal_basis": ""})

    assert response.status_code == 200
    errors = form_errors(response)
    assert any("失信程度" in error for error in errors) and any("认定依据" in error for error in errors)
    task.refresh_from_db()
    case.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and case.status == S.VERIFYING


@pytest.mark.parametrize("kind", ["self_discipline", "repair"])
def test_every_other_kind_is_published_and_verified_like_a_notification_commitment(client, people, kind):
    case = submit_commitment(client, people.applicant, people.subject, kind=kind, materials=())
    sign(client, people.applicant, case)
    case.refresh_from_db()
    assert case.status == S.VERIFYING
    case = verify_kept(client, people.handler, case)
    assert case.status == S.FULFILLED and commitment_status(case) == C.FULFILLED


def test_the_pages_of_each_step_show_what_the_step_needs(client, people):
    client.force_login(people.applicant)
    page = client.get(reverse("commitment:portal_register")).content.decode()
    assert "承诺类型" in page and "容缺材料" in page and "行政审批科" in page
    client.force_login(people.clerk)
    page = client.get(reverse("commitment:staff_register")).content.decode()
    assert "统一社会信用代码/身份证号码" in page and "补齐期限" in page
    assert reverse("commitment:staff_register") in client.get(reverse("workbench:home")).content.decode()
    client.force_login(people.applicant)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("commitment:portal_register") in home and 'id="commitments"' in home

    case = submit_commitment(client, people.applicant, people.subject, kind="notification", materials=(), signed=True)
    assert case.reference in client.get(reverse("portal:home")).content.decode()
    task = claim(client, people.handler, open_task(case, CommitmentFlow.verify))
    page = client.get(task_url(task, "execute")).content.decode()
    assert "核查方式" in page and "失信程度" in page and case.reference in page and MATTER in page
    page = client.get(case.get_staff_url()).content.decode()
    assert "核查承诺履行情况" in page and "<svg" in page
