"""The audit trail: what is recorded, that it cannot be changed, and that tampering is found."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AuditEntry
from credit.models import Subject
from processes.objection.tests.support import accept, approve, file_objection, make_record, propose
from tests.factories import SubjectFactory, make_staff, make_subject_user, next_id_number

pytestmark = pytest.mark.django_db(transaction=True)  # entries are chained when the business transaction commits


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(client):
    """An objection by a natural person, accepted, verified and approved: every kind of audited act."""
    person = SubjectFactory(kind=Subject.Kind.NATURAL_PERSON, name="张三", uscc=None, id_number=next_id_number())
    applicant, _ = make_subject_user(subject=person, username="applicant")
    clerk = make_staff("legal", "intake", username="legal.clerk")
    handler = make_staff("enforcement", "handler", username="enf.handler")
    reviewer = make_staff("enforcement", "reviewer", username="enf.reviewer")
    record = make_record(person, decision_date=datetime.date(2026, 1, 6), publish_on=datetime.date(2026, 1, 9))
    objection = accept(client, clerk, file_objection(client, applicant, record))
    objection = propose(client, handler, objection, "withdrawn", reason="处罚决定已被复议撤销。")
    objection = approve(client, reviewer, objection, comment="同意。")
    return objection, reviewer


def entries(action, **filters):
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("seq"))


def test_state_changes_record_who_before_after_and_why(case):
    objection, reviewer = case
    changes = entries("state_change", object_type="objection.objection", object_id=str(objection.pk))
    statuses = [(e.before["status"], e.after["status"]) for e in changes]
    assert ("filed", "accepted") in statuses or any(b == "filed" for b, _ in statuses)
    last = changes[-1]
    assert last.after["status"] == "decided" and last.actor_label.startswith("enf.reviewer") and last.actor_id == reviewer.pk
    assert last.reason == "同意。"  # the reviewer's comment on the approving transition
    # the record's own publication state changes are there too (every FSM model)
    assert entries("state_change", object_type="credit.creditrecord", object_id=str(objection.record_id))


def test_documents_issued_and_the_decision_are_recorded(case):
    objection, _ = case
    issued = entries("document_issued")
    assert {"异议受理通知书", "信用信息异议处理决定书"} <= {e.after["title"] for e in issued}
    assert all(e.after["number"] for e in issued)
    [decision] = entries("decision", object_id=str(objection.pk))
    assert decision.after["result"] in ("withdrawn", "revoked") and decision.after["document"] and "复议撤销" in decision.reason


def test_staff_viewing_a_natural_persons_case_is_recorded(case, client):
    objection, reviewer = case
    client.force_login(reviewer)
    assert client.get(reverse("objection:staff_detail", args=[objection.pk])).status_code == 200
    [view] = entries("view_personal_data", actor_id=reviewer.pk)
    assert view.object_type == "credit.subject" and view.object_id == str(objection.subject_id)
    # the ID number itself is not copied into the trail
    assert objection.subject.id_number not in str(view.before) + str(view.after) + view.reason


def test_admin_shows_the_trail_but_cannot_add_change_or_delete(case, admin_client):
    entry = AuditEntry.objects.first()
    assert admin_client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert admin_client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"reason": "x"}).status_code == 403
    assert admin_client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    response = admin_client.post(reverse("admin:audit_auditentry_changelist"), {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk, reason=entry.reason).exists()


def test_orm_and_sql_cannot_change_or_delete_an_entry(case):
    entry = AuditEntry.objects.first()
    entry.reason = "改过"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="改过")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    if connection.vendor == "postgresql":  # the trigger, whatever client writes
        for sql in ("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).reason != "改过"


def test_verify_passes_an_intact_chain_and_names_the_first_tampered_entry(case, capsys):
    count = AuditEntry.objects.count()
    assert count >= 10
    call_command("audit_verify")
    assert capsys.readouterr().out.strip() == f"OK {count} entries"

    victim = AuditEntry.objects.order_by("seq")[count // 2]
    with connection.cursor() as cursor:  # an attacker with database access, trigger switched off
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["无理由", victim.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")
    with pytest.raises(CommandError, match=rf"#{victim.seq} .*本条内容与哈希不符"):
        call_command("audit_verify")


def test_verify_finds_a_deleted_entry(case):
    victim = AuditEntry.objects.order_by("seq")[3]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [victim.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")
    with pytest.raises(CommandError, match=rf"#{victim.seq + 1} .*序号不连续"):
        call_command("audit_verify")
