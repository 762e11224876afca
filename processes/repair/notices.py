"""Who is told what at each step of a repair (rows written now, delivered after commit)."""

from django.contrib.auth import get_user_model

from notifications.services import notify

from .models import RepairApplication


def _tell_subject(application: RepairApplication, event: str, **extra):
    people = list(get_user_model().objects.filter(subject_memberships__subject=application.subject, is_active=True))
    if not people:
        return []
    return notify(
        recipients=people,
        event=event,
        context={"application": application, "case_title": str(application), "status_label": application.get_status_display(), **extra},
        link=application.get_absolute_url(),
        target=application,
        data={"case_status": application.status, "status_label": application.get_status_display()},
    )


def repair_filed(*, application):
    return _tell_subject(application, "repair_filed")


def repair_accepted(*, application):
    return _tell_subject(application, "repair_accepted")


def repair_not_accepted(*, application):
    return _tell_subject(application, "repair_not_accepted")


def repair_extended(*, application, due_on):
    return _tell_subject(application, "repair_extended", due_on=due_on)


def repair_decided(*, application):
    return _tell_subject(application, "repair_decided")
