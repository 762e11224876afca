"""A known data set for the oversight figures, with every expected number derived by hand.

The calendar is the official 2026 arrangement (loaded by the data migration):
Spring Festival holiday 2026-02-15 (Sun) … 02-23 (Mon); Saturdays 02-14 and
02-28 are make-up working days (调休上班). The 7-day allowance is the rule table's
``publication.double_public`` (7 working days in every seeded regime).
"""

import datetime
import io
import zoneinfo

from django.utils import timezone
from pypdf import PdfReader

from credit import services as credit_services
from credit.models import DEFAULT_INDICATORS, Department, RecordKind

D = datetime.date
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")

#: "Today" for the figures of February 2026: records still unpublished whose due date is before it are late.
TODAY = D(2026, 3, 9)


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING)


def freeze(monkeypatch, moment: datetime.datetime) -> None:
    """From now on it is ``moment`` for everything that asks Django for now or today."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def department(code: str) -> Department:
    return Department.objects.get(code=code)


def indicators(kind: str, filled: int) -> dict:
    """The first ``filled`` of the kind's default indicator fields, filled in."""
    return {key: f"值{n}" for n, key in enumerate(DEFAULT_INDICATORS[kind][:filled])}


def record(subject, *, kind=RecordKind.PENALTY, department_code="enforcement", decided, published=None, filled=None, number="", **fields):
    """A record made through ``credit.services`` like the data import does; all indicator fields filled unless told."""
    keys = len(DEFAULT_INDICATORS[kind])
    return credit_services.record_create(
        subject=subject, kind=kind, source_department=department(department_code),
        title=fields.pop("title", "超限超载运输" if kind == RecordKind.PENALTY else "道路运输经营许可"),
        document_number=number, deciding_authority="市交通运输局", decision_date=decided, publish_on=published,
        severity="general" if kind == RecordKind.PENALTY else "", indicators=indicators(kind, keys if filled is None else filled), **fields,
    )


def seed_february(subject):
    """Licences and penalties decided in February 2026 (and two in January), with hand-checked timeliness.

    执法支队 (enforcement), penalties:
      A 02-13 → published 02-24: on time. Working days after 02-13: 02-14 (Sat, 调休) = 1, 02-24 = 2.
      B 02-13 → published 03-02: on time, on the last day: 02-14 = 1, 02-24…02-27 = 2…5,
        02-28 (Sat, 调休) = 6, 03-02 = 7. (Monday–Friday without the holiday would make it 02-24.)
      C 02-13 → published 03-03: late (working day 8).
      D 02-06 → published 02-25: late only because of the 调休 Saturday: 02-09…02-13 = 1…5,
        02-14 = 6, 02-24 = 7 (due); 02-25 is day 8. Without the make-up day 02-25 would be day 7.
      E 02-10 → not published: due 02-26 (02-11, 12, 13, 14, 24, 25, 26), before TODAY → late, unpublished.
    行政审批科 (approval), licences:
      F 02-27 → published 03-09: on time, day 7 (02-28 调休 = 1, 03-02…03-06 = 2…6, 03-09 = 7).
      G 02-27 → not published: due 03-09 = TODAY, not yet past → pending, not counted.
      H 02-26 → published 03-09: late only because of the 调休 Saturday 02-28: 02-27 = 1,
        02-28 = 2, 03-02…03-06 = 3…7 (due 03-06). Without it 03-09 would be day 7.
    January (another month), enforcement licences: I, J 01-30 → published 02-02 (day 1): on time.

    February: enforcement 2 on time of 5 due → 40.0 %; approval 1 of 2 → 50.0 %; overall 3 of 7 → 42.9 %.
    January and February: enforcement 4 of 7 → 57.1 %; overall 5 of 9 → 55.6 %.
    """
    return {
        "A": record(subject, decided=D(2026, 2, 13), published=D(2026, 2, 24), number="交执罚〔2026〕A号"),
        "B": record(subject, decided=D(2026, 2, 13), published=D(2026, 3, 2), number="交执罚〔2026〕B号"),
        "C": record(subject, decided=D(2026, 2, 13), published=D(2026, 3, 3), number="交执罚〔2026〕C号"),
        "D": record(subject, decided=D(2026, 2, 6), published=D(2026, 2, 25), number="交执罚〔2026〕D号"),
        "E": record(subject, decided=D(2026, 2, 10), published=None, number="交执罚〔2026〕E号"),
        "F": record(subject, kind=RecordKind.LICENCE, department_code="approval", decided=D(2026, 2, 27), published=D(2026, 3, 9), number="交审许〔2026〕F号"),
        "G": record(subject, kind=RecordKind.LICENCE, department_code="approval", decided=D(2026, 2, 27), published=None, number="交审许〔2026〕G号"),
        "H": record(subject, kind=RecordKind.LICENCE, department_code="approval", decided=D(2026, 2, 26), published=D(2026, 3, 9), number="交审许〔2026〕H号"),
        "I": record(subject, kind=RecordKind.LICENCE, decided=D(2026, 1, 30), published=D(2026, 2, 2), number="交执许〔2026〕I号"),
        "J": record(subject, kind=RecordKind.LICENCE, decided=D(2026, 1, 30), published=D(2026, 2, 2), number="交执许〔2026〕J号"),
    }


def pdf_text(content: bytes) -> str:
    """The text pypdf reads out of a PDF, whitespace removed (Chinese lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join(page.extract_text() for page in reader.pages).split())
