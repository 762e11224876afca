"""The commitment REST API: the same permissions and services as the pages, answered in JSON.

A case the user may not see answers 404 (as on the portal): for a subject's user
the cases of the subjects it acts for, for staff ``selectors.staff_may_view``.
A case the user sees but may not act on answers 403 (the service's refusal).
Errors are described in ``processes.common.api``.
"""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from credit.models import Department, Subject
from credit.selectors import acts_as_staff, user_subjects
from processes.common.api import (
    ERROR_400, ERROR_403, ERROR_404, ERROR_409, ERROR_413, case_task_complete, BoundedJSONParser, IsStaffMember, ProcessAPIView, ProcessListAPIView, uploads_from, filter_by_status, validated_data,
)
from processes.common.models import Material

from . import selectors, services
from .models import CommitmentCase
from .serializers import (
    CommitmentCaseDetailSerializer, CommitmentCaseSerializer, CommitmentCreateMultipartSerializer, CommitmentCreateSerializer,
    CommitmentReviewSerializer, CommitmentSignMultipartSerializer, CommitmentSignSerializer, CommitmentSupplyMultipartSerializer,
    CommitmentSupplySerializer, CommitmentVerifySerializer,
)

TAGS = ["commitments"]
CASE_NOT_FOUND = "没有该信用承诺案件，或您无权查看。"
CASES = CommitmentCase.objects.select_related("commitment", "commitment__department", "commitment__breach_record", "subject")



def _viewer(user, case: CommitmentCase) -> str | None:
    """How ``user`` sees the case: as staff (full), as the subject's user (public events), or not at all."""
    if acts_as_staff(user) and selectors.staff_may_view(user, case):
        return "staff"
    if selectors.subject_cases(user).filter(pk=case.pk).exists():
        return "subject"
    return None


def _visible_case(request, pk: int) -> tuple[CommitmentCase, str]:
    case = CASES.filter(pk=pk).first()
    viewer = _viewer(request.user, case) if case is not None else None
    if viewer is None:
        raise exceptions.NotFound(CASE_NOT_FOUND)
    return case, viewer


def _case_answer(request, case: CommitmentCase, viewer: str, code: int = status.HTTP_200_OK) -> Response:
    case = CASES.get(pk=case.pk)
    return Response(CommitmentCaseDetailSerializer(case, context={"request": request, "viewer": viewer}).data, status=code)



class CommitmentListCreateView(ProcessListAPIView):
    """我的信用承诺：信用主体的用户看到其可代表主体的承诺；工作人员看到其有权查看的承诺。"""

    serializer_class = CommitmentCaseSerializer
    parser_classes = [BoundedJSONParser, MultiPartParser]
    service_field_map = {"uploads": "attachments"}

    def get_queryset(self):
        user = self.request.user
        if acts_as_staff(user):
            queryset = CommitmentCase.objects.filter(Q(pk__in=selectors.staff_cases(user).values("pk")) | Q(subject__in=user_subjects(user)))
        else:
            queryset = selectors.subject_cases(user)
        queryset = filter_by_status(queryset, self.request, CommitmentCase.Status.values)
        return queryset.select_related("commitment", "commitment__department", "commitment__breach_record", "subject").order_by("-registered_at", "-pk")

    @extend_schema(
        operation_id="commitments_list", summary="信用承诺案件", tags=TAGS,
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=CommitmentCase.Status.values, description="按状态筛选。")],
        responses={200: CommitmentCaseSerializer(many=True), 400: ERROR_400, 403: ERROR_403, 404: ERROR_404},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="commitments_create", summary="作出或登记信用承诺", tags=TAGS,
        description=(
            "信用主体的用户为其可代表的主体作出信用承诺（主体网上提交）；受理部门的受理员或承办人为任一主体登记（窗口登记，可填补齐期限）。"
            "主体不存在或不可代表时答 404。容缺受理须列明容缺材料，补齐期限省略时按规则表计算。"
            "附带已签署的承诺书时承诺即予公示，否则之后 POST signed-letter/。每个问题都列在 errors 中。"
        ),
        request={"application/json": CommitmentCreateSerializer, "multipart/form-data": CommitmentCreateMultipartSerializer},
        responses={201: CommitmentCaseDetailSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404, 413: ERROR_413},
    )
    def post(self, request, *args, **kwargs):
        data = validated_data(request, CommitmentCreateSerializer, CommitmentCreateMultipartSerializer)
        user = request.user
        subject = user_subjects(user).filter(pk=data["subject"]).first()
        channel, viewer = CommitmentCase.Channel.PORTAL, "subject"
        if subject is None and acts_as_staff(user):
            subject = Subject.objects.filter(pk=data["subject"]).first()
            channel, viewer = CommitmentCase.Channel.STAFF, "staff"
        if subject is None:
            raise exceptions.NotFound("没有该信用主体。")
        department = Department.objects.filter(code=data["department"]).first()
        if department is None:
            raise serializers.ValidationError({"department": [f"没有代码为“{data['department']}”的部门。"]})
        case = services.commitment_register(
            subject=subject, kind=data["kind"], department=department, matter=data["matter"], content=data.get("content", ""),
            missing_materials=data.get("missing_materials") or [], supplement_due_on=data.get("supplement_due_on"), by=user, channel=channel,
            uploads=uploads_from(data.get("attachments"), Material.Kind.COMMITMENT_LETTER),
            applicant_name=data.get("applicant_name", ""), applicant_phone=data.get("applicant_phone", ""),
        )
        return _case_answer(request, case, viewer, status.HTTP_201_CREATED)


class CommitmentDetailView(ProcessAPIView):
    @extend_schema(
        operation_id="commitments_retrieve", summary="信用承诺案件详情", tags=TAGS,
        description="状态、承诺（信用档案中的履约状态、违诺时的失信记录）、材料、文书（含下载与核验地址）、办理过程；工作人员另见当前待办任务与核查意见。",
        responses={200: CommitmentCaseDetailSerializer, 403: ERROR_403, 404: ERROR_404},
    )
    def get(self, request, pk: int):
        case, viewer = _visible_case(request, pk)
        return _case_answer(request, case, viewer)


class CommitmentSignView(ProcessAPIView):
    parser_classes = [BoundedJSONParser, MultiPartParser]
    service_field_map = {"uploads": "attachments"}
    conflict_message = "该承诺书已上传，无需重复上传。"

    @extend_schema(
        operation_id="commitments_sign", summary="上传签署的信用承诺书", tags=TAGS,
        description="信用主体的用户上传签署后的信用承诺书（格式文本见 letter_url），承诺即予公示；容缺受理的转入补齐容缺材料，其他转入核查。",
        request={"application/json": CommitmentSignSerializer, "multipart/form-data": CommitmentSignMultipartSerializer},
        responses={200: CommitmentCaseDetailSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409, 413: ERROR_413},
    )
    def post(self, request, pk: int):
        case, viewer = _visible_case(request, pk)
        data = validated_data(request, CommitmentSignSerializer, CommitmentSignMultipartSerializer)
        case = services.commitment_sign(case=case, by=request.user, uploads=uploads_from(data.get("attachments"), Material.Kind.COMMITMENT_LETTER))
        return _case_answer(request, case, viewer)


class CommitmentSupplyView(ProcessAPIView):
    parser_classes = [BoundedJSONParser, MultiPartParser]
    service_field_map = {"uploads": "attachments"}
    conflict_message = "该承诺当前不需要补齐材料。"

    @extend_schema(
        operation_id="commitments_supply", summary="补齐容缺材料", tags=TAGS,
        description="信用主体的用户在补齐期限内提交所缺的材料，承诺转入核查。期限已过时答 400。",
        request={"application/json": CommitmentSupplySerializer, "multipart/form-data": CommitmentSupplyMultipartSerializer},
        responses={200: CommitmentCaseDetailSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409, 413: ERROR_413},
    )
    def post(self, request, pk: int):
        case, viewer = _visible_case(request, pk)
        data = validated_data(request, CommitmentSupplySerializer, CommitmentSupplyMultipartSerializer)
        case = services.commitment_supply(
            case=case, by=request.user, note=data.get("note", ""), uploads=uploads_from(data.get("attachments"), Material.Kind.SUPPLEMENT),
        )
        return _case_answer(request, case, viewer)


# --- completing a task: one body per flow node --------------------------------------------------------


def _verify(case, user, data):
    return services.commitment_verify(
        case=case, by=user, method=data["method"], finding=data["finding"], result=data["result"], severity=data.get("severity", ""),
        legal_basis=data.get("legal_basis", ""), measures=data.get("measures", ""),
        uploads=uploads_from(data.get("attachments"), Material.Kind.VERIFICATION_EVIDENCE),
    )


def _review(case, user, data):
    if data["decision"] == "confirm":
        return services.commitment_breach_confirm(case=case, by=user, comment=data.get("comment", ""))
    return services.commitment_return(case=case, by=user, comment=data.get("comment", ""))


#: Flow node → (its body, the service call it makes).
STEPS = {
    "verify": (CommitmentVerifySerializer, _verify),
    "review": (CommitmentReviewSerializer, _review),
}

TaskCompletionRequest = PolymorphicProxySerializer(
    component_name="CommitmentTaskCompletion",
    serializers=[CommitmentVerifySerializer, CommitmentReviewSerializer],
    resource_type_field_name=None,
)


class CommitmentTaskCompleteView(ProcessAPIView):
    permission_classes = [IsStaffMember]  # the workbench is for staff, as on the pages
    service_field_map = {"uploads": "attachments"}

    @extend_schema(
        operation_id="commitments_task_complete", summary="办结任务", tags=TAGS,
        description=(
            "办理人办结本人已领取的任务（先 POST /api/v1/tasks/{id}/claim/）。请求内容按任务节点（见任务列表的 node）："
            "verify（核查承诺履行情况，受理部门承办人）{method: written|online|on_site|public_notice, finding, result: fulfilled|breached, "
            "severity: general|serious, legal_basis, measures, attachments}（违背承诺时 severity 与 legal_basis 必填，报审核）；"
            "review（审核违诺认定，受理部门审核人）{decision: confirm|return, comment}。"
            "任务未领取、已办结或由他人领取时答 409 或 403。"
        ),
        request=TaskCompletionRequest,
        responses={
            200: OpenApiResponse(CommitmentCaseDetailSerializer, description="办结后的案件。"),
            400: ERROR_400, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409, 413: ERROR_413,
        },
    )
    def post(self, request, pk: int, task_id: int):
        case, viewer = _visible_case(request, pk)
        case_task_complete(request=request, case=case, task_id=task_id, steps=STEPS, not_found="该信用承诺案件没有这项任务。")
        return _case_answer(request, case, viewer)
