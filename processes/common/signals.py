"""Signals every process sends, so integrations can follow cases without importing processes."""

from django.dispatch import Signal

#: A case reached its end. Sent inside the transaction that closed it, so a receiver's
#: writes (e.g. the feedback to the national site) commit or roll back with the decision.
#: kwargs: ``case``, ``result`` (approved, rejected, corrected, withdrawn, upheld,
#: not_accepted; fulfilled, breached for a commitment), ``reason``, ``department`` (the deciding department's name),
#: ``decided_at``, ``document`` (the decisive ``documents.Document`` or None).
case_closed = Signal()
