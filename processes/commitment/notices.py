"""Who is told what at each step of a commitment (rows written now, delivered after commit).

The department's staff learn of their work through the task notifications of
``processes.common.nodes``; the subject's users are told of every step here.
"""

from django.contrib.auth import get_user_model

from notifications.services import notify

from .models import CommitmentCase


def _tell_subject(case: CommitmentCase, event: str, **extra):
    people = list(get_user_model().objects.filter(subject_memberships__subject=case.subject, is_active=True))
    if not people:
        return []
    return notify(
        recipients=people,
        event=event,
        context={"case": case, "commitment": case.commitment, "case_title": str(case), "status_label": case.get_status_display(), **extra},
        link=case.get_absolute_url(),
        target=case,
        data={"case_status": case.status, "status_label": case.get_status_display()},
    )


def commitment_registered(*, case: CommitmentCase):
    return _tell_subject(case, "commitment_registered")


def commitment_published(*, case: CommitmentCase):
    return _tell_subject(case, "commitment_published")


def commitment_supplement_reminder(*, case: CommitmentCase):
    return _tell_subject(case, "commitment_supplement_reminder")


def commitment_supplied(*, case: CommitmentCase):
    return _tell_subject(case, "commitment_supplied")


def commitment_supplement_overdue(*, case: CommitmentCase):
    return _tell_subject(case, "commitment_supplement_overdue")


def commitment_fulfilled(*, case: CommitmentCase):
    return _tell_subject(case, "commitment_fulfilled")


def commitment_breached(*, case: CommitmentCase, record):
    return _tell_subject(case, "commitment_breached", record=record)
