"""The timeline every case page shows: who did what when, every decision and its reason."""

from django.contrib.contenttypes.models import ContentType

from .models import CaseEvent


def case_log(*, case, action: str, label: str, actor=None, actor_label: str = "", reason: str = "", visible_to_subject: bool = True, **data) -> CaseEvent:
    return CaseEvent.objects.create(
        content_type=ContentType.objects.get_for_model(case),
        object_id=str(case.pk),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label,
        action=action,
        label=label,
        reason=reason,
        visible_to_subject=visible_to_subject,
        data=data,
    )


def case_timeline(case, *, for_subject: bool = False):
    events = CaseEvent.objects.filter(content_type=ContentType.objects.get_for_model(case), object_id=str(case.pk)).select_related("actor")
    if for_subject:
        events = events.filter(visible_to_subject=True)
    return events
