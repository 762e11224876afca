"""What oversight stores: precomputed monthly figures of the register, and the issued monthly reports.

The register is large (a million records at the benchmark) and the 7-day rule
needs each decision's due date on the working-day calendar, so the per-month
figures are computed set-based by ``oversight.services.record_stats_refresh``
(Celery beat, hourly for recent months, nightly for all) and the pages sum the
small table. The monthly report computes its month afresh.
"""

from django.conf import settings
from django.db import models

from credit.models import Department, RecordKind


class RecordMonthStat(models.Model):
    """Records of one department and kind decided in one month: how complete, how promptly published."""

    month = models.DateField("决定月份", help_text="当月1日。")
    department = models.ForeignKey(Department, verbose_name="数据提供部门", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("记录类型", max_length=16, choices=RecordKind.choices)
    total = models.PositiveIntegerField("记录数", default=0)
    qualified = models.PositiveIntegerField("合格记录数", default=0, help_text="指标项填写率达到合格线的记录。")
    # The 7-day rule (双公示) applies to licences and penalties only; zero for other kinds.
    on_time = models.PositiveIntegerField("按期公示", default=0)
    late_published = models.PositiveIntegerField("逾期公示", default=0)
    late_unpublished = models.PositiveIntegerField("逾期未公示", default=0)
    pending = models.PositiveIntegerField("未到期未公示", default=0)
    undetermined = models.PositiveIntegerField("无适用规则", default=0)
    provisional = models.BooleanField("含暂定期限", default=False, help_text="部分公示期限超出已发布的节假日安排，按周末推算。")
    # The least complete records below the threshold (ids, worst first): the worst of any set of months
    # and departments is the worst of the union of these lists, read by primary key.
    worst_ids = models.JSONField("填写最不完整的记录", default=list, blank=True)
    refreshed_at = models.DateTimeField("统计时间")

    class Meta:
        verbose_name = "月度记录统计"
        verbose_name_plural = "月度记录统计"
        ordering = ["month", "department", "kind"]
        constraints = [models.UniqueConstraint(fields=["month", "department", "kind"], name="unique_record_month_stat")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.department} {self.get_kind_display()}"

    @property
    def late(self) -> int:
        return self.late_published + self.late_unpublished


class MonthlyReport(models.Model):
    """One issue of the credit office's monthly report to the province (the PDF is a ``documents.Document``)."""

    month = models.DateField("报告月份", help_text="当月1日。")
    document = models.OneToOneField("documents.Document", verbose_name="文书", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField("签发时间", auto_now_add=True)
    figures = models.JSONField("主要数据", default=dict, blank=True)

    class Meta:
        verbose_name = "月度报告"
        verbose_name_plural = "月度报告"
        ordering = ["-month", "-issued_at"]
        indexes = [models.Index(fields=["month", "-issued_at"])]

    def __str__(self):
        return f"{self.month.year}年{self.month.month}月信用工作月度报告"

    def involved_department_ids(self) -> set[int]:
        """The credit office issues it; ``documents`` lets its staff download the PDF."""
        return set(Department.objects.filter(is_credit_lead=True).values_list("pk", flat=True))
