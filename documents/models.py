"""Official documents (公文) and their gapless numbering (文号).

A ``Document`` is written once, by ``documents.services.document_issue``, and
never changed afterwards: the stored PDF, its SHA-256 and its verification code
are what a printed or forwarded copy is checked against.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class DocumentSequence(models.Model):
    """The last 文号 sequence number used by one department in one year.

    Incremented (``UPDATE ... RETURNING``, which locks the row) while a document
    is issued, in the same transaction as the document row, so numbers have no
    gaps or repeats.
    """

    department = models.ForeignKey("credit.Department", verbose_name="发文部门", on_delete=models.PROTECT, related_name="document_sequences")
    year = models.PositiveSmallIntegerField("年度")
    last_value = models.PositiveIntegerField("已用最大序号", default=0)

    class Meta:
        verbose_name = "文号序列"
        verbose_name_plural = "文号序列"
        ordering = ["department", "-year"]
        constraints = [models.UniqueConstraint(fields=["department", "year"], name="unique_document_sequence")]

    def __str__(self):
        return f"{self.department} {self.year}年：{self.last_value}"


class DocumentQuerySet(models.QuerySet):
    def for_case(self, case):
        return self.filter(content_type=ContentType.objects.get_for_model(case), object_id=str(case.pk))


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.SlugField("文书种类", max_length=64, help_text="如 objection_acceptance。")
    title = models.CharField("标题", max_length=100, help_text="如“受理通知书”。")
    number = models.CharField("文号", max_length=64, unique=True)
    department = models.ForeignKey("credit.Department", verbose_name="发文部门", on_delete=models.PROTECT, related_name="documents")
    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveIntegerField("序号")
    addressee = models.CharField("主送", max_length=200)
    body = models.JSONField("正文", default=list, help_text="段落列表。")
    legal_basis = models.TextField("依据", blank=True)
    issued_on = models.DateField("发文日期")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True, on_delete=models.PROTECT, related_name="issued_documents"
    )
    subject = models.ForeignKey(
        "credit.Subject", verbose_name="信用主体", null=True, blank=True, on_delete=models.PROTECT, related_name="documents",
        help_text="文书所涉主体：其授权用户可下载。",
    )
    # The case (of any process) the document belongs to; object_id is text so
    # integer and UUID primary keys both fit.
    content_type = models.ForeignKey(ContentType, verbose_name="案件类型", null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField("案件编号", max_length=64, blank=True)
    case = GenericForeignKey("content_type", "object_id")
    verification_code = models.CharField("验证码", max_length=16, unique=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    file = models.FileField("PDF 文件", upload_to="documents/%Y/")
    size = models.PositiveIntegerField("文件大小（字节）")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["department", "year", "sequence"], name="unique_document_department_year_sequence")]
        indexes = [models.Index(fields=["content_type", "object_id"]), models.Index(fields=["subject", "-issued_on"])]

    def __str__(self):
        return f"{self.title}（{self.number}）"
