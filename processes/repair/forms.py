"""Forms of the repair process: they validate input; services decide."""

from django import forms

from credit.models import CreditRecord
from processes.common.forms import MultipleFileField, read_uploads
from processes.common.models import Material


class RepairFileForm(forms.Form):
    obligations_performed_on = forms.DateField(label="义务履行日期", widget=forms.DateInput(attrs={"type": "date"}), help_text="缴清罚款、完成整改的日期。", required=False)
    # Not required here: repair_file checks it, so an empty statement is reported together with every other reason.
    statement = forms.CharField(label="申请理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False, help_text="已履行了哪些义务、如何整改。")
    performance_proof = MultipleFileField(label="履行义务证明（缴款凭证、整改材料）")
    commitment_letter = MultipleFileField(label="已签署的信用承诺书")
    authorisation_letter = MultipleFileField(label="授权委托书/法定代表人身份证明（旧规则要求时）")
    training_certificate = MultipleFileField(label="信用修复培训证明（2019年规则要求时）")
    credit_report = MultipleFileField(label="信用报告（2019年规则要求时）")

    KINDS = {
        "performance_proof": Material.Kind.PERFORMANCE_PROOF,
        "commitment_letter": Material.Kind.COMMITMENT_LETTER,
        "authorisation_letter": Material.Kind.AUTHORISATION_LETTER,
        "training_certificate": Material.Kind.TRAINING_CERTIFICATE,
        "credit_report": Material.Kind.CREDIT_REPORT,
    }

    def uploads(self):
        result = []
        for field, kind in self.KINDS.items():
            result += read_uploads(self.cleaned_data[field], kind)
        return result


class IntakeForm(forms.Form):
    DECISIONS = [("accept", "受理"), ("refuse", "不予受理")]

    record = forms.ModelChoiceField(label="匹配信用记录（转办案件未匹配时）", queryset=CreditRecord.objects.none(), required=False)
    decision = forms.ChoiceField(label="受理意见", choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(label="不予受理理由", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None and application.record_id is None:
            self.fields["record"].queryset = CreditRecord.objects.filter(subject=application.subject, kind="penalty")
        else:
            del self.fields["record"]


class DecideForm(forms.Form):
    DECISIONS = [("approve", "准予信用修复"), ("reject", "不予信用修复"), ("extend", "案情复杂，延长办理期限")]

    decision = forms.ChoiceField(label="审查意见", choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
