"""The transfer integration follows cases through signals only: no process imports it."""

from django.dispatch import receiver

from processes.common.signals import case_closed

from . import services


@receiver(case_closed, dispatch_uid="transfer.feed_back_result")
def feed_back_result(sender, *, case, result, reason="", department="", decided_at=None, document=None, **kwargs):
    """A transferred case ended: record its result for the national site in the same transaction."""
    transfer = services.transfer_for_case(case)
    if transfer is None:
        return
    services.transfer_feedback_queue(
        transfer=transfer, case=case, result=result, reason=reason, department=department, decided_at=decided_at, document=document
    )
