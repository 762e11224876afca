"""Data quality: the share of qualified records (≥ 60 % of indicator fields filled) per department."""

import pytest
from django.urls import reverse

from credit.models import DEFAULT_INDICATORS, RecordKind
from oversight import selectors
from oversight.services import record_stats_refresh

from .support import D, at, department, freeze, record


@pytest.fixture
def march(subject):
    """Records decided in March 2026, filled to known shares (default indicator fields: penalty 14, licence 11, evaluation 5).

    执法支队: penalties 14/14 ✓, 9/14 = 64.3 % ✓, 8/14 = 57.1 % ✗, 0/14 ✗        → 2 of 4 = 50.0 %
    行政审批科: licences 11/11 ✓, 7/11 = 63.6 % ✓, 6/11 = 54.5 % ✗               → 2 of 3 = 66.7 %
    公路中心: evaluations 3/5 = 60 % ✓ (exactly the threshold), 2/5 = 40 % ✗      → 1 of 2 = 50.0 %
    All: 5 of 9 = 55.6 %. Least complete: 0/14, 2/5, 6/11, 8/14.
    """
    day = D(2026, 3, 16)
    made = {}
    for name, filled in (("p14", 14), ("p9", 9), ("p8", 8), ("p0", 0)):
        made[name] = record(subject, decided=day, published=day, filled=filled, number=f"交执罚〔2026〕{name}号")
    for name, filled in (("l11", 11), ("l7", 7), ("l6", 6)):
        made[name] = record(subject, kind=RecordKind.LICENCE, department_code="approval", decided=day, published=day, filled=filled, number=f"交审许〔2026〕{name}号")
    for name, filled in (("e3", 3), ("e2", 2)):
        made[name] = record(
            subject, kind=RecordKind.EVALUATION, department_code="highway-center", decided=day, published=day, filled=filled,
            number=f"交公路〔2026〕{name}号", title="公路施工企业信用评价", grade="A",
        )
    record_stats_refresh(today=D(2026, 4, 1))
    return made


def test_share_of_qualified_records_per_department(march):
    overall, rows = selectors.data_quality(start=D(2026, 3, 1), end=D(2026, 3, 31))

    shares = {row.department: (row.qualified, row.total) for row in rows}
    assert shares == {"交通运输综合行政执法支队": (2, 4), "行政审批科": (2, 3), "公路事业发展中心": (1, 2)}
    assert (overall.qualified, overall.total) == (5, 9)
    assert overall.share == pytest.approx(5 / 9)
    # Worst first.
    assert [row.department for row in rows][-1] == "行政审批科"


def test_worst_records_are_listed_with_the_fields_they_lack(march):
    worst = selectors.worst_records(start=D(2026, 3, 1), end=D(2026, 3, 31))

    assert [row["record"].pk for row in worst] == [march[name].pk for name in ("p0", "e2", "l6", "p8")]
    assert len(worst[0]["missing"]) == 14 and len(worst[1]["missing"]) == 3
    assert worst[3]["missing"] == list(DEFAULT_INDICATORS[RecordKind.PENALTY][8:])  # the last 6 of 14
    only_approval = selectors.worst_records(start=D(2026, 3, 1), end=D(2026, 3, 31), department_id=department("approval").pk)
    assert [row["record"].pk for row in only_approval] == [march["l6"].pk]


def test_data_quality_page(client, people, march, monkeypatch):
    freeze(monkeypatch, at(D(2026, 4, 1)))
    client.force_login(people.credit_reviewer)

    response = client.get(reverse("oversight:data_quality"), {"from": "2026-03-01", "to": "2026-03-31"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "55.6%" in page and "66.7%" in page and "50.0%" in page
    assert "交执罚〔2026〕p0号" in page and "交执罚〔2026〕p14号" not in page
