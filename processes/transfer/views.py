"""The national site's endpoints (``/api/v1/transfers/``) and the staff page of platform pushes.

The endpoints answer every message with a code of the contract and never 500:
anything unexpected is logged and answered 503, which the national site retries,
with nothing half-stored (the case is created in one transaction).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import generic
from django.views.decorators.csrf import csrf_exempt

from credit.models import PlatformSync, StaffRole
from processes.common.access import is_admin
from processes.common.views import StaffRequiredMixin

from . import delivery, services, signing, validation
from .models import Transfer

logger = logging.getLogger(__name__)


def answer(status: int, body: dict) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _unavailable(message: str = "服务暂时不可用，请稍后重试。") -> JsonResponse:
    return answer(503, {"error": message})


@method_decorator(csrf_exempt, name="dispatch")
class TransferApiView(generic.View):
    """Shared by both endpoints: JSON for every answer, 503 for anything unexpected."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except signing.SecretMissing:
            logger.error("NATIONAL_SITE_SECRET is not set: transfers cannot be checked; answering 503 so the national site retries")
            return _unavailable("本方未配置签名密钥，请稍后重试。")
        except Exception:
            logger.exception("transfer endpoint failed on %s %s; answered 503", request.method, request.path)
            return _unavailable()

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = answer(405, {"error": f"不支持 {request.method} 方法。"})
        response["Allow"] = ", ".join(method.upper() for method in self._allowed_methods())
        return response


class TransferReceiveView(TransferApiView):
    """POST /api/v1/transfers/: a transferred case (contract: national-transfer.md)."""

    http_method_names = ["post"]

    def post(self, request):
        limit = settings.TRANSFER_MAX_BODY_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return answer(400, {"errors": {"body": ["Content-Length 无效。"]}})
        too_big = answer(413, {"error": f"请求体超过 {limit} 字节的上限。"})
        if declared > limit:
            return too_big  # refused on the header alone: the body is not read
        # Read from the stream, never request.body (DATA_UPLOAD_MAX_MEMORY_SIZE is 2.5 MB), and at most one byte past the limit.
        body = request.read(limit + 1)
        if len(body) > limit:
            return too_big

        problem = signing.signature_problem(request.headers, body)
        if problem:
            return answer(401, {"error": problem})

        try:
            data = validation.parse_body(body)
            digest = validation.content_digest(data)
            transfer_id = validation.transfer_id_of(data)
            existing = Transfer.objects.filter(transfer_id=transfer_id).first() if transfer_id else None
            if existing is not None:
                # A repeat: answered from the first receipt, before the (costly) check of attachments.
                result = services.transfer_repeat_answer(transfer=existing, digest=digest)
                return answer(result.status, result.body)
            message = validation.validate(data)
        except validation.BadMessage as bad:
            return answer(400, {"errors": bad.errors})
        result = services.transfer_receive(message=message, digest=digest)
        return answer(result.status, result.body)


class TransferStatusView(TransferApiView):
    """GET /api/v1/transfers/<transfer_id>: where the case stands (signed over ``<timestamp>.``)."""

    http_method_names = ["get"]

    def get(self, request, transfer_id: str):
        problem = signing.signature_problem(request.headers, b"")
        if problem:
            return answer(401, {"error": problem})
        transfer = Transfer.objects.filter(transfer_id=transfer_id).first()
        if transfer is None and transfer_id.endswith("/"):
            transfer = Transfer.objects.filter(transfer_id=transfer_id.rstrip("/")).first()
        if transfer is None:
            return answer(404, {"error": f"没有转办编号为 {transfer_id[:64]} 的案件。"})
        return answer(200, services.transfer_status(transfer))


# --- staff: platform pushes --------------------------------------------------------------------


class CreditOfficeRequiredMixin(StaffRequiredMixin):
    """The credit office (法规科, which answers for the platform exchange) or an administrator."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            is_admin(request.user) or StaffRole.objects.filter(user=request.user, department__is_credit_lead=True).exists()
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


#: The events processes record, in the interface's words (an unknown event shows its code).
EVENT_LABELS = {"transfer_feedback": "转办结果回传", "repair_result": "信用修复结果", "objection_result": "异议处理结果"}


class PlatformSyncListView(CreditOfficeRequiredMixin, generic.TemplateView):
    template_name = "transfer/platform_syncs.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        queryset = PlatformSync.objects.select_related("content_type").order_by("-created_at")
        if status in PlatformSync.Status.values:
            queryset = queryset.filter(status=status)
        page = Paginator(queryset, 50).get_page(self.request.GET.get("page"))
        rows = []
        for sync in page.object_list:
            target = sync.target if sync.content_type_id else None
            rows.append(
                {
                    "sync": sync,
                    "case": target,
                    "case_url": target.get_staff_url() if hasattr(target, "get_staff_url") else "",
                    "destination": delivery.destination_url(sync),
                    "event": EVENT_LABELS.get(sync.event, sync.event),
                }
            )
        return super().get_context_data(
            rows=rows, page=page, status=status, statuses=PlatformSync.Status.choices,
            failed_count=PlatformSync.objects.filter(status=PlatformSync.Status.FAILED).count(), no_destination=delivery.NO_DESTINATION, **kwargs,
        )


class PlatformSyncResendView(CreditOfficeRequiredMixin, generic.View):
    def post(self, request, pk):
        sync = get_object_or_404(PlatformSync, pk=pk)
        try:
            delivery.platform_sync_resend(sync=sync, by=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已重新发送：{sync.get_platform_display()} {sync.event}（{sync.idempotency_key}）。")
        status = request.POST.get("status", "")
        url = reverse("transfer_staff:platform_syncs")
        return redirect(f"{url}?status={status}" if status in PlatformSync.Status.values else url)
