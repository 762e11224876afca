from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from credit.admin import PlatformSyncAdmin as CreditPlatformSyncAdmin
from credit.models import PlatformSync

from . import delivery
from .models import Transfer


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    """Read-only: a transfer is what the national site sent, kept as received."""

    list_display = ("transfer_id", "source", "case_type", "case_label", "received_at", "created_at")
    list_filter = ("source", "case_type")
    search_fields = ("transfer_id", "answer__case_id")
    date_hierarchy = "created_at"

    @admin.display(description="案件")
    def case_label(self, transfer):
        return transfer.answer.get("case_id", "")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The delivery lives here (credit must not import a process), so its admin action is added here.
admin.site.unregister(PlatformSync)


@admin.register(PlatformSync)
class PlatformSyncAdmin(CreditPlatformSyncAdmin):
    actions = ["resend"]

    @admin.action(description="重新发送所选的发送失败推送")
    def resend(self, request, queryset):
        sent = 0
        for sync in queryset.filter(status=PlatformSync.Status.FAILED):
            try:
                delivery.platform_sync_resend(sync=sync, by=request.user)
                sent += 1
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), messages.ERROR)
        self.message_user(request, f"已重新发送 {sent} 条。")
