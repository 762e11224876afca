"""Flow nodes every process uses: a human task held by a role in a department, with a due date.

``HumanTask(view).Department(Role.HANDLER, lambda process: process.case.source_department)``
puts the task in the queue of the department's handlers (and no one else's);
``.Deadline("objection.verify")`` gives it a due date from the rule table, with a
reminder and an escalation (``processes.common.deadlines``). When the task is
created its department's staff are told there is new work in their queue.
"""

from viewflow.workflow import flow
from viewflow.workflow.nodes.view import ViewActivation

from credit.models import Department

from .deadlines import deadline_start
from .models import role_permission


def as_flow_process(process):
    """Viewflow hands nodes the base ``Process`` in some paths; the flow's proxy has the helpers."""
    process_class = process.flow_class.process_class
    return process if isinstance(process, process_class) else process.coerced


def _assigned_department(task):
    """The department viewflow just gave the task as its permission object, if it is still in memory.

    ``ViewActivation.create`` assigns what ``Department(...)``'s callable answered to the
    task's generic foreign key, which keeps the object: asking the callable again would
    query again (every task created).
    """
    field = task._meta.get_field("owner_permission_obj")
    department = field.get_cached_value(task, default=None)
    return department if isinstance(department, Department) else None


class HumanTaskActivation(ViewActivation):
    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        activation = super().create(flow_task, prev_activation, token, data=data, seed=seed)
        flow_task.on_task_created(activation)
        return activation


class HumanTask(flow.View):
    activation_class = HumanTaskActivation

    def __init__(self, view, **kwargs):
        super().__init__(view, **kwargs)
        self._deadline_key = None
        self._regime_date = None
        self._role = None
        self._department = None

    def Department(self, role: str, department):
        """Held by ``role`` in the department ``department(process)`` returns."""
        self._role = role
        self._department = department
        return self.Permission(role_permission(role), obj=lambda process: department(as_flow_process(process)))

    def Deadline(self, key: str, regime_date=None):
        """Due ``key``'s working days after creation, under the regime in force on ``regime_date(process)``."""
        self._deadline_key = key
        self._regime_date = regime_date
        return self

    def department_for(self, process):
        return self._department(as_flow_process(process)) if self._department else None

    def on_task_created(self, activation):
        task = activation.task
        process = as_flow_process(activation.process)
        department = (_assigned_department(task) or self.department_for(process)) if self._department else None
        if self._deadline_key:
            regime_date = self._regime_date(process) if self._regime_date else None
            deadline_start(task=task, key=self._deadline_key, department=department, regime_date=regime_date)
        if department is not None and self._role and not task.owner_id:
            from credit.selectors import users_with_role
            from notifications.services import notify

            people = list(users_with_role(department=department, role=self._role))
            if people:
                case = getattr(process, "case", None)  # a query: only when someone is told
                deadline = getattr(task, "deadline", None)
                notify(
                    recipients=people,
                    event="task_assigned",
                    context={
                        "task_title": str(self.task_title or self.name),
                        "case_title": str(case) if case else f"#{process.pk}",
                        "due_date": deadline.due_on if deadline else "",
                        "department": department.name,
                    },
                    link=case.get_staff_url() if case is not None and hasattr(case, "get_staff_url") else "",
                    target=case,
                )
