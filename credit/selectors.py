"""Read-only questions about the credit data model."""

from django.db.models import QuerySet

from .models import Department, Role, StaffRole, Subject


def user_has_role(user, *, department: Department | int, role: str | Role) -> bool:
    """May ``user`` act for ``department`` in ``role``? (An administrator role counts everywhere.)"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    department_id = department.pk if isinstance(department, Department) else department
    roles = StaffRole.objects.filter(user=user)
    return roles.filter(department_id=department_id, role=role).exists() or roles.filter(role=Role.ADMIN).exists()


def user_departments(user, *, role: str | Role | None = None) -> QuerySet[Department]:
    roles = StaffRole.objects.filter(user=user)
    if role is not None:
        roles = roles.filter(role=role)
    return Department.objects.filter(pk__in=roles.values("department_id"))


def users_with_role(*, department: Department, role: str | Role):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        is_active=True, staff_roles__department=department, staff_roles__role=role
    ).distinct()


def is_staff_member(user) -> bool:
    return getattr(user, "is_authenticated", False) and StaffRole.objects.filter(user=user).exists()


def acts_as_staff(user) -> bool:
    """Bureau staff (a role in some department) or a superuser: who gets the staff pages and the staff view of the API."""
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or is_staff_member(user)))


def credit_lead_department() -> Department:
    return Department.objects.get(is_credit_lead=True)


def user_subjects(user) -> QuerySet[Subject]:
    if not getattr(user, "is_authenticated", False):
        return Subject.objects.none()
    return Subject.objects.filter(memberships__user=user)


def user_may_act_for_subject(user, subject: Subject) -> bool:
    return user_subjects(user).filter(pk=subject.pk).exists()
