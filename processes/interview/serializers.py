"""What the interview API reads and writes. Input serializers check shape only; the services decide."""

from collections.abc import Mapping

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from processes.common.api import attachments_field
from processes.common.serializers import CaseFilesMethods, SubjectBriefSerializer

from .models import ImportBatch, WarningInterview

MAX_ID = 2**63 - 1
TEXT_LIMIT = 4000
DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD。"}
DATETIME_ERRORS = {"invalid": "时间格式应为 ISO 8601，如 2026-03-02T09:30:00+08:00。"}


def _text(*, label: str, required: bool = True, max_length: int = TEXT_LIMIT, missing: str = "", **kwargs):
    messages = {"max_length": f"{label}不能超过 {{max_length}} 个字符。"}
    if missing:
        messages.update(required=missing, blank=missing, null=missing)
    return serializers.CharField(
        max_length=max_length, required=required, allow_blank=not required, error_messages=messages,
        default="" if not required else serializers.empty, **kwargs,
    )


# --- input --------------------------------------------------------------------------------------


class InterviewStartSerializer(serializers.Serializer):
    """发起约谈：依据一条失信记录或一条名单（二者选一）。"""

    record = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, help_text="失信记录编号。", error_messages={"invalid": "记录编号应为整数。"},
    )
    list_entry = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, help_text="名单编号。", error_messages={"invalid": "名单编号应为整数。"},
    )
    kind = serializers.ChoiceField(
        choices=WarningInterview.Kind.choices, help_text="约谈类型。",
        error_messages={"required": "请选择约谈类型。", "invalid_choice": "约谈类型“{input}”无效：应为 prompt 或 warning。"},
    )
    matter = _text(label="约谈事项", required=False, max_length=200, help_text="约谈事项；省略时按失信事由生成。")

    def to_internal_value(self, data):
        # The missing basis is reported with the fields' own problems, every problem at once.
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)  # refused as "not an object"
        errors, value = {}, None
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            errors = dict(error.detail)
        if bool(data.get("record")) == bool(data.get("list_entry")):
            errors["source"] = ["请指明一条失信记录（record）或一条名单（list_entry），二者选一。"]
        if errors:
            raise serializers.ValidationError(errors)
        return value


class ConfirmSerializer(serializers.Serializer):
    """确认参加：信用主体的用户确认；工作人员代为登记时必须写明确认方式。"""

    note = _text(label="说明", required=False, help_text="说明；工作人员代为登记时必填（如电话确认）。")


class PrepareSerializer(serializers.Serializer):
    """发出约谈通知书（节点 prepare）。"""

    kind = serializers.ChoiceField(
        choices=WarningInterview.Kind.choices, help_text="约谈类型。",
        error_messages={"required": "请选择约谈类型。", "invalid_choice": "约谈类型“{input}”无效：应为 prompt 或 warning。"},
    )
    scheduled_at = serializers.DateTimeField(help_text="约谈时间。", error_messages={**DATETIME_ERRORS, "required": "请填写约谈时间。"})
    place = _text(label="约谈地点", max_length=100, missing="请填写约谈地点。", help_text="约谈地点。")
    matter = _text(label="约谈事项", max_length=200, missing="请填写约谈事项。", help_text="约谈事项。")


class HoldSerializer(serializers.Serializer):
    """举行约谈、上传约谈记录（节点 hold）；或登记未到场。"""

    outcome = serializers.ChoiceField(
        choices=[("held", "约谈已举行"), ("no_show", "约谈对象未到场")], help_text="约谈情况。",
        error_messages={"required": "请选择约谈情况。", "invalid_choice": "约谈情况“{input}”无效：应为 held 或 no_show。"},
    )
    held_at = serializers.DateTimeField(required=False, allow_null=True, help_text="约谈实际举行的时间（held 时必填）。", error_messages=DATETIME_ERRORS)
    attendees = _text(label="参加人员", required=False, help_text="参加人员（held 时必填）。")
    minutes = _text(label="约谈内容", required=False, help_text="约谈内容（held 时必填）。")
    rectification = _text(label="整改承诺", required=False, help_text="承诺的整改（无整改事项时省略）。")
    rectification_due_on = serializers.DateField(required=False, allow_null=True, help_text="整改期限（有整改承诺时必填）。", error_messages=DATE_ERRORS)
    no_show_note = _text(label="未到场情况", required=False, help_text="未到场的情况（no_show 时必填）。")
    attachments = attachments_field(help_text="经双方签字的约谈记录（held 时至少一个；kind 默认 other）。")


class FollowupSerializer(serializers.Serializer):
    """整改跟踪（节点 followup）：是否已按期整改。"""

    rectified = serializers.BooleanField(help_text="是否已按期整改。", error_messages={"required": "请选择是否已按期整改。", "invalid": "rectified 应为 true 或 false。"})
    note = _text(label="核实情况", missing="请写明核实的整改情况。", help_text="核实的整改情况。")
    attachments = attachments_field(help_text="整改证明材料（kind 默认 evidence）。")


class LeaderDecideSerializer(serializers.Serializer):
    """未到场：负责人决定（节点 leader_decide）。"""

    decision = serializers.ChoiceField(
        choices=WarningInterview.LeaderDecision.choices, help_text="重新安排约谈，或记录在案后办结。",
        error_messages={"required": "请选择处理决定。", "invalid_choice": "处理决定“{input}”无效：应为 reschedule 或 close。"},
    )
    comment = _text(label="处理意见", missing="请写明处理意见。", help_text="处理意见。")


class ImportUploadSerializer(serializers.Serializer):
    """导入省、市下发的失信主体名单（multipart/form-data）。"""

    file = serializers.FileField(help_text="CSV（UTF-8 或 GBK）或 Excel（.xlsx）。", error_messages={"required": "请选择要导入的名单文件。"})


# --- output -------------------------------------------------------------------------------------


class InterviewRecordSerializer(serializers.Serializer):
    held_at = serializers.DateTimeField()
    place = serializers.CharField()
    attendees = serializers.CharField()
    minutes = serializers.CharField()
    rectification = serializers.CharField()
    rectification_due_on = serializers.DateField(allow_null=True)
    rectified = serializers.BooleanField(allow_null=True, help_text="整改核实后为 true/false；之前为 null。")
    credit_record = serializers.IntegerField(source="record_id", allow_null=True, help_text="信用档案中的约谈记录编号。")


class InterviewSerializer(serializers.Serializer):
    """An interview case in a list."""

    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="案件编号。")
    status = serializers.ChoiceField(choices=WarningInterview.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    result_label = serializers.CharField(help_text="办结时为约谈结果，否则同状态。")
    is_open = serializers.BooleanField()
    kind = serializers.ChoiceField(choices=WarningInterview.Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    origin = serializers.ChoiceField(choices=WarningInterview.Origin.choices)
    origin_label = serializers.CharField(source="get_origin_display")
    department = serializers.CharField(source="department.name", help_text="约谈部门（谁认定、谁约谈）。")
    subject = SubjectBriefSerializer()
    matter = serializers.CharField()
    scheduled_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    started_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField())
    def get_url(self, interview):
        url = reverse("interview_api:case-detail", args=[interview.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class InterviewDetailSerializer(CaseFilesMethods, InterviewSerializer):
    """The case: what the case page shows. ``context["viewer"]`` is ``"staff"`` or ``"subject"``."""

    basis = serializers.CharField(help_text="失信事由。")
    listed_on = serializers.DateField(allow_null=True)
    list_source = serializers.CharField(help_text="名单来源：province、city，或空。")
    confirm_due_on = serializers.DateField(allow_null=True, help_text="确认参加的期限。")
    confirmed_at = serializers.DateTimeField(allow_null=True)
    confirmation_channel = serializers.CharField()
    no_show_at = serializers.DateTimeField(allow_null=True)
    no_show_note = serializers.CharField()
    leader_decision = serializers.CharField()
    leader_comment = serializers.CharField()
    followup_note = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    interview_record = InterviewRecordSerializer(allow_null=True)
    materials = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField(help_text="办理过程；信用主体只看到对其公开的事项。")
    tasks = serializers.SerializerMethodField(help_text="当前待办任务（仅工作人员可见；信用主体为 null）。")


class ImportLineSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="行号（表头为第1行）。")
    name = serializers.CharField()
    code = serializers.CharField()
    result = serializers.ChoiceField(choices=[("imported", "已导入"), ("duplicate", "重复，未导入"), ("invalid", "有误，未导入")])
    reasons = serializers.ListField(child=serializers.CharField(), help_text="有误的全部原因，或重复的说明。")
    case = serializers.CharField(required=False, help_text="生成（或此前已生成）的约谈案件编号。")


class ImportBatchSerializer(serializers.ModelSerializer):
    report = ImportLineSerializer(many=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id", "file_name", "file_format", "encoding", "sha256", "uploaded_at", "total_rows", "imported_count", "duplicate_count",
            "invalid_count", "report",
        ]
