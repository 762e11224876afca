"""Writing the audit trail. ``audit_record`` is the only writer."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .context import current_actor
from .models import AuditEntry

GENESIS = "0" * 64
# Any constant: serialises appenders so each entry chains to the one before it.
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


def audit_record(*, actor=None, action: str, target, before=None, after=None, reason: str = "", actor_label: str = "") -> None:
    """Append one entry: ``actor`` defaults to the request's user (else 系统); ``actor_label``
    names a non-user actor (an API client).

    The entry is chained after the business transaction commits, in its own short
    transaction under an advisory lock: holding the chain lock for a whole business
    transaction would serialise every case and could deadlock with row locks taken
    after it. What a rolled-back transaction did is not recorded, as it never happened.
    """
    actor = actor if actor is not None else current_actor()
    actor_id, label = actor_fields(actor)
    actor_label = actor_label or label
    object_type, object_id = target_fields(target)
    fields = dict(
        at=timezone.now(), actor_id=actor_id, actor_label=actor_label[:150], action=action[:64],
        object_type=object_type[:100], object_id=object_id[:64], before=_json(before), after=_json(after),
        reason=str(reason or ""),
    )
    # robust: a failed append is logged (ERROR, django.db.backends.base) and must not stop the
    # other after-commit work (notifications, platform pushes) of a change already committed.
    transaction.on_commit(lambda: _append(fields), robust=True)


def _append(fields: dict) -> AuditEntry:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_KEY])
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        entry = AuditEntry(seq=seq, prev_hash=prev_hash, **fields)
        entry.hash = entry.compute_hash()
        entry.save()
        return entry


def audit_verify() -> tuple[int, AuditEntry | None, str]:
    """Walk the chain: (entries checked, first broken entry or None, what is wrong with it)."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return count, entry, f"序号不连续：应为 {expected_seq}，实为 {entry.seq}（之前的条目被删除）"
        if entry.prev_hash != prev_hash:
            return count, entry, "前一条哈希不符（之前的条目被修改或删除）"
        if entry.compute_hash() != entry.hash:
            return count, entry, "本条内容与哈希不符（本条被修改）"
        prev_hash, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    return count, None, ""
