"""A case transferred down from a national site (转办), as received: the idempotency record."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Transfer(models.Model):
    class Source(models.TextChoices):
        NATIONAL = "credit.mot", "信用交通网站"
        CREDITCHINA = "creditchina", "信用中国"

    class CaseType(models.TextChoices):
        REPAIR = "repair", "信用修复"
        OBJECTION = "objection", "异议处理"

    # The national site's id: unique, so a message sent twice (or twice at once) makes one case.
    transfer_id = models.CharField("转办编号", max_length=64, unique=True)
    source = models.CharField("来源平台", max_length=16, choices=Source.choices)
    case_type = models.CharField("案件类型", max_length=16, choices=CaseType.choices)
    received_at = models.DateTimeField("部级网站收件时间", null=True, blank=True)
    payload = models.JSONField("转办内容", default=dict, help_text="规范化后的报文；附件内容以 SHA-256 与大小代替（文件存为案件材料）。")
    payload_sha256 = models.CharField(
        "内容摘要", max_length=64, help_text="完整报文规范化 JSON（键排序、无空白）的 SHA-256：同一转办编号再次发送时据此判断内容是否相同。"
    )
    content_type = models.ForeignKey(ContentType, verbose_name="案件类型", null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField("案件", max_length=64, blank=True)
    case = GenericForeignKey("content_type", "object_id")
    answer = models.JSONField("首次应答", default=dict, help_text="重复发送时原样返回。")
    created_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        verbose_name = "转办案件"
        verbose_name_plural = "转办案件"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.get_source_display()}转办 {self.transfer_id}"
