"""Writing the audit trail. ``audit_record`` is the only writer; ``audit_seal_pending`` chains what it wrote."""

import datetime
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .context import current_actor
from .models import AuditEntry

GENESIS = "0" * 64
# Any constant: serialises sealers so each entry chains to the one sealed before it.
_ADVISORY_KEY = 0x61756469  # "audi"
SYSTEM_LABEL = "系统"


def _json(value):
    """What the JSON column gives back, so the hash computed now matches the one verified later."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def actor_fields(actor) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, SYSTEM_LABEL if actor is None else "匿名"
    label = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return actor.pk, f"{actor.get_username()}" + (f"（{label}）" if label else "")


def target_fields(target) -> tuple[str, str]:
    if isinstance(target, tuple):
        return target[0], str(target[1])
    meta = target._meta
    return f"{meta.app_label}.{meta.model_name}", str(target.pk if target.pk is not None else "")


def audit_record(*, actor=None, action: str, target, before=None, after=None, reason: str = "", actor_label: str = "") -> AuditEntry:
    """Write one entry: ``actor`` defaults to the request's user (else 系统); ``actor_label``
    names a non-user actor (an API client).

    The entry is inserted now, inside the caller's transaction, so it commits or rolls back
    with the change it records: a change whose entry cannot be written does not happen. It is
    inserted unsealed (no ``seq``, ``prev_hash``, ``hash``) and chained after the transaction
    commits by ``audit_seal_pending``: taking the chain lock here would hold it for the whole
    business transaction, serialising every case and risking deadlocks with the row locks
    taken after it. An entry left unsealed (a crash between commit and sealing) is sealed by
    the periodic sweep and reported by ``audit_verify`` if it stays so.
    """
    actor = actor if actor is not None else current_actor()
    actor_id, label = actor_fields(actor)
    actor_label = actor_label or label
    object_type, object_id = target_fields(target)
    entry = AuditEntry.objects.create(
        at=timezone.now(), actor_id=actor_id, actor_label=actor_label[:150], action=action[:64],
        object_type=object_type[:100], object_id=object_id[:64], before=_json(before), after=_json(after),
        reason=str(reason or ""),
    )
    _seal_after_commit()
    return entry


def _seal_after_commit() -> None:
    """One sealing run per transaction, however many entries it wrote."""
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(func is _seal_committed for _sids, func, _robust in conn.run_on_commit):
        return
    # robust: a failed sealing is logged (ERROR, django.db.backends.base) and must not stop the
    # other after-commit work (notifications, platform pushes); the entries wait for the sweep.
    transaction.on_commit(_seal_committed, robust=True)


def _seal_committed() -> None:
    audit_seal_pending()


SEAL_BATCH = 500


def audit_seal_pending(*, batch: int = SEAL_BATCH) -> int:
    """Chain every committed, unsealed entry, oldest insert first; the number sealed.

    Each batch is one short transaction under the advisory lock, so sealers (the after-commit
    run of each business transaction, the sweep) take turns and each entry is chained after
    the one sealed before it. Entries of transactions still open are not visible and wait
    for their own transaction's run.
    """
    total = 0
    while True:
        sealed = _seal_batch(batch)
        total += sealed
        if sealed < batch:
            return total


def _seal_batch(batch: int) -> int:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_KEY])
        pending = list(AuditEntry.objects.pending().order_by("id")[:batch])
        if not pending:
            return 0
        last = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        for entry in pending:
            entry.seq, entry.prev_hash = seq, prev_hash
            entry.hash = entry.compute_hash()
            AuditEntry.objects.all()._seal(pk=entry.pk, seq=entry.seq, prev_hash=entry.prev_hash, hash=entry.hash)
            seq, prev_hash = seq + 1, entry.hash
        return len(pending)


@dataclass
class Verification:
    """What ``audit_verify`` found: the sealed entries intact before the first broken one, and the
    entries still unsealed after the grace period."""

    count: int
    broken: AuditEntry | None = None
    problem: str = ""
    pending: int = 0
    stale_pending: int = 0
    oldest_pending: AuditEntry | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.stale_pending


def audit_verify(*, pending_grace: datetime.timedelta | None = None) -> Verification:
    """Walk the chain and name the first broken entry; count entries left unsealed longer than
    ``pending_grace`` (default ``settings.AUDIT_SEAL_GRACE_SECONDS``): an act recorded but never
    chained means sealing has stopped, and such an entry could be altered unnoticed."""
    result = Verification(count=0)
    prev_hash, expected_seq = GENESIS, 1
    for entry in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            result.broken, result.problem = entry, f"序号不连续：应为 {expected_seq}，实为 {entry.seq}（之前的条目被删除）"
            break
        if entry.prev_hash != prev_hash:
            result.broken, result.problem = entry, "前一条哈希不符（之前的条目被修改或删除）"
            break
        if entry.compute_hash() != entry.hash:
            result.broken, result.problem = entry, "本条内容与哈希不符（本条被修改）"
            break
        prev_hash, expected_seq, result.count = entry.hash, expected_seq + 1, result.count + 1
    if pending_grace is None:
        pending_grace = datetime.timedelta(seconds=settings.AUDIT_SEAL_GRACE_SECONDS)
    result.pending = AuditEntry.objects.pending().count()
    stale = AuditEntry.objects.pending().filter(at__lt=timezone.now() - pending_grace).order_by("id")
    result.stale_pending = stale.count()
    result.oldest_pending = stale.first() if result.stale_pending else None
    return result
