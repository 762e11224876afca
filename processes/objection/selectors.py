"""Read-only questions about objections: who may see a case, its open tasks, its chart."""


from credit.models import Role, StaffRole
from credit.selectors import user_subjects
from processes.common import views as common_views
from processes.common.access import staff_may_view_case

from .models import Objection


def _staff_departments(user) -> set[int]:
    return set(StaffRole.objects.filter(user=user).values_list("department_id", flat=True))


def _is_admin(user) -> bool:
    return user.is_superuser or StaffRole.objects.filter(user=user, role=Role.ADMIN).exists()


def staff_may_view(user, objection: Objection) -> bool:
    """Staff of the credit office and of the department that produced the record (and administrators)."""
    return staff_may_view_case(user, objection)


def staff_may_file(user) -> bool:
    from credit.models import Department

    lead = Department.objects.filter(is_credit_lead=True).first()
    return _is_admin(user) or StaffRole.objects.filter(user=user, department=lead, role__in=[Role.INTAKE, Role.HANDLER]).exists()


def staff_cases(user):
    """The objections a staff member may see."""
    queryset = Objection.objects.select_related("record", "subject", "record__source_department")
    if _is_admin(user):
        return queryset
    from credit.models import Department

    departments = _staff_departments(user)
    lead = Department.objects.filter(is_credit_lead=True).values_list("pk", flat=True).first()
    if lead in departments:
        return queryset
    return queryset.filter(record__source_department_id__in=departments)


def subject_cases(user):
    return Objection.objects.filter(subject__in=user_subjects(user)).select_related("record", "subject")


def open_tasks(objection: Objection):
    return common_views.open_tasks(objection)
