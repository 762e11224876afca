"""Serializers every process's API shares: subjects, materials, documents, timelines, and a case's files."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.selectors import (
    document_user_may_download,
    documents_for,
    documents_for_subject,
)

from .api import TaskSerializer
from .materials import case_materials
from .models import DepartmentTask
from .timeline import case_timeline
from .views import open_tasks

MAX_ID = 2**63 - 1
TEXT_LIMIT = 4000


def text_field(*, label: str, required: bool = True, max_length: int = TEXT_LIMIT, missing: str = "", **kwargs):
    messages = {"max_length": f"{label}不能超过 {{max_length}} 个字符。"}
    if missing:
        messages.update(required=missing, blank=missing, null=missing)
    return serializers.CharField(
        max_length=max_length, required=required, allow_blank=not required, error_messages=messages,
        default="" if not required else serializers.empty, **kwargs,
    )


class SubjectBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField(source="display_code", help_text="统一社会信用代码；自然人的身份证号码部分隐去。")
    kind_label = serializers.CharField(source="get_kind_display")


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    who = serializers.CharField(help_text="经办人或来源（如“系统”）。")
    action = serializers.CharField()
    label = serializers.CharField()
    reason = serializers.CharField()


class MaterialSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    name = serializers.CharField()
    mime_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()


class DocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    title = serializers.CharField()
    number = serializers.CharField(help_text="文号。")
    department = serializers.CharField(source="department.name", help_text="发文部门。")
    issued_on = serializers.DateField()
    verification_code = serializers.CharField(help_text="核验码：任何人可凭此核验文书真伪。")
    download_url = serializers.SerializerMethodField(help_text="下载地址；无权下载时为 null。")
    verify_url = serializers.SerializerMethodField(help_text="核验页面地址。")

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, document):
        request = self.context.get("request")
        if request is None or not document_user_may_download(request.user, document):
            return None
        return self._absolute(reverse("documents:download", args=[document.pk]))

    @extend_schema_field(serializers.URLField())
    def get_verify_url(self, document):
        return self._absolute(reverse("documents:verify", args=[document.verification_code]))


class CaseFilesMethods:
    """The materials, documents, timeline and open tasks of a case detail serializer.

    The subject's users (``context["viewer"] != "staff"``) see only what is addressed to
    the subject, as on the pages; open tasks are for staff only.
    """

    @property
    def _staff(self) -> bool:
        return self.context.get("viewer") == "staff"

    @extend_schema_field(MaterialSerializer(many=True))
    def get_materials(self, case):
        return MaterialSerializer(case_materials(case), many=True).data

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, case):
        documents = documents_for(case) if self._staff else documents_for_subject(case)
        return DocumentSerializer(documents, many=True, context=self.context).data

    @extend_schema_field(TimelineEventSerializer(many=True))
    def get_timeline(self, case):
        return TimelineEventSerializer(case_timeline(case, for_subject=not self._staff), many=True).data

    @extend_schema_field(TaskSerializer(many=True, allow_null=True))
    def get_tasks(self, case):
        if not self._staff:
            return None
        ids = [task.pk for task in open_tasks(case)]
        tasks = DepartmentTask.objects.filter(pk__in=ids).select_related("process", "owner").order_by("created")
        return TaskSerializer(tasks, many=True).data
