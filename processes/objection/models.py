"""The objection case (a real, queryable model) and the viewflow Process proxy over it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from viewflow.workflow.models import Process

from credit.models import CreditRecord, Department, Subject
from processes.common.access import credit_office_and


class Objection(ConcurrentTransitionMixin, models.Model):
    class Grounds(models.TextChoices):
        WRONG = "wrong", "信息错误"
        MISSING = "missing", "信息遗漏"
        DUPLICATED = "duplicated", "信息重复"
        SHOULD_NOT_PUBLISH = "should_not_publish", "不应公示"
        OVERDUE = "overdue", "超期公示"
        AUTHORITY_MISMATCH = "authority_mismatch", "与决定机关不符"

    class Channel(models.TextChoices):
        PORTAL = "portal", "主体网上提交"
        STAFF = "staff", "窗口代为提交"
        TRANSFER = "transfer", "部级网站转办"

    class Status(models.TextChoices):
        FILED = "filed", "待受理"
        SUPPLEMENT_REQUESTED = "supplement_requested", "待补正材料"
        VERIFYING = "verifying", "核查中"
        REVIEWING = "reviewing", "核查结果审核中"
        REFUSED = "refused", "不予受理"
        WITHDRAWN = "withdrawn", "逾期未补正，已撤回"
        DECIDED = "decided", "已办结"

    class Outcome(models.TextChoices):
        CORRECTED = "corrected", "予以更正"
        WITHDRAWN = "withdrawn", "予以撤销"
        UPHELD = "upheld", "维持原记录"

    CLOSED_STATUSES = (Status.REFUSED, Status.WITHDRAWN, Status.DECIDED)

    reference = models.CharField("案件编号", max_length=32, unique=True)
    subject = models.ForeignKey(Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="objections")
    # Null only for a transferred case whose record is still to be matched by hand.
    record = models.ForeignKey(CreditRecord, verbose_name="异议记录", null=True, blank=True, on_delete=models.PROTECT, related_name="objections")
    grounds = models.CharField("异议类型", max_length=24, choices=Grounds.choices)
    statement = models.TextField("异议陈述")
    channel = models.CharField("来源", max_length=12, choices=Channel.choices, default=Channel.PORTAL)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    applicant_name = models.CharField("申请人", max_length=64, blank=True)
    applicant_phone = models.CharField("联系电话", max_length=20, blank=True)
    applicant_email = models.EmailField("电子邮箱", blank=True)
    filed_at = models.DateTimeField("提交时间", auto_now_add=True)
    process = models.OneToOneField(Process, null=True, blank=True, on_delete=models.SET_NULL, related_name="objection")

    status = FSMField("状态", max_length=24, choices=Status.choices, default=Status.FILED, protected=True)
    supplement_request = models.TextField("补正要求", blank=True)
    supplement_due_on = models.DateField("补正期限", null=True, blank=True)
    refusal_reason = models.TextField("不予受理理由", blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)

    proposed_outcome = models.CharField("核查意见", max_length=12, choices=Outcome.choices, blank=True)
    proposed_reason = models.TextField("核查理由", blank=True)
    proposed_changes = models.JSONField("更正内容", default=dict, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review_comment = models.TextField("审核意见", blank=True)

    outcome = models.CharField("处理结果", max_length=12, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField("处理理由", blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "异议案件"
        verbose_name_plural = "异议案件"
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["subject", "status"]), models.Index(fields=["status", "filed_at"])]

    def __str__(self):
        return f"异议 {self.reference}（{self.subject.name}）"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    @property
    def source_department(self) -> Department:
        return self.record.source_department

    def involved_department_ids(self) -> set[int]:
        """The credit office and the department that produced the record (谁产生、谁负责)."""
        return credit_office_and(self.record.source_department_id if self.record_id else None)

    @property
    def result_label(self) -> str:
        if self.status == self.Status.DECIDED:
            return self.get_outcome_display()
        return self.get_status_display()

    def get_absolute_url(self):
        return reverse("objection:portal_detail", args=[self.pk])

    def get_staff_url(self):
        return reverse("objection:staff_detail", args=[self.pk])

    # -- lifecycle: state and fields only ------------------------------------------

    @transition(field=status, source=Status.FILED, target=Status.SUPPLEMENT_REQUESTED)
    def request_supplement(self, *, request: str, due_on):
        self.supplement_request = request
        self.supplement_due_on = due_on

    @transition(field=status, source=Status.SUPPLEMENT_REQUESTED, target=Status.FILED)
    def supply(self):
        pass

    @transition(field=status, source=Status.SUPPLEMENT_REQUESTED, target=Status.WITHDRAWN)
    def close_unsupplied(self):
        pass

    @transition(field=status, source=Status.FILED, target=Status.REFUSED)
    def refuse(self, *, reason: str):
        self.refusal_reason = reason

    @transition(field=status, source=Status.FILED, target=Status.VERIFYING)
    def accept(self, *, at):
        self.accepted_at = at

    @transition(field=status, source=Status.VERIFYING, target=Status.REVIEWING)
    def propose(self, *, outcome: str, reason: str, changes: dict, by):
        self.proposed_outcome = outcome
        self.proposed_reason = reason
        self.proposed_changes = changes
        self.proposed_by = by

    @transition(field=status, source=Status.REVIEWING, target=Status.VERIFYING)
    def return_to_handler(self, *, comment: str):
        self.review_comment = comment

    @transition(field=status, source=Status.REVIEWING, target=Status.DECIDED)
    def decide(self, *, at, by, comment: str = ""):
        self.review_comment = comment
        self.outcome = self.proposed_outcome
        self.outcome_reason = self.proposed_reason
        self.decided_at = at
        self.decided_by = by


class ObjectionProcess(Process):
    """Viewflow's view of an objection case."""

    class Meta:
        proxy = True
        verbose_name = "异议处理流程"
        verbose_name_plural = "异议处理流程"

    @classmethod
    def case_queryset(cls):
        """The cases of this flow, with what their pages and task lists show (one query for many tasks)."""
        return Objection.objects.select_related("record", "subject", "record__source_department")

    @property
    def case(self) -> Objection:
        return self.case_queryset().get(process_id=self.pk)

    # Helpers the flow map reads (no business rules here).
    def credit_office(self) -> Department:
        return Department.objects.get(is_credit_lead=True)

    def record_department(self) -> Department:
        return self.case.record.source_department

    def filed_on(self):
        # The local date: filed_at is stored in UTC, eight hours behind Beijing time.
        return timezone.localdate(self.case.filed_at)
