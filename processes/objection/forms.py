"""Forms of the objection process: they validate input; services decide."""

from django import forms

from credit.models import CreditRecord, RecordStatus
from processes.common.forms import MultipleFileField, read_uploads
from processes.common.models import Material

from .models import Objection


class ObjectionFileForm(forms.Form):
    grounds = forms.ChoiceField(label="异议类型", choices=Objection.Grounds.choices)
    statement = forms.CharField(label="异议陈述", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000, help_text="说明记录哪里有误、应当如何。")
    decision_documents = MultipleFileField(label="决定/撤销/复议/判决文书", help_text="PDF、JPEG 或 PNG，每个不超过 5 MB。")
    commitment_letter = MultipleFileField(label="异议申诉信用承诺书")

    def uploads(self):
        return read_uploads(self.cleaned_data["decision_documents"], Material.Kind.DECISION_DOCUMENT) + read_uploads(
            self.cleaned_data["commitment_letter"], Material.Kind.OBJECTION_COMMITMENT_LETTER
        )


class SupplyForm(forms.Form):
    note = forms.CharField(label="补正说明", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
    files = MultipleFileField(label="补正材料")

    def uploads(self):
        return read_uploads(self.cleaned_data["files"], Material.Kind.SUPPLEMENT)


class IntakeForm(forms.Form):
    DECISIONS = [("accept", "受理"), ("supplement", "要求补正材料"), ("refuse", "不予受理")]

    record = forms.ModelChoiceField(label="匹配信用记录（转办案件未匹配时）", queryset=CreditRecord.objects.none(), required=False)
    decision = forms.ChoiceField(label="受理意见", choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(label="不予受理理由 / 补正要求", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
    due_on = forms.DateField(label="补正期限", required=False, help_text="留空按规则表默认期限（工作日）计算。", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, objection=None, **kwargs):
        super().__init__(*args, **kwargs)
        if objection is not None and objection.record_id is None:
            # Records an objection may be filed against: published, not already under objection.
            self.fields["record"].queryset = CreditRecord.objects.filter(subject=objection.subject, status__in=[RecordStatus.PUBLISHED, RecordStatus.CORRECTED])
        else:
            del self.fields["record"]


class VerifyForm(forms.Form):
    outcome = forms.ChoiceField(label="核查意见", choices=Objection.Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="核查理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    corrected_title = forms.CharField(label="更正后的事项", required=False, max_length=200)
    corrected_document_number = forms.CharField(label="更正后的文号", required=False, max_length=64)
    corrected_deciding_authority = forms.CharField(label="更正后的决定机关", required=False, max_length=100)
    corrected_decision_date = forms.DateField(label="更正后的决定日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    evidence = MultipleFileField(label="核查证据")

    def changes(self) -> dict:
        result = {}
        for field in ("title", "document_number", "deciding_authority", "decision_date"):
            value = self.cleaned_data.get(f"corrected_{field}")
            if value not in (None, ""):
                result[field] = value.isoformat() if hasattr(value, "isoformat") else value
        return result

    def uploads(self):
        return read_uploads(self.cleaned_data["evidence"], Material.Kind.VERIFICATION_EVIDENCE)


class ReviewForm(forms.Form):
    DECISIONS = [("approve", "同意核查意见，作出决定"), ("return", "退回承办人重新核查")]

    decision = forms.ChoiceField(label="审核意见", choices=DECISIONS, widget=forms.RadioSelect)
    comment = forms.CharField(label="审核说明", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)


class StaffFileForm(ObjectionFileForm):
    """Staff filing on a subject's behalf (窗口代为提交)."""

    record = forms.ModelChoiceField(label="信用记录", queryset=CreditRecord.objects.visible().select_related("subject"))
    applicant_name = forms.CharField(label="申请人", max_length=64)
    applicant_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    field_order = ["record", "applicant_name", "applicant_phone", "grounds", "statement", "decision_documents", "commitment_letter"]
