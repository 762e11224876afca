"""Helpers for the credit tests: records are made through ``credit.services``."""

import datetime

import pytest

from credit import services
from credit.models import Department
from tests.factories import SubjectFactory


@pytest.fixture
def make_record(db):
    """``make_record(kind="penalty", severity="general", decision_date=..., publish_on=...)`` via ``record_create``."""

    def make(*, kind="penalty", severity=None, decision_date=datetime.date(2025, 6, 10), publish_on=None, **fields):
        if severity is None:
            severity = "general" if kind == "penalty" else ""
        fields.setdefault("subject", SubjectFactory())
        fields.setdefault("source_department", Department.objects.get(code="enforcement"))
        fields.setdefault("title", "超限超载运输")
        fields.setdefault("document_number", "交执罚〔2025〕1号")
        fields.setdefault("deciding_authority", "交通运输综合行政执法支队")
        return services.record_create(kind=kind, severity=severity, decision_date=decision_date, publish_on=publish_on, **fields)

    return make
