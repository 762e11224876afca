"""Handling time: mean and 90th percentile per process and per department, on a known set of durations."""

import datetime

import pytest
from django.db import connection
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from oversight import selectors
from processes.common.models import role_permission
from processes.objection.flows import ObjectionFlow
from processes.repair.flows import RepairFlow

from .support import D, at, department

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def finished_case(flow, *, started, days, status=PROCESS.DONE):
    return Process.objects.create(flow_class=flow, status=status, created=started, finished=started + days * DAY)


def done_step(process, node, *, department_code, started, hours):
    return Task.objects.create(
        process=process, flow_task=node, flow_task_type="HUMAN", status=STATUS.DONE, created=started, finished=started + hours * HOUR,
        owner_permission=role_permission("handler"), owner_permission_obj_pk=str(department(department_code).pk),
    )


@pytest.fixture
def march_cases(db):
    """Cases finished in March 2026.

    Objections taking 1, 2, …, 10 days: mean 5.5 days; P90 at rank (10 − 1) × 0.9 = 8.1
      → 9 + 0.1 × (10 − 9) = 9.1 days.
    Repairs taking 2 and 4 days: mean 3; P90 at rank 0.9 → 2 + 0.9 × 2 = 3.8 days.
    Not counted: an objection finished in April, a cancelled repair.
    Steps: 执法支队 finished verification steps of 1, 3 and 5 hours (mean 3 h; P90 at rank 1.8
      → 3 + 0.8 × 2 = 4.6 h) on objections 1–3; 法规科 one intake step of 2 hours on objection 1.
    """
    objections = [finished_case(ObjectionFlow, started=at(D(2026, 3, 1)), days=n) for n in range(1, 11)]
    finished_case(RepairFlow, started=at(D(2026, 3, 2)), days=2)
    finished_case(RepairFlow, started=at(D(2026, 3, 2)), days=4)
    finished_case(ObjectionFlow, started=at(D(2026, 3, 30)), days=5)  # finished 04-04
    finished_case(RepairFlow, started=at(D(2026, 3, 2)), days=1, status=PROCESS.CANCELED)
    for process, hours in zip(objections, (1, 3, 5)):
        done_step(process, ObjectionFlow.verify, department_code="enforcement", started=at(D(2026, 3, 1), 9), hours=hours)
    done_step(objections[0], ObjectionFlow.intake, department_code="legal", started=at(D(2026, 3, 1), 8), hours=2)
    return objections


def figures(times):
    by_process = {name: (d.count, round(d.average_days, 4), round(d.p90_days, 4)) for name, d in times.by_process}
    by_department = {name: (d.count, round(d.average_s / 3600, 4), round(d.p90_s / 3600, 4)) for _, name, d in times.by_department}
    return by_process, by_department


@pytest.mark.parametrize("vendor", ["database", "python"])
def test_average_and_p90_per_process_and_department(march_cases, monkeypatch, vendor):
    if vendor == "python":
        # The SQLite path (the demo) computes in Python: the same numbers.
        monkeypatch.setattr(connection, "vendor", "sqlite")

    by_process, by_department = figures(selectors.handling_times(start=D(2026, 3, 1), end=D(2026, 3, 31)))

    assert by_process == {"异议处理": (10, 5.5, 9.1), "信用修复": (2, 3.0, 3.8)}
    assert by_department == {"交通运输综合行政执法支队": (3, 3.0, 4.6), "法规科": (1, 2.0, 2.0)}


def test_a_department_sees_the_cases_it_worked_on(march_cases):
    by_process, by_department = figures(selectors.handling_times(start=D(2026, 3, 1), end=D(2026, 3, 31), department_id=department("enforcement").pk))

    # Objections 1, 2, 3 days: mean 2; P90 at rank 1.8 → 2 + 0.8 × 1 = 2.8.
    assert by_process == {"异议处理": (3, 2.0, 2.8)}
    assert by_department == {"交通运输综合行政执法支队": (3, 3.0, 4.6)}


def test_percentile_interpolates_like_postgresql():
    assert selectors.percentile([], 0.9) is None
    assert selectors.percentile([7.0], 0.9) == 7.0
    assert selectors.percentile([float(n) for n in range(1, 11)], 0.9) == pytest.approx(9.1)
    assert selectors.percentile([5.0, 1.0, 3.0], 0.5) == 3.0


def test_figures_follow_a_newly_finished_case(march_cases):
    # Cached until something finishes later than everything before (viewflow stamps ``finished`` with now).
    period = {"start": D(2026, 3, 1), "end": D(2026, 4, 30)}
    before, _ = figures(selectors.handling_times(**period))
    finished_case(ObjectionFlow, started=at(D(2026, 4, 19)), days=1)

    after, _ = figures(selectors.handling_times(**period))

    # March and April: 1…10 days and the April case of 5 → 11 cases; then one of 1 day more.
    assert before["异议处理"][0] == 11
    # 61 / 12 days; ranks 1,1,2,3,4,5,5,6,7,8,9,10: P90 at 9.9 → 8 + 0.9 × 1 = 8.9.
    assert after["异议处理"] == (12, 5.0833, 8.9)


def test_while_cases_keep_finishing_the_figures_may_lag_a_minute(march_cases, settings):
    settings.OVERSIGHT_HANDLING_TIMES_MAX_AGE = 60
    period = {"start": D(2026, 3, 1), "end": D(2026, 4, 30)}
    before, _ = figures(selectors.handling_times(**period))
    assert before["异议处理"][0] == 11
    finished_case(ObjectionFlow, started=at(D(2026, 4, 19)), days=1)

    assert figures(selectors.handling_times(**period))[0] == before  # computed less than a minute ago

    settings.OVERSIGHT_HANDLING_TIMES_MAX_AGE = 0
    assert figures(selectors.handling_times(**period))[0]["异议处理"][0] == 12
