"""The interview REST API: the same permissions and services as the pages, answered in JSON.

A case the user may not see answers 404 (as on the portal): for a subject's user the
interviews of the subjects it acts for once the notice has gone out, for staff
``selectors.staff_may_view``. A case the user sees but may not act on answers 403
(the service's refusal). Errors are described in ``processes.common.api``.
"""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from credit.models import CreditRecord, ListEntry
from credit.selectors import acts_as_staff
from processes.common.api import (
    ERROR_400, ERROR_403, ERROR_404, ERROR_409, ERROR_413, case_task_complete, IsStaffMember, ProcessAPIView, ProcessListAPIView, uploads_from, filter_by_status,
)
from processes.common.models import Material

from . import selectors, services
from .models import WarningInterview
from .serializers import (
    ConfirmSerializer, FollowupSerializer, HoldSerializer, ImportBatchSerializer, ImportUploadSerializer, InterviewDetailSerializer,
    InterviewSerializer, InterviewStartSerializer, LeaderDecideSerializer, PrepareSerializer,
)

TAGS = ["interviews"]
CASE_NOT_FOUND = "没有该约谈案件，或您无权查看。"



def _viewer(user, interview: WarningInterview) -> str | None:
    if acts_as_staff(user) and selectors.staff_may_view(user, interview):
        return "staff"
    if selectors.subject_cases(user).filter(pk=interview.pk).exists():
        return "subject"
    return None


def _visible_case(request, pk: int) -> tuple[WarningInterview, str]:
    interview = WarningInterview.objects.select_related("subject", "department").filter(pk=pk).first()
    viewer = _viewer(request.user, interview) if interview is not None else None
    if viewer is None:
        raise exceptions.NotFound(CASE_NOT_FOUND)
    return interview, viewer


def _case_answer(request, interview: WarningInterview, viewer: str, code: int = status.HTTP_200_OK) -> Response:
    interview = WarningInterview.objects.select_related("subject", "department", "interview_record").get(pk=interview.pk)
    return Response(InterviewDetailSerializer(interview, context={"request": request, "viewer": viewer}).data, status=code)


class InterviewListCreateView(ProcessListAPIView):
    """约谈案件：信用主体的用户看到其可代表主体的约谈（发出通知后）；工作人员看到其有权查看的约谈。"""

    serializer_class = InterviewSerializer

    def get_queryset(self):
        user = self.request.user
        if acts_as_staff(user):
            queryset = WarningInterview.objects.filter(Q(pk__in=selectors.staff_cases(user).values("pk")) | Q(pk__in=selectors.subject_cases(user).values("pk")))
        else:
            queryset = selectors.subject_cases(user)
        queryset = filter_by_status(queryset, self.request, WarningInterview.Status.values)
        return queryset.select_related("subject", "department").order_by("-started_at", "-pk")

    @extend_schema(
        operation_id="interviews_list", summary="约谈案件", tags=TAGS,
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=WarningInterview.Status.values, description="按状态筛选。")],
        responses={200: InterviewSerializer(many=True), 400: ERROR_400, 403: ERROR_403, 404: ERROR_404},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="interviews_start", summary="发起约谈", tags=TAGS,
        description="工作人员依据一条失信记录或一条名单发起约谈，由认定部门承办（谁认定、谁约谈）。只有认定部门、法规科或管理员可以发起（否则 403）。",
        request=InterviewStartSerializer,
        responses={201: InterviewDetailSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404},
    )
    def post(self, request, *args, **kwargs):
        if not acts_as_staff(request.user):
            raise exceptions.PermissionDenied("仅限工作人员使用。")
        serializer = InterviewStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        record = entry = None
        if data.get("record"):
            record = CreditRecord.objects.filter(pk=data["record"]).first()
            if record is None:
                raise exceptions.NotFound("没有这条失信记录。")
        else:
            entry = ListEntry.objects.filter(pk=data["list_entry"]).first()
            if entry is None:
                raise exceptions.NotFound("没有这条名单。")
        interview = services.interview_start(by=request.user, kind=data["kind"], record=record, list_entry=entry, matter=data.get("matter", ""))
        return _case_answer(request, interview, "staff", status.HTTP_201_CREATED)


class InterviewDetailView(ProcessAPIView):
    @extend_schema(
        operation_id="interviews_retrieve", summary="约谈案件详情", tags=TAGS,
        description="状态、约谈通知、确认、约谈记录、整改跟踪、材料、文书（含下载与核验地址）、办理过程；工作人员另见当前待办任务。",
        responses={200: InterviewDetailSerializer, 403: ERROR_403, 404: ERROR_404},
    )
    def get(self, request, pk: int):
        interview, viewer = _visible_case(request, pk)
        return _case_answer(request, interview, viewer)


class InterviewConfirmView(ProcessAPIView):
    conflict_message = "该约谈当前不在等待确认。"

    @extend_schema(
        operation_id="interviews_confirm", summary="确认参加约谈", tags=TAGS,
        description="信用主体的用户确认参加；工作人员（约谈部门、法规科）代为登记主体的确认，须在 note 中写明确认方式。",
        request=ConfirmSerializer,
        responses={200: InterviewDetailSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409},
    )
    def post(self, request, pk: int):
        interview, viewer = _visible_case(request, pk)
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = WarningInterview.Confirmation.STAFF if viewer == "staff" else WarningInterview.Confirmation.PORTAL
        interview = services.interview_confirm(interview=interview, by=request.user, channel=channel, note=serializer.validated_data.get("note", ""))
        return _case_answer(request, interview, viewer)


# --- completing a task: one body per flow node --------------------------------------------------------


def _prepare(interview, user, data):
    return services.interview_notify(
        interview=interview, by=user, kind=data["kind"], scheduled_at=data["scheduled_at"], place=data["place"], matter=data["matter"],
    )


def _hold(interview, user, data):
    if data["outcome"] == "no_show":
        return services.interview_record_no_show(interview=interview, by=user, note=data.get("no_show_note", ""))
    return services.interview_hold(
        interview=interview, by=user, held_at=data.get("held_at"), attendees=data.get("attendees", ""), minutes=data.get("minutes", ""),
        rectification=data.get("rectification", ""), rectification_due_on=data.get("rectification_due_on"),
        uploads=uploads_from(data.get("attachments"), Material.Kind.OTHER),
    )


def _followup(interview, user, data):
    return services.interview_followup_record(
        interview=interview, by=user, rectified=data["rectified"], note=data["note"], uploads=uploads_from(data.get("attachments"), Material.Kind.EVIDENCE),
    )


def _leader_decide(interview, user, data):
    return services.interview_leader_decide(interview=interview, by=user, decision=data["decision"], comment=data["comment"])


#: Flow node → (its body, the service call it makes).
STEPS = {
    "prepare": (PrepareSerializer, _prepare),
    "hold": (HoldSerializer, _hold),
    "followup": (FollowupSerializer, _followup),
    "leader_decide": (LeaderDecideSerializer, _leader_decide),
}

TaskCompletionRequest = PolymorphicProxySerializer(
    component_name="InterviewTaskCompletion",
    serializers=[PrepareSerializer, HoldSerializer, FollowupSerializer, LeaderDecideSerializer],
    resource_type_field_name=None,
)


class InterviewTaskCompleteView(ProcessAPIView):
    permission_classes = [IsStaffMember]
    service_field_map = {"uploads": "attachments"}

    @extend_schema(
        operation_id="interviews_task_complete", summary="办结任务", tags=TAGS,
        description=(
            "办理人办结本人已领取的任务（先 POST /api/v1/tasks/{id}/claim/）。请求内容按任务节点（见任务列表的 node）："
            "prepare（发出约谈通知书）{kind, scheduled_at, place, matter}；"
            "hold（举行约谈）{outcome: held|no_show, held_at, attendees, minutes, rectification, rectification_due_on, no_show_note, attachments}；"
            "followup（整改跟踪）{rectified, note, attachments}；"
            "leader_decide（未到场：负责人决定）{decision: reschedule|close, comment}。"
            "任务未领取、已办结或由他人领取时答 409 或 403。"
        ),
        request=TaskCompletionRequest,
        responses={
            200: OpenApiResponse(InterviewDetailSerializer, description="办结后的案件。"),
            400: ERROR_400, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409, 413: ERROR_413,
        },
    )
    def post(self, request, pk: int, task_id: int):
        interview, viewer = _visible_case(request, pk)
        case_task_complete(request=request, case=interview, task_id=task_id, steps=STEPS, not_found="该约谈案件没有这项任务。")
        return _case_answer(request, interview, viewer)


class ImportCreateView(ProcessAPIView):
    permission_classes = [IsStaffMember]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="interviews_import", summary="导入省、市下发的失信主体名单", tags=TAGS,
        description=(
            "上传 CSV（UTF-8 或 GBK）或 Excel（.xlsx）名单。逐行校验：有误的行列出全部原因、不导入；其余行按认定部门生成约谈案件；"
            "同一名单条目（代码、认定部门、失信事由、列入日期）只导入一次。文件本身有误（编码、格式、缺列）时答 400，什么也不导入。"
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportBatchSerializer, 400: ERROR_400, 403: ERROR_403, 413: ERROR_413},
    )
    def post(self, request):
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        batch = services.interview_import(name=upload.name, content=upload.read(), by=request.user)
        return Response(ImportBatchSerializer(batch).data, status=status.HTTP_201_CREATED)


class ImportDetailView(ProcessAPIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        operation_id="interviews_import_retrieve", summary="名单导入结果", tags=TAGS,
        responses={200: ImportBatchSerializer, 403: ERROR_403, 404: ERROR_404},
    )
    def get(self, request, pk: int):
        batch = selectors.visible_batches(request.user).filter(pk=pk).first()
        if batch is None:
            raise exceptions.NotFound("没有该导入批次，或您无权查看。")
        return Response(ImportBatchSerializer(batch).data)
