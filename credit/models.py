"""The credit data model.

Lifecycles are django_fsm state fields: a transition changes state and fields
and nothing else (no side effects), so ``ConcurrentTransitionMixin`` can refuse
a second, concurrent transition from a stale copy. Writes with side effects go
through ``credit.services``.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from .validators import check_id_number, check_uscc, mask_id_number, validate_id_number, validate_uscc


class TimeStamped(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


# --- departments and staff ------------------------------------------------------


class Department(TimeStamped):
    class Kind(models.TextChoices):
        BUREAU = "bureau", "局机关"
        SECTION = "section", "科室"
        CENTER = "center", "事业中心"
        ENFORCEMENT = "enforcement", "执法机构"
        OFFICE = "office", "办公室"

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=64, unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    parent = models.ForeignKey("self", verbose_name="上级部门", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    document_prefix = models.CharField("文号前缀", max_length=16, help_text="用于文号，如“交法”。")
    is_credit_lead = models.BooleanField("信用工作牵头部门", default=False, help_text="法规科：受理异议与修复申请。")

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["is_credit_lead"], condition=Q(is_credit_lead=True), name="one_credit_lead_department"),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    INTAKE = "intake", "受理员"
    HANDLER = "handler", "承办人"
    REVIEWER = "reviewer", "审核人"
    LEADER = "leader", "负责人"
    ADMIN = "admin", "管理员"


class StaffRoleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(user__is_active=True)


class StaffRole(TimeStamped):
    """One role a staff member holds in one department; a person may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="staff_roles")
    department = models.ForeignKey(Department, verbose_name="部门", on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField("角色", max_length=16, choices=Role.choices)

    objects = StaffRoleQuerySet.as_manager()

    class Meta:
        verbose_name = "岗位角色"
        verbose_name_plural = "岗位角色"
        constraints = [models.UniqueConstraint(fields=["user", "department", "role"], name="unique_staff_role")]
        indexes = [models.Index(fields=["department", "role"])]

    def __str__(self):
        return f"{self.user} · {self.department} · {self.get_role_display()}"


# --- subjects -----------------------------------------------------------------------


class Subject(TimeStamped):
    """A credit subject (信用主体): legal person, individual business or natural person."""

    class Kind(models.TextChoices):
        LEGAL_PERSON = "legal_person", "法人和非法人组织"
        INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
        NATURAL_PERSON = "natural_person", "自然人（从业人员）"

    kind = models.CharField("主体类型", max_length=24, choices=Kind.choices)
    name = models.CharField("名称/姓名", max_length=128)
    uscc = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True, validators=[validate_uscc])
    id_number = models.CharField("居民身份证号码", max_length=18, null=True, blank=True, unique=True, validators=[validate_id_number])
    legal_representative = models.CharField("法定代表人/经营者", max_length=64, blank=True)
    region_code = models.CharField("行政区划代码", max_length=6, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=64, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    contact_email = models.EmailField("电子邮箱", blank=True)

    class Meta:
        verbose_name = "信用主体"
        verbose_name_plural = "信用主体"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="natural_person", id_number__isnull=False, uscc__isnull=True))
                | (Q(kind__in=["legal_person", "individual_business"], uscc__isnull=False, id_number__isnull=True)),
                name="subject_identified_by_code_matching_kind",
            ),
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return f"{self.name}（{self.display_code}）"

    @property
    def code(self) -> str:
        return self.uscc or self.id_number or ""

    @property
    def display_code(self) -> str:
        """The code as shown to people not entitled to a natural person's full ID number."""
        return self.uscc or mask_id_number(self.id_number or "")

    @property
    def is_natural_person(self) -> bool:
        return self.kind == self.Kind.NATURAL_PERSON

    def clean_fields(self, exclude=None):
        # Normalise before any check sees the codes, so a lower-case x or a stray space is
        # stored corrected rather than refused. The codes themselves are checked once, in
        # clean(), against the subject's kind: the field validators would repeat each message.
        self.uscc = (self.uscc or "").strip().upper() or None
        self.id_number = (self.id_number or "").strip().upper() or None
        super().clean_fields(exclude={*(exclude or ()), "uscc", "id_number"})

    def clean(self):
        super().clean()
        # Empty strings from forms mean "no code".
        self.uscc = (self.uscc or "").strip().upper() or None
        self.id_number = (self.id_number or "").strip().upper() or None
        errors = {}
        if self.kind == self.Kind.NATURAL_PERSON:
            if self.uscc:
                errors["uscc"] = ["自然人不使用统一社会信用代码，请填写居民身份证号码。"]
            problems = check_id_number(self.id_number or "")
            if problems:
                errors["id_number"] = problems
        elif self.kind:
            if self.id_number:
                errors["id_number"] = ["法人、非法人组织和个体工商户以统一社会信用代码标识，不填写身份证号码。"]
            problems = check_uscc(self.uscc or "")
            if problems:
                errors["uscc"] = problems
        if errors:
            raise ValidationError(errors)


class SubjectMembership(TimeStamped):
    """A portal user who may act for a subject (legal representative, agent or the person)."""

    class Capacity(models.TextChoices):
        SELF = "self", "本人"
        LEGAL_REPRESENTATIVE = "legal_representative", "法定代表人"
        AGENT = "agent", "经办人/委托代理人"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="subject_memberships")
    subject = models.ForeignKey(Subject, verbose_name="信用主体", on_delete=models.CASCADE, related_name="memberships")
    capacity = models.CharField("身份", max_length=24, choices=Capacity.choices, default=Capacity.AGENT)

    class Meta:
        verbose_name = "主体授权用户"
        verbose_name_plural = "主体授权用户"
        constraints = [models.UniqueConstraint(fields=["user", "subject"], name="unique_subject_membership")]

    def __str__(self):
        return f"{self.user} → {self.subject.name}"


class Vehicle(TimeStamped):
    subject = models.ForeignKey(Subject, verbose_name="所属主体", on_delete=models.CASCADE, related_name="vehicles")
    plate_number = models.CharField("车牌号码", max_length=16, unique=True)
    vehicle_type = models.CharField("车辆类型", max_length=32, blank=True)
    transport_certificate_no = models.CharField("道路运输证号", max_length=32, blank=True)

    class Meta:
        verbose_name = "车辆"
        verbose_name_plural = "车辆"

    def __str__(self):
        return self.plate_number


class Ship(TimeStamped):
    subject = models.ForeignKey(Subject, verbose_name="所属主体", on_delete=models.CASCADE, related_name="ships")
    name = models.CharField("船名", max_length=64)
    registration_no = models.CharField("船舶登记号", max_length=32, unique=True)
    gross_tonnage = models.PositiveIntegerField("总吨位", null=True, blank=True)

    class Meta:
        verbose_name = "船舶"
        verbose_name_plural = "船舶"

    def __str__(self):
        return self.name


# --- rules ----------------------------------------------------------------------------


class Severity(models.TextChoices):
    MINOR = "minor", "轻微"
    GENERAL = "general", "一般"
    SERIOUS = "serious", "严重"


class ClockStart(models.TextChoices):
    DECISION = "decision", "自处罚决定日起算"
    PUBLICATION = "publication", "自公示之日起算"


class RuleVersionQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date):
        return self.filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day), effective_from__lte=day).order_by("-effective_from")


class RuleVersion(TimeStamped):
    """A regime of national credit rules, in force from one date to the next.

    A case is judged by the regime in force on its key date (decision date or
    application date): ``credit.rules.rule_version_for``. Values are edited by
    the administrator when the rules change; ``unverified`` marks values the
    seed documents disagree on or do not give.
    """

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=200)
    effective_from = models.DateField("施行日期")
    effective_to = models.DateField("废止日期", null=True, blank=True, help_text="不含当日；空表示现行有效。")
    clock_start = models.CharField("公示期起算", max_length=16, choices=ClockStart.choices, default=ClockStart.DECISION)
    required_materials = models.JSONField(
        "所需材料", default=dict, blank=True, help_text='按流程列出材料类型，如 {"repair": ["performance_proof", "commitment_letter"]}。'
    )
    source = models.TextField("依据与来源")
    unverified = models.BooleanField("含未核实数值", default=False)

    objects = RuleVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "规则版本"
        verbose_name_plural = "规则版本"
        ordering = ["effective_from"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.effective_to and self.effective_to <= self.effective_from:
            raise ValidationError({"effective_to": "废止日期必须晚于施行日期。"})

    def period_for(self, severity: str, sector: str = "") -> "PublicationPeriod | None":
        periods = {(p.severity, p.sector): p for p in self.publication_periods.all()}
        return periods.get((severity, sector)) or periods.get((severity, ""))

    def deadline(self, key: str) -> "ProcessDeadline":
        try:
            return self.deadlines.get(key=key)
        except ProcessDeadline.DoesNotExist:
            raise ProcessDeadline.DoesNotExist(f"规则版本“{self.name}”未设定期限 {key}。") from None


class PublicationPeriod(models.Model):
    """How long a penalty of one severity stays published under one regime."""

    rule_version = models.ForeignKey(RuleVersion, on_delete=models.CASCADE, related_name="publication_periods")
    severity = models.CharField("严重程度", max_length=16, choices=Severity.choices)
    sector = models.CharField("行业领域", max_length=32, blank=True, help_text="空表示通用；填写则为该领域的特别规定。")
    published = models.BooleanField("予以公示", default=True)
    min_months = models.PositiveSmallIntegerField("最短公示期（月）", null=True, blank=True)
    max_months = models.PositiveSmallIntegerField("最长公示期（月）", null=True, blank=True)
    repairable_when_performed = models.BooleanField("履行义务后即可修复", default=False)
    note = models.CharField("说明", max_length=300, blank=True)
    unverified = models.BooleanField("未核实", default=False)

    class Meta:
        verbose_name = "公示期"
        verbose_name_plural = "公示期"
        constraints = [models.UniqueConstraint(fields=["rule_version", "severity", "sector"], name="unique_publication_period")]

    def __str__(self):
        return f"{self.rule_version.code} {self.get_severity_display()} {self.min_months}–{self.max_months}个月"


class ProcessDeadline(models.Model):
    """A deadline in working days, named by a dotted key such as ``objection.intake``."""

    rule_version = models.ForeignKey(RuleVersion, on_delete=models.CASCADE, related_name="deadlines")
    key = models.CharField("期限代码", max_length=64)
    label = models.CharField("名称", max_length=100)
    working_days = models.PositiveSmallIntegerField("工作日数")
    note = models.CharField("依据/说明", max_length=300, blank=True)
    unverified = models.BooleanField("未核实", default=False)

    class Meta:
        verbose_name = "办理期限"
        verbose_name_plural = "办理期限"
        constraints = [models.UniqueConstraint(fields=["rule_version", "key"], name="unique_process_deadline")]

    def __str__(self):
        return f"{self.label}：{self.working_days}个工作日"


# --- working-day calendar --------------------------------------------------------------


class CalendarYear(models.Model):
    """A year whose official holiday arrangement (国务院办公厅通知) has been entered."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=200, blank=True)

    class Meta:
        verbose_name = "已发布年度"
        verbose_name_plural = "已发布年度"
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a public holiday or a make-up working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日/休息日"
        WORKDAY = "workday", "调休上班日"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("名称", max_length=32, blank=True)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


# --- catalogue and records ----------------------------------------------------------------


class RecordKind(models.TextChoices):
    LICENCE = "licence", "行政许可"
    PENALTY = "penalty", "行政处罚"
    EVALUATION = "evaluation", "信用评价"
    DISHONESTY = "dishonesty", "失信记录"
    INTERVIEW = "interview", "约谈记录"
    JOINT_ACTION = "joint_action", "联合奖惩"


class CatalogItem(TimeStamped):
    """An item of the credit information catalogue (信用信息目录): what is collected, by whom, with which fields."""

    class Openness(models.TextChoices):
        PUBLIC = "public", "社会公开"
        SHARED = "shared", "政务共享"
        RESTRICTED = "restricted", "授权查询"

    code = models.SlugField("目录编码", max_length=40, unique=True)
    name = models.CharField("信息项名称", max_length=100)
    record_kind = models.CharField("记录类型", max_length=16, choices=RecordKind.choices)
    source_department = models.ForeignKey(Department, verbose_name="提供部门", on_delete=models.PROTECT, related_name="catalog_items")
    indicator_fields = models.JSONField("指标项", default=list, help_text='[{"key": "...", "label": "..."}]')
    openness = models.CharField("开放属性", max_length=16, choices=Openness.choices, default=Openness.PUBLIC)
    update_frequency = models.CharField("更新频率", max_length=32, blank=True)

    class Meta:
        verbose_name = "信用信息目录"
        verbose_name_plural = "信用信息目录"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def indicator_keys(self) -> list[str]:
        return [field["key"] for field in self.indicator_fields]


class RecordStatus(models.TextChoices):
    UNPUBLISHED = "unpublished", "未公示"
    PUBLISHED = "published", "公示中"
    UNDER_OBJECTION = "under_objection", "异议处理中"
    CORRECTED = "corrected", "已更正"
    WITHDRAWN = "withdrawn", "已撤销"
    REPAIRED = "repaired", "已修复（终止公示）"
    EXPIRED = "expired", "公示期满"


#: States in which a record is shown to the public and shared with platforms.
VISIBLE_STATES = (RecordStatus.PUBLISHED, RecordStatus.UNDER_OBJECTION, RecordStatus.CORRECTED)


class CreditRecordQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(status__in=VISIBLE_STATES)


class CreditRecord(ConcurrentTransitionMixin, TimeStamped):
    """One credit record about a subject, with its publication lifecycle.

    ``earliest_repair_on`` and ``publication_ends_on`` are stored, not computed on
    read, because periodic jobs and dashboards query them over the whole register;
    ``credit.services.record_refresh_rule_dates`` recomputes them from the regime.
    """

    subject = models.ForeignKey(Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="records")
    kind = models.CharField("记录类型", max_length=16, choices=RecordKind.choices)
    catalog_item = models.ForeignKey(CatalogItem, verbose_name="目录项", null=True, blank=True, on_delete=models.PROTECT, related_name="records")
    source_department = models.ForeignKey(Department, verbose_name="数据提供部门", on_delete=models.PROTECT, related_name="records")
    title = models.CharField("事项", max_length=200)
    document_number = models.CharField("文号", max_length=64, blank=True)
    deciding_authority = models.CharField("决定机关", max_length=100)
    legal_basis = models.TextField("依据", blank=True)
    decision_date = models.DateField("决定日期")
    publication_date = models.DateField("公示日期", null=True, blank=True)
    severity = models.CharField("严重程度", max_length=16, choices=Severity.choices, blank=True)
    sector = models.CharField("行业领域", max_length=32, blank=True)
    grade = models.CharField("评价等级", max_length=8, blank=True)
    obligations_performed_on = models.DateField("义务履行日期", null=True, blank=True)
    indicators = models.JSONField("指标数据", default=dict, blank=True)
    completeness = models.DecimalField("完整度", max_digits=4, decimal_places=3, default=0, editable=False)
    earliest_repair_on = models.DateField("最早可申请修复日期", null=True, blank=True, editable=False)
    publication_ends_on = models.DateField("公示截止日期", null=True, blank=True, editable=False)
    rule_version = models.ForeignKey(RuleVersion, verbose_name="适用规则", null=True, blank=True, on_delete=models.PROTECT, editable=False)
    status = FSMField("公示状态", max_length=20, choices=RecordStatus.choices, default=RecordStatus.UNPUBLISHED, protected=True)
    status_before_objection = models.CharField(max_length=20, blank=True, editable=False)
    corrections = models.JSONField("更正记录", default=list, blank=True, editable=False, help_text="每次更正保留原值与新值。")
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True, editable=False)

    objects = CreditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "信用记录"
        verbose_name_plural = "信用记录"
        ordering = ["-decision_date", "-id"]
        indexes = [
            models.Index(fields=["subject", "status"]),
            models.Index(fields=["source_department", "kind", "decision_date"]),
            models.Index(fields=["status", "publication_ends_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="penalty") | ~Q(severity=""), name="penalty_has_severity"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.document_number or self.title}"

    # -- derived values -------------------------------------------------------

    @property
    def indicator_keys(self) -> list[str]:
        if self.catalog_item_id:
            return self.catalog_item.indicator_keys
        return list(DEFAULT_INDICATORS.get(self.kind, ()))

    def compute_completeness(self) -> float:
        """Share of indicator fields that are filled (a record counts as complete at ≥ 60 %)."""
        keys = self.indicator_keys
        if not keys:
            return 0.0
        filled = sum(1 for key in keys if _is_filled(self.indicators.get(key)))
        return filled / len(keys)

    @property
    def is_complete(self) -> bool:
        return float(self.completeness) >= COMPLETENESS_THRESHOLD

    @property
    def is_visible(self) -> bool:
        return self.status in VISIBLE_STATES

    def save(self, *args, **kwargs):
        # A Decimal, as loaded from the database: a float here fails full_clean's max_digits check.
        self.completeness = Decimal(str(round(self.compute_completeness(), 3)))
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"completeness"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == RecordKind.PENALTY and not self.severity:
            errors["severity"] = "行政处罚记录必须注明严重程度（轻微/一般/严重）。"
        if self.kind != RecordKind.PENALTY and self.severity:
            errors["severity"] = "只有行政处罚记录有严重程度。"
        if self.publication_date and self.decision_date and self.publication_date < self.decision_date:
            errors["publication_date"] = "公示日期不能早于决定日期。"
        if errors:
            raise ValidationError(errors)

    # -- publication lifecycle (state and fields only) ----------------------------

    def _stamp(self):
        self.status_changed_at = timezone.now()

    @transition(field=status, source=RecordStatus.UNPUBLISHED, target=RecordStatus.PUBLISHED)
    def publish(self, *, on: datetime.date):
        self.publication_date = on
        self._stamp()

    @transition(field=status, source=[RecordStatus.PUBLISHED, RecordStatus.CORRECTED], target=RecordStatus.UNDER_OBJECTION)
    def open_objection(self):
        self.status_before_objection = self.status
        self._stamp()

    @transition(
        field=status,
        source=RecordStatus.UNDER_OBJECTION,
        target=RETURN_VALUE(RecordStatus.PUBLISHED, RecordStatus.CORRECTED),
    )
    def uphold(self):
        """The objection failed: the record goes back to publication as it was before it."""
        previous = self.status_before_objection or RecordStatus.PUBLISHED
        self.status_before_objection = ""
        self._stamp()
        return previous

    @transition(field=status, source=RecordStatus.UNDER_OBJECTION, target=RecordStatus.CORRECTED)
    def correct(self, *, changes: dict, reason: str, by: str = ""):
        """The objection succeeded in part: new values replace old ones, the old kept beside them."""
        old = {}
        for key, value in changes.items():
            if key in CORRECTABLE_FIELDS:
                old[key] = _jsonable(getattr(self, key))
                setattr(self, key, value)
            else:
                old[key] = self.indicators.get(key)
                self.indicators = {**self.indicators, key: value}
        self.corrections = [
            *self.corrections,
            {"at": timezone.now().isoformat(), "by": by, "reason": reason, "old": old, "new": {k: _jsonable(v) for k, v in changes.items()}},
        ]
        self.status_before_objection = ""
        self._stamp()

    @transition(field=status, source=RecordStatus.UNDER_OBJECTION, target=RecordStatus.WITHDRAWN)
    def withdraw(self):
        self.status_before_objection = ""
        self._stamp()

    @transition(field=status, source=[RecordStatus.PUBLISHED, RecordStatus.CORRECTED], target=RecordStatus.REPAIRED)
    def stop_publication_by_repair(self):
        self._stamp()

    @transition(field=status, source=[RecordStatus.PUBLISHED, RecordStatus.CORRECTED], target=RecordStatus.EXPIRED)
    def expire(self):
        self._stamp()


COMPLETENESS_THRESHOLD = 0.6

#: Indicator fields of a record kind when no catalogue item names them (from the 双公示 data standard).
DEFAULT_INDICATORS = {
    RecordKind.PENALTY: (
        "case_name", "subject_name", "subject_code", "legal_representative", "decision_number", "violation_type",
        "violation_facts", "penalty_basis", "penalty_category", "penalty_content", "fine_amount", "decision_date",
        "authority", "authority_code",
    ),
    RecordKind.LICENCE: (
        "licence_name", "subject_name", "subject_code", "legal_representative", "licence_number", "licence_category",
        "licence_content", "valid_from", "valid_to", "authority", "authority_code",
    ),
    RecordKind.EVALUATION: ("evaluation_year", "grade", "score", "evaluating_body", "evaluation_date"),
    RecordKind.DISHONESTY: ("dishonest_act", "basis", "determined_by", "determined_on", "measures"),
    RecordKind.INTERVIEW: ("interview_kind", "interview_date", "matter", "rectification", "department"),
    RecordKind.JOINT_ACTION: ("measure", "executing_department", "executed_at", "matter"),
}

CORRECTABLE_FIELDS = {"title", "document_number", "deciding_authority", "legal_basis", "decision_date", "severity", "grade"}


def _is_filled(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


# --- lists ----------------------------------------------------------------------------------


class ListEntry(ConcurrentTransitionMixin, TimeStamped):
    """A subject on the red, black (serious dishonesty) or focus list."""

    class ListKind(models.TextChoices):
        RED = "red", "守信激励（红名单）"
        BLACK = "black", "严重失信主体（黑名单）"
        FOCUS = "focus", "重点关注名单"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "拟列入"
        PRE_NOTICE = "pre_notice", "已告知（异议期）"
        LISTED = "listed", "已列入"
        REMOVED = "removed", "已移出"
        WITHDRAWN = "withdrawn", "已撤回"

    class RemovalReason(models.TextChoices):
        EXPIRED = "expired", "列入期限届满"
        REPAIRED = "repaired", "信用修复"
        COURT_RULING = "court_ruling", "司法裁判"
        ERROR = "error", "认定错误"
        NO_LONGER_QUALIFIES = "no_longer_qualifies", "不再符合条件"

    subject = models.ForeignKey(Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="list_entries")
    list_kind = models.CharField("名单类型", max_length=8, choices=ListKind.choices)
    designating_department = models.ForeignKey(Department, verbose_name="认定部门", on_delete=models.PROTECT, related_name="list_entries")
    basis_record = models.ForeignKey(CreditRecord, verbose_name="依据记录", null=True, blank=True, on_delete=models.PROTECT, related_name="list_entries")
    designation_standard = models.TextField("认定标准")
    legal_basis = models.TextField("法律依据", blank=True)
    reason = models.TextField("列入理由")
    remedy = models.TextField("救济途径", blank=True)
    measures = models.JSONField("惩戒/激励措施", default=list, blank=True)
    proposed_on = models.DateField("提出日期", default=datetime.date.today)
    objection_window_ends = models.DateField("异议期截止", null=True, blank=True)
    listed_on = models.DateField("列入日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    removed_on = models.DateField("移出日期", null=True, blank=True)
    removal_reason = models.CharField("移出原因", max_length=24, choices=RemovalReason.choices, blank=True)
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.PROPOSED, protected=True)

    class Meta:
        verbose_name = "名单"
        verbose_name_plural = "名单"
        ordering = ["-proposed_on", "-id"]
        indexes = [models.Index(fields=["subject", "status"]), models.Index(fields=["status", "expires_on"])]

    def __str__(self):
        return f"{self.get_list_kind_display()}：{self.subject.name}"

    @transition(field=status, source=Status.PROPOSED, target=Status.PRE_NOTICE)
    def send_pre_notice(self, *, window_ends: datetime.date):
        self.objection_window_ends = window_ends

    @transition(field=status, source=[Status.PROPOSED, Status.PRE_NOTICE], target=Status.LISTED)
    def list(self, *, on: datetime.date, expires_on: datetime.date | None = None):
        self.listed_on = on
        self.expires_on = expires_on

    @transition(field=status, source=[Status.PROPOSED, Status.PRE_NOTICE], target=Status.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=status, source=Status.LISTED, target=Status.REMOVED)
    def remove(self, *, on: datetime.date, reason: str):
        self.removed_on = on
        self.removal_reason = reason


# --- commitments, interviews, joint actions ---------------------------------------------------


class Commitment(ConcurrentTransitionMixin, TimeStamped):
    """A credit commitment (信用承诺) made by a subject, and whether it was kept."""

    class Kind(models.TextChoices):
        TOLERANCE = "tolerance", "容缺受理"
        NOTIFICATION = "notification", "告知承诺"
        PUBLIC = "public", "主动公示型"
        SELF_DISCIPLINE = "self_discipline", "行业自律型"
        REPAIR = "repair", "信用修复型"

    class Status(models.TextChoices):
        COMMITTED = "committed", "已承诺"
        AWAITING_SUPPLEMENT = "awaiting_supplement", "待补齐材料"
        VERIFYING = "verifying", "核查中"
        FULFILLED = "fulfilled", "已履约"
        BREACHED = "breached", "已违诺"

    subject = models.ForeignKey(Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="commitments")
    kind = models.CharField("承诺类型", max_length=16, choices=Kind.choices)
    department = models.ForeignKey(Department, verbose_name="受理部门", on_delete=models.PROTECT, related_name="commitments")
    matter = models.CharField("承诺事项", max_length=200)
    content = models.TextField("承诺内容")
    missing_materials = models.JSONField("容缺材料", default=list, blank=True)
    supplement_due_on = models.DateField("补齐期限", null=True, blank=True)
    committed_on = models.DateField("承诺日期", default=datetime.date.today)
    is_public = models.BooleanField("公开", default=True)
    breach_record = models.OneToOneField(CreditRecord, verbose_name="违诺失信记录", null=True, blank=True, on_delete=models.PROTECT, related_name="breached_commitment")
    status = FSMField("状态", max_length=24, choices=Status.choices, default=Status.COMMITTED, protected=True)

    class Meta:
        verbose_name = "信用承诺"
        verbose_name_plural = "信用承诺"
        ordering = ["-committed_on", "-id"]

    def __str__(self):
        return f"{self.subject.name}：{self.matter}"

    @transition(field=status, source=Status.COMMITTED, target=Status.AWAITING_SUPPLEMENT)
    def await_supplement(self, *, due_on: datetime.date):
        self.supplement_due_on = due_on

    @transition(field=status, source=[Status.COMMITTED, Status.AWAITING_SUPPLEMENT], target=Status.VERIFYING)
    def start_verification(self):
        pass

    @transition(field=status, source=Status.VERIFYING, target=Status.FULFILLED)
    def fulfil(self):
        pass

    @transition(field=status, source=[Status.AWAITING_SUPPLEMENT, Status.VERIFYING], target=Status.BREACHED)
    def breach(self, *, record: "CreditRecord"):
        self.breach_record = record


class InterviewRecord(TimeStamped):
    """Minutes of a prompt or warning interview (约谈记录), as kept in the subject's credit file."""

    class Kind(models.TextChoices):
        PROMPT = "prompt", "提示约谈"
        WARNING = "warning", "警示约谈"

    subject = models.ForeignKey(Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="interviews")
    kind = models.CharField("约谈类型", max_length=8, choices=Kind.choices)
    department = models.ForeignKey(Department, verbose_name="约谈部门", on_delete=models.PROTECT, related_name="interviews")
    matter = models.CharField("约谈事由", max_length=200)
    held_at = models.DateTimeField("约谈时间")
    place = models.CharField("地点", max_length=100)
    attendees = models.TextField("参加人员")
    minutes = models.TextField("约谈内容")
    rectification = models.TextField("整改承诺", blank=True)
    rectification_due_on = models.DateField("整改期限", null=True, blank=True)
    rectified = models.BooleanField("已整改", null=True, blank=True)
    record = models.OneToOneField(CreditRecord, verbose_name="信用记录", null=True, blank=True, on_delete=models.PROTECT, related_name="interview")

    class Meta:
        verbose_name = "约谈记录"
        verbose_name_plural = "约谈记录"
        ordering = ["-held_at"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.subject.name}"


class JointAction(TimeStamped):
    """One joint reward or punishment measure applied to a subject (联合奖惩)."""

    class Kind(models.TextChoices):
        REWARD = "reward", "联合激励"
        PUNISHMENT = "punishment", "联合惩戒"

    subject = models.ForeignKey(Subject, verbose_name="信用主体", on_delete=models.PROTECT, related_name="joint_actions")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    list_entry = models.ForeignKey(ListEntry, verbose_name="依据名单", null=True, blank=True, on_delete=models.PROTECT, related_name="joint_actions")
    measure = models.CharField("措施", max_length=200)
    executing_department = models.ForeignKey(Department, verbose_name="执行部门", on_delete=models.PROTECT, related_name="joint_actions")
    executed_at = models.DateTimeField("执行时间")
    matter = models.CharField("事项", max_length=200)
    result = models.TextField("成效", blank=True)

    class Meta:
        verbose_name = "联合奖惩"
        verbose_name_plural = "联合奖惩"
        ordering = ["-executed_at"]
        indexes = [models.Index(fields=["executed_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.subject.name} {self.measure}"


# --- pushes to outside platforms --------------------------------------------------------------


class Platform(models.TextChoices):
    NATIONAL = "credit.mot", "信用交通网站"
    CREDITCHINA = "creditchina", "信用中国"
    PROVINCIAL = "provincial", "省信用平台"


class PlatformSync(TimeStamped):
    """One push of a result to an outside platform: recorded with the decision, sent after commit."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        DELIVERED = "delivered", "已送达"
        RETRYING = "retrying", "重试中"
        FAILED = "failed", "发送失败"

    platform = models.CharField("平台", max_length=16, choices=Platform.choices)
    event = models.CharField("事件", max_length=40)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    idempotency_key = models.CharField("幂等键", max_length=128, unique=True)
    payload = models.JSONField("内容", default=dict)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        verbose_name = "平台推送"
        verbose_name_plural = "平台推送"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_platform_display()} {self.event} {self.get_status_display()}"
