"""Who among the staff may see a case: the departments it involves, and administrators."""

from credit.models import Department, Role, StaffRole


def is_admin(user) -> bool:
    return user.is_superuser or StaffRole.objects.filter(user=user, role=Role.ADMIN).exists()


def credit_office_id() -> int | None:
    return Department.objects.filter(is_credit_lead=True).values_list("pk", flat=True).first()


def staff_may_view_case(user, case) -> bool:
    """``case.involved_department_ids()`` names the departments whose staff may see it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_admin(user):
        return True
    held = set(StaffRole.objects.filter(user=user).values_list("department_id", flat=True))
    return bool(held & set(case.involved_department_ids()))


def credit_office_and(*department_ids) -> set[int]:
    """The credit office (involved in every case it leads) plus the given departments."""
    return {pk for pk in (credit_office_id(), *department_ids) if pk}
