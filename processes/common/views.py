"""Base views every process uses: workbench task pages, staff and portal case pages."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.views import generic
from viewflow.views import FormLayoutMixin
from viewflow.workflow import chart
from viewflow.workflow.flow.views import mixins
from viewflow.workflow.status import STATUS

from audit.receivers import audit_personal_data_view
from credit.selectors import acts_as_staff, user_subjects
from documents.selectors import documents_for, documents_for_subject

from .access import staff_may_view_case
from .materials import case_materials
from .timeline import case_timeline


class TaskFormView(FormLayoutMixin, mixins.TaskSuccessUrlMixin, mixins.TaskViewTemplateNames, generic.FormView):
    """A viewflow task page: validate the form, call one service, complete the task.

    Viewflow wraps the POST in the process lock and a transaction; a service's
    ``ValidationError`` is shown on the form and the task stays open.
    """

    template_filename = "task.html"

    @property
    def activation(self):
        return self.request.activation

    @property
    def case(self):
        return self.activation.process.case

    def get_context_data(self, **kwargs):
        kwargs.setdefault("case", self.case)
        return super().get_context_data(**kwargs)

    def perform(self, form):
        """Call the service for this step with the form's data (each task view defines it).

        Return ``False`` when the action leaves the task open.
        """
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform(form).")

    def form_valid(self, form):
        try:
            completes = self.perform(form)
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        if completes is False:  # an action on the open task (e.g. an extension): the task stays with its owner
            return HttpResponseRedirect(self.request.get_full_path())
        self.activation.execute()
        return HttpResponseRedirect(self.get_success_url())


def errors_to_form(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class StaffRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not acts_as_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class StaffCaseView(StaffRequiredMixin, generic.DetailView):
    """A case page for staff: the record, materials, timeline, documents, open tasks, the chart with the current step."""

    flow_class = None

    def get_object(self, queryset=None):
        case = super().get_object(queryset)
        if not staff_may_view_case(self.request.user, case):
            raise PermissionDenied
        subject = getattr(case, "subject", None)
        if subject is not None and subject.kind == subject.Kind.NATURAL_PERSON:
            # The page shows a natural person's ID number and phone: who looked is audited.
            audit_personal_data_view(user=self.request.user, target=subject, what=f"{case._meta.label_lower}:{case.pk}")
        return case

    def get_context_data(self, **kwargs):
        case = self.object
        return super().get_context_data(
            materials=case_materials(case),
            timeline=case_timeline(case),
            documents=documents_for(case),
            tasks=open_tasks(case),
            chart=flow_chart_svg(self.flow_class, case),
            **kwargs,
        )


class PortalCaseView(LoginRequiredMixin, generic.DetailView):
    """A case page for the subject's users: only what is addressed to the subject."""

    def get_queryset(self):
        return super().get_queryset().filter(subject__in=user_subjects(self.request.user))

    def get_context_data(self, **kwargs):
        case = self.object
        return super().get_context_data(
            materials=case_materials(case),
            timeline=case_timeline(case, for_subject=True),
            documents=documents_for_subject(case),
            **kwargs,
        )


def open_tasks(case):
    if case.process_id is None:
        return []
    return list(
        case.process.task_set.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED], flow_task_type="HUMAN")
        .select_related("owner", "deadline")
        .order_by("created")
    )


def flow_chart_svg(flow_class, case) -> str:
    """Viewflow's chart of the flow with this case's current step marked."""
    if case.process_id is None or flow_class is None:
        return ""
    grid = chart.calc_layout_data(flow_class)
    chart.calc_cell_status(flow_class, grid, case.process_id)
    return chart.grid_to_svg(grid)


def staff_may_act_for_department(user, department) -> bool:
    """Any role in ``department`` (or the credit office, or an administrator)."""
    from credit.models import StaffRole

    from .access import is_admin

    if is_admin(user):
        return True
    return StaffRole.objects.filter(user=user).filter(department=department).exists() or StaffRole.objects.filter(
        user=user, department__is_credit_lead=True
    ).exists()
