"""Forms of the interview process: they validate input; services decide."""

from django import forms
from django.utils import timezone

from processes.common.forms import MultipleFileField, read_uploads
from processes.common.models import Material

from .models import WarningInterview

# Viewflow's task pages render their own date-time field with an input mask: it needs a mask-friendly format.
DATETIME_INPUT = forms.DateTimeInput(format="%Y-%m-%d %H:%M")
DATETIME_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"]


class StartForm(forms.Form):
    """Start an interview from one dishonesty record or one list entry (chosen on the page)."""

    record = forms.IntegerField(required=False, widget=forms.HiddenInput)
    list_entry = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="约谈类型", choices=WarningInterview.Kind.choices, widget=forms.RadioSelect)
    matter = forms.CharField(label="约谈事项", max_length=200, required=False, help_text="留空按失信事由生成。")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="名单文件", help_text="CSV（UTF-8 或 GBK 编码）或 Excel（.xlsx），不超过 5 MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )


class ConfirmForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)


class StaffConfirmForm(forms.Form):
    note = forms.CharField(label="确认方式", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, help_text="如：2026年3月2日电话确认，法定代表人本人参加。")


class PrepareForm(forms.Form):
    kind = forms.ChoiceField(label="约谈类型", choices=WarningInterview.Kind.choices, widget=forms.RadioSelect)
    # Not required here: the service reports every missing part at once.
    scheduled_at = forms.DateTimeField(label="约谈时间", widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS, required=False)
    place = forms.CharField(label="约谈地点", max_length=100, required=False)
    matter = forms.CharField(label="约谈事项", max_length=200, widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, interview=None, **kwargs):
        super().__init__(*args, **kwargs)
        if interview is not None:
            self.fields["kind"].initial = interview.kind
            self.fields["matter"].initial = interview.matter
            self.fields["place"].initial = interview.place


class HoldForm(forms.Form):
    OUTCOMES = [("held", "约谈已举行，录入约谈记录"), ("no_show", "约谈对象未到场")]

    outcome = forms.ChoiceField(label="约谈情况", choices=OUTCOMES, widget=forms.RadioSelect)
    held_at = forms.DateTimeField(label="约谈时间", widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS, required=False)
    attendees = forms.CharField(label="参加人员", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000, help_text="约谈部门与信用主体双方的参加人员。")
    minutes = forms.CharField(label="约谈内容", widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=4000, help_text="谈话要点：告知的失信后果、主体的陈述。")
    rectification = forms.CharField(label="整改承诺", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000, help_text="无整改事项时留空。")
    rectification_due_on = forms.DateField(label="整改期限", widget=forms.DateInput(attrs={"type": "date"}), required=False)
    signed_minutes = MultipleFileField(label="经双方签字的约谈记录（扫描件）")
    no_show_note = forms.CharField(label="未到场情况", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)

    def __init__(self, *args, interview=None, **kwargs):
        super().__init__(*args, **kwargs)
        if interview is not None and interview.scheduled_at:
            self.fields["held_at"].initial = timezone.localtime(interview.scheduled_at)

    def uploads(self):
        return read_uploads(self.cleaned_data["signed_minutes"], Material.Kind.OTHER)


class FollowupForm(forms.Form):
    RESULTS = [("yes", "已按期整改"), ("no", "未按期整改")]

    rectified = forms.ChoiceField(label="整改情况", choices=RESULTS, widget=forms.RadioSelect)
    note = forms.CharField(label="核实情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    evidence = MultipleFileField(label="整改证明材料")

    def uploads(self):
        return read_uploads(self.cleaned_data["evidence"], Material.Kind.EVIDENCE)


class LeaderDecideForm(forms.Form):
    decision = forms.ChoiceField(label="处理决定", choices=WarningInterview.LeaderDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="处理意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
