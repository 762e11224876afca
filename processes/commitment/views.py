"""Pages of the commitment process: workbench task pages (viewflow), the counter, the portal, the public notice.

Each view validates input, calls one service, and (for a task page) completes the
task; permissions are the services' and the selectors' (the API uses the same).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import generic
from django_fsm import TransitionNotAllowed

from credit.selectors import acts_as_staff, user_subjects
from processes.common import views as common_views
from processes.common.views import TaskFormView, errors_to_form

from . import documents, forms, selectors, services
from .models import CommitmentCase

CASES = CommitmentCase.objects.select_related("commitment", "commitment__department", "subject")


# --- workbench task pages (viewflow) -------------------------------------------------


class VerifyView(TaskFormView):
    form_class = forms.VerifyForm

    def perform(self, form):
        data = form.cleaned_data
        services.commitment_verify(
            case=self.case, by=self.request.user, method=data["method"], finding=data["finding"], result=data["result"],
            severity=data["severity"], legal_basis=data["legal_basis"], measures=data["measures"], uploads=form.uploads(),
        )


class ReviewView(TaskFormView):
    form_class = forms.ReviewForm

    def perform(self, form):
        if form.cleaned_data["decision"] == "confirm":
            services.commitment_breach_confirm(case=self.case, by=self.request.user, comment=form.cleaned_data["comment"])
        else:
            services.commitment_return(case=self.case, by=self.request.user, comment=form.cleaned_data["comment"])


# --- staff ------------------------------------------------------------------------------


class StaffCaseView(common_views.StaffCaseView):
    template_name = "commitment/staff_detail.html"
    context_object_name = "case"
    queryset = CASES.select_related("process")

    @property
    def flow_class(self):
        from .flows import CommitmentFlow

        return CommitmentFlow


class StaffRegisterView(common_views.StaffRequiredMixin, generic.FormView):
    """窗口登记: the department's intake clerk or handler registers a commitment for a subject."""

    template_name = "commitment/staff_register.html"
    form_class = forms.StaffCommitmentForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.registrable_departments(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "departments": selectors.registrable_departments(self.request.user)}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            case = services.commitment_register(
                subject=form.subject, kind=data["kind"], department=data["department"], matter=data["matter"], content=data["content"],
                missing_materials=form.materials(), supplement_due_on=data["supplement_due_on"], by=self.request.user,
                channel=CommitmentCase.Channel.STAFF, uploads=form.uploads(), applicant_name=data["applicant_name"],
                applicant_phone=data["applicant_phone"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"信用承诺已登记，案件编号 {case.reference}。")
        return redirect(case.get_staff_url())


class CommitmentLetterView(LoginRequiredMixin, generic.View):
    """The standard-format commitment letter (信用承诺书) of a case, to sign: for the subject's users and the staff who see it."""

    def get(self, request, pk):
        case = get_object_or_404(CASES, pk=pk)
        as_subject = user_subjects(request.user).filter(pk=case.subject_id).exists()
        as_staff = acts_as_staff(request.user) and selectors.staff_may_view(request.user, case)
        if not (as_subject or as_staff):
            raise Http404("没有该信用承诺。")
        pdf = documents.commitment_letter_pdf(case=case, signer=case.applicant_name)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''%E4%BF%A1%E7%94%A8%E6%89%BF%E8%AF%BA%E4%B9%A6.pdf"
        return response


# --- subject portal -------------------------------------------------------------------------


class PortalRegisterView(LoginRequiredMixin, generic.FormView):
    template_name = "commitment/portal_register.html"
    form_class = forms.PortalCommitmentForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_subjects(request.user).exists():
            raise Http404("您的账户尚未关联信用主体。")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "subjects": user_subjects(self.request.user)}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            case = services.commitment_register(
                subject=data["subject"], kind=data["kind"], department=data["department"], matter=data["matter"], content=data["content"],
                missing_materials=form.materials(), by=self.request.user, uploads=form.uploads(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"信用承诺已提交，案件编号 {case.reference}。")
        return redirect(case.get_absolute_url())


class PortalCaseView(common_views.PortalCaseView):
    template_name = "commitment/portal_detail.html"
    context_object_name = "case"
    queryset = CASES

    def get_context_data(self, **kwargs):
        status = self.object.status
        kwargs.setdefault("sign_form", forms.SignForm() if status == CommitmentCase.Status.SIGNING else None)
        kwargs.setdefault("supply_form", forms.SupplyForm() if status == CommitmentCase.Status.AWAITING_SUPPLEMENT else None)
        return super().get_context_data(**kwargs)


class PortalActionView(LoginRequiredMixin, generic.FormView):
    """A POST from the case page (the signed letter, the missing materials); errors shown on that page."""

    template_name = "commitment/portal_detail.html"
    form_key = ""
    conflict_message = ""
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.case = get_object_or_404(CASES, pk=kwargs["pk"], subject__in=user_subjects(request.user))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return redirect(self.case.get_absolute_url())

    def act(self, form):
        """Call the service for this action (each subclass defines it)."""
        raise ImproperlyConfigured(f"{type(self).__name__} must define act(form).")

    def form_valid(self, form):
        try:
            self.act(form)
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        except TransitionNotAllowed:  # the case moved on meanwhile
            messages.error(self.request, self.conflict_message)
            return redirect(self.case.get_absolute_url())
        messages.success(self.request, self.success_message)
        return redirect(self.case.get_absolute_url())

    def form_invalid(self, form):
        view = PortalCaseView(request=self.request, kwargs={"pk": self.case.pk}, object=self.case)
        return self.render_to_response(view.get_context_data(object=self.case, **{self.form_key: form}))


class PortalSignView(PortalActionView):
    form_class = forms.SignForm
    form_key = "sign_form"
    conflict_message = "该承诺书已上传，无需重复上传。"
    success_message = "签署的信用承诺书已上传，承诺已公示。"

    def act(self, form):
        services.commitment_sign(case=self.case, by=self.request.user, uploads=form.uploads())


class PortalSupplyView(PortalActionView):
    form_class = forms.SupplyForm
    form_key = "supply_form"
    conflict_message = "该承诺当前不需要补齐材料。"
    success_message = "容缺材料已提交。"

    def act(self, form):
        services.commitment_supply(case=self.case, by=self.request.user, note=form.cleaned_data["note"], uploads=form.uploads())


# --- public ----------------------------------------------------------------------------------


class PublicCommitmentListView(generic.ListView):
    """信用承诺公示: searchable by name or code; a natural person's ID masked, no phone numbers."""

    template_name = "commitment/public_list.html"
    paginate_by = 50
    context_object_name = "commitments"

    def get_queryset(self):
        return selectors.public_commitments(self.request.GET.get("q", ""))

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.request.GET.get("q", ""), **kwargs)
