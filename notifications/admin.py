from django.contrib import admin, messages

from . import services
from .models import Delivery, Notification


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "status", "attempts", "sent_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What was told is a record: only the read mark may be changed here."""

    list_display = ("created_at", "recipient", "event", "title", "read_at")
    list_filter = ("event", ("read_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("title", "body", "recipient__username", "recipient__full_name", "object_id")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    readonly_fields = (
        "recipient", "event", "title", "body", "link", "content_type", "object_id", "data", "created_at",
    )
    fields = readonly_fields + ("read_at",)
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "recipient", "channel", "status", "attempts", "sent_at", "updated_at")
    list_filter = ("status", "channel")
    search_fields = ("notification__title", "notification__recipient__username", "last_error")
    list_select_related = ("notification", "notification__recipient")
    readonly_fields = (
        "notification", "channel", "status", "attempts", "last_error", "created_at", "updated_at", "sent_at",
    )
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="接收人")
    def recipient(self, delivery):
        return delivery.notification.recipient

    @admin.action(description="重新发送所选（未发送成功的）记录")
    def retry(self, request, queryset):
        count = 0
        for delivery in queryset.exclude(status=Delivery.Status.SENT):
            services.delivery_retry(delivery=delivery)
            count += 1
        self.message_user(request, f"已重新排队 {count} 条发送记录。", messages.SUCCESS)
