"""The staff workbench home: my tasks and my departments' queue across every process, with due dates.

Task pages themselves are viewflow's (``/workflow/``); this page lists what
``DepartmentTask``'s queue allows, so a department never sees another's work.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import generic
from viewflow.workflow.status import STATUS

from credit.models import StaffRole
from credit.selectors import acts_as_staff

from .deadlines import task_case, tasks_prefetch_cases
from .models import DepartmentTask, TaskDeadline, department_task_filter, role_task_filter, user_sees_all_departments


class StaffOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not acts_as_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Rows per list on the workbench page; the rest is a page link away.
ROWS_PER_PAGE = 50


def _rows(tasks):
    today = timezone.localdate()
    rows = []
    for task in tasks_prefetch_cases(tasks):
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


def user_queue(user) -> "DepartmentQueue":
    return DepartmentQueue(user)


class DepartmentQueue:
    """The new tasks of a user's departments and roles, earliest due date first, then the undated oldest first.

    A department can hold tens of thousands of open tasks; sorting them all by a due date kept
    in another table for every page is what made the queue slow. Instead the dated tasks are
    walked in order through the partial index of open deadlines (department, due date), and the
    tasks without a due date follow. It is a sequence for Django's ``Paginator`` and DRF's
    pagination: ``count()`` and slices of tasks.
    """

    def __init__(self, user):
        self.user = user
        self.tasks = DepartmentTask.objects.user_queue(user).filter(status=STATUS.NEW)
        self.departments = None if user_sees_all_departments(user) else set(StaffRole.objects.filter(user=user).values_list("department_id", flat=True))
        self._count = None
        self._dated_count = None
        self._related = ("process", "deadline")

    def select_related(self, *fields) -> "DepartmentQueue":
        self._related = (*self._related, *fields)
        return self

    def count(self) -> int:
        """The role tasks counted from the partial index alone, plus any new task claimed by the user outside them."""
        if self._count is None:
            if self.departments is None:
                self._count = self.tasks.count()
            else:
                new = DepartmentTask.objects.filter(status=STATUS.NEW, flow_task_type="HUMAN")
                roles = role_task_filter(self.user)
                self._count = new.filter(roles).count() + new.filter(owner=self.user).exclude(roles).count()
        return self._count

    def __len__(self):
        return self.count()

    def _dated(self):
        """Ids of the dated tasks in due-date order (open deadlines of the user's departments)."""
        deadlines = TaskDeadline.objects.filter(task_open=True, task__status=STATUS.NEW, task__flow_task_type="HUMAN")
        if self.departments is not None:
            deadlines = deadlines.filter(Q(department_id__in=self.departments), department_task_filter(self.user, prefix="task__"))
        return deadlines.order_by("due_on", "task__created", "task_id").values_list("task_id", flat=True)

    def _undated(self):
        """The rest, oldest first: no open deadline in the user's departments."""
        undated = self.tasks.exclude(deadline__task_open=True) if self.departments is None else self.tasks.exclude(
            deadline__task_open=True, deadline__department_id__in=self.departments
        )
        return undated.order_by("created", "pk").values_list("pk", flat=True)

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("DepartmentQueue takes slices only")
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        ids = list(self._dated()[start:stop])
        if len(ids) < stop - start:  # past the dated tasks: the undated ones follow
            if self._dated_count is None:
                self._dated_count = self._dated().count()
            offset = max(0, start - self._dated_count)
            ids += list(self._undated()[offset : offset + (stop - start) - len(ids)])
        tasks = DepartmentTask.objects.filter(pk__in=ids).select_related(*self._related).in_bulk()
        return [tasks[pk] for pk in ids if pk in tasks]


class WorkbenchHomeView(StaffOnlyMixin, generic.TemplateView):
    template_name = "workbench/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        inbox = Paginator(user_inbox(user), ROWS_PER_PAGE).get_page(self.request.GET.get("inbox_page"))
        queue = Paginator(user_queue(user), ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            inbox=_rows(inbox.object_list), inbox_page=inbox, queue=_rows(queue.object_list), queue_page=queue, **kwargs
        )


class TaskRedirectView(StaffOnlyMixin, generic.View):
    """From a task id to its viewflow page (execute, claim or detail, as the user may)."""

    def get(self, request, pk):
        task = get_object_or_404(DepartmentTask, pk=pk)
        return redirect(task.flow_task.reverse("index", args=[task.process_id, task.pk]))
