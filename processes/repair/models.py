"""The repair application (a real, queryable model) and the viewflow Process proxy over it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from viewflow.workflow.models import Process

from credit.models import CreditRecord, Department, RuleVersion, Subject
from processes.common.access import credit_office_and


class RepairApplication(ConcurrentTransitionMixin, models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", "主体网上申请"
        STAFF = "staff", "窗口代为申请"
        TRANSFER = "transfer", "部级网站转办"

    class Status(models.TextChoices):
        FILED = "filed", "待受理"
        DECIDING = "deciding", "审查决定中"
        NOT_ACCEPTED = "not_accepted", "不予受理"
        APPROVED = "approved", "准予修复"
        REJECTED = "rejected", "不予修复"

    CLOSED_STATUSES = (Status.NOT_ACCEPTED, Status.APPROVED, Status.REJECTED)

    reference = models.CharField("案件编号", max_length=32, unique=True)
    subject = models.ForeignKey(Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="repairs")
    # Null only for a transferred case whose record is still to be matched by hand.
    record = models.ForeignKey(CreditRecord, verbose_name="修复记录", null=True, blank=True, on_delete=models.PROTECT, related_name="repairs")
    statement = models.TextField("申请理由")
    obligations_performed_on = models.DateField("义务履行日期", null=True, blank=True)
    channel = models.CharField("来源", max_length=12, choices=Channel.choices, default=Channel.PORTAL)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    applicant_name = models.CharField("申请人", max_length=64, blank=True)
    applicant_phone = models.CharField("联系电话", max_length=20, blank=True)
    applicant_email = models.EmailField("电子邮箱", blank=True)
    filed_at = models.DateTimeField("提交时间", auto_now_add=True)
    rule_version = models.ForeignKey(RuleVersion, verbose_name="适用规则", null=True, blank=True, on_delete=models.PROTECT)
    eligibility = models.JSONField("资格审查", default=dict, blank=True, help_text="提交时的审查依据：公示期、最早可修复日期等。")
    process = models.OneToOneField(Process, null=True, blank=True, on_delete=models.SET_NULL, related_name="repair")

    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.FILED, protected=True)
    refusal_reason = models.TextField("不予受理理由", blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField("延长工作日", default=0)
    extension_reason = models.TextField("延长理由", blank=True)
    decision_reason = models.TextField("决定理由", blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField("修复公示时间", null=True, blank=True)

    class Meta:
        verbose_name = "信用修复申请"
        verbose_name_plural = "信用修复申请"
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["subject", "status"]), models.Index(fields=["status", "published_at"])]

    def __str__(self):
        return f"信用修复 {self.reference}（{self.subject.name}）"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    @property
    def deciding_department(self) -> Department:
        """谁认定、谁修复: the department that imposed the penalty."""
        return self.record.source_department

    def involved_department_ids(self) -> set[int]:
        """The credit office and the department that imposed the penalty (谁认定、谁修复)."""
        return credit_office_and(self.record.source_department_id if self.record_id else None)

    def get_absolute_url(self):
        return reverse("repair:portal_detail", args=[self.pk])

    def get_staff_url(self):
        return reverse("repair:staff_detail", args=[self.pk])

    # -- lifecycle: state and fields only ------------------------------------------

    @transition(field=status, source=Status.FILED, target=Status.NOT_ACCEPTED)
    def refuse_intake(self, *, reason: str):
        self.refusal_reason = reason

    @transition(field=status, source=Status.FILED, target=Status.DECIDING)
    def accept(self, *, at):
        self.accepted_at = at

    @transition(field=status, source=Status.DECIDING, target=Status.DECIDING)
    def extend(self, *, days: int, reason: str):
        self.extended_days += days
        self.extension_reason = reason

    @transition(field=status, source=Status.DECIDING, target=Status.APPROVED)
    def approve(self, *, at, by, reason: str):
        self.decided_at, self.decided_by, self.decision_reason = at, by, reason
        self.published_at = at

    @transition(field=status, source=Status.DECIDING, target=Status.REJECTED)
    def reject(self, *, at, by, reason: str):
        self.decided_at, self.decided_by, self.decision_reason = at, by, reason


class RepairProcess(Process):
    """Viewflow's view of a repair application."""

    class Meta:
        proxy = True
        verbose_name = "信用修复流程"
        verbose_name_plural = "信用修复流程"

    @classmethod
    def case_queryset(cls):
        """The cases of this flow, with what their pages and task lists show (one query for many tasks)."""
        return RepairApplication.objects.select_related("record", "subject", "record__source_department")

    @property
    def case(self) -> RepairApplication:
        return self.case_queryset().get(process_id=self.pk)

    # Helpers the flow map reads (no business rules here).
    def credit_office(self) -> Department:
        return Department.objects.get(is_credit_lead=True)

    def deciding_department(self) -> Department:
        return self.case.record.source_department

    def filed_on(self):
        return timezone.localdate(self.case.filed_at)
