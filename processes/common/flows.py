"""The base every process flow derives from: department-aware tasks, a row lock, staff-only views."""

from viewflow.workflow import flow, lock

from credit.models import Role, StaffRole
from credit.selectors import is_staff_member

from .access import staff_may_view_case
from .models import DepartmentTask


class CreditFlow(flow.Flow):
    """Viewflow ``Flow`` with the bureau's rules for who may see and manage processes."""

    task_class = DepartmentTask
    # A row lock on the process: concurrent completions of one task serialise, the
    # second finds it done and is refused (no duplicate documents or deliveries).
    lock_impl = lock.select_for_update_lock

    def has_view_permission(self, user, obj=None):
        """Any staff member may open the process lists; a process only those its case involves."""
        if obj is None:
            return user.is_superuser or is_staff_member(user)
        process = obj.coerced if hasattr(obj, "coerced") else obj
        case = getattr(process, "case", None)
        return case is not None and staff_may_view_case(user, case)

    def has_manage_permission(self, user, obj=None):
        return user.is_superuser or StaffRole.objects.filter(user=user, role=Role.ADMIN).exists()
