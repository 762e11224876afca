"""Partial indexes on viewflow's tables for the dashboard's aggregates (measured with bench/bench_oversight.py).

Viewflow indexes a task's status and creation time but not when a case or step
finished; the handling-time figures select finished cases and steps by that.
Each index carries the columns its query reads, so PostgreSQL answers from the index
alone (an index-only scan); the open-task one covers the GROUP BY of the open cases.
Plain composite indexes rather than INCLUDE, so the demo's SQLite takes them too.
Named ``oversight_*`` and created IF NOT EXISTS: viewflow's own migrations never touch them.
"""

from django.db import migrations

OPEN = "status IN ('NEW', 'ASSIGNED', 'STARTED') AND flow_task_type = 'HUMAN'"

INDEXES = {
    "oversight_process_done_finished": "viewflow_process (finished, created, flow_class) WHERE status = 'DONE'",
    "oversight_task_done_finished": (
        "viewflow_task (finished, created, owner_permission_obj_pk, owner_permission) WHERE status = 'DONE' AND flow_task_type = 'HUMAN'"
    ),
    "oversight_task_open_by_step": f"viewflow_task (owner_permission_obj_pk, flow_task, owner_permission) WHERE {OPEN}",
}


class Migration(migrations.Migration):

    dependencies = [
        ("oversight", "0001_initial"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES.items()
    ]
