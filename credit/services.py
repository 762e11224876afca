"""Writes to the credit data model. Each does one thing to one entity, atomically.

Validation runs before anything is written (``full_clean``), so a bad code is
refused with a message naming the field and the rule and nothing is half-saved.
"""

import datetime

from django.db import transaction

from .models import CreditRecord, Department, Role, StaffRole, Subject, SubjectMembership
from .rules import NoRuleInForce, publication_dates


@transaction.atomic
def subject_create(*, kind: str, name: str, uscc: str | None = None, id_number: str | None = None, **fields) -> Subject:
    subject = Subject(kind=kind, name=name, uscc=uscc, id_number=id_number, **fields)
    subject.full_clean()
    subject.save()
    return subject


@transaction.atomic
def subject_grant_access(*, subject: Subject, user, capacity: str = SubjectMembership.Capacity.AGENT) -> SubjectMembership:
    membership, _ = SubjectMembership.objects.get_or_create(subject=subject, user=user, defaults={"capacity": capacity})
    return membership


@transaction.atomic
def staff_role_grant(*, user, department: Department, role: str) -> StaffRole:
    staff_role, _ = StaffRole.objects.get_or_create(user=user, department=department, role=Role(role))
    return staff_role


def record_apply_rule_dates(record: CreditRecord) -> None:
    """Fill the regime, earliest repair date and end of publication of a penalty (no save)."""
    if record.kind != "penalty" or not record.severity:
        return
    try:
        dates = publication_dates(
            severity=record.severity,
            decision_date=record.decision_date,
            publication_date=record.publication_date,
            sector=record.sector,
        )
    except NoRuleInForce:
        record.rule_version = None
        record.earliest_repair_on = record.publication_ends_on = None
        return
    record.rule_version = dates.rule_version
    record.earliest_repair_on = dates.earliest_repair_on
    record.publication_ends_on = dates.publication_ends_on


@transaction.atomic
def record_create(*, publish_on: datetime.date | None = None, **fields) -> CreditRecord:
    """Create a credit record; published at once when ``publish_on`` is given."""
    record = CreditRecord(**fields)
    if publish_on is not None:
        record.publish(on=publish_on)
    # After publish(), so the publication date is checked too (not before the decision).
    record.full_clean(exclude=["status"])  # protected FSM field: changed by transitions only
    record_apply_rule_dates(record)
    record.save()
    return record


@transaction.atomic
def record_publish(*, record: CreditRecord, on: datetime.date) -> CreditRecord:
    record.publish(on=on)
    record.full_clean(exclude=["status"])  # e.g. a publication date before the decision
    record_apply_rule_dates(record)
    record.save()
    return record


@transaction.atomic
def record_refresh_rule_dates(*, record: CreditRecord) -> CreditRecord:
    record_apply_rule_dates(record)
    record.save(update_fields=["rule_version", "earliest_repair_on", "publication_ends_on"])
    return record


@transaction.atomic
def records_expire_due(*, today: datetime.date) -> int:
    """Stop publication of every record whose maximum publication period has passed."""
    count = 0
    due = CreditRecord.objects.visible().exclude(status="under_objection").filter(publication_ends_on__lt=today)
    for record in due.select_for_update(skip_locked=True):
        record.expire()
        record.save()
        count += 1
    return count
