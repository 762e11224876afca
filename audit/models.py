import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除。")

    def pending(self):
        """Written with their business change, not yet chained."""
        return self.filter(seq__isnull=True)

    def _seal(self, *, pk: int, seq: int, prev_hash: str, hash: str) -> None:
        """The one change an entry ever gets: its place in the chain, once (``audit.services`` only)."""
        unsealed = self.filter(pk=pk, seq__isnull=True)
        sealed = models.QuerySet.update(unsealed, seq=seq, prev_hash=prev_hash, hash=hash)
        if sealed != 1:
            raise PermissionError(f"审计日志条目 {pk} 已封存，不能再次封存。")


class AuditEntry(models.Model):
    """One audited act. Written by ``audit.services.audit_record`` inside the business transaction
    with its content; ``seq``, ``prev_hash`` and ``hash`` are filled once, when the entry is sealed
    into the chain after that transaction commits. Otherwise never changed."""

    seq = models.PositiveBigIntegerField("序号", unique=True, null=True, blank=True)
    at = models.DateTimeField("时间")
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor_label = models.CharField("操作人", max_length=150)
    action = models.CharField("动作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, db_index=True)
    object_id = models.CharField("对象ID", max_length=64, db_index=True)
    before = models.JSONField("变更前", null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField("变更后", null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField("理由", blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64, null=True, blank=True)
    hash = models.CharField("哈希", max_length=64, unique=True, null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_entry_pending")]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"

    @property
    def sealed(self) -> bool:
        return self.seq is not None

    def __str__(self):
        return f"#{self.seq if self.sealed else '待封存'} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def canonical(self) -> str:
        """The hashed content: every field but the hash itself, keys sorted, fixed separators."""
        payload = {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除。")
