"""Issuing official documents: one call numbers, renders, stores and records a document.

Processes call ``document_issue`` from inside their own service's transaction;
if that transaction rolls back, the number is given back with it (no gap).
"""

import datetime
import hashlib
import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from credit.models import Department, Subject

from .models import Document, DocumentSequence
from .rendering import content_for, document_font, render_pdf

# No 0/O, 1/I/L or U/V: a code read off paper and typed back must not be
# ambiguous. 29 symbols × 12 characters ≈ 58 bits: not guessable.
VERIFICATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
VERIFICATION_CODE_LENGTH = 12


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


def normalise_verification_code(text: str) -> str:
    """What a person typed (lower case, spaces, hyphens) → the stored form."""
    return "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())


def document_number(*, department: Department, year: int, sequence: int) -> str:
    """The document number (文号), e.g. ``交法〔2026〕17号``."""
    return f"{department.document_prefix}〔{year}〕{sequence}号"


def document_sequence_next(*, department: Department, year: int) -> int:
    """Take the next sequence number of ``department`` in ``year``.

    Must run inside the transaction that saves the document: the row stays
    locked (by the ``UPDATE``) until that transaction ends, so a concurrent
    issuer waits and then sees the new value, and a rollback gives the number
    back.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("document_sequence_next() must run inside the transaction that saves the document.")
    sequence = _sequence_increment(connection, department_id=department.pk, year=year)
    if sequence is None:
        # First document of the year: INSERT ... ON CONFLICT DO NOTHING. A
        # concurrent first issuer blocks here on the unique index until the
        # other transaction ends, then the increment below sees its row.
        DocumentSequence.objects.bulk_create([DocumentSequence(department=department, year=year, last_value=0)], ignore_conflicts=True)
        sequence = _sequence_increment(connection, department_id=department.pk, year=year)
    return sequence


def _sequence_increment(connection, *, department_id: int, year: int) -> int | None:
    """``last_value + 1``, stored and returned in one statement (None when there is no row yet).

    One round trip instead of ``SELECT ... FOR UPDATE`` then ``UPDATE``: the
    update's row lock is the same lock, held as long.
    """
    meta, quote = DocumentSequence._meta, connection.ops.quote_name
    column = quote(meta.get_field("last_value").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {column} = {column} + 1"
            f" WHERE {quote(meta.get_field('department').column)} = %s AND {quote(meta.get_field('year').column)} = %s"
            f" RETURNING {column}",
            [department_id, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@transaction.atomic
def document_issue(
    *,
    kind: str,
    title: str,
    department: Department,
    addressee: str,
    body: list[str],
    legal_basis: str = "",
    subject: Subject | None = None,
    case=None,
    issued_by=None,
    issued_on: datetime.date | None = None,
) -> Document:
    """Number, render and store an official document issued by ``department``.

    ``case`` is the process's case (any model) the document belongs to;
    ``subject`` is the credit subject whose portal users may download it.
    """
    if not department.document_prefix:
        raise ValueError(f"部门“{department}”未设置文号前缀，不能发文。")
    # Load the font before taking the sequence lock: a missing font fails with
    # nothing written, and the first load (reading the font file) is not done
    # while other issuers wait on the lock.
    document_font()
    issued_on = issued_on or timezone.localdate()
    year = issued_on.year
    sequence = document_sequence_next(department=department, year=year)
    document = Document(
        kind=kind,
        title=title,
        department=department,
        year=year,
        sequence=sequence,
        number=document_number(department=department, year=year, sequence=sequence),
        addressee=addressee,
        body=[str(paragraph) for paragraph in body],
        legal_basis=legal_basis,
        issued_on=issued_on,
        issued_by=issued_by,
        subject=subject,
        verification_code=new_verification_code(),
    )
    if case is not None:
        if case.pk is None:
            raise ValueError("文书所属案件尚未保存。")
        document.content_type = ContentType.objects.get_for_model(case)
        document.object_id = str(case.pk)

    pdf = render_pdf(content_for(document))
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.size = len(pdf)
    # The file is written before the row, and removed again if the row cannot
    # be saved. If the caller's transaction rolls back later, the file stays
    # behind unreferenced: harmless (named by a UUID nobody holds) and cheaper
    # than writing files after commit, when a failure would lose the PDF.
    document.file.save(f"{document.pk}.pdf", ContentFile(pdf), save=False)
    try:
        document.save(force_insert=True)
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document

