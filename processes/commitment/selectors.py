"""Read-only questions about commitments: who may register or see one, what is public, which were broken."""

from django.db.models import Q, QuerySet

from credit.models import Commitment, Department, Role, StaffRole, Subject
from credit.selectors import user_subjects
from processes.common import views as common_views
from processes.common.access import is_admin, staff_may_view_case

from .models import CommitmentCase

#: The roles that register a commitment at the department's counter (窗口登记).
REGISTERING_ROLES = (Role.INTAKE, Role.HANDLER)


def registrable_departments(user) -> QuerySet[Department]:
    """The departments ``user`` may register commitments for: where they are intake clerk or handler."""
    if not getattr(user, "is_authenticated", False):
        return Department.objects.none()
    if is_admin(user):
        return Department.objects.all()
    return Department.objects.filter(pk__in=StaffRole.objects.filter(user=user, role__in=REGISTERING_ROLES).values("department_id"))


def staff_may_register(user, department: Department) -> bool:
    return registrable_departments(user).filter(pk=department.pk).exists()


def staff_may_view(user, case: CommitmentCase) -> bool:
    """Staff of the department the commitment was made to and of the credit office (and administrators)."""
    return staff_may_view_case(user, case)


def staff_cases(user) -> QuerySet[CommitmentCase]:
    queryset = CommitmentCase.objects.select_related("commitment", "commitment__department", "subject")
    if is_admin(user):
        return queryset
    departments = set(StaffRole.objects.filter(user=user).values_list("department_id", flat=True))
    if Department.objects.filter(pk__in=departments, is_credit_lead=True).exists():
        return queryset
    return queryset.filter(commitment__department_id__in=departments)


def subject_cases(user) -> QuerySet[CommitmentCase]:
    return CommitmentCase.objects.filter(subject__in=user_subjects(user)).select_related("commitment", "commitment__department", "subject")


def open_tasks(case: CommitmentCase):
    return common_views.open_tasks(case)


def public_commitments(query: str = "") -> QuerySet[Commitment]:
    """信用承诺公示: public commitments, a case's once its signed letter is in; by name, or by exact code."""
    queryset = (
        Commitment.objects.filter(is_public=True)
        .filter(Q(case__isnull=True) | Q(case__published_at__isnull=False))
        .select_related("subject", "department")
        .order_by("-committed_on", "-pk")
    )
    query = (query or "").strip()
    if query:
        queryset = queryset.filter(Q(subject__name__icontains=query) | Q(subject__uscc=query.upper()) | Q(subject__id_number=query.upper()))
    return queryset


def breaches_for(subject: Subject, *, severity: str | None = None) -> QuerySet[Commitment]:
    """The commitments ``subject`` broke, each with its dishonesty record (失信记录), newest first.

    For the interview (约谈) and list (名单认定) processes: ``commitment.breach_record``
    carries the legal basis, ``indicators["severity"]`` (general/serious) and the
    department that found the breach (``source_department``).
    """
    queryset = (
        Commitment.objects.filter(subject=subject, status=Commitment.Status.BREACHED, breach_record__isnull=False)
        .select_related("breach_record", "breach_record__source_department", "department", "case")
        .order_by("-breach_record__decision_date", "-pk")
    )
    if severity:
        queryset = queryset.filter(breach_record__indicators__severity=severity)
    return queryset
