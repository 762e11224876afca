"""Pages of the objection process: workbench task pages (viewflow), the staff case page, the portal.

Each view validates input, calls one service, and (for a task page) completes the
task; permissions are the services' and the selectors' (the API uses the same).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views import generic
from django_fsm import TransitionNotAllowed

from credit.models import CreditRecord
from credit.selectors import user_subjects
from processes.common import views as common_views
from processes.common.views import TaskFormView, errors_to_form

from . import forms, selectors, services
from .models import Objection


# --- workbench task pages (viewflow) -------------------------------------------------


class IntakeView(TaskFormView):
    form_class = forms.IntakeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "objection": self.case}

    def perform(self, form):
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        objection = self.case
        if form.cleaned_data.get("record"):
            objection = services.objection_match_record(objection=objection, record=form.cleaned_data["record"], by=self.request.user)
        if decision == "accept":
            services.objection_accept(objection=objection, by=self.request.user)
        elif decision == "refuse":
            services.objection_refuse(objection=objection, by=self.request.user, reason=reason)
        else:
            services.objection_request_supplement(objection=objection, by=self.request.user, request=reason, due_on=form.cleaned_data["due_on"])


class VerifyView(TaskFormView):
    form_class = forms.VerifyForm

    def perform(self, form):
        services.objection_propose(
            objection=self.case, by=self.request.user, outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"],
            changes=form.changes(), uploads=form.uploads(),
        )


class ReviewView(TaskFormView):
    form_class = forms.ReviewForm

    def perform(self, form):
        if form.cleaned_data["decision"] == "approve":
            services.objection_decide(objection=self.case, by=self.request.user, comment=form.cleaned_data["comment"])
        else:
            services.objection_return(objection=self.case, by=self.request.user, comment=form.cleaned_data["comment"])


# --- staff ------------------------------------------------------------------------------


class StaffCaseView(common_views.StaffCaseView):
    """The case page: the record, the materials, the timeline, the documents, the chart with the current step."""

    template_name = "objection/staff_detail.html"
    context_object_name = "objection"
    queryset = Objection.objects.select_related("record", "subject", "record__source_department", "process")

    @property
    def flow_class(self):
        from .flows import ObjectionFlow

        return ObjectionFlow


class StaffFileView(common_views.StaffRequiredMixin, generic.FormView):
    """File an objection on a subject's behalf (窗口代为提交)."""

    template_name = "objection/staff_file.html"
    form_class = forms.StaffFileForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.staff_may_file(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            objection = services.objection_file(
                record=form.cleaned_data["record"], grounds=form.cleaned_data["grounds"], statement=form.cleaned_data["statement"],
                by=self.request.user, channel=Objection.Channel.STAFF, uploads=form.uploads(),
                applicant_name=form.cleaned_data["applicant_name"], applicant_phone=form.cleaned_data["applicant_phone"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已代为提交异议，案件编号 {objection.reference}。")
        return redirect(objection.get_staff_url())


# --- subject portal -------------------------------------------------------------------------


class PortalMixin(LoginRequiredMixin):
    def subjects(self):
        return user_subjects(self.request.user)


class PortalFileView(PortalMixin, generic.FormView):
    template_name = "objection/portal_file.html"
    form_class = forms.ObjectionFileForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.record = get_object_or_404(CreditRecord.objects.select_related("subject", "source_department"), pk=kwargs["record_pk"])
        if not self.subjects().filter(pk=self.record.subject_id).exists():
            raise Http404("没有这条记录。")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=self.record, **kwargs)

    def form_valid(self, form):
        try:
            objection = services.objection_file(
                record=self.record, grounds=form.cleaned_data["grounds"], statement=form.cleaned_data["statement"],
                by=self.request.user, uploads=form.uploads(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"异议已提交，案件编号 {objection.reference}。")
        return redirect(objection.get_absolute_url())


class PortalCaseView(common_views.PortalCaseView):
    template_name = "objection/portal_detail.html"
    context_object_name = "objection"
    queryset = Objection.objects.select_related("record", "subject")

    def get_context_data(self, **kwargs):
        supply = forms.SupplyForm() if self.object.status == Objection.Status.SUPPLEMENT_REQUESTED else None
        kwargs.setdefault("supply_form", supply)
        return super().get_context_data(**kwargs)


class PortalSupplyView(PortalMixin, generic.FormView):
    form_class = forms.SupplyForm
    template_name = "objection/portal_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.objection = get_object_or_404(Objection, pk=kwargs["pk"], subject__in=self.subjects())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return redirect(self.objection.get_absolute_url())

    def form_valid(self, form):
        try:
            services.objection_supply(objection=self.objection, by=self.request.user, note=form.cleaned_data["note"], uploads=form.uploads())
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        except TransitionNotAllowed:  # the case moved on meanwhile (e.g. closed as withdrawn)
            messages.error(self.request, "该案件当前不需要补正材料。")
            return redirect(self.objection.get_absolute_url())
        messages.success(self.request, "补正材料已提交。")
        return redirect(self.objection.get_absolute_url())

    def form_invalid(self, form):
        view = PortalCaseView(request=self.request, kwargs={"pk": self.objection.pk}, object=self.objection)
        return self.render_to_response(view.get_context_data(object=self.objection, supply_form=form))
