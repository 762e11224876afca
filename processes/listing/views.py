"""Pages of the list process: workbench task pages (viewflow), staff pages, the portal, public disclosure, exports."""

import csv
import datetime
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import generic

from credit.models import JointAction, ListEntry
from processes.common import views as common_views
from processes.common.views import StaffRequiredMixin, TaskFormView, errors_to_form

from . import forms, selectors, services
from .models import CheckLog, ListingCase, RemovalCase

# --- workbench task pages (viewflow) -------------------------------------------------


class ListingDecideView(TaskFormView):
    form_class = forms.ListingDecideForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def perform(self, form):
        data = form.cleaned_data
        services.listing_decide(
            case=self.case, by=self.request.user, decision=data["decision"], reason=data["reason"],
            objection_reply=data.get("objection_reply", ""), expires_on=data.get("expires_on"),
        )


class RemovalReviewView(TaskFormView):
    form_class = forms.RemovalReviewForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def perform(self, form):
        services.removal_decide(case=self.case, by=self.request.user, decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"])


# --- staff ------------------------------------------------------------------------------


class StaffListingView(common_views.StaffCaseView):
    template_name = "listing/staff_listing.html"
    context_object_name = "case"
    queryset = ListingCase.objects.select_related("entry", "entry__designating_department", "entry__basis_record", "subject", "objection", "process")

    @property
    def flow_class(self):
        from .flows import ListingFlow

        return ListingFlow


class StaffRemovalView(common_views.StaffCaseView):
    template_name = "listing/staff_removal.html"
    context_object_name = "case"
    queryset = RemovalCase.objects.select_related("entry", "entry__designating_department", "entry__basis_record", "subject", "process")

    @property
    def flow_class(self):
        from .flows import RemovalFlow

        return RemovalFlow


class RegisterView(StaffRequiredMixin, generic.ListView):
    """名单管理: every entry, by kind and state, searchable by name or code; from here a listing is proposed or a removal started."""

    template_name = "listing/register.html"
    paginate_by = 50
    context_object_name = "entries"

    def get_queryset(self):
        entries = ListEntry.objects.select_related("subject", "designating_department", "listing_case").order_by("-proposed_on", "-pk")
        params = self.request.GET
        if params.get("kind") in ListEntry.ListKind.values:
            entries = entries.filter(list_kind=params["kind"])
        if params.get("status") in ListEntry.Status.values:
            entries = entries.filter(status=params["status"])
        query = (params.get("q") or "").strip()
        if query:
            entries = entries.filter(Q(subject__name__icontains=query) | Q(subject__uscc=query.upper()) | Q(subject__id_number=query.upper()))
        return entries

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds=ListEntry.ListKind.choices, statuses=ListEntry.Status.choices, params=self.request.GET,
            may_propose=selectors.proposing_departments(self.request.user).exists(), **kwargs,
        )


class ProposeView(StaffRequiredMixin, generic.FormView):
    template_name = "listing/propose.html"
    form_class = forms.ProposeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.proposing_departments(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            case = services.listing_propose(
                subject=form.subject, list_kind=data["list_kind"], department=data["department"], basis_record=data["basis_record"],
                designation_standard=data["designation_standard"], legal_basis=data["legal_basis"], reason=data["reason"],
                remedy=data["remedy"], measures=form.measure_list(), expires_on=data["expires_on"], by=self.request.user,
            )
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已提出列入，告知书已送达，案件编号 {case.reference}。")
        return redirect(case.get_staff_url())


class RemovalStartView(StaffRequiredMixin, generic.FormView):
    """Start a removal by hand (司法裁判、认定错误、红名单不再符合条件), with evidence."""

    template_name = "listing/removal_start.html"
    form_class = forms.RemovalStartForm

    def dispatch(self, request, *args, **kwargs):
        self.entry = get_object_or_404(ListEntry.objects.select_related("subject", "designating_department"), pk=kwargs["entry_pk"])
        if request.user.is_authenticated and not selectors.staff_may_act_for_entry(request.user, self.entry):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "entry": self.entry}

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.entry, **kwargs)

    def form_valid(self, form):
        try:
            case = services.removal_start(
                entry=self.entry, reason=form.cleaned_data["reason"], statement=form.cleaned_data["statement"],
                by=self.request.user, uploads=form.uploads(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已发起移出，案件编号 {case.reference}，待{self.entry.designating_department.name}审核人审核。")
        return redirect(case.get_staff_url())


class CheckLogView(StaffRequiredMixin, generic.ListView):
    """核查日志: who asked about whom, when, and what was answered; by caller, code and date."""

    template_name = "listing/check_log.html"
    paginate_by = 100
    context_object_name = "checks"

    def get_queryset(self):
        self.filter_form = forms.CheckLogFilterForm(self.request.GET or None)
        checks = CheckLog.objects.select_related("client", "subject").order_by("-at", "-pk")
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["client"]:
                checks = checks.filter(client=data["client"])
            if data["code"]:
                checks = checks.filter(code=selectors.normalise_code(data["code"]))
            if data["date_from"]:
                checks = checks.filter(at__gte=_day_start(data["date_from"]))
            if data["date_to"]:
                checks = checks.filter(at__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
        return checks

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter_form=self.filter_form, **kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        return context


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- the monthly effectiveness list (联合奖惩成效清单) -----------------------------------------------

EXPORT_HEADER = ["信用主体", "统一社会信用代码/身份证号码", "奖惩类型", "措施", "执行部门", "执行时间", "事项"]


def _month_range(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return _day_start(first), _day_start(following)


def effectiveness_rows(month: datetime.date) -> list[list]:
    start, end = _month_range(month)
    actions = (
        JointAction.objects.filter(executed_at__gte=start, executed_at__lt=end)
        .select_related("subject", "executing_department").order_by("executed_at", "pk")
    )
    return [
        [
            action.subject.name, selectors.public_code(action.subject), action.get_kind_display(), action.measure,
            action.executing_department.name, timezone.localtime(action.executed_at).replace(tzinfo=None, microsecond=0), action.matter,
        ]
        for action in actions
    ]


class JointActionView(StaffRequiredMixin, generic.TemplateView):
    """The effectiveness list of a month, on the page or exported (``?format=xlsx`` or ``?format=csv``)."""

    template_name = "listing/joint_actions.html"

    def get(self, request, *args, **kwargs):
        form = forms.MonthForm(request.GET or None)
        month = (form.cleaned_data["month"] if form.is_valid() else None) or timezone.localdate().replace(day=1)
        rows = effectiveness_rows(month)
        export = request.GET.get("format")
        filename = f"联合奖惩成效清单-{month:%Y-%m}"
        if export == "csv":
            return _csv_response(rows, filename)
        if export == "xlsx":
            return _xlsx_response(rows, filename, month)
        return self.render_to_response(self.get_context_data(form=form, month=month, rows=rows, header=EXPORT_HEADER))


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _csv_response(rows, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADER)
    for row in rows:
        writer.writerow([value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime.datetime) else value for value in row])
    # A byte-order mark, so Excel opens the Chinese as UTF-8 rather than the local code page.
    body = "\ufeff" + buffer.getvalue()
    return _attachment(HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8"), f"{filename}.csv")


def _xlsx_response(rows, filename: str, month: datetime.date) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"{month:%Y-%m}"
    sheet.append(EXPORT_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=6).number_format = "yyyy-mm-dd hh:mm"
    for column, width in zip("ABCDEFG", (28, 22, 10, 28, 24, 18, 30)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return _attachment(response, f"{filename}.xlsx")


# --- subject portal -------------------------------------------------------------------------


class PortalListingView(common_views.PortalCaseView):
    template_name = "listing/portal_listing.html"
    context_object_name = "case"
    queryset = ListingCase.objects.select_related("entry", "entry__designating_department", "entry__basis_record", "subject", "objection")

    def get_context_data(self, **kwargs):
        case = self.object
        may_object = case.status == ListingCase.Status.WINDOW and timezone.localdate() <= case.entry.objection_window_ends
        return super().get_context_data(may_object=may_object, **kwargs)


class PortalListingCaseMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        from credit.selectors import user_subjects

        self.case = get_object_or_404(
            ListingCase.objects.select_related("entry", "entry__designating_department", "subject").filter(subject__in=user_subjects(request.user)),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)


class PortalObjectView(PortalListingCaseMixin, generic.FormView):
    template_name = "listing/portal_object.html"
    form_class = forms.ListingObjectionForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, **kwargs)

    def form_valid(self, form):
        try:
            services.listing_object(
                case=self.case, by=self.request.user, grounds=form.cleaned_data["grounds"], statement=form.cleaned_data["statement"], uploads=form.uploads(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "异议已提交，认定部门将依法核查并答复。")
        return redirect(self.case.get_absolute_url())


class PortalWaiveView(PortalListingCaseMixin, generic.View):
    def post(self, request, pk):
        try:
            services.listing_waive_objection(case=self.case, by=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "已确认无异议。")
        return redirect(self.case.get_absolute_url())


class PortalRemovalView(common_views.PortalCaseView):
    template_name = "listing/portal_removal.html"
    context_object_name = "case"
    queryset = RemovalCase.objects.select_related("entry", "entry__designating_department", "subject")


# --- public disclosure (信用信息公示, no login) ----------------------------------------------------


def _url_if_exists(name: str) -> str:
    """Another process's public page, linked when it is installed."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


class PublicIndexView(generic.TemplateView):
    template_name = "listing/public_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            repairs_url=_url_if_exists("repair:public_list"), commitments_url=_url_if_exists("commitment:public_list"), **kwargs,
        )


class PublicListView(generic.ListView):
    """The red or black list in force, searchable by name or code; a natural person's ID masked, no phone shown."""

    template_name = "listing/public_list.html"
    paginate_by = 50
    context_object_name = "entries"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in selectors.PUBLIC_KINDS:
            raise Http404("没有该名单。")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.public_entries(kind=self.kwargs["kind"], query=self.request.GET.get("q", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(q=self.request.GET.get("q", ""), kind_label=ListEntry.ListKind(self.kwargs["kind"]).label, kind=self.kwargs["kind"], **kwargs)
        context["rows"] = [{"entry": entry, "code": selectors.public_code(entry.subject)} for entry in context["entries"]]
        return context
