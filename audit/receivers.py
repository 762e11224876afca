"""Generic hooks: every FSM transition, every issued document (decisions: processes.common.apps)."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from .services import audit_record

REASON_FIELDS = ("reason", "refusal_reason", "decision_reason", "outcome_reason", "review_comment", "comment")


def _reason(instance, kwargs) -> str:
    for name in REASON_FIELDS:
        value = kwargs.get(name)
        if value:
            return str(value)
    for name in REASON_FIELDS:
        value = getattr(instance, name, None)
        if isinstance(value, str) and value:
            return value
    return ""


@receiver(post_transition, dispatch_uid="audit_state_change")
def record_transition(sender, instance, name, source, target, **kwargs):
    method_kwargs = kwargs.get("method_kwargs") or {}
    by = method_kwargs.get("by")
    audit_record(
        actor=by if getattr(by, "is_authenticated", False) else None,
        action="state_change",
        target=instance,
        before={"status": source},
        after={"status": target, "transition": name, **({"failed": True} if kwargs.get("exception") else {})},
        reason=_reason(instance, method_kwargs),
    )


@receiver(post_save, sender="documents.Document", dispatch_uid="audit_document_issued")
def record_document(sender, instance, created, **kwargs):
    if not created:
        return
    audit_record(
        action="document_issued",
        target=instance,
        after={"kind": instance.kind, "title": instance.title, "number": instance.number},
    )


def audit_personal_data_view(*, user, target, what: str = "", actor_label: str = "") -> None:
    """Someone saw a natural person's ID number or phone: who, which record, which page."""
    audit_record(
        actor=user, actor_label=actor_label, action="view_personal_data", target=target,
        after={"view": what} if what else None,
    )
