"""The joint punishment check API (逢批必查、逢办必查) for the bureau's other business systems.

``GET /api/v1/check/?code=…`` (or ``POST {"code": …}``) with ``Authorization: Bearer <token>``:
each calling system has its own token (stored hashed) and a per-minute limit. Missing,
unknown or disabled token → 401; over the limit → 429 with ``Retry-After``; a code
that is neither a valid unified social credit code nor a resident ID number → 400
with the validator's message. Every answered check is logged (``CheckLog``).
"""

import time

from django.core.cache import cache
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import authentication, exceptions, permissions, serializers, throttling
from rest_framework.response import Response

from audit.receivers import audit_personal_data_view
from processes.common.api import ERROR_400, ErrorSerializer, ProcessAPIView

from . import selectors, services
from .models import CheckClient, token_digest

TAGS = ["joint-check"]
RATE_WINDOW_SECONDS = 60


class CheckTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``: the calling system, found by the token's SHA-256."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header:
            return None
        if header[0].lower() not in ("bearer", "token") or len(header) != 2:
            raise exceptions.AuthenticationFailed("核查令牌格式应为 Authorization: Bearer <令牌>。")
        client = CheckClient.objects.filter(token_hash=token_digest(header[1])).first()
        if client is None or not client.is_active:
            raise exceptions.AuthenticationFailed("核查令牌无效或已停用。")
        # No user: a calling system, not a person. The client is the request's ``auth``.
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser(), client

    def authenticate_header(self, request):
        return f'{self.keyword} realm="joint-check"'


class CheckTokenScheme(OpenApiAuthenticationExtension):
    target_class = "processes.listing.api.CheckTokenAuthentication"
    name = "checkToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "调用方系统的核查令牌（由管理员用 create_check_client 命令签发）。"}


class IsCheckClient(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, CheckClient)


class CheckClientRateThrottle(throttling.BaseThrottle):
    """Each token's own calls per minute, counted atomically in the shared cache (Redis in production)."""

    def allow_request(self, request, view):
        client = request.auth
        now = time.time()
        window = int(now // RATE_WINDOW_SECONDS)
        key = f"listing:check-rate:{client.pk}:{window}"
        try:  # one round trip to the cache for every call but a window's first
            count = cache.incr(key)
        except ValueError:  # this call opens the window (or a concurrent one just did)
            count = 1 if cache.add(key, 1, timeout=RATE_WINDOW_SECONDS * 2) else cache.incr(key)
        self._wait = RATE_WINDOW_SECONDS - (now % RATE_WINDOW_SECONDS)
        return count <= client.rate_limit_per_minute

    def wait(self):
        return self._wait


class CheckRequestSerializer(serializers.Serializer):
    # Not required here: an empty code gets the same Chinese message as a malformed one.
    code = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text="统一社会信用代码（18位）或居民身份证号码（18位）。",
        error_messages={"max_length": "代码过长：统一社会信用代码和居民身份证号码都是18位。", "invalid": "代码应为文本。"},
    )
    matter = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="正在办理的事项（如“道路运输经营许可”），记入核查日志。",
        error_messages={"max_length": "办理事项不超过200字。"},
    )


class CheckSubjectSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()


class CheckListSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["red", "black", "focus"], help_text="red 红名单，black 严重失信主体名单，focus 重点关注名单。")
    kind_label = serializers.CharField()
    listed_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    designating_department = serializers.CharField()
    reason = serializers.CharField()
    measures = serializers.ListField(child=serializers.CharField())
    removal_pending = serializers.CharField(allow_null=True, help_text="正在办理移出时的移出原因（如“信用修复”），否则为 null。")


class CheckRecordSerializer(serializers.Serializer):
    document_number = serializers.CharField()
    title = serializers.CharField()
    decision_date = serializers.DateField()
    deciding_authority = serializers.CharField()
    publication_ends_on = serializers.DateField(allow_null=True)


class CheckAnswerSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="所查询的代码（原样返回）。")
    found = serializers.BooleanField(help_text="系统中是否有该信用主体。")
    subject = CheckSubjectSerializer(allow_null=True)
    on_list = serializers.BooleanField(help_text="是否在任一名单上（有效期内）。")
    lists = CheckListSerializer(many=True)
    measures = serializers.ListField(child=serializers.CharField(), help_text="适用的惩戒/激励措施（各名单合并去重）。")
    serious_records = CheckRecordSerializer(many=True, help_text="仍在公示期内的严重失信行政处罚记录。")
    checked_at = serializers.DateTimeField()
    check_id = serializers.IntegerField(help_text="核查日志编号。")


ERROR_401 = OpenApiResponse(ErrorSerializer, description="缺少、无效或已停用的核查令牌。")
ERROR_429 = OpenApiResponse(ErrorSerializer, description="超过该令牌每分钟调用上限；Retry-After 为需等待的秒数。")


class JointCheckView(ProcessAPIView):
    authentication_classes = [CheckTokenAuthentication]
    permission_classes = [IsCheckClient]
    throttle_classes = [CheckClientRateThrottle]

    def permission_denied(self, request, message=None, code=None):
        raise exceptions.NotAuthenticated("请在 Authorization 头中提供核查令牌：Bearer <令牌>。")

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait=wait, detail=f"超过每分钟调用上限（{request.auth.rate_limit_per_minute}次），请{int(wait) + 1}秒后重试。")

    def _answer(self, request, data):
        serializer = CheckRequestSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        code = selectors.normalise_code(serializer.validated_data["code"])
        problems = selectors.code_problems(code)
        if problems:
            raise serializers.ValidationError({"code": problems})
        subject, answer = selectors.check_answer(code=code)
        log = services.check_log_create(
            client=request.auth, code=code, subject=subject, answer=answer, ip=request.META.get("REMOTE_ADDR"),
            matter=serializer.validated_data.get("matter", ""),
        )
        if subject is not None and subject.kind == subject.Kind.NATURAL_PERSON:
            audit_personal_data_view(user=None, target=subject, what="joint_check", actor_label=f"核查令牌：{request.auth}")
        return Response({**answer, "check_id": log.pk})

    @extend_schema(
        operation_id="joint_check", summary="联合奖惩核查（逢批必查）", tags=TAGS, auth=[{"checkToken": []}],
        description="按统一社会信用代码或居民身份证号码核查一个信用主体：所在名单（有效期内）、适用措施、仍在公示的严重失信行政处罚记录。每次核查记入日志。",
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, required=True, description="统一社会信用代码或居民身份证号码。"),
            OpenApiParameter("matter", OpenApiTypes.STR, description="正在办理的事项，记入核查日志。"),
        ],
        responses={200: CheckAnswerSerializer, 400: ERROR_400, 401: ERROR_401, 429: ERROR_429},
    )
    def get(self, request):
        return self._answer(request, {"code": request.query_params.get("code", ""), "matter": request.query_params.get("matter", "")})

    @extend_schema(
        operation_id="joint_check_post", summary="联合奖惩核查（请求体）", tags=TAGS, auth=[{"checkToken": []}],
        description="同 GET，代码放在 JSON 请求体中（不出现在访问日志的地址里）。",
        request=CheckRequestSerializer,
        responses={200: CheckAnswerSerializer, 400: ERROR_400, 401: ERROR_401, 429: ERROR_429},
    )
    def post(self, request):
        return self._answer(request, request.data)
