from django.contrib import admin

from .models import CheckClient, CheckLog, ListingCase, RemovalCase


@admin.register(ListingCase)
class ListingCaseAdmin(admin.ModelAdmin):
    list_display = ("reference", "subject", "entry", "status", "proposed_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("reference", "subject__name", "subject__uscc")
    raw_id_fields = ("entry", "subject", "objection", "process")
    readonly_fields = ("status",)


@admin.register(RemovalCase)
class RemovalCaseAdmin(admin.ModelAdmin):
    list_display = ("reference", "subject", "entry", "reason", "status", "started_at", "decided_at")
    list_filter = ("status", "reason")
    search_fields = ("reference", "subject__name", "subject__uscc")
    raw_id_fields = ("entry", "subject", "process")
    readonly_fields = ("status",)


@admin.register(CheckClient)
class CheckClientAdmin(admin.ModelAdmin):
    """Tokens are issued with ``manage.py create_check_client`` (shown once); here they can be disabled or limited."""

    list_display = ("name", "system_kind", "token_hint", "is_active", "rate_limit_per_minute", "created_at")
    list_filter = ("system_kind", "is_active")
    readonly_fields = ("token_hint",)

    def has_add_permission(self, request):
        return False


@admin.register(CheckLog)
class CheckLogAdmin(admin.ModelAdmin):
    list_display = ("at", "client", "code", "subject", "on_list", "matter", "ip")
    list_filter = ("client", "on_list")
    search_fields = ("code",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
