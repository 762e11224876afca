"""A confirmed breach (违诺): the dishonesty record (失信记录) with its severity and legal basis, the subject told.

The record is made through ``credit.services`` like any other: published at once,
sourced from the department that found the breach (谁认定、谁负责), its severity in
the indicators (a penalty's severity field is for penalties only). The interview and
list processes find it through ``selectors.breaches_for``.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from credit.models import Commitment, CreditRecord, RecordKind, RecordStatus
from processes.commitment import selectors, services
from processes.commitment.models import CommitmentCase
from processes.common.signals import case_closed

from .support import (
    BREACH,
    S,
    confirm,
    document,
    download,
    next_working_days,
    notified,
    portal_page,
    register_at_counter,
    send_back,
    sign,
    submit_commitment,
    verify_broken,
)

LEGAL_BASIS = "《交通运输行业信用管理办法》第十九条；信用承诺书第四条"


@pytest.fixture
def closed(monkeypatch):
    """What ``case_closed`` announced: (result, department, document title) per case closed."""
    calls = []

    def receiver(sender, case, result, department, document, **kwargs):
        calls.append((case.reference, result, department, document.title if document else None))

    case_closed.connect(receiver, dispatch_uid="commitment-test")
    yield calls
    case_closed.disconnect(dispatch_uid="commitment-test")


@pytest.fixture
def verifying(client, people):
    """A 告知承诺 submitted and signed on the portal, waiting for the approval section's verification."""
    return submit_commitment(client, people.applicant, people.subject, kind="notification", materials=(), signed=True)


def test_confirmed_breach_creates_a_published_dishonesty_record_with_severity_and_legal_basis(client, people, verifying, closed):
    case = confirm(client, people.reviewer, verify_broken(client, people.handler, verifying, severity="serious", legal_basis=LEGAL_BASIS))

    commitment = Commitment.objects.get(pk=case.commitment_id)
    record = commitment.breach_record
    assert case.status == S.BREACHED and commitment.status == Commitment.Status.BREACHED
    assert record.kind == RecordKind.DISHONESTY and record.subject == people.subject
    assert record.source_department.code == "approval" and record.deciding_authority.endswith("行政审批科")
    assert record.legal_basis == LEGAL_BASIS and record.severity == ""  # a penalty's field; the breach's is below
    assert record.indicators["severity"] == "serious" and record.indicators["severity_label"] == "严重"
    assert record.indicators["basis"] == LEGAL_BASIS and record.indicators["determined_by"] == "行政审批科"
    assert record.title == "违背信用承诺：道路货物运输经营许可"
    assert record.status == RecordStatus.PUBLISHED and record.publication_date == timezone.localdate()
    assert record.is_complete  # every dishonesty indicator filled
    decision = document(case, BREACH)
    assert record.document_number == decision.number == f"交审〔{timezone.localdate().year}〕1号"
    assert closed == [(case.reference, "breached", "行政审批科", BREACH)]


def test_the_subject_is_told_of_the_breach_and_sees_the_record_and_the_decision(client, people, verifying):
    case = confirm(client, people.reviewer, verify_broken(client, people.handler, verifying, severity="general", legal_basis=LEGAL_BASIS))

    assert notified("commitment_breached", case) == ["applicant", "applicant.colleague"]
    from notifications.models import Notification

    told = Notification.objects.get(event="commitment_breached", recipient=people.applicant)
    assert "一般" in told.body and LEGAL_BASIS in told.body and told.link == case.get_absolute_url()
    page = portal_page(client, people.applicant, case)
    assert "已违诺" in page and BREACH in page and "一般" in page
    # the record is in the subject's credit file on the portal, open to an objection like any other
    client.force_login(people.applicant)
    home = client.get(reverse("portal:home")).content.decode()
    record = case.commitment.breach_record
    assert "违背信用承诺：道路货物运输经营许可" in home and reverse("objection:portal_file", args=[record.pk]) in home
    assert download(client, people.applicant, document(case, BREACH)).status_code == 200


def test_breaches_are_available_to_the_interview_and_list_processes(client, people, verifying):
    serious = confirm(client, people.reviewer, verify_broken(client, people.handler, verifying, severity="serious"))
    general = submit_commitment(client, people.applicant, people.subject, kind="public", materials=(), signed=True)
    general = confirm(client, people.reviewer, verify_broken(client, people.handler, general, severity="general"))
    kept = submit_commitment(client, people.applicant, people.subject, kind="self_discipline", materials=(), signed=True)
    assert kept.status == S.VERIFYING

    breaches = list(selectors.breaches_for(people.subject))
    assert [c.pk for c in breaches] == sorted([serious.commitment_id, general.commitment_id], reverse=True)
    assert all(c.breach_record.kind == RecordKind.DISHONESTY for c in breaches)
    assert [c.pk for c in selectors.breaches_for(people.subject, severity="serious")] == [serious.commitment_id]
    assert not selectors.breaches_for(people.other_subject).exists()


def test_returned_breach_finding_creates_no_record(client, people, verifying):
    case = send_back(client, people.reviewer, verify_broken(client, people.handler, verifying))

    assert case.status == S.VERIFYING
    assert not CreditRecord.objects.filter(kind=RecordKind.DISHONESTY).exists()
    assert notified("commitment_breached", case) == []
    assert not selectors.breaches_for(people.subject).exists()


def test_missing_materials_never_supplied_then_breach_names_the_lapsed_due_date(client, people):
    due = next_working_days(timezone.localdate(), 3)
    case = register_at_counter(client, people.clerk, people.subject, due_on=due)
    sign(client, people.applicant, case)
    services.commitments_sweep_supplements(today=due + datetime.timedelta(days=1))
    case.refresh_from_db()
    assert case.supplement_overdue

    case = confirm(client, people.reviewer, verify_broken(client, people.handler, case, severity="general"))

    record = Commitment.objects.get(pk=case.commitment_id).breach_record
    assert record.indicators["severity"] == "general"
    from .support import document_text

    text = document_text(case, BREACH)
    assert f"未在承诺期限（{due.year}年{due.month}月{due.day}日）内补齐容缺材料" in text


def test_a_second_confirmation_of_the_same_breach_is_refused(people, verifying, client):
    case = verify_broken(client, people.handler, verifying)
    services.commitment_breach_confirm(case=case, by=people.reviewer)

    from django_fsm import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        services.commitment_breach_confirm(case=CommitmentCase.objects.get(pk=case.pk), by=people.reviewer)
    assert CreditRecord.objects.filter(kind=RecordKind.DISHONESTY).count() == 1
