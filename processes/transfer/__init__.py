"""Cases transferred from the national sites (转办) and their results fed back (回传).

The national 信用交通 site (credit.mot) and 信用中国 (creditchina) transfer repair
(信用修复) and objection (异议) cases down to the bureau, then expect the result
back. Both directions follow ``/work/shared/contracts/national-transfer.md``:
HMAC-signed messages (``NATIONAL_SITE_SECRET``), a transfer is received once
whatever the retries (``Transfer.transfer_id`` is the idempotency key), the case
starts through the same services as a portal filing, and when it closes
(``processes.common.signals.case_closed``) the result is recorded as a
``credit.PlatformSync`` in the closing transaction and delivered at least once.

``delivery`` is the one sender of every ``PlatformSync`` (not only this
integration's): signed POST, back-off on network errors and 5xx, stop on 4xx,
a periodic sweep for rows whose dispatch was lost, a staff page to resend.
"""
