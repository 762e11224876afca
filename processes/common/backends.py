"""Authentication backend answering "may this user act in this role for this department"."""

from credit.models import Department
from credit.selectors import user_has_role

from .models import role_from_permission


class DepartmentRoleBackend:
    """``user.has_perm("credit.role_handler", department)``: true when the user holds that role there.

    Viewflow asks ``has_perm(task.owner_permission, obj)`` before it lets someone take
    or execute a task; a department-scoped task carries ``credit.role_<role>`` and the
    department as the permission object. Without an object the answer is no, so no
    one holds a role "everywhere" by accident (the administrator role is handled in
    ``user_has_role``).
    """

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        role = role_from_permission(perm)
        if role is None or obj is None:
            return False
        if not isinstance(obj, Department):
            return False
        return user_has_role(user_obj, department=obj, role=role)
