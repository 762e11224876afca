"""Due dates on human tasks, the reminder one working day before, escalation when they pass.

Every period comes from the rule table (``credit.rules``), counted in working days
on the bureau's calendar (``credit.workdays``). Escalation tells the department's
reviewer and leader; it does not take the task from whoever holds it.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from viewflow.workflow.status import STATUS

from credit.models import Department, Role
from credit.rules import deadline_days
from credit.selectors import users_with_role
from credit.workdays import due_and_reminder, is_working_day

from .models import TaskDeadline
from .timeline import case_log

OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def previous_working_day(day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def deadline_start(*, task, key: str, department: Department | None, regime_date: datetime.date | None = None, start: datetime.date | None = None) -> TaskDeadline:
    """Give ``task`` its due date: ``key``'s working days (rule in force on ``regime_date``) after ``start``."""
    start = start or timezone.localdate()
    days = deadline_days(key, on=regime_date or start)
    due, remind_on = due_and_reminder(start, days)
    return TaskDeadline.objects.create(
        task=task, rule_key=key, working_days=days, due_on=due.date, remind_on=remind_on,
        provisional=due.provisional, department=department,
    )


@transaction.atomic
def deadline_extend(*, task, working_days: int, by=None, reason: str = "", case=None) -> TaskDeadline:
    """Move a task's due date by ``working_days`` (complex cases); reminders and escalation start afresh."""
    deadline = TaskDeadline.objects.select_for_update().get(task=task)
    due, remind_on = due_and_reminder(deadline.due_on, working_days)
    deadline.due_on = due.date
    deadline.remind_on = remind_on
    deadline.provisional = deadline.provisional or due.provisional
    deadline.extended_by_days += working_days
    deadline.reminded_at = deadline.escalated_at = None
    deadline.save()
    if case is not None:
        case_log(case=case, action="deadline_extended", label=f"办理期限延长{working_days}个工作日至{due.date:%Y年%m月%d日}", actor=by, reason=reason)
    return deadline


def task_case(task):
    """The case behind a task: every process's Process proxy exposes ``case``.

    Lists of tasks load their cases in one query per flow first (``tasks_prefetch_cases``).
    """
    if hasattr(task, "_prefetched_case"):
        return task._prefetched_case
    process = task.process.coerced if hasattr(task.process, "coerced") else task.process
    return getattr(process, "case", None)


def tasks_prefetch_cases(tasks) -> list:
    """``tasks`` as a list, each with its case and department loaded: one query per flow and one for
    the departments, instead of two per task."""

    tasks = list(tasks)
    by_process_class = {}
    for task in tasks:
        process_class = task.flow_task.flow_class.process_class
        if hasattr(process_class, "case_queryset"):
            by_process_class.setdefault(process_class, []).append(task)
    for process_class, group in by_process_class.items():
        cases = {case.process_id: case for case in process_class.case_queryset().filter(process_id__in={t.process_id for t in group})}
        for task in group:
            task._prefetched_case = cases.get(task.process_id)
    department_ids = {task.department_pk for task in tasks} - {None}
    departments = Department.objects.in_bulk(department_ids) if department_ids else {}
    for task in tasks:
        task._prefetched_department = departments.get(task.department_pk)
    return tasks


def _task_people(deadline: TaskDeadline):
    task = deadline.task
    if task.owner_id:
        return [task.owner]
    from .models import role_from_permission

    role = role_from_permission(task.owner_permission)
    if role and deadline.department:
        return list(users_with_role(department=deadline.department, role=role))
    return []


def _context(deadline: TaskDeadline, case) -> dict:
    return {
        "task_title": str(deadline.task.flow_task.task_title or deadline.task.flow_task.name),
        "case_title": str(case) if case else f"#{deadline.task.process_id}",
        "due_date": deadline.due_on,
        "department": deadline.department.name if deadline.department else "",
    }


def deadlines_sweep(*, today: datetime.date | None = None) -> dict:
    """Send due reminders and escalations. Safe to run as often as wanted: each is sent once."""
    from notifications.services import notify

    today = today or timezone.localdate()
    counts = {"reminded": 0, "escalated": 0}
    open_deadlines = TaskDeadline.objects.filter(task__status__in=OPEN_STATUSES).select_related("task", "task__process", "department")

    for deadline_id in open_deadlines.filter(reminded_at__isnull=True, remind_on__lte=today, due_on__gte=today).values_list("pk", flat=True):
        with transaction.atomic():
            deadline = open_deadlines.select_for_update(of=("self",), skip_locked=True).filter(pk=deadline_id, reminded_at__isnull=True).first()
            if deadline is None:
                continue
            case = task_case(deadline.task)
            people = _task_people(deadline)
            if people:
                notify(recipients=people, event="task_reminder", context=_context(deadline, case), link=_link(case), target=case)
            deadline.reminded_at = timezone.now()
            deadline.save(update_fields=["reminded_at"])
            counts["reminded"] += 1

    for deadline_id in open_deadlines.filter(escalated_at__isnull=True, due_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            deadline = open_deadlines.select_for_update(of=("self",), skip_locked=True).filter(pk=deadline_id, escalated_at__isnull=True).first()
            if deadline is None:
                continue
            case = task_case(deadline.task)
            supervisors = []
            if deadline.department:
                for role in (Role.REVIEWER, Role.LEADER):
                    supervisors.extend(users_with_role(department=deadline.department, role=role))
            supervisors = list({user.pk: user for user in supervisors}.values())
            if supervisors:
                notify(recipients=supervisors, event="task_escalated", context=_context(deadline, case), link=_link(case), target=case)
            if case is not None:
                case_log(
                    case=case, action="escalated", actor_label="系统",
                    label=f"“{_context(deadline, case)['task_title']}”超过办理期限（{deadline.due_on:%Y年%m月%d日}），已督办",
                    visible_to_subject=False,
                )
            deadline.escalated_at = timezone.now()
            deadline.save(update_fields=["escalated_at"])
            counts["escalated"] += 1
    return counts


def _link(case) -> str:
    return case.get_staff_url() if case is not None and hasattr(case, "get_staff_url") else ""
