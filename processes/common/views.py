"""Base views every process's workbench task pages use."""

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpResponseRedirect
from django.views import generic
from viewflow.views import FormLayoutMixin
from viewflow.workflow.flow.views import mixins


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
            if hasattr(error, "error_dict"):
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                form.add_error(None, error.messages)
            return self.form_invalid(form)
        if completes is False:  # an action on the open task (e.g. an extension): the task stays with its owner
            return HttpResponseRedirect(self.request.get_full_path())
        self.activation.execute()
        return HttpResponseRedirect(self.get_success_url())
