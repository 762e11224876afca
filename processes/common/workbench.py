"""The staff workbench home: my tasks and my departments' queue across every process, with due dates.

Task pages themselves are viewflow's (``/workflow/``); this page lists what
``DepartmentTask``'s queue allows, so a department never sees another's work.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import generic
from viewflow.workflow.status import STATUS

from credit.selectors import is_staff_member

from .deadlines import task_case
from .models import DepartmentTask


class StaffOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (request.user.is_superuser or is_staff_member(request.user)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _rows(tasks):
    today = timezone.localdate()
    rows = []
    for task in tasks:
        case = task_case(task)
        deadline = getattr(task, "deadline", None)
        rows.append(
            {
                "task": task,
                "title": task.flow_task.task_title or task.flow_task.name,
                "process": task.flow_task.flow_class.process_title,
                "case": case,
                "case_url": case.get_staff_url() if case is not None and hasattr(case, "get_staff_url") else "",
                "deadline": deadline,
                "overdue": bool(deadline and deadline.due_on < today),
            }
        )
    return rows


def user_inbox(user):
    return DepartmentTask.objects.filter(owner=user, status__in=[STATUS.ASSIGNED, STATUS.STARTED], flow_task_type="HUMAN").select_related("process", "deadline").order_by("deadline__due_on", "created")


def user_queue(user):
    return DepartmentTask.objects.user_queue(user).filter(status=STATUS.NEW).select_related("process", "deadline").order_by("deadline__due_on", "created")


class WorkbenchHomeView(StaffOnlyMixin, generic.TemplateView):
    template_name = "workbench/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(inbox=_rows(user_inbox(user)[:200]), queue=_rows(user_queue(user)[:200]), **kwargs)


class TaskRedirectView(StaffOnlyMixin, generic.View):
    """From a task id to its viewflow page (execute, claim or detail, as the user may)."""

    def get(self, request, pk):
        task = get_object_or_404(DepartmentTask, pk=pk)
        return redirect(task.flow_task.reverse("index", args=[task.process_id, task.pk]))
