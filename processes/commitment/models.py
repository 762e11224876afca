"""The commitment case (a real, queryable model) and the viewflow Process proxy over it.

The commitment itself is ``credit.Commitment``: the entry in the subject's credit
file (kind, matter, content, missing materials, due date, fulfilled or breached,
the dishonesty record of a breach). The case holds how it is handled: who
registered it, the signed letter, the supplement, the verification and its review.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from viewflow.workflow.models import Process

from credit.models import Commitment, Department, Severity, Subject


class CommitmentCase(ConcurrentTransitionMixin, models.Model):
    class Channel(models.TextChoices):
        STAFF = "staff", "窗口登记"
        PORTAL = "portal", "主体网上提交"

    class Status(models.TextChoices):
        SIGNING = "signing", "待上传签署的承诺书"
        AWAITING_SUPPLEMENT = "awaiting_supplement", "待补齐容缺材料"
        VERIFYING = "verifying", "核查中"
        REVIEWING = "reviewing", "违诺认定审核中"
        FULFILLED = "fulfilled", "已履约"
        BREACHED = "breached", "已违诺"

    class Method(models.TextChoices):
        WRITTEN = "written", "书面核查"
        ONLINE = "online", "网上核查"
        ON_SITE = "on_site", "现场核查"
        PUBLIC_NOTICE = "public_notice", "公示核查（社会监督）"

    class Result(models.TextChoices):
        FULFILLED = "fulfilled", "已履行承诺"
        BREACHED = "breached", "违背承诺"

    #: The severities a breach may have (a minor one is not a dishonesty record).
    BREACH_SEVERITIES = [(Severity.GENERAL.value, Severity.GENERAL.label), (Severity.SERIOUS.value, Severity.SERIOUS.label)]
    CLOSED_STATUSES = (Status.FULFILLED, Status.BREACHED)

    reference = models.CharField("案件编号", max_length=32, unique=True)
    commitment = models.OneToOneField(Commitment, verbose_name="信用承诺", on_delete=models.PROTECT, related_name="case")
    subject = models.ForeignKey(Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="commitment_cases")
    channel = models.CharField("来源", max_length=12, choices=Channel.choices, default=Channel.PORTAL)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    applicant_name = models.CharField("承诺人/经办人", max_length=64, blank=True)
    # Kept for the department's contact only: never shown on the public page.
    applicant_phone = models.CharField("联系电话", max_length=20, blank=True)
    registered_at = models.DateTimeField("登记时间", auto_now_add=True)
    process = models.OneToOneField(Process, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitment_case")

    status = FSMField("状态", max_length=24, choices=Status.choices, default=Status.SIGNING, protected=True)
    signed_at = models.DateTimeField("签署承诺书上传时间", null=True, blank=True)
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    supplement_remind_on = models.DateField("补齐提醒日期", null=True, blank=True)
    supplement_reminded_at = models.DateTimeField("已提醒补齐", null=True, blank=True)
    supplied_at = models.DateTimeField("补齐时间", null=True, blank=True)
    supplement_note = models.TextField("补齐说明", blank=True)
    supplement_overdue = models.BooleanField("逾期未补齐", default=False)

    verification_method = models.CharField("核查方式", max_length=16, choices=Method.choices, blank=True)
    verification_finding = models.TextField("核查情况", blank=True)
    result = models.CharField("核查结论", max_length=12, choices=Result.choices, blank=True)
    breach_severity = models.CharField("失信程度", max_length=16, choices=BREACH_SEVERITIES, blank=True)
    breach_legal_basis = models.TextField("认定依据", blank=True)
    breach_measures = models.TextField("后续处理措施", blank=True, help_text="如依法撤销相关许可、予以处罚。")
    verified_at = models.DateTimeField("核查时间", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review_comment = models.TextField("审核意见", blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "信用承诺案件"
        verbose_name_plural = "信用承诺案件"
        ordering = ["-registered_at"]
        indexes = [models.Index(fields=["subject", "status"]), models.Index(fields=["status", "supplement_remind_on"])]

    def __str__(self):
        return f"信用承诺 {self.reference}（{self.subject.name}）"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def department(self) -> Department:
        return self.commitment.department

    def involved_department_ids(self) -> set[int]:
        """The department the commitment was made to (it verifies), and the credit office (牵头, keeps the credit file)."""
        ids = {self.commitment.department_id, Department.objects.filter(is_credit_lead=True).values_list("pk", flat=True).first()}
        return {pk for pk in ids if pk}

    def get_absolute_url(self):
        return reverse("commitment:portal_detail", args=[self.pk])

    def get_staff_url(self):
        return reverse("commitment:staff_detail", args=[self.pk])

    # -- lifecycle: state and fields only ------------------------------------------

    @transition(field=status, source=Status.SIGNING, target=Status.AWAITING_SUPPLEMENT)
    def publish_awaiting_supplement(self, *, at, remind_on):
        self.signed_at = self.published_at = at
        self.supplement_remind_on = remind_on

    @transition(field=status, source=Status.SIGNING, target=Status.VERIFYING)
    def publish_for_verification(self, *, at):
        self.signed_at = self.published_at = at

    @transition(field=status, source=Status.AWAITING_SUPPLEMENT, target=Status.VERIFYING)
    def supply(self, *, at, note: str):
        self.supplied_at = at
        self.supplement_note = note

    @transition(field=status, source=Status.AWAITING_SUPPLEMENT, target=Status.VERIFYING)
    def lapse(self):
        self.supplement_overdue = True

    @transition(field=status, source=Status.VERIFYING, target=Status.FULFILLED)
    def fulfil(self, *, at, by, verification_method: str, finding: str):
        # (not "method": django-fsm's change_state() takes that name itself)
        self.verification_method, self.verification_finding = verification_method, finding
        self.result = self.Result.FULFILLED
        self.breach_severity = self.breach_legal_basis = self.breach_measures = ""
        self.verified_at = self.decided_at = at
        self.verified_by = self.decided_by = by

    @transition(field=status, source=Status.VERIFYING, target=Status.REVIEWING)
    def propose_breach(self, *, at, by, verification_method: str, finding: str, severity: str, legal_basis: str, measures: str):
        self.verification_method, self.verification_finding = verification_method, finding
        self.result = self.Result.BREACHED
        self.breach_severity, self.breach_legal_basis, self.breach_measures = severity, legal_basis, measures
        self.verified_at, self.verified_by = at, by

    @transition(field=status, source=Status.REVIEWING, target=Status.VERIFYING)
    def return_to_handler(self, *, comment: str):
        self.review_comment = comment
        self.result = ""

    @transition(field=status, source=Status.REVIEWING, target=Status.BREACHED)
    def confirm_breach(self, *, at, by, comment: str):
        self.review_comment = comment
        self.decided_at, self.decided_by = at, by


class CommitmentProcess(Process):
    """Viewflow's view of a commitment case."""

    class Meta:
        proxy = True
        verbose_name = "信用承诺流程"
        verbose_name_plural = "信用承诺流程"

    @classmethod
    def case_queryset(cls):
        """The cases of this flow, with what their pages and task lists show (one query for many tasks)."""
        return CommitmentCase.objects.select_related("commitment", "commitment__department", "subject")

    @property
    def case(self) -> CommitmentCase:
        return self.case_queryset().get(process_id=self.pk)

    # Helpers the flow map reads (no business rules here).
    def department(self) -> Department:
        return self.case.commitment.department

    def registered_on(self):
        # The local date: registered_at is stored in UTC, eight hours behind Beijing time.
        return timezone.localdate(self.case.registered_at)
