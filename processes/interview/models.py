"""The interview case (a real, queryable model), the viewflow Process proxy over it, and the list imports."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from viewflow.workflow.models import Process

from credit.models import CreditRecord, Department, InterviewRecord, ListEntry, Subject


class WarningInterview(ConcurrentTransitionMixin, models.Model):
    Kind = InterviewRecord.Kind

    class Origin(models.TextChoices):
        RECORD = "record", "失信记录"
        LIST_ENTRY = "list_entry", "名单"
        IMPORT = "import", "省、市下发名单导入"

    class ListSource(models.TextChoices):
        PROVINCE = "province", "省级下发"
        CITY = "city", "市级下发"

    class Confirmation(models.TextChoices):
        PORTAL = "portal", "主体网上确认"
        STAFF = "staff", "工作人员代为登记"

    class Status(models.TextChoices):
        PREPARING = "preparing", "待发约谈通知"
        NOTIFIED = "notified", "待主体确认参加"
        CONFIRMED = "confirmed", "已确认，待约谈"
        NO_SHOW = "no_show", "未到场，待负责人决定"
        FOLLOW_UP = "follow_up", "整改跟踪中"
        CLOSED = "closed", "已办结"
        CLOSED_NO_SHOW = "closed_no_show", "未到场，已办结"

    class LeaderDecision(models.TextChoices):
        RESCHEDULE = "reschedule", "重新安排约谈"
        CLOSE = "close", "记录在案，办结"

    CLOSED_STATUSES = (Status.CLOSED, Status.CLOSED_NO_SHOW)

    reference = models.CharField("案件编号", max_length=32, unique=True)
    subject = models.ForeignKey(Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="warning_interviews")
    kind = models.CharField("约谈类型", max_length=8, choices=Kind.choices)
    origin = models.CharField("来源", max_length=12, choices=Origin.choices)
    source_record = models.ForeignKey(CreditRecord, verbose_name="失信记录", null=True, blank=True, on_delete=models.PROTECT, related_name="warning_interviews")
    list_entry = models.ForeignKey(ListEntry, verbose_name="名单", null=True, blank=True, on_delete=models.PROTECT, related_name="warning_interviews")
    department = models.ForeignKey(Department, verbose_name="约谈部门", on_delete=models.PROTECT, related_name="warning_interviews", help_text="谁认定、谁约谈。")
    basis = models.TextField("失信事由")
    listed_on = models.DateField("列入日期", null=True, blank=True)
    list_source = models.CharField("名单来源", max_length=12, choices=ListSource.choices, blank=True)
    matter = models.CharField("约谈事项", max_length=200)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField("发起时间", auto_now_add=True)
    process = models.OneToOneField(Process, null=True, blank=True, on_delete=models.SET_NULL, related_name="warning_interview")

    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.PREPARING, protected=True)
    scheduled_at = models.DateTimeField("约谈时间", null=True, blank=True)
    place = models.CharField("约谈地点", max_length=100, blank=True)
    notified_at = models.DateTimeField("通知时间", null=True, blank=True)
    confirm_due_on = models.DateField("确认期限", null=True, blank=True)
    notice_count = models.PositiveSmallIntegerField("通知次数", default=0)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmation_channel = models.CharField("确认方式", max_length=8, choices=Confirmation.choices, blank=True)
    confirmation_note = models.TextField("确认说明", blank=True)
    no_show_at = models.DateTimeField("未到场登记时间", null=True, blank=True)
    no_show_note = models.TextField("未到场情况", blank=True)
    leader_decision = models.CharField("负责人决定", max_length=12, choices=LeaderDecision.choices, blank=True)
    leader_comment = models.TextField("负责人意见", blank=True)
    leader_decided_at = models.DateTimeField("负责人决定时间", null=True, blank=True)
    leader_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    interview_record = models.OneToOneField(
        InterviewRecord, verbose_name="约谈记录", null=True, blank=True, on_delete=models.PROTECT, related_name="warning_interview"
    )
    followup_note = models.TextField("整改核实情况", blank=True)
    followed_up_at = models.DateTimeField("整改核实时间", null=True, blank=True)
    followed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "约谈案件"
        verbose_name_plural = "约谈案件"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["subject", "status"]), models.Index(fields=["status", "scheduled_at"])]

    def __str__(self):
        return f"约谈 {self.reference}（{self.subject.name}）"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    @property
    def rectification_due_on(self):
        return self.interview_record.rectification_due_on if self.interview_record_id else None

    @property
    def result_label(self) -> str:
        """Closed cases: what came of the interview; open ones: the status."""
        if self.status == self.Status.CLOSED and self.interview_record_id:
            rectified = self.interview_record.rectified
            if rectified is True:
                return "已办结（已按期整改）"
            if rectified is False:
                return "已办结（未按期整改）"
            return "已办结（约谈完毕，无整改事项）"
        return self.get_status_display()

    def involved_department_ids(self) -> set[int]:
        """The interviewing department (谁认定、谁约谈) and the credit office that leads credit work."""
        ids = {Department.objects.filter(is_credit_lead=True).values_list("pk", flat=True).first(), self.department_id}
        return {pk for pk in ids if pk}

    def get_absolute_url(self):
        return reverse("interview:portal_detail", args=[self.pk])

    def get_staff_url(self):
        return reverse("interview:staff_detail", args=[self.pk])

    # -- lifecycle: state and fields only ------------------------------------------

    @transition(field=status, source=Status.PREPARING, target=Status.NOTIFIED)
    def notify(self, *, kind: str, scheduled_at, place: str, matter: str, confirm_due_on, at):
        self.kind, self.scheduled_at, self.place, self.matter = kind, scheduled_at, place, matter
        self.confirm_due_on, self.notified_at = confirm_due_on, at
        self.notice_count += 1
        # A rescheduled interview asks for a fresh confirmation.
        self.confirmed_at, self.confirmed_by, self.confirmation_channel, self.confirmation_note = None, None, "", ""

    @transition(field=status, source=Status.NOTIFIED, target=Status.CONFIRMED)
    def confirm(self, *, at, by, channel: str, note: str):
        self.confirmed_at, self.confirmation_channel, self.confirmation_note = at, channel, note
        self.confirmed_by = by if getattr(by, "is_authenticated", False) else None

    @transition(field=status, source=[Status.NOTIFIED, Status.CONFIRMED], target=Status.NO_SHOW)
    def record_no_show(self, *, at, note: str):
        self.no_show_at, self.no_show_note = at, note

    @transition(field=status, source=Status.CONFIRMED, target=RETURN_VALUE(Status.FOLLOW_UP, Status.CLOSED))
    def hold(self, *, record: InterviewRecord, at):
        """The minutes are in: follow-up when a rectification was promised, else done."""
        self.interview_record = record
        if record.rectification_due_on:
            return self.Status.FOLLOW_UP
        self.closed_at = at
        return self.Status.CLOSED

    @transition(field=status, source=Status.FOLLOW_UP, target=Status.CLOSED)
    def record_followup(self, *, at, by, note: str):
        self.followed_up_at, self.followed_up_by, self.followup_note = at, by, note
        self.closed_at = at

    @transition(field=status, source=Status.NO_SHOW, target=Status.PREPARING)
    def reschedule(self, *, at, by, comment: str):
        self.leader_decision, self.leader_comment = self.LeaderDecision.RESCHEDULE, comment
        self.leader_decided_at, self.leader_decided_by = at, by

    @transition(field=status, source=Status.NO_SHOW, target=Status.CLOSED_NO_SHOW)
    def close_no_show(self, *, at, by, comment: str):
        self.leader_decision, self.leader_comment = self.LeaderDecision.CLOSE, comment
        self.leader_decided_at, self.leader_decided_by = at, by
        self.closed_at = at


class InterviewProcess(Process):
    """Viewflow's view of a warning interview."""

    class Meta:
        proxy = True
        verbose_name = "约谈流程"
        verbose_name_plural = "约谈流程"

    @classmethod
    def case_queryset(cls):
        """The cases of this flow, with what their pages and task lists show (one query for many tasks)."""
        return WarningInterview.objects.select_related("subject", "department", "interview_record")

    @property
    def case(self) -> WarningInterview:
        return self.case_queryset().get(process_id=self.pk)

    # Helpers the flow map reads (no business rules here).
    def department(self) -> Department:
        return self.case.department

    def started_on(self):
        return timezone.localdate(self.case.started_at)


class ImportBatch(models.Model):
    """One upload of a dishonest-subject list sent down by province or city, with its row-by-row report."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel（.xlsx）"

    file_name = models.CharField("文件名", max_length=200)
    file_format = models.CharField("格式", max_length=8, choices=Format.choices)
    encoding = models.CharField("编码", max_length=16, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("大小")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("导入时间", auto_now_add=True)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    imported_count = models.PositiveIntegerField("导入", default=0)
    duplicate_count = models.PositiveIntegerField("重复（未导入）", default=0)
    invalid_count = models.PositiveIntegerField("有误（未导入）", default=0)
    report = models.JSONField("逐行结果", default=list, blank=True, help_text="每行：行号、结果、原因、案件编号。")

    class Meta:
        verbose_name = "名单导入批次"
        verbose_name_plural = "名单导入批次"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.file_name}（{self.uploaded_at:%Y-%m-%d %H:%M}）"

    def get_absolute_url(self):
        return reverse("interview:import_result", args=[self.pk])


class ImportedRow(models.Model):
    """A list row that became an interview case. Its fingerprint keeps it from being imported twice."""

    batch = models.ForeignKey(ImportBatch, verbose_name="导入批次", on_delete=models.PROTECT, related_name="rows")
    row_number = models.PositiveIntegerField("行号")
    fingerprint = models.CharField(
        "行指纹", max_length=64, unique=True, help_text="代码、认定部门、失信事由、列入日期的 SHA-256：同一名单条目只导入一次。"
    )
    interview = models.OneToOneField(WarningInterview, verbose_name="约谈案件", on_delete=models.PROTECT, related_name="imported_row")
    data = models.JSONField("原始内容", default=dict)

    class Meta:
        verbose_name = "已导入名单行"
        verbose_name_plural = "已导入名单行"
        ordering = ["batch", "row_number"]

    def __str__(self):
        return f"{self.batch.file_name} 第{self.row_number}行"
