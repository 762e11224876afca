"""The audit trail: what is recorded, that it commits with its change, that it cannot be changed, and that tampering is found."""

import datetime
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from audit import services as audit_services
from audit import tasks as audit_tasks
from audit.models import AuditEntry
from audit.services import audit_record
from credit import services as credit_services
from credit.models import RecordStatus, Subject
from processes.objection.flows import ObjectionFlow
from processes.objection.models import Objection
from processes.objection.tests.support import accept, approve, claim, file_objection, make_record, open_task, propose, submit
from tests.factories import SubjectFactory, make_staff, make_subject_user, next_id_number

pytestmark = pytest.mark.django_db(transaction=True)  # entries are sealed into the chain when the business transaction commits


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


# --- the entry commits or rolls back with its change ------------------------------------------------


def record_entries(record):
    return AuditEntry.objects.filter(object_type="credit.creditrecord", object_id=str(record.pk))


@pytest.fixture
def unpublished():
    return make_record(SubjectFactory(), publish_on=None)


def test_the_entry_is_rolled_back_with_the_change(unpublished):
    with pytest.raises(RuntimeError), transaction.atomic():
        credit_services.record_publish(record=unpublished, on=datetime.date(2026, 1, 9))
        assert record_entries(unpublished).get().after["status"] == RecordStatus.PUBLISHED  # written with the change
        raise RuntimeError("the business transaction fails after the transition")
    unpublished.refresh_from_db()
    assert unpublished.status == RecordStatus.UNPUBLISHED
    assert not record_entries(unpublished).exists()


@pytest.fixture
def audit_inserts_fail():
    """PostgreSQL refuses every new audit entry (a full disk, a broken column, a lost privilege)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION audit_test_refuse_insert() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit insert refused for the test'; END; $$ LANGUAGE plpgsql;"
            "CREATE TRIGGER audit_test_refuse_insert BEFORE INSERT ON audit_auditentry FOR EACH ROW EXECUTE FUNCTION audit_test_refuse_insert();"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER audit_test_refuse_insert ON audit_auditentry; DROP FUNCTION audit_test_refuse_insert();")


def test_the_change_is_rolled_back_when_its_entry_cannot_be_written(unpublished, audit_inserts_fail):
    with pytest.raises(DatabaseError, match="audit insert refused"):
        credit_services.record_publish(record=unpublished, on=datetime.date(2026, 1, 9))
    unpublished.refresh_from_db()
    assert unpublished.status == RecordStatus.UNPUBLISHED


def test_a_clerks_acceptance_does_not_happen_when_its_entry_cannot_be_written(client, request):
    applicant, subject = make_subject_user(username="applicant")
    clerk = make_staff("legal", "intake", username="legal.clerk")
    objection = file_objection(client, applicant, make_record(subject))
    task = claim(client, clerk, open_task(objection, ObjectionFlow.intake))
    before = AuditEntry.objects.count()

    request.getfixturevalue("audit_inserts_fail")
    with pytest.raises(DatabaseError, match="audit insert refused"):
        submit(client, clerk, task, {"decision": "accept", "reason": ""})

    objection = Objection.objects.select_related("record").get(pk=objection.pk)
    task.refresh_from_db()
    assert objection.status == Objection.Status.FILED and objection.accepted_at is None
    assert objection.record.status == RecordStatus.UNDER_OBJECTION
    assert task.status == STATUS.ASSIGNED and AuditEntry.objects.count() == before


# --- sealing: after commit, by the sweep ---------------------------------------------------------


def test_entries_are_written_unsealed_and_sealed_when_the_transaction_commits(unpublished):
    with transaction.atomic():
        credit_services.record_publish(record=unpublished, on=datetime.date(2026, 1, 9))
        audit_record(action="note", target=unpublished, reason="second act in the same transaction")
        pending = list(record_entries(unpublished).order_by("id"))
        assert len(pending) == 2 and all(e.seq is None and e.hash is None and e.prev_hash is None for e in pending)
    sealed = list(record_entries(unpublished).order_by("id"))
    assert [e.seq for e in sealed] == [1, 2] and sealed[0].prev_hash == audit_services.GENESIS
    assert sealed[1].prev_hash == sealed[0].hash and all(e.hash == e.compute_hash() for e in sealed)
    assert not AuditEntry.objects.pending().exists()


def test_every_entry_of_a_whole_case_is_sealed_and_the_chain_verifies(case, capsys):
    assert not AuditEntry.objects.pending().exists()
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    call_command("audit_verify")
    assert capsys.readouterr().out.strip() == f"OK {len(seqs)} entries"


def test_an_open_business_transaction_does_not_hold_up_sealing_of_others(unpublished):
    """The chain lock is taken only while sealing: one case's long transaction does not block another's entries."""
    written, release, failures = threading.Event(), threading.Event(), []

    def long_transaction():
        try:
            with transaction.atomic():
                audit_record(action="slow", target=("test.slow", 1))
                written.set()
                release.wait(10)
        except Exception as error:  # reported by the main thread
            failures.append(error)
        finally:
            connections.close_all()

    worker = threading.Thread(target=long_transaction)
    worker.start()
    try:
        assert written.wait(10)
        credit_services.record_publish(record=unpublished, on=datetime.date(2026, 1, 9))  # its own transaction, committed
        assert record_entries(unpublished).get().seq == 1  # sealed while the other transaction is still open
    finally:
        release.set()
        worker.join(10)
    assert not failures
    slow = AuditEntry.objects.get(action="slow")
    assert slow.seq == 2 and slow.prev_hash == record_entries(unpublished).get().hash


def test_concurrent_transactions_chain_every_entry_once():
    def write(n):
        try:
            for i in range(5):
                with transaction.atomic():
                    audit_record(action="concurrent", target=("test.thread", n), after={"i": i})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert AuditEntry.objects.filter(action="concurrent").count() == 30
    assert not AuditEntry.objects.pending().exists()
    result = audit_services.audit_verify()
    assert result.ok and result.count == 30


@pytest.fixture
def crash_after_commit(monkeypatch):
    """The process dies between the commit and the sealing: the after-commit run never happens."""
    monkeypatch.setattr(audit_services, "_seal_committed", lambda: None)


def test_a_pending_entry_left_by_a_crash_is_sealed_by_the_beat_sweep(unpublished, crash_after_commit, capsys):
    credit_services.record_publish(record=unpublished, on=datetime.date(2026, 1, 9))
    [entry] = record_entries(unpublished)
    assert entry.seq is None

    # while young it is only counted; audit_verify calls it a problem once the grace period has passed
    call_command("audit_verify")
    assert capsys.readouterr().out.strip() == "OK 0 entries, 1 awaiting sealing"
    with pytest.raises(CommandError, match=rf"UNSEALED 1 entries older than 0 s, the oldest id {entry.pk} \(state_change credit.creditrecord:{unpublished.pk}"):
        call_command("audit_verify", "--grace", "0")

    assert "audit.tasks" in settings.CELERY_BEAT_SCHEDULE_MODULES
    [job] = [job for job in audit_tasks.beat_schedule.values() if job["task"] == "audit.seal_pending"]
    assert job["schedule"] <= 300
    assert audit_tasks.seal_pending.apply().get() == 1

    entry.refresh_from_db()
    assert entry.seq == 1 and entry.prev_hash == audit_services.GENESIS and entry.hash == entry.compute_hash()
    call_command("audit_verify", "--grace", "0")
    assert capsys.readouterr().out.strip() == "OK 1 entries"


def test_the_seal_command_seals_what_is_pending_after_the_chain(case, crash_after_commit, capsys):
    sealed_before = AuditEntry.objects.count()
    last = AuditEntry.objects.order_by("-seq").first()
    with transaction.atomic():
        audit_record(action="after_crash", target=("test.crash", 1))
        audit_record(action="after_crash", target=("test.crash", 2))
    assert AuditEntry.objects.pending().count() == 2

    call_command("audit_seal")
    assert capsys.readouterr().out.strip() == "Sealed 2 entries"
    first, second = AuditEntry.objects.filter(action="after_crash").order_by("seq")
    assert (first.seq, first.prev_hash) == (last.seq + 1, last.hash) and second.prev_hash == first.hash
    call_command("audit_verify", "--grace", "0")
    assert capsys.readouterr().out.strip() == f"OK {sealed_before + 2} entries"


def test_verify_names_a_broken_entry_and_stale_unsealed_ones_together(case, crash_after_commit):
    audit_record(action="after_crash", target=("test.crash", 1))
    victim = AuditEntry.objects.filter(seq__isnull=False).order_by("seq")[2]
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute("UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", ["冒名", victim.pk])
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")
    with pytest.raises(CommandError, match=rf"BROKEN at entry #{victim.seq} .*本条内容与哈希不符.*; UNSEALED 1 entries"):
        call_command("audit_verify", "--grace", "0")


# --- the trigger: sealing once is the only change ----------------------------------------------------


def refused(sql, params):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_trigger_lets_an_unsealed_entry_be_sealed_once_and_nothing_else(case, crash_after_commit):
    sealed = AuditEntry.objects.order_by("seq").last()
    pending = audit_record(action="after_crash", target=("test.crash", 1), reason="原始理由")
    seal = "UPDATE audit_auditentry SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s"

    # a sealed entry: no new place in the chain, no new hash, no change of content
    refused(seal, [sealed.seq + 100, sealed.prev_hash, "f" * 64, sealed.pk])
    refused("UPDATE audit_auditentry SET hash = %s WHERE id = %s", ["f" * 64, sealed.pk])
    refused("UPDATE audit_auditentry SET seq = NULL, prev_hash = NULL, hash = NULL WHERE id = %s", [sealed.pk])
    # an unsealed entry: its content cannot change, not even together with sealing, and it cannot be deleted
    refused("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["改过", pending.pk])
    refused("UPDATE audit_auditentry SET seq = %s, prev_hash = %s, hash = %s, reason = %s WHERE id = %s", [sealed.seq + 1, sealed.hash, "e" * 64, "改过", pending.pk])
    refused("UPDATE audit_auditentry SET seq = %s WHERE id = %s", [sealed.seq + 1, pending.pk])
    refused("DELETE FROM audit_auditentry WHERE id = %s", [pending.pk])
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=pending.pk).update(seq=sealed.seq + 1)

    assert audit_services.audit_seal_pending() == 1
    pending.refresh_from_db()
    assert pending.reason == "原始理由" and pending.seq == sealed.seq + 1 and pending.prev_hash == sealed.hash
    # sealed now: a second sealing is refused by the ORM and by the trigger
    with pytest.raises(PermissionError, match="已封存"):
        AuditEntry.objects.all()._seal(pk=pending.pk, seq=pending.seq + 1, prev_hash=pending.hash, hash="d" * 64)
    refused("UPDATE audit_auditentry SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s", [pending.seq + 1, pending.hash, "d" * 64, pending.pk])
    assert audit_services.audit_verify(pending_grace=datetime.timedelta(0)).ok


def test_verify_reports_by_default_an_entry_unsealed_longer_than_the_grace_setting(unpublished, crash_after_commit, monkeypatch):
    credit_services.record_publish(record=unpublished, on=datetime.date(2026, 1, 9))
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=settings.AUDIT_SEAL_GRACE_SECONDS + 1))
    with pytest.raises(CommandError, match="UNSEALED 1 entries"):
        call_command("audit_verify")
