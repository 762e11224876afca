"""Pages of the repair process: workbench task pages (viewflow), the staff case page, the portal, the public notice."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import generic

from credit.models import CreditRecord
from credit.selectors import user_departments, user_subjects
from credit.validators import mask_id_number
from processes.common import views as common_views
from processes.common.access import is_admin
from processes.common.views import TaskFormView, errors_to_form

from . import documents, forms, services
from .models import RepairApplication


# --- workbench task pages (viewflow) -------------------------------------------------


class IntakeView(TaskFormView):
    form_class = forms.IntakeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "application": self.case}

    def perform(self, form):
        application = self.case
        if form.cleaned_data.get("record"):
            application = services.repair_match_record(application=application, record=form.cleaned_data["record"], by=self.request.user)
        if form.cleaned_data["decision"] == "accept":
            services.repair_accept(application=application, by=self.request.user)
        else:
            services.repair_refuse_intake(application=application, by=self.request.user, reason=form.cleaned_data["reason"])


class DecideView(TaskFormView):
    form_class = forms.DecideForm

    def perform(self, form):
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        if decision == "extend":
            services.repair_extend(application=self.case, by=self.request.user, reason=reason, task=self.activation.task)
            messages.success(self.request, "办理期限已延长，已告知申请人。")
            return False
        if decision == "approve":
            services.repair_approve(application=self.case, by=self.request.user, reason=reason)
        else:
            services.repair_reject(application=self.case, by=self.request.user, reason=reason)


# --- staff ------------------------------------------------------------------------------


class StaffCaseView(common_views.StaffCaseView):
    template_name = "repair/staff_detail.html"
    context_object_name = "application"
    queryset = RepairApplication.objects.select_related("record", "subject", "record__source_department", "process")

    @property
    def flow_class(self):
        from .flows import RepairFlow

        return RepairFlow


class PenaltySearchView(common_views.StaffRequiredMixin, generic.ListView):
    """Staff find a penalty record (by subject name or code, or 文号) to issue its repair notice."""

    template_name = "repair/staff_penalties.html"
    context_object_name = "records"
    paginate_by = 50

    def get_queryset(self):
        query = (self.request.GET.get("q") or "").strip()
        if not query:
            return CreditRecord.objects.none()
        records = CreditRecord.objects.filter(kind="penalty")
        user = self.request.user
        if not (is_admin(user) or user_departments(user).filter(is_credit_lead=True).exists()):
            # The records the user's departments produced, the only ones it may issue a notice for
            # (谁产生、谁负责): not another department's penalties, repaired or under objection.
            records = records.filter(source_department__in=user_departments(user))
        return (
            records
            .filter(Q(subject__name__icontains=query) | Q(subject__uscc=query.upper()) | Q(subject__id_number=query.upper()) | Q(document_number=query))
            .select_related("subject", "source_department")
            .order_by("-decision_date")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.request.GET.get("q", ""), **kwargs)


class RepairNoticeView(common_views.StaffRequiredMixin, generic.View):
    """Issue a repair notice (信用修复告知书) for a penalty record, from the penalty search page."""

    def post(self, request, record_pk):
        record = get_object_or_404(CreditRecord, pk=record_pk)
        if not common_views.staff_may_act_for_department(request.user, record.source_department):
            raise PermissionDenied
        try:
            document = services.repair_notice_issue(record=record, by=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect("repair:staff_penalties")
        messages.success(request, f"已出具信用修复告知书 {document.number}。")
        return redirect("documents:download", document.pk)


# --- subject portal -------------------------------------------------------------------------


class PortalFileView(LoginRequiredMixin, generic.FormView):
    template_name = "repair/portal_file.html"
    form_class = forms.RepairFileForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.record = get_object_or_404(CreditRecord.objects.select_related("subject", "source_department"), pk=kwargs["record_pk"])
        if not user_subjects(request.user).filter(pk=self.record.subject_id).exists():
            raise Http404("没有这条记录。")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=self.record, **kwargs)

    def form_valid(self, form):
        try:
            application = services.repair_file(
                record=self.record, statement=form.cleaned_data["statement"],
                obligations_performed_on=form.cleaned_data["obligations_performed_on"], by=self.request.user, uploads=form.uploads(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"信用修复申请已提交，案件编号 {application.reference}。")
        return redirect(application.get_absolute_url())


class CommitmentLetterView(LoginRequiredMixin, generic.View):
    """The standard-format commitment letter (信用承诺书) for this record, to sign and upload."""

    def get(self, request, record_pk):
        record = get_object_or_404(CreditRecord.objects.select_related("subject", "source_department"), pk=record_pk)
        if not user_subjects(request.user).filter(pk=record.subject_id).exists():
            raise Http404("没有这条记录。")
        pdf = documents.commitment_letter_pdf(record=record, applicant=request.user.full_name or request.user.username)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''%E4%BF%A1%E7%94%A8%E6%89%BF%E8%AF%BA%E4%B9%A6.pdf"
        return response


class PortalCaseView(common_views.PortalCaseView):
    template_name = "repair/portal_detail.html"
    context_object_name = "application"
    queryset = RepairApplication.objects.select_related("record", "subject")


# --- public ----------------------------------------------------------------------------------


class PublicRepairListView(generic.ListView):
    """信用修复公示: repairs approved, searchable by name or code, a natural person's ID masked."""

    template_name = "repair/public_list.html"
    paginate_by = 50
    context_object_name = "repairs"

    def get_queryset(self):
        queryset = RepairApplication.objects.filter(status=RepairApplication.Status.APPROVED).select_related("subject", "record", "record__source_department").order_by("-published_at")
        query = (self.request.GET.get("q") or "").strip()
        if query:
            queryset = queryset.filter(Q(subject__name__icontains=query) | Q(subject__uscc=query.upper()) | Q(subject__id_number=query.upper()))
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(q=self.request.GET.get("q", ""), **kwargs)
        context["rows"] = [
            {"application": a, "code": a.subject.uscc or mask_id_number(a.subject.id_number or "")} for a in context["repairs"]
        ]
        return context
