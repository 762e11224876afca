"""Open deadlines flagged and indexed (department, due date) for the department queues.

Deadlines of tasks that have already ended are marked closed here; from now on
``processes.common.receivers`` keeps the flag as tasks end.
"""

from django.db import migrations, models


def close_ended(apps, schema_editor):
    TaskDeadline = apps.get_model("processes_common", "TaskDeadline")
    TaskDeadline.objects.exclude(task__status__in=["NEW", "ASSIGNED", "STARTED"]).update(task_open=False)


class Migration(migrations.Migration):

    dependencies = [
        ("credit", "0002_reference_data"),
        ("processes_common", "0002_material_kinds"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.AddField(
            model_name="taskdeadline",
            name="task_open",
            field=models.BooleanField(default=True, editable=False, verbose_name="任务未办结"),
        ),
        migrations.RunPython(close_ended, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="taskdeadline",
            index=models.Index(condition=models.Q(("task_open", True)), fields=["department", "due_on", "task"], name="taskdeadline_open_queue"),
        ),
        # The queue's count: new human tasks by department and role, answered from the index alone.
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS queue_task_new ON viewflow_task (owner_permission_obj_pk, owner_permission, owner_id) "
            "WHERE status = 'NEW' AND flow_task_type = 'HUMAN'",
            "DROP INDEX IF EXISTS queue_task_new",
        ),
    ]
