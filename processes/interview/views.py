"""Pages of the interview process: workbench task pages (viewflow), staff pages (start, import, case), the portal.

Each view validates input, calls one service, and (for a task page) completes the
task; permissions are the services' and the selectors' (the API uses the same).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views import generic
from django_fsm import TransitionNotAllowed

from credit.models import CreditRecord, ListEntry, RecordKind, Subject, VISIBLE_STATES
from processes.common import views as common_views
from processes.common.views import TaskFormView, errors_to_form

from . import forms, selectors, services
from .models import WarningInterview

# --- workbench task pages (viewflow) -------------------------------------------------


class PrepareView(TaskFormView):
    form_class = forms.PrepareForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "interview": self.case}

    def perform(self, form):
        data = form.cleaned_data
        services.interview_notify(
            interview=self.case, by=self.request.user, kind=data["kind"], scheduled_at=data["scheduled_at"], place=data["place"], matter=data["matter"],
        )


class HoldView(TaskFormView):
    form_class = forms.HoldForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "interview": self.case}

    def perform(self, form):
        data = form.cleaned_data
        if data["outcome"] == "no_show":
            services.interview_record_no_show(interview=self.case, by=self.request.user, note=data["no_show_note"])
            return
        services.interview_hold(
            interview=self.case, by=self.request.user, held_at=data["held_at"], attendees=data["attendees"], minutes=data["minutes"],
            rectification=data["rectification"], rectification_due_on=data["rectification_due_on"], uploads=form.uploads(),
        )


class FollowupView(TaskFormView):
    form_class = forms.FollowupForm

    def perform(self, form):
        services.interview_followup_record(
            interview=self.case, by=self.request.user, rectified=form.cleaned_data["rectified"] == "yes", note=form.cleaned_data["note"],
            uploads=form.uploads(),
        )


class LeaderDecideView(TaskFormView):
    form_class = forms.LeaderDecideForm

    def perform(self, form):
        services.interview_leader_decide(interview=self.case, by=self.request.user, decision=form.cleaned_data["decision"], comment=form.cleaned_data["comment"])


# --- staff ------------------------------------------------------------------------------


class StaffCaseView(common_views.StaffCaseView):
    template_name = "interview/staff_detail.html"
    context_object_name = "interview"
    queryset = WarningInterview.objects.select_related("subject", "department", "interview_record", "source_record", "list_entry", "process")

    @property
    def flow_class(self):
        from .flows import InterviewFlow

        return InterviewFlow

    def get_context_data(self, **kwargs):
        interview = self.object
        may_confirm = interview.status == WarningInterview.Status.NOTIFIED and selectors.staff_may_act_for_department(self.request.user, interview.department)
        kwargs.setdefault("confirm_form", forms.StaffConfirmForm() if may_confirm else None)
        return super().get_context_data(**kwargs)


class StaffConfirmView(common_views.StaffRequiredMixin, generic.View):
    """Staff record that the subject confirmed (by phone, in writing): 代为登记确认."""

    def post(self, request, pk):
        interview = get_object_or_404(WarningInterview, pk=pk)
        if not selectors.staff_may_view(request.user, interview):
            raise PermissionDenied
        form = forms.StaffConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请写明主体以何种方式确认参加。")
            return redirect(interview.get_staff_url())
        try:
            services.interview_confirm(interview=interview, by=request.user, channel=WarningInterview.Confirmation.STAFF, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        except TransitionNotAllowed:
            messages.error(request, "该约谈当前不在等待确认。")
        else:
            messages.success(request, "已代为登记确认，约谈任务已转入部门待办。")
        return redirect(interview.get_staff_url())


class StaffListView(common_views.StaffRequiredMixin, generic.ListView):
    template_name = "interview/staff_list.html"
    context_object_name = "interviews"
    paginate_by = 50

    def get_queryset(self):
        queryset = selectors.staff_cases(self.request.user).order_by("-started_at")
        wanted = self.request.GET.get("status")
        if wanted in WarningInterview.Status.values:
            queryset = queryset.filter(status=wanted)
        return queryset


class StaffStartView(common_views.StaffRequiredMixin, generic.TemplateView):
    """Start an interview: find the subject, pick its dishonesty record or list entry (谁认定、谁约谈)."""

    template_name = "interview/staff_start.html"

    def get_context_data(self, **kwargs):
        query = (self.request.GET.get("q") or "").strip()
        subjects = []
        if query:
            subjects = list(
                Subject.objects.filter(Q(name__icontains=query) | Q(uscc=query.upper()) | Q(id_number=query.upper())).order_by("name")[:20]
            )
        rows = [
            {
                "subject": subject,
                "records": CreditRecord.objects.filter(subject=subject, kind=RecordKind.DISHONESTY, status__in=VISIBLE_STATES).select_related("source_department"),
                "entries": ListEntry.objects.filter(subject=subject, status=ListEntry.Status.LISTED).exclude(list_kind=ListEntry.ListKind.RED).select_related("designating_department"),
            }
            for subject in subjects
        ]
        kwargs.setdefault("form", forms.StartForm())
        return super().get_context_data(q=query, rows=rows, **kwargs)

    def post(self, request):
        form = forms.StartForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        record = CreditRecord.objects.filter(pk=data["record"]).first() if data["record"] else None
        entry = ListEntry.objects.filter(pk=data["list_entry"]).first() if data["list_entry"] else None
        try:
            interview = services.interview_start(by=request.user, kind=data["kind"], record=record, list_entry=entry, matter=data["matter"])
        except ValidationError as error:
            errors_to_form(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, f"已发起约谈，案件编号 {interview.reference}，已转{interview.department.name}承办人制发约谈通知书。")
        return redirect(interview.get_staff_url())


class ImportView(common_views.StaffRequiredMixin, generic.FormView):
    """Import the dishonest-subject list sent down by province or city (CSV or Excel)."""

    template_name = "interview/import.html"
    form_class = forms.ImportForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(batches=selectors.visible_batches(self.request.user)[:20], **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            batch = services.interview_import(name=upload.name, content=upload.read(), by=self.request.user)
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        return redirect(batch.get_absolute_url())


class ImportResultView(common_views.StaffRequiredMixin, generic.DetailView):
    template_name = "interview/import_result.html"
    context_object_name = "batch"

    def get_queryset(self):
        return selectors.visible_batches(self.request.user)

    def get_context_data(self, **kwargs):
        groups = {result: [line for line in self.object.report if line["result"] == result] for result in ("invalid", "duplicate", "imported")}
        return super().get_context_data(groups=groups, **kwargs)


# --- subject portal -------------------------------------------------------------------------


class PortalCaseView(common_views.PortalCaseView):
    template_name = "interview/portal_detail.html"
    context_object_name = "interview"
    queryset = WarningInterview.objects.select_related("subject", "department", "interview_record")

    def get_queryset(self):
        return super().get_queryset().filter(pk__in=selectors.subject_cases(self.request.user).values("pk"))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("confirm_form", forms.ConfirmForm() if self.object.status == WarningInterview.Status.NOTIFIED else None)
        return super().get_context_data(**kwargs)


class PortalConfirmView(LoginRequiredMixin, generic.View):
    """The subject confirms it will attend the interview."""

    def post(self, request, pk):
        interview = selectors.subject_cases(request.user).filter(pk=pk).first()
        if interview is None:
            raise Http404("没有该约谈。")
        form = forms.ConfirmForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            services.interview_confirm(interview=interview, by=request.user, channel=WarningInterview.Confirmation.PORTAL, note=note)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        except TransitionNotAllowed:
            messages.error(request, "该约谈当前不需要确认。")
        else:
            messages.success(request, "已确认参加约谈。")
        return redirect(interview.get_absolute_url())
