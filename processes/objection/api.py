"""The objection REST API: the same permissions and services as the pages, answered in JSON.

A case the user may not see answers 404 (as on the portal): for a subject's user
the cases and records of the subjects it acts for, for staff ``staff_may_view``.
A case the user sees but may not act on answers 403 (the service's refusal).
Errors are described in ``processes.common.api``.
"""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from credit.models import CreditRecord
from credit.selectors import acts_as_staff, user_subjects
from processes.common.api import (
    ERROR_400, ERROR_403, ERROR_404, ERROR_409, ERROR_413, case_task_complete, BoundedJSONParser, IsStaffMember, ProcessAPIView, ProcessListAPIView, uploads_from, filter_by_status, validated_data,
)
from processes.common.models import Material

from . import selectors, services
from .models import Objection
from .serializers import (
    IntakeSerializer, ObjectionDetailSerializer, ObjectionFileMultipartSerializer, ObjectionFileSerializer, ObjectionSerializer,
    ReviewSerializer, SupplyMultipartSerializer, SupplySerializer, VerifySerializer,
)

TAGS = ["objections"]
CASE_NOT_FOUND = "没有该异议案件，或您无权查看。"



def _viewer(user, objection: Objection) -> str | None:
    """How ``user`` sees the case: as staff (full), as the subject's user (public events), or not at all."""
    if acts_as_staff(user) and selectors.staff_may_view(user, objection):
        return "staff"
    if selectors.subject_cases(user).filter(pk=objection.pk).exists():
        return "subject"
    return None


def _visible_case(request, pk: int) -> tuple[Objection, str]:
    objection = Objection.objects.select_related("record", "record__source_department", "subject").filter(pk=pk).first()
    viewer = _viewer(request.user, objection) if objection is not None else None
    if viewer is None:
        raise exceptions.NotFound(CASE_NOT_FOUND)
    return objection, viewer


def _case_answer(request, objection: Objection, viewer: str, code: int = status.HTTP_200_OK) -> Response:
    objection = Objection.objects.select_related("record", "record__source_department", "subject").get(pk=objection.pk)
    data = ObjectionDetailSerializer(objection, context={"request": request, "viewer": viewer}).data
    return Response(data, status=code)



class ObjectionListCreateView(ProcessListAPIView):
    """我的异议案件：信用主体的用户看到其可代表主体的案件；工作人员看到其有权查看的案件。"""

    serializer_class = ObjectionSerializer
    parser_classes = [BoundedJSONParser, MultiPartParser]
    service_field_map = {"uploads": "attachments"}

    def get_queryset(self):
        user = self.request.user
        if acts_as_staff(user):
            queryset = Objection.objects.filter(Q(pk__in=selectors.staff_cases(user).values("pk")) | Q(subject__in=user_subjects(user)))
        else:
            queryset = selectors.subject_cases(user)
        queryset = filter_by_status(queryset, self.request, Objection.Status.values)
        return queryset.select_related("record", "record__source_department", "subject").order_by("-filed_at", "-pk")

    @extend_schema(
        operation_id="objections_list", summary="我的异议案件", tags=TAGS,
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=Objection.Status.values, description="按状态筛选。")],
        responses={200: ObjectionSerializer(many=True), 400: ERROR_400, 403: ERROR_403, 404: ERROR_404},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="objections_file", summary="提交异议", tags=TAGS,
        description=(
            "信用主体的用户对其可代表主体的一条公示中的信用记录提出异议。记录不属于其可代表的主体时答 404。"
            "附件按内容识别类型（PDF、JPEG、PNG），每个不超过 5 MB；每个问题都列在 errors 中。"
        ),
        request={"application/json": ObjectionFileSerializer, "multipart/form-data": ObjectionFileMultipartSerializer},
        responses={201: ObjectionDetailSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404, 413: ERROR_413},
    )
    def post(self, request, *args, **kwargs):
        data = validated_data(request, ObjectionFileSerializer, ObjectionFileMultipartSerializer)
        record = CreditRecord.objects.filter(pk=data["record"], subject__in=user_subjects(request.user)).first()
        if record is None:
            raise exceptions.NotFound("没有这条记录。")
        objection = services.objection_file(
            record=record, grounds=data["grounds"], statement=data["statement"], by=request.user,
            uploads=uploads_from(data.get("attachments"), Material.Kind.EVIDENCE),
        )
        return _case_answer(request, objection, "subject", status.HTTP_201_CREATED)


class ObjectionDetailView(ProcessAPIView):
    @extend_schema(
        operation_id="objections_retrieve", summary="异议案件详情", tags=TAGS,
        description="状态、所涉记录、材料、文书（含下载与核验地址）、办理过程；工作人员另见当前待办任务与核查意见。",
        responses={200: ObjectionDetailSerializer, 403: ERROR_403, 404: ERROR_404},
    )
    def get(self, request, pk: int):
        objection, viewer = _visible_case(request, pk)
        return _case_answer(request, objection, viewer)


class ObjectionSupplyView(ProcessAPIView):
    parser_classes = [BoundedJSONParser, MultiPartParser]
    service_field_map = {"uploads": "attachments"}
    conflict_message = "该案件当前不需要补正材料。"

    @extend_schema(
        operation_id="objections_supply", summary="补正材料", tags=TAGS,
        description="信用主体的用户在补正期限内提交补正材料，案件回到受理审查。",
        request={"application/json": SupplySerializer, "multipart/form-data": SupplyMultipartSerializer},
        responses={200: ObjectionDetailSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409, 413: ERROR_413},
    )
    def post(self, request, pk: int):
        objection, viewer = _visible_case(request, pk)
        data = validated_data(request, SupplySerializer, SupplyMultipartSerializer)
        objection = services.objection_supply(
            objection=objection, by=request.user, note=data.get("note", ""),
            uploads=uploads_from(data.get("attachments"), Material.Kind.SUPPLEMENT),
        )
        return _case_answer(request, objection, viewer)


# --- completing a task: one body per flow node --------------------------------------------------------


def _intake(objection, user, data):
    if data["decision"] == "accept":
        return services.objection_accept(objection=objection, by=user)
    if data["decision"] == "refuse":
        return services.objection_refuse(objection=objection, by=user, reason=data.get("reason", ""))
    return services.objection_request_supplement(objection=objection, by=user, request=data.get("reason", ""), due_on=data.get("due_on"))


def _verify(objection, user, data):
    return services.objection_propose(
        objection=objection, by=user, outcome=data["outcome"], reason=data["reason"], changes=data.get("changes") or {},
        uploads=uploads_from(data.get("attachments"), Material.Kind.VERIFICATION_EVIDENCE),
    )


def _review(objection, user, data):
    if data["decision"] == "approve":
        return services.objection_decide(objection=objection, by=user, comment=data.get("comment", ""))
    return services.objection_return(objection=objection, by=user, comment=data.get("comment", ""))


#: Flow node → (its body, the service call it makes).
STEPS = {
    "intake": (IntakeSerializer, _intake),
    "verify": (VerifySerializer, _verify),
    "review": (ReviewSerializer, _review),
}

TaskCompletionRequest = PolymorphicProxySerializer(
    component_name="ObjectionTaskCompletion",
    serializers=[IntakeSerializer, VerifySerializer, ReviewSerializer],
    resource_type_field_name=None,
)


class ObjectionTaskCompleteView(ProcessAPIView):
    permission_classes = [IsStaffMember]  # the workbench is for staff, as on the pages
    # The services' names for what the API calls attachments and reason.
    service_field_map = {"uploads": "attachments", "request": "reason"}

    @extend_schema(
        operation_id="objections_task_complete", summary="办结任务", tags=TAGS,
        description=(
            "办理人办结本人已领取的任务（先 POST /api/v1/tasks/{id}/claim/）。请求内容按任务节点（见任务列表的 node）："
            "intake（受理审查）{decision: accept|supplement|refuse, reason, due_on}；"
            "verify（核查异议）{outcome: corrected|withdrawn|upheld, reason, changes, attachments}；"
            "review（审核核查结果）{decision: approve|return, comment}。"
            "任务未领取、已办结或由他人领取时答 409 或 403。"
        ),
        request=TaskCompletionRequest,
        responses={
            200: OpenApiResponse(ObjectionDetailSerializer, description="办结后的案件。"),
            400: ERROR_400, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409, 413: ERROR_413,
        },
    )
    def post(self, request, pk: int, task_id: int):
        objection, viewer = _visible_case(request, pk)
        case_task_complete(request=request, case=objection, task_id=task_id, steps=STEPS, not_found="该异议案件没有这项任务。")
        return _case_answer(request, objection, viewer)
