"""Claiming and completing human tasks outside viewflow's own pages (the REST API, tests, benchmarks).

The same checks and the same lock as the workbench: the task must be open, the
user must hold its role in its department to claim it, and must own it to
complete it. ``perform`` is the process's service call; it runs under the
process lock in the transaction that completes the task, so a failure leaves
the task as it was.
"""

from typing import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from viewflow.workflow.status import STATUS

from .models import DepartmentTask


class TaskConflict(Exception):
    """The task is no longer in a state that allows the action (someone else got there first)."""


def _locked_task(task_id: int) -> DepartmentTask:
    task = DepartmentTask.objects.select_related("process").get(pk=task_id)
    return task


def task_claim(*, task_id: int, user) -> DepartmentTask:
    task = _locked_task(task_id)
    flow_class = task.flow_task.flow_class
    with flow_class.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status != STATUS.NEW or task.owner_id:
            if task.owner_id == user.pk and task.status == STATUS.ASSIGNED:
                return task
            raise TaskConflict("该任务已被他人领取或已办结。")
        if not task.flow_task.can_assign(user, task):
            raise PermissionDenied("您不在该任务所属部门的相应岗位，不能领取。")
        activation = task.flow_task.activation_class(task)
        activation.assign(user)
    return task


def task_release(*, task_id: int, user) -> DepartmentTask:
    task = _locked_task(task_id)
    with task.flow_task.flow_class.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status != STATUS.ASSIGNED:
            raise TaskConflict("该任务当前不能退回待办队列。")
        if not task.flow_task.can_unassign(user, task):
            raise PermissionDenied("您不能退回该任务。")
        task.flow_task.activation_class(task).unassign()
    return task


def task_complete(*, task_id: int, user, perform: Callable[[DepartmentTask], object]):
    """Run ``perform(task)`` (a service call) and complete the task, atomically and under the process lock."""
    task = _locked_task(task_id)
    with task.flow_task.flow_class.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status not in (STATUS.ASSIGNED,):
            if task.status == STATUS.NEW:
                raise TaskConflict("请先领取该任务。")
            raise TaskConflict("该任务已办结或已取消。")
        if not task.flow_task.can_execute(user, task):
            raise PermissionDenied("该任务不是由您领取的，不能办理。")
        activation = task.flow_task.activation_class(task)
        activation.start(None)
        result = perform(task)
        activation.execute()
    return result
