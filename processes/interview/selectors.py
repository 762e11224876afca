"""Read-only questions about interviews: who may see or act on a case, which cases a user sees."""

from credit.models import Department, StaffRole
from credit.selectors import user_subjects
from processes.common.access import is_admin, staff_may_view_case

from .models import ImportBatch, WarningInterview


def staff_may_act_for_department(user, department: Department) -> bool:
    """谁认定、谁约谈: any role in the designating department, the credit office (法规科, which leads
    credit work and receives the lists sent down), or an administrator."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_admin(user):
        return True
    return StaffRole.objects.filter(user=user).filter(department=department).exists() or StaffRole.objects.filter(
        user=user, department__is_credit_lead=True
    ).exists()


def staff_may_view(user, interview: WarningInterview) -> bool:
    return staff_may_view_case(user, interview)


def staff_cases(user):
    """The interviews a staff member may see: all for the credit office and administrators, else their departments'."""
    queryset = WarningInterview.objects.select_related("subject", "department")
    if is_admin(user) or StaffRole.objects.filter(user=user, department__is_credit_lead=True).exists():
        return queryset
    return queryset.filter(department_id__in=StaffRole.objects.filter(user=user).values("department_id"))


def subject_cases(user):
    """The interviews of the subjects a portal user acts for (once the notice has gone out: before, there is nothing to see)."""
    return (
        WarningInterview.objects.filter(subject__in=user_subjects(user), notice_count__gt=0)
        .select_related("subject", "department", "interview_record")
    )


def visible_batches(user):
    """Imports a staff member may look at: their own; the credit office and administrators see all."""
    if is_admin(user) or StaffRole.objects.filter(user=user, department__is_credit_lead=True).exists():
        return ImportBatch.objects.all()
    return ImportBatch.objects.filter(uploaded_by=user)
