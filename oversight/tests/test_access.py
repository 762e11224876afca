"""Who sees the oversight pages: the credit office and leaders everything, a section chief their department."""

import pytest
from django.urls import reverse

from oversight.services import record_stats_refresh

from .support import TODAY, at, department, freeze, seed_february

PAGES = [
    ("oversight:dashboard", []),
    ("oversight:publication_rate", []),
    ("oversight:data_quality", []),
    ("oversight:deadlines", ["overdue"]),
    ("oversight:monthly_report", ["2026-02"]),
]
PERIOD = {"from": "2026-02-01", "to": "2026-02-28"}


@pytest.fixture
def register(subject, monkeypatch):
    seed_february(subject)
    record_stats_refresh(today=TODAY)
    freeze(monkeypatch, at(TODAY))


@pytest.mark.parametrize("name, args", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, db, name, args):
    response = client.get(reverse(name, args=args))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name, args", PAGES)
def test_a_handler_may_not_look(client, people, register, name, args):
    client.force_login(people.handler)

    assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize("who", ["credit_clerk", "credit_reviewer", "leader", "other_leader"])
def test_credit_office_and_leaders_see_every_department(client, people, register, who):
    client.force_login(getattr(people, who))

    response = client.get(reverse("oversight:publication_rate"), PERIOD)

    assert response.status_code == 200
    assert response.context["filters"].department_id is None
    assert {row.department for row in response.context["rates"].by_department} == {"交通运输综合行政执法支队", "行政审批科"}
    assert "全部部门" in response.content.decode()


def test_a_section_chief_sees_only_their_department_even_when_asking_for_another(client, people, register):
    client.force_login(people.chief)

    for params in (PERIOD, {**PERIOD, "department": department("approval").pk}):
        response = client.get(reverse("oversight:publication_rate"), params)
        assert response.status_code == 200
        assert response.context["filters"].department_id == department("enforcement").pk
        assert [row.department for row in response.context["rates"].by_department] == ["交通运输综合行政执法支队"]
        page = response.content.decode()
        assert "交审许〔2026〕H号" not in page and "交执罚〔2026〕E号" in page
        assert "全部部门" not in page

    forced = client.get(reverse("oversight:dashboard"), {**PERIOD, "department": department("approval").pk})
    assert forced.context["filters"].forced and "已改为本部门" in forced.content.decode()


def test_the_credit_offices_section_chief_sees_all(client, people, register):
    # legal.reviewer reviews for 法规科, the credit office: everything, like the rest of the office.
    client.force_login(people.credit_reviewer)

    response = client.get(reverse("oversight:dashboard"), {**PERIOD, "department": department("approval").pk})

    assert response.context["filters"].department_id == department("approval").pk and not response.context["filters"].forced


def test_only_the_credit_office_and_leaders_refresh_the_figures(client, people, register):
    client.force_login(people.chief)
    assert client.post(reverse("oversight:refresh"), {"next": "/oversight/"}).status_code == 403

    client.force_login(people.leader)
    response = client.post(f"{reverse('oversight:refresh')}?from=2026-02-01&to=2026-02-28", {"next": "/oversight/publication-rate/"})
    assert response.status_code == 302 and response["Location"] == "/oversight/publication-rate/"
