"""Signals about credit data that processes may act on (sent inside the writing transaction)."""

from django.dispatch import Signal

#: A penalty record's publication stopped by a successful repair.
#: kwargs: ``record``, ``case`` (the repair application), ``list_entries`` (the entries resting on it).
#: The list process connects here to start their removal (移出名单: 信用修复).
record_repaired = Signal()
