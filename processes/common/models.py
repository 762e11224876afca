"""What every process shares: department-scoped tasks, task deadlines, case timelines, materials.

Viewflow's open edition has no due dates on tasks and asks a permission only
(not "this role in this department"). ``DepartmentTask`` is the task class every
flow uses: its queue holds a task for the staff holding the task's role in the
task's department (谁产生、谁负责; 谁认定、谁约谈). ``TaskDeadline`` gives each
human task its due date in working days from the rule table.
"""

import hashlib
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from viewflow.workflow.managers import TaskQuerySet
from viewflow.workflow.models import Task

from credit.models import Department, Role, StaffRole

ROLE_PERMISSION_PREFIX = "credit.role_"


def role_permission(role: str) -> str:
    """The permission string a department-scoped task carries: ``credit.role_handler``."""
    return ROLE_PERMISSION_PREFIX + Role(role).value


def provisional_reference() -> str:
    """A case's reference until its row has an id to number it by: unique, and short enough for
    the 32-character column whatever the size of the register (a timestamp plus a record id
    was not, past 1,000,000 records)."""
    return f"pending-{uuid.uuid4().hex[:20]}"


def role_from_permission(permission: str) -> str | None:
    if permission and permission.startswith(ROLE_PERMISSION_PREFIX):
        return permission[len(ROLE_PERMISSION_PREFIX) :]
    return None


def department_task_filter(user, prefix: str = "") -> Q:
    """Tasks ``user`` may see in a queue: assigned to them, or for a role they hold in the task's department.

    ``prefix`` is the path to the task from another model (``"task__"`` from a ``TaskDeadline``).
    """
    return Q(**{f"{prefix}owner": user}) | role_task_filter(user, prefix)


def role_task_filter(user, prefix: str = "") -> Q:
    """Tasks held by a role ``user`` has in the task's department (whoever has claimed them)."""
    allowed = Q(pk__in=[])
    for role, department_id in StaffRole.objects.filter(user=user).values_list("role", "department_id"):
        allowed |= Q(**{f"{prefix}owner_permission": role_permission(role), f"{prefix}owner_permission_obj_pk": str(department_id)})
    return allowed


def user_sees_all_departments(user) -> bool:
    return user.is_superuser or StaffRole.objects.filter(user=user, role=Role.ADMIN).exists()


class DepartmentTaskQuerySet(TaskQuerySet):
    def user_queue(self, user, flow_class=None):
        """Viewflow's queue, limited to the departments and roles the user holds."""
        queryset = self.filter(flow_task_type="HUMAN")
        if flow_class is not None:
            queryset = queryset.filter(process__flow_class=flow_class)
        if not user_sees_all_departments(user):
            queryset = queryset.filter(department_task_filter(user))
        return queryset


class DepartmentTask(Task):
    """The task class of every flow here (``Flow.task_class``): same table, department-aware queue."""

    objects = DepartmentTaskQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "待办任务"
        verbose_name_plural = "待办任务"

    @property
    def department_pk(self) -> int | None:
        """The department whose role holds the task; None for a task no role holds."""
        pk = self.owner_permission_obj_pk
        return int(pk) if pk and str(pk).isdigit() and role_from_permission(self.owner_permission) else None

    @property
    def department(self) -> Department | None:
        if hasattr(self, "_prefetched_department"):  # set by deadlines.tasks_prefetch_cases
            return self._prefetched_department
        return Department.objects.filter(pk=self.department_pk).first() if self.department_pk else None

    @property
    def role(self) -> str | None:
        return role_from_permission(self.owner_permission)


class TaskDeadline(models.Model):
    """The due date of one human task, with the reminder and escalation already sent."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="deadline")
    rule_key = models.CharField("期限代码", max_length=64)
    working_days = models.PositiveSmallIntegerField("工作日数")
    due_on = models.DateField("办理期限")
    remind_on = models.DateField("提醒日期")
    provisional = models.BooleanField("暂定", default=False, help_text="超出已发布节假日安排，按周末推算。")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reminded_at = models.DateTimeField("已提醒", null=True, blank=True)
    escalated_at = models.DateTimeField("已督办", null=True, blank=True)
    extended_by_days = models.PositiveSmallIntegerField("延长工作日", default=0)
    # Kept by processes.common.receivers when the task ends: the department queues walk the open
    # deadlines in due-date order through the partial index below, not every deadline ever set.
    task_open = models.BooleanField("任务未办结", default=True, editable=False)

    class Meta:
        verbose_name = "办理期限"
        verbose_name_plural = "办理期限"
        indexes = [
            models.Index(fields=["due_on"]),
            models.Index(fields=["remind_on"]),
            models.Index(fields=["department", "due_on", "task"], condition=Q(task_open=True), name="taskdeadline_open_queue"),
        ]

    def __str__(self):
        return f"{self.task} 期限 {self.due_on}"


class CaseEvent(models.Model):
    """One line of a case's timeline: who did what when, with the decision and its reason."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    case = GenericForeignKey("content_type", "object_id")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField("经办", max_length=100, blank=True, help_text="无用户时的来源，如“系统”或“部级网站”。")
    action = models.CharField("动作", max_length=40)
    label = models.CharField("事项", max_length=200)
    reason = models.TextField("理由", blank=True)
    visible_to_subject = models.BooleanField("主体可见", default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.label}"

    @property
    def who(self) -> str:
        return str(self.actor) if self.actor_id else (self.actor_label or "系统")


def material_upload_to(instance, filename):
    # Stored under a random name: the subject's file name is kept in ``name`` only,
    # so no path or script in it ever reaches the file system.
    return f"materials/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class Material(models.Model):
    """A file a subject or staff member attached to a case (evidence, signed letters)."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", "证明材料"
        DECISION_DOCUMENT = "decision_document", "决定/撤销/复议/判决文书"
        COMMITMENT_LETTER = "commitment_letter", "信用承诺书"
        OBJECTION_COMMITMENT_LETTER = "objection_commitment_letter", "异议申诉信用承诺书"
        PERFORMANCE_PROOF = "performance_proof", "履行义务证明（缴款凭证、整改材料）"
        AUTHORISATION_LETTER = "authorisation_letter", "授权委托书/法定代表人身份证明"
        TRAINING_CERTIFICATE = "training_certificate", "信用修复培训证明"
        CREDIT_REPORT = "credit_report", "信用报告"
        VERIFICATION_EVIDENCE = "verification_evidence", "核查证据"
        SUPPLEMENT = "supplement", "补正材料"
        OTHER = "other", "其他"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    case = GenericForeignKey("content_type", "object_id")
    kind = models.CharField("材料类型", max_length=32, choices=Kind.choices, default=Kind.EVIDENCE)
    name = models.CharField("文件名", max_length=200)
    file = models.FileField("文件", upload_to=material_upload_to)
    mime_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "材料"
        verbose_name_plural = "材料"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.name

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(self.mime_type, "bin")

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()
