"""The listing and removal cases over ``credit.ListEntry``, their viewflow proxies, and the check API's clients and log."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from viewflow.workflow.models import Process

from credit.models import Department, ListEntry, Subject


def _involved(entry: ListEntry) -> set[int]:
    """The designating department (谁认定、谁负责) and the credit office (法规科)."""
    ids = {entry.designating_department_id, Department.objects.filter(is_credit_lead=True).values_list("pk", flat=True).first()}
    return {pk for pk in ids if pk}


class ListingCase(ConcurrentTransitionMixin, models.Model):
    """A designation (列入名单): pre-notice, objection window, the leader's decision."""

    class Status(models.TextChoices):
        WINDOW = "window", "已告知，异议期内"
        OBJECTION = "objection", "异议处理中，待异议结果"
        DECIDING = "deciding", "待负责人决定"
        LISTED = "listed", "已列入"
        NOT_LISTED = "not_listed", "不予列入"

    CLOSED_STATUSES = (Status.LISTED, Status.NOT_LISTED)

    reference = models.CharField("案件编号", max_length=32, unique=True)
    entry = models.OneToOneField(ListEntry, verbose_name="名单", on_delete=models.PROTECT, related_name="listing_case")
    subject = models.ForeignKey(Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="listing_cases")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField("提出时间", auto_now_add=True)
    # The designation standard fixes the listing period; the proposer enters its end, the leader confirms it.
    proposed_expires_on = models.DateField("拟列入有效期至")
    window_provisional = models.BooleanField("异议期暂定", default=False, help_text="异议期截止日超出已发布的节假日安排，按周末推算。")

    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.WINDOW, protected=True)
    objection = models.ForeignKey(
        "objection.Objection", verbose_name="异议案件", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="主体在异议期内对依据记录提出的异议，认定等待其结果。",
    )
    objection_grounds = models.CharField("异议类型", max_length=24, blank=True)
    objection_statement = models.TextField("异议陈述", blank=True)
    objected_at = models.DateTimeField("提出异议时间", null=True, blank=True)
    objected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    waived_at = models.DateTimeField("放弃异议时间", null=True, blank=True)
    window_closed_at = models.DateTimeField("异议期结束时间", null=True, blank=True)

    decision_reason = models.TextField("决定理由", blank=True)
    objection_reply = models.TextField("异议答复", blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    process = models.OneToOneField(Process, null=True, blank=True, on_delete=models.SET_NULL, related_name="listing")

    class Meta:
        verbose_name = "列入名单案件"
        verbose_name_plural = "列入名单案件"
        ordering = ["-proposed_at"]
        indexes = [models.Index(fields=["subject", "status"]), models.Index(fields=["status"])]

    def __str__(self):
        return f"列入名单 {self.reference}（{self.subject.name}）"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    @property
    def has_objection(self) -> bool:
        return self.objected_at is not None

    @property
    def designating_department(self) -> Department:
        return self.entry.designating_department

    def involved_department_ids(self) -> set[int]:
        return _involved(self.entry)

    def get_absolute_url(self):
        return reverse("listing:portal_listing", args=[self.pk])

    def get_staff_url(self):
        return reverse("listing:staff_listing", args=[self.pk])

    # -- lifecycle: state and fields only ------------------------------------------

    @transition(field=status, source=Status.WINDOW, target=Status.OBJECTION)
    def receive_objection(self, *, at, by, grounds: str, statement: str, objection=None):
        self.objected_at, self.objected_by = at, by
        self.objection_grounds, self.objection_statement = grounds, statement
        self.objection = objection

    @transition(field=status, source=Status.WINDOW, target=Status.DECIDING)
    def waive(self, *, at):
        self.waived_at = self.window_closed_at = at

    @transition(field=status, source=[Status.WINDOW, Status.OBJECTION], target=Status.DECIDING)
    def close_window(self, *, at):
        self.window_closed_at = at

    @transition(field=status, source=Status.DECIDING, target=Status.LISTED)
    def decide_list(self, *, at, by, reason: str, reply: str = ""):
        self.decided_at, self.decided_by, self.decision_reason, self.objection_reply = at, by, reason, reply

    @transition(field=status, source=Status.DECIDING, target=Status.NOT_LISTED)
    def decide_not_list(self, *, at, by, reason: str, reply: str = ""):
        self.decided_at, self.decided_by, self.decision_reason, self.objection_reply = at, by, reason, reply


class RemovalCase(ConcurrentTransitionMixin, models.Model):
    """A removal (移出名单): started by a trigger, reviewed and decided by the designating department."""

    Reason = ListEntry.RemovalReason

    class Status(models.TextChoices):
        REVIEWING = "reviewing", "审核中"
        REMOVED = "removed", "已移出"
        NOT_REMOVED = "not_removed", "不予移出"

    CLOSED_STATUSES = (Status.REMOVED, Status.NOT_REMOVED)
    #: Triggers that are facts established elsewhere (the date, a repair decision): the review confirms them.
    AUTOMATIC_REASONS = (Reason.EXPIRED, Reason.REPAIRED)

    reference = models.CharField("案件编号", max_length=32, unique=True)
    entry = models.ForeignKey(ListEntry, verbose_name="名单", on_delete=models.PROTECT, related_name="removal_cases")
    subject = models.ForeignKey(Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="removal_cases")
    reason = models.CharField("移出原因", max_length=24, choices=Reason.choices)
    statement = models.TextField("移出依据与说明")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField("发起时间", auto_now_add=True)

    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.REVIEWING, protected=True)
    review_reason = models.TextField("审核意见", blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    process = models.OneToOneField(Process, null=True, blank=True, on_delete=models.SET_NULL, related_name="removal")

    class Meta:
        verbose_name = "移出名单案件"
        verbose_name_plural = "移出名单案件"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["subject", "status"])]
        constraints = [
            # One removal at a time per entry: the beat job and a repair may both find it.
            models.UniqueConstraint(fields=["entry"], condition=Q(status="reviewing"), name="one_open_removal_per_entry"),
        ]

    def __str__(self):
        return f"移出名单 {self.reference}（{self.subject.name}）"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    @property
    def is_automatic(self) -> bool:
        return self.reason in self.AUTOMATIC_REASONS

    @property
    def designating_department(self) -> Department:
        return self.entry.designating_department

    def involved_department_ids(self) -> set[int]:
        return _involved(self.entry)

    def get_absolute_url(self):
        return reverse("listing:portal_removal", args=[self.pk])

    def get_staff_url(self):
        return reverse("listing:staff_removal", args=[self.pk])

    @transition(field=status, source=Status.REVIEWING, target=Status.REMOVED)
    def remove(self, *, at, by, reason: str):
        self.decided_at, self.decided_by, self.review_reason = at, by, reason

    @transition(field=status, source=Status.REVIEWING, target=Status.NOT_REMOVED)
    def refuse(self, *, at, by, reason: str):
        self.decided_at, self.decided_by, self.review_reason = at, by, reason


class ListingProcess(Process):
    """Viewflow's view of a listing case."""

    class Meta:
        proxy = True
        verbose_name = "列入名单流程"
        verbose_name_plural = "列入名单流程"

    @classmethod
    def case_queryset(cls):
        """The cases of this flow, with what their pages and task lists show (one query for many tasks)."""
        return ListingCase.objects.select_related("entry", "entry__designating_department", "entry__basis_record", "subject", "objection")

    @property
    def case(self) -> ListingCase:
        return self.case_queryset().get(process_id=self.pk)

    # Helpers the flow map reads (no business rules here).
    def designating_department(self) -> Department:
        return self.case.entry.designating_department

    def proposed_on(self):
        return self.case.entry.proposed_on


class RemovalProcess(Process):
    """Viewflow's view of a removal case."""

    class Meta:
        proxy = True
        verbose_name = "移出名单流程"
        verbose_name_plural = "移出名单流程"

    @classmethod
    def case_queryset(cls):
        """The cases of this flow, with what their pages and task lists show (one query for many tasks)."""
        return RemovalCase.objects.select_related("entry", "entry__designating_department", "entry__basis_record", "subject")

    @property
    def case(self) -> RemovalCase:
        return self.case_queryset().get(process_id=self.pk)

    def designating_department(self) -> Department:
        return self.case.entry.designating_department

    def started_on(self):
        return timezone.localdate(self.case.started_at)


# --- the joint punishment check (逢批必查、逢办必查) ------------------------------------------------


def token_digest(token: str) -> str:
    """Tokens are stored as their SHA-256 only: a leaked table does not let anyone call the API."""
    return hashlib.sha256((token or "").encode()).hexdigest()


class CheckClient(models.Model):
    """One business system allowed to ask the check API, with its own token and rate limit."""

    class SystemKind(models.TextChoices):
        LICENSING = "licensing", "行政许可（审批）系统"
        PROCUREMENT = "procurement", "政府采购系统"
        BIDDING = "bidding", "招标投标系统"
        OTHER = "other", "其他业务系统"

    name = models.CharField("系统名称", max_length=100, unique=True)
    system_kind = models.CharField("系统类型", max_length=16, choices=SystemKind.choices)
    token_hash = models.CharField("令牌摘要（SHA-256）", max_length=64, unique=True, editable=False)
    token_hint = models.CharField("令牌前缀", max_length=12, blank=True, editable=False, help_text="令牌前几位，便于辨认；令牌本身不保存。")
    is_active = models.BooleanField("启用", default=True)
    rate_limit_per_minute = models.PositiveIntegerField("每分钟调用上限", default=60)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "核查接口调用方"
        verbose_name_plural = "核查接口调用方"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def set_token(self, token: str) -> None:
        self.token_hash = token_digest(token)
        self.token_hint = token[:8]


class CheckLog(models.Model):
    """One check: who asked, when, about whom, and what was answered."""

    client = models.ForeignKey(CheckClient, verbose_name="调用方", on_delete=models.PROTECT, related_name="checks")
    at = models.DateTimeField("核查时间", auto_now_add=True)
    code = models.CharField("查询代码", max_length=18)
    subject = models.ForeignKey(Subject, verbose_name="信用主体", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    matter = models.CharField("办理事项", max_length=200, blank=True)
    on_list = models.BooleanField("在名单上", default=False)
    answer = models.JSONField("答复摘要", default=dict)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)

    class Meta:
        verbose_name = "联合奖惩核查日志"
        verbose_name_plural = "联合奖惩核查日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at"], name="checklog_at"),
            models.Index(fields=["client", "-at"], name="checklog_client_at"),
            models.Index(fields=["code", "-at"], name="checklog_code_at"),
        ]

    def __str__(self):
        return f"{self.client} {self.at:%Y-%m-%d %H:%M} {self.code}"
