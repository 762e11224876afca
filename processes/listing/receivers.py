"""What the list process does when other processes reach a result (connected in ``apps.ready``)."""

from django.dispatch import receiver

from credit.signals import record_repaired
from processes.common.signals import case_closed
from processes.objection.models import Objection

from . import services


@receiver(record_repaired, dispatch_uid="listing.removal_on_repair")
def start_removal_on_repair(sender, record, case, list_entries, **kwargs):
    """移出名单（信用修复）: inside the repair's transaction, so the repair and the removal's start stand or fall together."""
    services.removals_start_for_repair(record=record, repair_case=case, list_entries=list_entries)


@receiver(case_closed, dispatch_uid="listing.objection_closed")
def designation_waits_no_more(sender, case, result, reason="", **kwargs):
    """An objection a designation waits for is closed: the leader decides, seeing its result."""
    if isinstance(case, Objection):
        services.listing_objection_closed(objection=case, result=result, reason=reason)
