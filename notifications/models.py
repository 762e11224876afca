"""Who was told what (Notification) and how each channel fared (Delivery).

A notification is written in the same transaction as the step that caused it;
its deliveries are attempted after commit by ``notifications.tasks``. One
Delivery row per channel makes each channel retryable and idempotent on its own.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.SlugField("事件", max_length=64)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=500, blank=True, help_text="案件页面地址。")
    content_type = models.ForeignKey(
        ContentType, verbose_name="关联对象类型", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField("关联对象编号", max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    data = models.JSONField("附加数据", default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            # The unread badge is counted on every page: keep that count on a small partial index.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
            models.Index(fields=["content_type", "object_id"], name="notification_target_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def target_label(self) -> str:
        """``app_label.model`` of the object the notification is about, or ``""``."""
        if self.content_type_id is None:
            return ""
        content_type = ContentType.objects.get_for_id(self.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"


class Delivery(models.Model):
    class Channel(models.TextChoices):
        INAPP = "inapp", "站内消息"
        EMAIL = "email", "电子邮件"
        SMS = "sms", "短信"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        SKIPPED = "skipped", "未发送（无联系方式）"

    notification = models.ForeignKey(Notification, verbose_name="通知", on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        ordering = ["notification_id", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel"),
        ]
        indexes = [
            # The sweep looks only at pending rows, a tiny share of the table.
            models.Index(fields=["updated_at"], condition=Q(status="pending"), name="delivery_pending_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()}：{self.get_status_display()}"
