"""Who is told what at each step of a listing or a removal (rows written now, delivered after commit)."""

from django.contrib.auth import get_user_model

from notifications.services import notify


def _tell_subject(case, event: str, **extra):
    people = list(get_user_model().objects.filter(subject_memberships__subject=case.subject, is_active=True))
    if not people:
        return []
    return notify(
        recipients=people,
        event=event,
        context={"case": case, "entry": case.entry, "case_title": str(case), "status_label": case.get_status_display(), **extra},
        link=case.get_absolute_url(),
        target=case,
        data={"case_status": case.status, "status_label": case.get_status_display()},
    )


def listing_pre_notice(*, case):
    return _tell_subject(case, "listing_pre_notice")


def listing_objection_received(*, case):
    return _tell_subject(case, "listing_objection_received")


def listing_decided(*, case):
    return _tell_subject(case, "listing_decided")


def removal_decided(*, case):
    return _tell_subject(case, "removal_decided")
