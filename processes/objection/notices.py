"""Who is told what at each step of an objection (rows written now, delivered after commit)."""

from credit.models import Subject
from notifications.services import notify

from .models import Objection


def _subject_people(subject: Subject):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(subject_memberships__subject=subject, is_active=True))


def _tell_subject(objection: Objection, event: str, **extra):
    people = _subject_people(objection.subject)
    if not people:
        return []
    return notify(
        recipients=people,
        event=event,
        context={"objection": objection, "case_title": str(objection), "status_label": objection.result_label, **extra},
        link=objection.get_absolute_url(),
        target=objection,
        data={"case_status": objection.status, "status_label": objection.result_label},
    )


def objection_filed(*, objection: Objection):
    return _tell_subject(objection, "objection_filed")


def objection_supplement_requested(*, objection: Objection):
    return _tell_subject(objection, "objection_supplement_requested")


def objection_supplied(*, objection: Objection):
    return _tell_subject(objection, "objection_supplied")


def objection_withdrawn(*, objection: Objection):
    return _tell_subject(objection, "objection_withdrawn")


def objection_refused(*, objection: Objection):
    return _tell_subject(objection, "objection_refused")


def objection_accepted(*, objection: Objection):
    return _tell_subject(objection, "objection_accepted")


def objection_decided(*, objection: Objection):
    return _tell_subject(objection, "objection_decided")
