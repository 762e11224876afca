"""Keeps ``TaskDeadline.task_open`` in step with viewflow's task status.

Viewflow saves every status change of a task through the ORM, so one receiver on
``Task`` (and the ``DepartmentTask`` proxy the flows use) sees them all. A task that
ends (done, cancelled, failed) closes its deadline; the queue's partial index then
no longer holds it.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .models import TaskDeadline

OPEN_STATUSES = frozenset({STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED})


@receiver(post_save, dispatch_uid="task_deadline_open")
def task_saved(sender, instance, created, **kwargs):
    if created or not isinstance(instance, Task) or instance.flow_task_type != "HUMAN":
        return
    if instance.status not in OPEN_STATUSES:
        TaskDeadline.objects.filter(task_id=instance.pk, task_open=True).update(task_open=False)
