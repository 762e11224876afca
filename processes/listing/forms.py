"""Forms of the list process: they validate input; services decide."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone

from credit.models import CreditRecord, ListEntry, Subject
from processes.common.forms import MultipleFileField, read_uploads
from processes.common.models import Material
from processes.objection.forms import ObjectionFileForm

from .models import CheckClient, ListingCase, RemovalCase
from .selectors import code_problems, normalise_code, proposing_departments
from .services import STAFF_REMOVAL_REASONS

DATE = forms.DateInput(attrs={"type": "date"})
DEFAULT_REMEDY = "对告知内容有异议的，可在异议期内提出异议；对列入决定不服的，可依法申请行政复议或者提起行政诉讼。"


class ProposeForm(forms.Form):
    department = forms.ModelChoiceField(label="认定部门", queryset=None, empty_label=None)
    subject_code = forms.CharField(label="统一社会信用代码 / 居民身份证号码", max_length=40)
    list_kind = forms.ChoiceField(label="名单类型", choices=ListEntry.ListKind.choices)
    basis_document_number = forms.CharField(label="依据记录文号", max_length=64, required=False, help_text="列入所依据的信用记录（如行政处罚决定书文号）；无单一依据记录的可不填。")
    designation_standard = forms.CharField(label="认定标准", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    legal_basis = forms.CharField(label="法律依据", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)
    reason = forms.CharField(label="列入事实与理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    measures = forms.CharField(label="惩戒/激励措施", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, help_text="每行一项，如“限制参与招标投标”。")
    remedy = forms.CharField(label="救济途径", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, initial=DEFAULT_REMEDY)
    expires_on = forms.DateField(label="列入有效期至", widget=DATE, help_text="按认定标准规定的列入期限填写。")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = proposing_departments(user)

    def clean_subject_code(self):
        code = normalise_code(self.cleaned_data["subject_code"])
        problems = code_problems(code)
        if problems:
            raise forms.ValidationError(problems)
        subject = Subject.objects.filter(Q(uscc=code) | Q(id_number=code)).first()
        if subject is None:
            raise forms.ValidationError("系统中没有该代码的信用主体。")
        self.subject = subject
        return code

    def clean_expires_on(self):
        # Checked here too, so a bad date is reported with the form's other problems at once.
        expires_on = self.cleaned_data["expires_on"]
        if expires_on <= timezone.localdate():
            raise forms.ValidationError("列入有效期截止日期应晚于今天。")
        return expires_on

    def clean(self):
        data = super().clean()
        number = (data.get("basis_document_number") or "").strip()
        data["basis_record"] = None
        if number and hasattr(self, "subject"):
            records = list(CreditRecord.objects.filter(subject=self.subject, document_number=number)[:2])
            if not records:
                self.add_error("basis_document_number", "该主体没有此文号的信用记录。")
            elif len(records) > 1:
                self.add_error("basis_document_number", "该文号对应多条记录，请联系数据提供部门核对。")
            else:
                data["basis_record"] = records[0]
        return data

    def measure_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["measures"].splitlines() if line.strip()]


class ListingObjectionForm(ObjectionFileForm):
    """The subject's objection in the pre-notice window: the objection form, the same materials."""

    statement = forms.CharField(label="异议的事实和理由", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)


class ListingDecideForm(forms.Form):
    DECISIONS = [("list", "决定列入"), ("not_list", "不予列入")]

    decision = forms.ChoiceField(label="决定", choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(label="决定理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    objection_reply = forms.CharField(label="异议核查情况与答复", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False)
    expires_on = forms.DateField(label="列入有效期至", widget=DATE, required=False)

    def __init__(self, *args, case: ListingCase | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["expires_on"].initial = case.proposed_expires_on
            if not case.has_objection:
                del self.fields["objection_reply"]


class RemovalStartForm(forms.Form):
    reason = forms.ChoiceField(label="移出原因", choices=[])
    statement = forms.CharField(label="移出依据与说明", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    evidence = MultipleFileField(label="证明材料（裁判文书、证明认定错误的材料等）", help_text="PDF、JPEG 或 PNG，每个不超过 5 MB。")

    def __init__(self, *args, entry: ListEntry | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = [r for r in STAFF_REMOVAL_REASONS if entry is None or entry.list_kind == ListEntry.ListKind.RED or r != ListEntry.RemovalReason.NO_LONGER_QUALIFIES]
        self.fields["reason"].choices = [(r.value, r.label) for r in reasons]

    def uploads(self):
        return read_uploads(self.cleaned_data["evidence"], Material.Kind.EVIDENCE)


class RemovalReviewForm(forms.Form):
    DECISIONS = [("remove", "同意移出，作出移出决定"), ("refuse", "不予移出")]

    decision = forms.ChoiceField(label="审核意见", choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(label="审核说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args, case: RemovalCase | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None and case.is_automatic:
            self.fields["decision"].choices = self.DECISIONS[:1]


class CheckLogFilterForm(forms.Form):
    client = forms.ModelChoiceField(label="调用方", queryset=CheckClient.objects.all(), required=False, empty_label="全部")
    code = forms.CharField(label="查询代码", max_length=40, required=False)
    date_from = forms.DateField(label="自", widget=DATE, required=False)
    date_to = forms.DateField(label="至", widget=DATE, required=False)


class MonthForm(forms.Form):
    month = forms.CharField(label="月份", max_length=7, required=False, widget=forms.TextInput(attrs={"type": "month"}))

    def clean_month(self) -> datetime.date | None:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError("月份格式应为 YYYY-MM，如 2026-05。") from None
