"""The cases behind viewflow processes, for every process, without naming any.

Each flow's Process proxy exposes ``case`` (``processes.common.deadlines.task_case``
relies on it). Loading it row by row costs a query per case, so for lists the
case model of a flow is learnt once from one of its processes (the model of
``process.coerced.case`` and its field pointing at the process) and the cases
of many processes are then read with one query per flow. A flow whose case
cannot be learnt that way falls back to ``case`` row by row.
"""

import logging
from collections import defaultdict

from django.db import models
from viewflow.workflow.models import Process

logger = logging.getLogger(__name__)

_links: dict[type, tuple[type[models.Model], models.Field]] = {}


def flow_title(flow_class) -> str:
    if flow_class is None:
        return "（未知流程）"
    return str(getattr(flow_class, "process_title", "") or flow_class.__name__)


def step_title(node) -> str:
    if node is None:
        return "（未知环节）"
    return str(getattr(node, "task_title", "") or node.name)


def case_of(process):
    """``process``'s case (any process), or ``None``."""
    try:
        coerced = process.coerced if hasattr(process, "coerced") else process
        return getattr(coerced, "case", None)
    except Exception:  # a case row missing or a flow no longer installed: shown without its case
        logger.debug("no case for process %s", process.pk, exc_info=True)
        return None


def case_model_link(flow_class, samples) -> tuple[type[models.Model], models.Field] | None:
    """The case model of ``flow_class`` and its field pointing at the process, learnt from ``samples``
    (or, when none of them has a case, from the flow's latest processes)."""
    if flow_class in _links:
        return _links[flow_class]
    latest = Process.objects.filter(flow_class=flow_class).order_by("-pk")[:3]
    for process in [*list(samples)[:3], *latest]:
        case = case_of(process)
        if case is None:
            continue
        for field in case._meta.concrete_fields:
            points_at_process = field.is_relation and field.related_model is not None and issubclass(Process, field.related_model)
            if points_at_process and getattr(case, field.attname) == process.pk:
                _links[flow_class] = (type(case), field)
                return _links[flow_class]
    return None


def cases_for(processes) -> dict[int, object]:
    """``{process id: case}`` for ``processes`` (Process rows), one query per flow where possible."""
    by_flow = defaultdict(list)
    for process in processes:
        by_flow[process.flow_class].append(process)
    found = {}
    for flow_class, members in by_flow.items():
        link = case_model_link(flow_class, members) if flow_class is not None else None
        if link is None:
            found.update({process.pk: case_of(process) for process in members})
            continue
        model, field = link
        rows = model._default_manager.filter(**{f"{field.name}__in": [process.pk for process in members]})
        if any(f.name == "subject" and f.is_relation for f in model._meta.concrete_fields):
            rows = rows.select_related("subject")  # the case's str() names its subject
        found.update({getattr(case, field.attname): case for case in rows})
    return found


def staff_url(case) -> str:
    return case.get_staff_url() if case is not None and hasattr(case, "get_staff_url") else ""


def outcome_label(model: type[models.Model], values: dict) -> str:
    """The label of a case with these status/outcome values: its ``result_label``, else its status display."""
    case = model(**values)
    try:
        label = getattr(case, "result_label", None)
        if label:
            return str(label)
    except Exception:  # result_label reading a relation the bare instance lacks
        pass
    display = getattr(case, "get_status_display", None)
    return str(display()) if callable(display) else str(values.get("status", "—"))


#: Fields whose values decide a case's outcome label, when a case model has them.
OUTCOME_FIELDS = ("status", "outcome", "result")


def outcome_fields(model: type[models.Model]) -> list[str]:
    names = {field.name for field in model._meta.concrete_fields}
    return [name for name in OUTCOME_FIELDS if name in names]
