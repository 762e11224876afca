"""Who is told what at each step of an interview (rows written now, delivered after commit)."""

from django.contrib.auth import get_user_model

from credit.models import Role
from credit.selectors import users_with_role
from notifications.services import notify

from .models import WarningInterview


def _context(interview: WarningInterview, **extra) -> dict:
    return {"interview": interview, "case_title": str(interview), "status_label": interview.result_label, **extra}


def _tell_subject(interview: WarningInterview, event: str, **extra):
    people = list(get_user_model().objects.filter(subject_memberships__subject=interview.subject, is_active=True))
    if not people:
        return []
    return notify(
        recipients=people,
        event=event,
        context=_context(interview, **extra),
        link=interview.get_absolute_url(),
        target=interview,
        data={"case_status": interview.status, "status_label": interview.result_label},
    )


def _tell_department(interview: WarningInterview, role: str, event: str, **extra):
    people = list(users_with_role(department=interview.department, role=role))
    if not people:
        return []
    return notify(recipients=people, event=event, context=_context(interview, **extra), link=interview.get_staff_url(), target=interview)


def interview_notified(*, interview):
    return _tell_subject(interview, "interview_notified")


def interview_confirmed(*, interview):
    _tell_department(interview, Role.HANDLER, "interview_confirmed")
    return _tell_subject(interview, "interview_confirmed")


def interview_held(*, interview):
    return _tell_subject(interview, "interview_held")


def interview_no_show(*, interview):
    """The subject is told it is recorded; the department's leaders get the case (升级至负责人)."""
    _tell_subject(interview, "interview_missed")
    return _tell_department(interview, Role.LEADER, "interview_no_show_escalated")


def interview_closed(*, interview):
    return _tell_subject(interview, "interview_closed")
