"""Audit trail (审计日志): who did what, when, to which object, before and after, and why.

Append-only and tamper-evident: each entry carries the SHA-256 of its own fields and of
the previous entry's hash, so an edited or deleted row breaks the chain from there on
(``manage.py audit_verify`` names the first broken entry). An entry is written inside the
business transaction it records and sealed into the chain just after that commits. A low layer: processes
import it, it imports no process.
"""
