"""What the objection API reads and writes. Input serializers check shape only; the services decide."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from processes.common.api import MultipartAttachmentsMixin, attachments_field
from processes.common.serializers import (  # noqa: F401  (re-exported for this process's API)
    MAX_ID,
    TEXT_LIMIT,
    CaseFilesMethods,
    DocumentSerializer,
    MaterialSerializer,
    SubjectBriefSerializer,
    TimelineEventSerializer,
)
from processes.common.serializers import text_field as _text

from .models import Objection

# --- input --------------------------------------------------------------------------------------


class ObjectionFileSerializer(serializers.Serializer):
    """提交异议（JSON）：附件以 Base64 编码放在 attachments 中。"""

    record = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="所异议的信用记录编号（须为本人可代表的信用主体的记录）。",
        error_messages={"required": "请指明所异议的信用记录。", "invalid": "信用记录编号应为整数。", "null": "请指明所异议的信用记录。"},
    )
    grounds = serializers.ChoiceField(
        choices=Objection.Grounds.choices, help_text="异议类型。",
        error_messages={"required": "请选择异议类型。", "invalid_choice": "异议类型“{input}”无效。", "null": "请选择异议类型。"},
    )
    statement = _text(label="异议陈述", missing="请填写异议陈述：记录哪里有误、应当如何。", help_text="异议陈述：记录哪里有误、应当如何。")
    attachments = attachments_field(help_text="证明材料：决定/撤销/复议/判决文书、异议申诉信用承诺书等（kind 默认 evidence）。")


class ObjectionFileMultipartSerializer(MultipartAttachmentsMixin, ObjectionFileSerializer):
    """提交异议（multipart/form-data）：附件为文件。"""


class SupplySerializer(serializers.Serializer):
    """补正材料（JSON）：说明或附件至少其一。"""

    note = _text(label="补正说明", required=False, help_text="补正说明。")
    attachments = attachments_field(help_text="补正材料（kind 默认 supplement）。")


class SupplyMultipartSerializer(MultipartAttachmentsMixin, SupplySerializer):
    """补正材料（multipart/form-data）。"""


class IntakeSerializer(serializers.Serializer):
    """受理审查（节点 intake）：受理、要求补正或不予受理。"""

    decision = serializers.ChoiceField(
        choices=[("accept", "受理"), ("supplement", "要求补正材料"), ("refuse", "不予受理")], help_text="受理意见。",
        error_messages={"required": "请选择受理意见。", "invalid_choice": "受理意见“{input}”无效：应为 accept、supplement 或 refuse。"},
    )
    reason = _text(label="理由", required=False, help_text="不予受理的理由，或需要补正的材料（此两种意见必填）。")
    due_on = serializers.DateField(
        required=False, allow_null=True, help_text="补正期限；省略时按规则表默认期限（工作日）计算。",
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"},
    )


class CorrectionSerializer(serializers.Serializer):
    title = _text(label="更正后的事项", required=False, max_length=200)
    document_number = _text(label="更正后的文号", required=False, max_length=64)
    deciding_authority = _text(label="更正后的决定机关", required=False, max_length=100)
    decision_date = serializers.DateField(required=False, allow_null=True, error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"})


class VerifySerializer(serializers.Serializer):
    """核查异议（节点 verify）：数据提供部门的核查意见。"""

    outcome = serializers.ChoiceField(
        choices=Objection.Outcome.choices, help_text="核查意见：更正、撤销或维持。",
        error_messages={"required": "请选择核查意见：更正、撤销或维持。", "invalid_choice": "核查意见“{input}”无效。"},
    )
    reason = _text(label="核查理由", missing="请写明核查理由。", help_text="核查理由。")
    changes = CorrectionSerializer(required=False, help_text="更正后的内容（核查意见为 corrected 时至少一项）。")
    attachments = attachments_field(help_text="核查证据（kind 默认 verification_evidence）。")

    def validate_changes(self, value):
        return {
            key: (item.isoformat() if hasattr(item, "isoformat") else item)
            for key, item in (value or {}).items() if item not in (None, "")
        }


class ReviewSerializer(serializers.Serializer):
    """审核核查结果（节点 review）：同意后作出决定，或退回承办人。"""

    decision = serializers.ChoiceField(
        choices=[("approve", "同意核查意见，作出决定"), ("return", "退回承办人重新核查")], help_text="审核意见。",
        error_messages={"required": "请选择审核意见。", "invalid_choice": "审核意见“{input}”无效：应为 approve 或 return。"},
    )
    comment = _text(label="审核说明", required=False, help_text="审核说明（退回时必填）。")


# --- output -------------------------------------------------------------------------------------


class RecordSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    document_number = serializers.CharField()
    deciding_authority = serializers.CharField()
    decision_date = serializers.DateField()
    severity = serializers.CharField()
    severity_label = serializers.CharField(source="get_severity_display")
    source_department = serializers.CharField(source="source_department.name", help_text="数据提供部门。")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    corrections = serializers.ListField(child=serializers.DictField(), help_text="历次更正：原值、新值、理由。")


class VerificationSerializer(serializers.Serializer):
    """The handler's proposal and the reviewer's comment (staff only)."""

    proposed_outcome = serializers.CharField()
    proposed_outcome_label = serializers.CharField(source="get_proposed_outcome_display")
    proposed_reason = serializers.CharField()
    proposed_changes = serializers.DictField()
    review_comment = serializers.CharField()


class ObjectionSerializer(serializers.Serializer):
    """An objection case in a list."""

    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="案件编号。")
    status = serializers.ChoiceField(choices=Objection.Status.choices)
    status_label = serializers.CharField(source="get_status_display", help_text="状态（中文）。")
    result_label = serializers.CharField(help_text="办结时为处理结果，否则同状态。")
    is_open = serializers.BooleanField()
    grounds = serializers.ChoiceField(choices=Objection.Grounds.choices)
    grounds_label = serializers.CharField(source="get_grounds_display")
    channel = serializers.ChoiceField(choices=Objection.Channel.choices)
    channel_label = serializers.CharField(source="get_channel_display")
    filed_at = serializers.DateTimeField()
    subject = SubjectBriefSerializer()
    record = RecordSummarySerializer(allow_null=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField())
    def get_url(self, objection):
        url = reverse("objection_api:case-detail", args=[objection.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ObjectionDetailSerializer(CaseFilesMethods, ObjectionSerializer):
    """The case: what the case page shows. ``context["viewer"]`` is ``"staff"`` or ``"subject"``."""

    statement = serializers.CharField()
    applicant_name = serializers.CharField()
    supplement_request = serializers.CharField()
    supplement_due_on = serializers.DateField(allow_null=True)
    refusal_reason = serializers.CharField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(help_text="处理结果代码（办结后）。")
    outcome_label = serializers.CharField(source="get_outcome_display")
    outcome_reason = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    materials = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField(help_text="文书；信用主体只看到发给它的文书（不含部门间的协查函）。")
    timeline = serializers.SerializerMethodField(help_text="办理过程；信用主体只看到对其公开的事项。")
    tasks = serializers.SerializerMethodField(help_text="当前待办任务（仅工作人员可见；信用主体为 null）。")
    verification = serializers.SerializerMethodField(help_text="核查意见与审核意见（仅工作人员可见；信用主体为 null）。")


    @extend_schema_field(VerificationSerializer(allow_null=True))
    def get_verification(self, objection):
        return VerificationSerializer(objection).data if self._staff else None
