"""The REST interface every process shares: JSON errors, attachments, and the staff task endpoints.

A process's API views derive from ``ProcessAPIView``: they validate input, call
one service and answer; this module turns what services raise into answers a
client can act on, the same way for every process:

- ``ValidationError`` (Django's from a service, DRF's from a serializer) → 400
  ``{"errors": {"field.path": ["消息", ...]}}`` listing every problem;
- ``PermissionDenied`` → 403, ``Http404`` → 404, a task or case that moved on
  meanwhile (``TaskConflict``, an FSM transition no longer allowed, a concurrent
  save, the process lock busy) → 409, each as ``{"error": "消息"}``.

Task endpoints (claim, release, my inbox, my departments' queue) are generic;
completing a task is process-specific (its body depends on the step) and lives
in the process's API, which names its routes ``<app_label>_api:case-detail``
and ``<app_label>_api:task-complete`` so the task list here can link to them.
"""

import base64
import binascii
import json

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView, set_rollback
from viewflow.fsm import TransitionNotAllowed as FlowTransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from credit.selectors import acts_as_staff

from .deadlines import OPEN_STATUSES, task_case, tasks_prefetch_cases
from .materials import ALLOWED_TYPES, check_material, max_material_bytes
from .models import DepartmentTask, Material
from .taskapi import TaskConflict, task_claim, task_release
from .workbench import user_inbox, user_queue

#: At most this many files in one request (each up to the material size limit).
MAX_ATTACHMENTS = 10
#: A JSON body (files in base64) may be this large; more files fit a multipart body, streamed to disk.
DEFAULT_MAX_JSON_BODY_BYTES = 25 * 1024 * 1024

CONFLICT_MESSAGE = "案件或任务的状态已经改变（可能已被他人办理），不能执行该操作。请刷新后重试。"
LOCK_BUSY_MESSAGE = "该案件正在被他人办理，请稍后重试。"


# --- errors ------------------------------------------------------------------------------


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"attachments.1.content_base64": ["..."]}``."""
    errors: dict[str, list[str]] = {}
    key = prefix or api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, dict):
        for name, value in detail.items():
            # A nested serializer's own errors (e.g. "not a list") belong to the field holding it.
            child = prefix if prefix and name == api_settings.NON_FIELD_ERRORS_KEY else f"{prefix}.{name}" if prefix else str(name)
            for path, messages in flatten_errors(value, child).items():
                errors.setdefault(path, []).extend(messages)
    elif isinstance(detail, (list, tuple)):
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list, tuple)):
                for path, messages in flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    errors.setdefault(path, []).extend(messages)
            else:
                errors.setdefault(key, []).append(str(item))
    elif detail not in (None, ""):
        errors[key] = [str(detail)]
    return errors


def service_errors(error: DjangoValidationError, field_map: dict[str, str] | None = None) -> dict[str, list[str]]:
    """A service's ``ValidationError`` with its field names as the API calls them."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": list(error.messages)}
    errors: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        name = "non_field_errors" if field == "__all__" else field_map.get(field, field)
        errors.setdefault(name, []).extend(messages)
    return errors


def _message(exc, default: str) -> str:
    text = " ".join(str(part) for part in getattr(exc, "args", ()) if part)
    return text or default


def api_exception_handler(exc, context):
    """Every error as JSON, in Chinese; ``None`` (a real 500) only for what no input can cause."""
    view = context.get("view")
    headers = {}
    if isinstance(exc, DjangoValidationError):
        code, body = status.HTTP_400_BAD_REQUEST, {"errors": service_errors(exc, getattr(view, "service_field_map", None))}
    elif isinstance(exc, exceptions.ValidationError):
        code, body = status.HTTP_400_BAD_REQUEST, {"errors": flatten_errors(exc.detail)}
    elif isinstance(exc, exceptions.ParseError):
        # DRF's parse messages are English and quote the parser's internals.
        code, body = status.HTTP_400_BAD_REQUEST, {"errors": {"non_field_errors": ["请求内容无法解析：不是有效的 JSON 或 multipart 表单。"]}}
    elif isinstance(exc, TaskConflict):
        code, body = status.HTTP_409_CONFLICT, {"error": _message(exc, CONFLICT_MESSAGE)}
    elif isinstance(exc, (TransitionNotAllowed, FlowTransitionNotAllowed, ConcurrentTransition)):
        # django-fsm's own messages are English and name methods: not for the client.
        code, body = status.HTTP_409_CONFLICT, {"error": getattr(view, "conflict_message", CONFLICT_MESSAGE)}
    elif isinstance(exc, FlowLockFailed):
        code, body = status.HTTP_409_CONFLICT, {"error": LOCK_BUSY_MESSAGE}
    elif isinstance(exc, DjangoPermissionDenied):
        code, body = status.HTTP_403_FORBIDDEN, {"error": _message(exc, "您无权执行该操作。")}
    elif isinstance(exc, (Http404, ObjectDoesNotExist)):
        code, body = status.HTTP_404_NOT_FOUND, {"error": "未找到。"}
    elif isinstance(exc, RequestDataTooBig):
        code, body = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, {"error": "请求内容过大。"}
    elif isinstance(exc, SuspiciousOperation):
        code, body = status.HTTP_400_BAD_REQUEST, {"errors": {"non_field_errors": ["请求无效。"]}}
    elif isinstance(exc, exceptions.APIException):
        code = exc.status_code
        detail = exc.detail
        body = {"error": str(detail) if not isinstance(detail, (dict, list)) else "；".join(m for ms in flatten_errors(detail).values() for m in ms)}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
    else:
        return None
    set_rollback()
    return Response(body, status=code, headers=headers)


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="中文错误说明。")


class ValidationErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="字段路径（如 attachments.1.content_base64）→ 该字段的全部问题。",
    )


ERROR_400 = OpenApiResponse(ValidationErrorsSerializer, description="输入有误：列出每个字段的全部问题。")
ERROR_403 = OpenApiResponse(ErrorSerializer, description="未登录，或无权执行该操作。")
ERROR_404 = OpenApiResponse(ErrorSerializer, description="不存在，或您无权查看。")
ERROR_409 = OpenApiResponse(ErrorSerializer, description="任务或案件状态已改变（已被他人领取或办理、尚未领取、已办结）。")
ERROR_413 = OpenApiResponse(ErrorSerializer, description="请求内容过大。")


def max_json_body_bytes() -> int:
    return getattr(settings, "API_MAX_JSON_BODY_BYTES", DEFAULT_MAX_JSON_BODY_BYTES)


def max_multipart_body_bytes() -> int:
    return MAX_ATTACHMENTS * max_material_bytes() + 1024 * 1024


class BoundedJSONParser(BaseParser):
    """JSON read from the stream up to the API's own limit.

    DRF's ``JSONParser`` reads ``request.body``, capped by ``DATA_UPLOAD_MAX_MEMORY_SIZE``
    (2.5 MB by default, site-wide): too small for one 5 MB attachment in base64.
    """

    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_json_body_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestDataTooBig("JSON body too large")
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            return json.loads(raw.decode(encoding), parse_constant=_reject_constant)
        except (ValueError, LookupError, RecursionError):  # bad JSON or text, an unknown charset, absurd nesting
            raise exceptions.ParseError()


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


class ProcessAPIView(APIView):
    """Base of every process API view: JSON only, errors as described in this module."""

    renderer_classes = [JSONRenderer]
    parser_classes = [BoundedJSONParser]
    #: A service's field name → the API's (e.g. ``{"uploads": "attachments"}``).
    service_field_map: dict[str, str] = {}
    #: What a 409 says when the case's state no longer allows the action.
    conflict_message = CONFLICT_MESSAGE

    def get_exception_handler(self):
        return api_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Refused before anything is read: a JSON body is held in memory, a multipart one goes to disk.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > (max_multipart_body_bytes() if is_multipart(request) else max_json_body_bytes()):
            raise RequestDataTooBig("request body too large")


class ProcessListAPIView(ProcessAPIView, generics.ListAPIView):
    """A paginated list with the same error handling."""


class IsStaffMember(permissions.BasePermission):
    """Bureau staff (a role in some department) and superusers, as on the workbench pages."""

    message = "仅限工作人员使用。"

    def has_permission(self, request, view):
        return acts_as_staff(request.user)


def filter_by_status(queryset, request, statuses):
    """A case list narrowed to ``?status=``, one of ``statuses``; an unknown status is a 400 naming it."""
    wanted = request.query_params.get("status")
    if not wanted:
        return queryset
    if wanted not in statuses:
        raise serializers.ValidationError({"status": [f"状态“{wanted}”无效。"]})
    return queryset.filter(status=wanted)


# --- attachments -------------------------------------------------------------------------------


def decode_base64(value: str) -> bytes:
    """Plain base64 or a ``data:…;base64,`` URL; whitespace (line breaks) ignored."""
    text = value or ""
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    text = "".join(text.split())
    return base64.b64decode(text, validate=True)


class AttachmentSerializer(serializers.Serializer):
    """One file in a JSON body. Its type is recognised from its content, never from the name or the declared type."""

    name = serializers.CharField(max_length=200, help_text="文件名，如“处罚决定书.pdf”。")
    content_type = serializers.ChoiceField(
        choices=list(ALLOWED_TYPES), required=False, help_text="声明的类型（可省略）；以文件内容识别的类型为准。",
    )
    content_base64 = serializers.CharField(
        trim_whitespace=False,
        help_text=f"文件内容的 Base64 编码（可带 data: 前缀）。仅接受 PDF、JPEG、PNG，每个不超过 {max_material_bytes() // 1048576} MB。",
    )
    kind = serializers.ChoiceField(choices=Material.Kind.choices, required=False, help_text="材料类型；省略时按接口默认。")

    def validate(self, attrs):
        try:
            content = decode_base64(attrs["content_base64"])
        except (binascii.Error, ValueError):
            raise serializers.ValidationError({"content_base64": [f"文件“{attrs['name']}”的内容不是有效的 Base64 编码。"]})
        problems = check_material(attrs["name"], content)
        if problems:
            raise serializers.ValidationError({"content_base64": problems})
        return {"name": attrs["name"], "content": content, "kind": attrs.get("kind", "")}


def attachments_field(**kwargs):
    return AttachmentSerializer(many=True, required=False, max_length=MAX_ATTACHMENTS, **kwargs)


class UploadedFilesField(serializers.ListField):
    """Files of a multipart body (repeat the field for several), checked like the JSON attachments."""

    child = serializers.FileField(allow_empty_file=True)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_ATTACHMENTS)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        files = super().to_internal_value(data)
        errors, result = {}, []
        for index, uploaded in enumerate(files):
            content = uploaded.read()
            problems = check_material(uploaded.name, content)
            if problems:
                errors[index] = problems
            result.append({"name": uploaded.name, "content": content, "kind": ""})
        if errors:
            raise serializers.ValidationError(errors)
        return result


class MultipartAttachmentsMixin(serializers.Serializer):
    """``attachments`` (files) with ``attachment_kinds`` paired with them by position."""

    attachments = UploadedFilesField(help_text="附件文件（可多个，同名字段重复）。仅接受 PDF、JPEG、PNG。")
    attachment_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Material.Kind.choices), required=False, max_length=MAX_ATTACHMENTS,
        help_text="与 attachments 按顺序对应的材料类型（可省略）。",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        files, kinds = attrs.get("attachments", []), attrs.pop("attachment_kinds", [])
        if len(kinds) > len(files):
            raise serializers.ValidationError({"attachment_kinds": ["材料类型的个数多于附件个数。"]})
        for attachment, kind in zip(files, kinds):
            attachment["kind"] = kind
        return attrs


def uploads_from(attachments, default_kind: str) -> list[tuple[str, bytes, str]]:
    """Validated attachments as the services take them: (name, content, kind)."""
    return [(a["name"], a["content"], a["kind"] or default_kind) for a in attachments or []]


def is_multipart(request) -> bool:
    return (request.content_type or "").startswith("multipart/")


def validated_data(request, json_serializer, multipart_serializer=None) -> dict:
    """The request's body checked by ``json_serializer``, or by ``multipart_serializer`` for a form upload."""
    serializer_class = multipart_serializer if multipart_serializer is not None and is_multipart(request) else json_serializer
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- tasks -------------------------------------------------------------------------------------------

TASK_STATUS_LABELS = {
    STATUS.NEW: "待领取",
    STATUS.ASSIGNED: "已领取",
    STATUS.STARTED: "办理中",
    STATUS.DONE: "已办结",
    STATUS.CANCELED: "已取消",
    STATUS.ERROR: "出错",
}


def _case_route(case, name: str, *args) -> str | None:
    try:
        return reverse(f"{case._meta.app_label}_api:{name}", args=args)
    except NoReverseMatch:
        return None


class TaskCaseSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="案件类型，如 objection.objection。")
    type_label = serializers.CharField(help_text="案件类型的中文名称。")
    id = serializers.CharField(help_text="案件编号（主键）。")
    reference = serializers.CharField(help_text="案件编号，如 YY2026000001。")
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True, help_text="案件的接口地址。")


class TaskSerializer(serializers.Serializer):
    """One human task as the workbench lists it."""

    id = serializers.IntegerField()
    process = serializers.CharField(help_text="流程名称，如“异议处理”。")
    node = serializers.CharField(help_text="流程节点代码（如 intake、verify、review），决定办结时的请求内容。")
    title = serializers.CharField(help_text="任务名称，如“受理审查”。")
    status = serializers.CharField()
    status_label = serializers.CharField()
    owner = serializers.CharField(allow_null=True, help_text="领取人；待领取时为 null。")
    department = serializers.CharField(allow_null=True, help_text="任务所属部门。")
    case = TaskCaseSerializer(allow_null=True)
    created = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True, help_text="办理期限（工作日推算）。")
    due_provisional = serializers.BooleanField(help_text="期限超出已发布的节假日安排，按周末推算，暂定。")
    overdue = serializers.BooleanField()
    complete_url = serializers.CharField(allow_null=True, help_text="办结该任务的接口地址。")

    def to_representation(self, task):
        return super().to_representation(task_row(task))


def task_row(task: DepartmentTask) -> dict:
    case = task_case(task)
    deadline = getattr(task, "deadline", None)
    is_open = task.status in OPEN_STATUSES
    flow_task = task.flow_task
    department = task.department if isinstance(task, DepartmentTask) else None
    return {
        "id": task.pk,
        "process": str(flow_task.flow_class.process_title),
        "node": flow_task.name,
        "title": str(flow_task.task_title or flow_task.name),
        "status": task.status,
        "status_label": TASK_STATUS_LABELS.get(task.status, task.status),
        "owner": str(task.owner) if task.owner_id else None,
        "department": department.name if department else None,
        "case": None if case is None else {
            "type": case._meta.label_lower,
            "type_label": str(case._meta.verbose_name),
            "id": str(case.pk),
            "reference": getattr(case, "reference", "") or str(case.pk),
            "title": str(case),
            "url": _case_route(case, "case-detail", case.pk),
        },
        "created": task.created,
        "due_on": deadline.due_on if deadline else None,
        "due_provisional": bool(deadline and deadline.provisional),
        "overdue": bool(is_open and deadline and deadline.due_on < timezone.localdate()),
        "complete_url": _case_route(case, "task-complete", case.pk, task.pk) if case is not None and is_open else None,
    }


def _task_or_404(task_id: int) -> DepartmentTask:
    task = DepartmentTask.objects.filter(pk=task_id, flow_task_type="HUMAN").select_related("process", "owner").first()
    if task is None:
        raise exceptions.NotFound("没有该任务。")
    return task


class TaskListAPIView(ProcessListAPIView):
    """A page of tasks, their cases and departments loaded in one query per flow."""

    permission_classes = [IsStaffMember]
    serializer_class = TaskSerializer

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else tasks_prefetch_cases(page)


class TaskInboxView(TaskListAPIView):
    """我的待办：已由我领取、尚未办结的任务，按期限排序。"""

    def get_queryset(self):
        return user_inbox(self.request.user).select_related("owner")

    @extend_schema(operation_id="tasks_inbox", summary="我的待办", responses={200: TaskSerializer(many=True), 403: ERROR_403, 404: ERROR_404}, tags=["tasks"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class TaskQueueView(TaskListAPIView):
    """部门待领取任务：我在各部门所任岗位可领取的任务（其他部门的任务不出现）。"""

    def get_queryset(self):
        return user_queue(self.request.user).select_related("owner")

    @extend_schema(operation_id="tasks_queue", summary="部门待领取任务", responses={200: TaskSerializer(many=True), 403: ERROR_403, 404: ERROR_404}, tags=["tasks"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class TaskClaimView(ProcessAPIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        operation_id="tasks_claim", summary="领取任务", request=None, tags=["tasks"],
        description="只有在任务所属部门担任相应岗位的工作人员可以领取；已由本人领取时原样返回。",
        responses={200: TaskSerializer, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409},
    )
    def post(self, request, task_id: int):
        _task_or_404(task_id)
        task = task_claim(task_id=task_id, user=request.user)
        return Response(TaskSerializer(DepartmentTask.objects.select_related("process", "owner").get(pk=task.pk)).data)


class TaskReleaseView(ProcessAPIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        operation_id="tasks_release", summary="退回任务到部门待领取队列", request=None, tags=["tasks"],
        responses={200: TaskSerializer, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409},
    )
    def post(self, request, task_id: int):
        _task_or_404(task_id)
        task = task_release(task_id=task_id, user=request.user)
        return Response(TaskSerializer(DepartmentTask.objects.select_related("process", "owner").get(pk=task.pk)).data)


def case_task_complete(*, request, case, task_id: int, steps: dict, not_found: str) -> None:
    """Complete one of ``case``'s human tasks from the API, with the body its node expects.

    ``steps`` maps a flow node's name to ``(serializer class, perform(case, user, data))``;
    the same claim/ownership checks and process lock as the workbench (``task_complete``).
    """
    from .taskapi import task_complete

    task = None
    if case.process_id is not None:
        task = DepartmentTask.objects.filter(pk=task_id, process_id=case.process_id, flow_task_type="HUMAN").first()
    step = steps.get(task.flow_task.name) if task is not None else None
    if step is None:
        raise exceptions.NotFound(not_found)
    serializer_class, perform = step
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    task_complete(task_id=task.pk, user=request.user, perform=lambda _task: perform(case, request.user, serializer.validated_data))
