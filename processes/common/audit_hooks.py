"""Every case's decision goes into the audit trail (the audit app sits below the processes)."""

from django.dispatch import receiver

from audit.services import audit_record

from .signals import case_closed


@receiver(case_closed, dispatch_uid="audit_case_closed")
def record_decision(sender, case, result, reason="", department="", document=None, **kwargs):
    audit_record(
        action="decision",
        target=case,
        after={"result": result, "department": department, "document": getattr(document, "number", None)},
        reason=reason or "",
    )
