"""Who sees the oversight pages, and how much of them.

The credit office (法规科, ``Department.is_credit_lead``: any role there) and the
leaders (负责人, ``Role.LEADER`` in any department) see every department; so do
administrators. A section chief (审核人, ``Role.REVIEWER``) sees only the
department(s) they review for: the department filter is forced. Nobody else.
"""

from dataclasses import dataclass

from credit.models import Department, Role, StaffRole


@dataclass(frozen=True)
class Scope:
    everything: bool
    department_ids: frozenset[int] = frozenset()

    def allows(self, department_id: int | None) -> bool:
        return self.everything or department_id in self.department_ids

    def departments(self):
        """The departments the user may pick in the filter."""
        departments = Department.objects.order_by("code")
        return departments if self.everything else departments.filter(pk__in=self.department_ids)

    def department_for(self, requested_id: int | None) -> int | None:
        """The department the pages show: the requested one if allowed, else (section chief) their own.

        ``None`` means all departments, which only the credit office and leaders may see.
        """
        if self.everything:
            return requested_id
        if requested_id in self.department_ids:
            return requested_id
        return min(self.department_ids)


def oversight_scope(user) -> Scope | None:
    """What ``user`` may see here; ``None`` when nothing (the pages answer 403)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Scope(everything=True)
    roles = list(StaffRole.objects.filter(user=user).values_list("role", "department_id", "department__is_credit_lead"))
    if any(is_credit_lead or role in (Role.LEADER, Role.ADMIN) for role, _, is_credit_lead in roles):
        return Scope(everything=True)
    reviewing = frozenset(department_id for role, department_id, _ in roles if role == Role.REVIEWER)
    if reviewing:
        return Scope(everything=False, department_ids=reviewing)
    return None
