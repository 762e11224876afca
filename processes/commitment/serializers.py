"""What the commitment API reads and writes. Input serializers check shape only; the services decide."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from credit.models import Commitment
from processes.common.api import MultipartAttachmentsMixin, attachments_field
from processes.common.serializers import (
    MAX_ID,
    CaseFilesMethods,
    SubjectBriefSerializer,
)
from processes.common.serializers import text_field as _text

from .models import CommitmentCase

DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD。"}


# --- input --------------------------------------------------------------------------------------


class CommitmentCreateSerializer(serializers.Serializer):
    """作出或登记信用承诺（JSON）：已签署的承诺书以 Base64 编码放在 attachments 中（可省略，之后再上传）。"""

    subject = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="承诺主体编号：信用主体的用户须为其可代表的主体；工作人员可为任一主体登记。",
        error_messages={"required": "请指明承诺主体。", "invalid": "主体编号应为整数。", "null": "请指明承诺主体。"},
    )
    kind = serializers.ChoiceField(
        choices=Commitment.Kind.choices, help_text="承诺类型。",
        error_messages={"required": "请选择承诺类型。", "invalid_choice": "承诺类型“{input}”无效。", "null": "请选择承诺类型。"},
    )
    department = serializers.SlugField(
        default="approval", help_text="受理部门代码（核查承诺的部门），默认 approval（行政审批科）。",
        error_messages={"invalid": "部门代码无效。"},
    )
    # Required, but checked by the service so that its absence is listed with every other problem.
    matter = _text(label="承诺事项", required=False, max_length=200, help_text="承诺事项（必填），如“道路货物运输经营许可”。")
    content = _text(label="承诺内容", required=False, help_text="承诺内容；省略时使用该类型的标准承诺内容（格式文本）。")
    missing_materials = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=50, help_text="容缺材料（仅容缺受理）：每项一个字符串。",
    )
    supplement_due_on = serializers.DateField(
        required=False, allow_null=True, error_messages=DATE_ERRORS,
        help_text="补齐期限（仅工作人员为容缺受理登记时可填）；省略时按规则表默认期限（工作日）计算。",
    )
    applicant_name = _text(label="承诺人/经办人", required=False, max_length=64, help_text="承诺人或经办人（工作人员登记时填写）。")
    applicant_phone = _text(label="联系电话", required=False, max_length=20, help_text="联系电话（不公开）。")
    attachments = attachments_field(help_text="已签署的信用承诺书（kind 按 commitment_letter 处理）。")


class CommitmentCreateMultipartSerializer(MultipartAttachmentsMixin, CommitmentCreateSerializer):
    """作出或登记信用承诺（multipart/form-data）：附件为文件。"""


class CommitmentSignSerializer(serializers.Serializer):
    """上传签署的信用承诺书（JSON）。"""

    attachments = attachments_field(help_text="签署后的信用承诺书（扫描件或照片）。")


class CommitmentSignMultipartSerializer(MultipartAttachmentsMixin, CommitmentSignSerializer):
    """上传签署的信用承诺书（multipart/form-data）。"""


class CommitmentSupplySerializer(serializers.Serializer):
    """补齐容缺材料（JSON）。"""

    note = _text(label="补齐说明", required=False, help_text="补齐说明。")
    attachments = attachments_field(help_text="所缺的材料（kind 按 supplement 处理）。")


class CommitmentSupplyMultipartSerializer(MultipartAttachmentsMixin, CommitmentSupplySerializer):
    """补齐容缺材料（multipart/form-data）。"""


class CommitmentVerifySerializer(serializers.Serializer):
    """核查承诺履行情况（节点 verify）：受理部门承办人的核查结论。"""

    method = serializers.ChoiceField(
        choices=CommitmentCase.Method.choices, help_text="核查方式。",
        error_messages={"required": "请选择核查方式。", "invalid_choice": "核查方式“{input}”无效。"},
    )
    finding = _text(label="核查情况", missing="请写明核查情况。", help_text="核查情况。")
    result = serializers.ChoiceField(
        choices=CommitmentCase.Result.choices, help_text="核查结论：fulfilled 已履行（办结），breached 违背承诺（报审核人审核）。",
        error_messages={"required": "请选择核查结论。", "invalid_choice": "核查结论“{input}”无效。"},
    )
    severity = serializers.ChoiceField(
        choices=CommitmentCase.BREACH_SEVERITIES, required=False, allow_blank=True, default="", help_text="失信程度（违背承诺时必填）。",
        error_messages={"invalid_choice": "失信程度“{input}”无效：应为 general 或 serious。"},
    )
    legal_basis = _text(label="认定依据", required=False, help_text="认定依据（违背承诺时必填）。")
    measures = _text(label="后续处理措施", required=False, help_text="后续处理措施，如依法撤销相关许可（可选）。")
    attachments = attachments_field(help_text="核查证据（kind 默认 verification_evidence）。")


class CommitmentReviewSerializer(serializers.Serializer):
    """审核违诺认定（节点 review）：同意后生成失信记录，或退回承办人。"""

    decision = serializers.ChoiceField(
        choices=[("confirm", "同意认定违背承诺"), ("return", "退回承办人重新核查")], help_text="审核意见。",
        error_messages={"required": "请选择审核意见。", "invalid_choice": "审核意见“{input}”无效：应为 confirm 或 return。"},
    )
    comment = _text(label="审核说明", required=False, help_text="审核说明（退回时必填）。")


# --- output -------------------------------------------------------------------------------------


class CommitmentBreachRecordSerializer(serializers.Serializer):
    """The dishonesty record (失信记录) a breach created."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    document_number = serializers.CharField(help_text="违背信用承诺认定书文号。")
    legal_basis = serializers.CharField()
    decision_date = serializers.DateField()
    severity = serializers.SerializerMethodField(help_text="失信程度：general 或 serious。")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")

    @extend_schema_field(serializers.CharField())
    def get_severity(self, record):
        return record.indicators.get("severity", "")


class CommitmentSerializer(serializers.Serializer):
    """The commitment as kept in the subject's credit file."""

    kind = serializers.ChoiceField(choices=Commitment.Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    matter = serializers.CharField()
    content = serializers.CharField()
    department = serializers.CharField(source="department.name", help_text="受理部门。")
    missing_materials = serializers.ListField(child=serializers.CharField())
    supplement_due_on = serializers.DateField(allow_null=True, help_text="容缺材料补齐期限。")
    committed_on = serializers.DateField()
    is_public = serializers.BooleanField()
    status = serializers.ChoiceField(choices=Commitment.Status.choices, help_text="信用档案中的履约状态。")
    status_label = serializers.CharField(source="get_status_display")
    breach_record = CommitmentBreachRecordSerializer(allow_null=True, help_text="违诺时生成的失信记录。")


class CommitmentCaseSerializer(serializers.Serializer):
    """A commitment case in a list."""

    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="案件编号。")
    status = serializers.ChoiceField(choices=CommitmentCase.Status.choices)
    status_label = serializers.CharField(source="get_status_display", help_text="状态（中文）。")
    is_open = serializers.BooleanField()
    channel = serializers.ChoiceField(choices=CommitmentCase.Channel.choices)
    channel_label = serializers.CharField(source="get_channel_display")
    registered_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True, help_text="上传签署的承诺书、予以公示的时间。")
    subject = SubjectBriefSerializer()
    commitment = CommitmentSerializer()
    url = serializers.SerializerMethodField()
    letter_url = serializers.SerializerMethodField(help_text="信用承诺书（格式文本，PDF）的下载地址，签署后上传。")

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(serializers.URLField())
    def get_url(self, case):
        return self._absolute(reverse("commitment_api:case-detail", args=[case.pk]))

    @extend_schema_field(serializers.URLField())
    def get_letter_url(self, case):
        return self._absolute(reverse("commitment:letter", args=[case.pk]))


class CommitmentVerificationSerializer(serializers.Serializer):
    method = serializers.CharField(source="verification_method")
    method_label = serializers.CharField(source="get_verification_method_display")
    finding = serializers.CharField(source="verification_finding")
    result = serializers.CharField()
    result_label = serializers.CharField(source="get_result_display")
    severity = serializers.CharField(source="breach_severity")
    severity_label = serializers.CharField(source="get_breach_severity_display")
    legal_basis = serializers.CharField(source="breach_legal_basis")
    measures = serializers.CharField(source="breach_measures")
    review_comment = serializers.CharField()
    verified_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class CommitmentCaseDetailSerializer(CaseFilesMethods, CommitmentCaseSerializer):
    """The case: what the case page shows. ``context["viewer"]`` is ``"staff"`` or ``"subject"``."""

    applicant_name = serializers.CharField()
    supplied_at = serializers.DateTimeField(allow_null=True)
    supplement_overdue = serializers.BooleanField(help_text="容缺材料逾期未补齐。")
    verification = serializers.SerializerMethodField(
        help_text="核查结论：工作人员随时可见；信用主体在办结后可见（办理中为 null）。",
    )
    materials = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField(help_text="发给信用主体的文书（核查结果通知书、违背信用承诺认定书）。")
    timeline = serializers.SerializerMethodField(help_text="办理过程；信用主体只看到对其公开的事项。")
    tasks = serializers.SerializerMethodField(help_text="当前待办任务（仅工作人员可见；信用主体为 null）。")


    @extend_schema_field(CommitmentVerificationSerializer(allow_null=True))
    def get_verification(self, case):
        if self._staff or not case.is_open:
            return CommitmentVerificationSerializer(case).data
        return None


