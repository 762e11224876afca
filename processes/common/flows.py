"""The base every process flow derives from: department-aware tasks, a row lock, staff-only views."""

import functools

from django.db.models import Q
from django.http import Http404
from django.urls import URLPattern, URLResolver
from viewflow.utils import viewprop
from viewflow.workflow import flow, lock
from viewflow.workflow.flow import FlowAppViewset, views
from viewflow.workflow.models import Task

from credit.models import Role, StaffRole
from credit.selectors import acts_as_staff

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
            return acts_as_staff(user)
        process = obj.coerced if hasattr(obj, "coerced") else obj
        case = getattr(process, "case", None)
        return case is not None and staff_may_view_case(user, case)

    def has_manage_permission(self, user, obj=None):
        return user.is_superuser or StaffRole.objects.filter(user=user, role=Role.ADMIN).exists()

    def _get_urls(self):
        """Viewflow's URLs, each node's task pages answering only for that node's tasks of that process.

        Viewflow looks a task up by its id and checks only its flow: ``.../verify/<intake task>/assign/``
        would ask about the credit office's intake task whether the user holds the intake role in the
        verify node's department (the record's), and let that department's intake clerk claim and
        decide it; ``.../<other process>/...`` would lock the wrong process.
        """
        urlpatterns = super()._get_urls()
        nodes = {node.name: node for node in self.nodes()}
        for item in urlpatterns:
            node = nodes.get(getattr(item, "namespace", None)) if isinstance(item, URLResolver) else None
            if node is not None:
                _guard_task_views(node, item.url_patterns)
        return urlpatterns


def _guard_task_views(node, patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _guard_task_views(node, pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = _only_own_tasks(node, pattern.callback)


def _only_own_tasks(node, view):
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        task_pk = kwargs.get("task_pk")
        if task_pk is not None and not Task.objects.filter(pk=task_pk, process_id=kwargs.get("process_pk"), flow_task=node).exists():
            raise Http404("No task matches the given query.")
        return view(request, *args, **kwargs)

    return guarded


def _department_scope(user) -> list[str] | None:
    """The departments (as task permission object keys) whose processes ``user`` may list; None: all."""
    from .access import credit_office_id, is_admin

    if is_admin(user):
        return None
    departments = set(StaffRole.objects.filter(user=user).values_list("department_id", flat=True))
    if credit_office_id() in departments:
        return None  # the credit office leads credit work and sees every case
    return [str(pk) for pk in departments]


class DepartmentProcessListView(views.DashboardProcessListView):
    """Viewflow's process list, limited to processes with a task for one of the user's departments."""

    def get_queryset(self):
        queryset = super().get_queryset()
        scope = _department_scope(self.request.user)
        if scope is None:
            return queryset.order_by("-created")
        return queryset.filter(pk__in=DepartmentTask.objects.filter(owner_permission_obj_pk__in=scope).values("process_id")).order_by("-created")


class DepartmentTaskListView(views.DashboardTaskListView):
    """Viewflow's task list, limited to the user's departments' tasks (and their own)."""

    @viewprop
    def queryset(self):
        queryset = self.model._default_manager.filter(process__flow_class=self.flow_class).select_related("process")
        scope = _department_scope(self.request.user)
        if scope is None:
            return queryset
        return queryset.filter(Q(owner_permission_obj_pk__in=scope) | Q(owner=self.request.user))


class DepartmentFlowAppViewset(FlowAppViewset):
    """Viewflow's frontend for a flow, showing each department only its own processes and tasks."""

    process_list_view_class = DepartmentProcessListView
    task_list_view_class = DepartmentTaskListView
