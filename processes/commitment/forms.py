"""Forms of the commitment process: they validate input; services decide."""

from django import forms
from django.db.models import Q

from credit.models import Commitment, Department, Subject
from processes.common.forms import MultipleFileField, read_uploads
from processes.common.models import Material

from .models import CommitmentCase


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CommitmentForm(forms.Form):
    """What the subject fills in on the portal; the counter's form adds the subject and the due date."""

    kind = forms.ChoiceField(label="承诺类型", choices=Commitment.Kind.choices)
    department = forms.ModelChoiceField(label="受理部门", queryset=Department.objects.all(), empty_label=None, help_text="办理该事项、核查承诺的部门。")
    # Checked by the service, so a blank matter is reported together with every other problem.
    matter = forms.CharField(label="承诺事项", max_length=200, required=False, help_text="如“道路货物运输经营许可”。")
    content = forms.CharField(
        label="承诺内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False,
        help_text="留空时使用该类型的标准承诺内容（格式文本）。",
    )
    missing_materials = forms.CharField(
        label="容缺材料", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False,
        help_text="仅容缺受理填写：每行一项。",
    )
    signed_letter = MultipleFileField(label="已签署的信用承诺书", help_text="可先提交，再下载格式文本签署后上传。PDF、JPEG 或 PNG，每个不超过 5 MB。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        approval = Department.objects.filter(code="approval").first()
        if approval is not None:
            self.fields["department"].initial = approval.pk

    def materials(self) -> list[str]:
        return _lines(self.cleaned_data["missing_materials"])

    def uploads(self):
        return read_uploads(self.cleaned_data["signed_letter"], Material.Kind.COMMITMENT_LETTER)


class PortalCommitmentForm(CommitmentForm):
    subject = forms.ModelChoiceField(label="承诺主体", queryset=Subject.objects.none(), empty_label=None)
    field_order = ["subject", "kind", "department", "matter", "content", "missing_materials", "signed_letter"]

    def __init__(self, *args, subjects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects if subjects is not None else Subject.objects.none()


class StaffCommitmentForm(CommitmentForm):
    """窗口登记: the counter registers a commitment for a subject, identified by its code."""

    subject_code = forms.CharField(label="统一社会信用代码/身份证号码", max_length=18)
    applicant_name = forms.CharField(label="承诺人/经办人", max_length=64)
    applicant_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    supplement_due_on = forms.DateField(
        label="补齐期限", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="仅容缺受理：留空按规则表默认期限（工作日）计算。",
    )
    field_order = ["subject_code", "applicant_name", "applicant_phone", "kind", "department", "matter", "content", "missing_materials", "supplement_due_on", "signed_letter"]

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments
        self.fields["signed_letter"].label = "已签署的信用承诺书（当场签署时上传）"

    def clean_subject_code(self):
        code = self.cleaned_data["subject_code"].strip().upper()
        subject = Subject.objects.filter(Q(uscc=code) | Q(id_number=code)).first()
        if subject is None:
            raise forms.ValidationError("没有该代码的信用主体，请核对统一社会信用代码或身份证号码。")
        self.subject = subject
        return code


class SignForm(forms.Form):
    signed_letter = MultipleFileField(label="签署后的信用承诺书", help_text="PDF、JPEG 或 PNG，每个不超过 5 MB。")

    def uploads(self):
        return read_uploads(self.cleaned_data["signed_letter"], Material.Kind.COMMITMENT_LETTER)


class SupplyForm(forms.Form):
    note = forms.CharField(label="补齐说明", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
    files = MultipleFileField(label="容缺材料")

    def uploads(self):
        return read_uploads(self.cleaned_data["files"], Material.Kind.SUPPLEMENT)


class VerifyForm(forms.Form):
    method = forms.ChoiceField(label="核查方式", choices=CommitmentCase.Method.choices, widget=forms.RadioSelect)
    finding = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    result = forms.ChoiceField(label="核查结论", choices=CommitmentCase.Result.choices, widget=forms.RadioSelect)
    severity = forms.ChoiceField(
        label="失信程度（违背承诺时）", choices=[("", "—")] + CommitmentCase.BREACH_SEVERITIES, required=False,
    )
    legal_basis = forms.CharField(label="认定依据（违背承诺时）", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False)
    measures = forms.CharField(
        label="后续处理措施（违背承诺时，可选）", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False,
        help_text="如依法撤销相关许可、予以处罚。",
    )
    evidence = MultipleFileField(label="核查证据")

    def uploads(self):
        return read_uploads(self.cleaned_data["evidence"], Material.Kind.VERIFICATION_EVIDENCE)


class ReviewForm(forms.Form):
    DECISIONS = [("confirm", "同意认定违背承诺"), ("return", "退回承办人重新核查")]

    decision = forms.ChoiceField(label="审核意见", choices=DECISIONS, widget=forms.RadioSelect)
    comment = forms.CharField(label="审核说明", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
