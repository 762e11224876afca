"""``manage.py seed_demo``: demo data that can be loaded twice, and an admin that shows all of it."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse

from credit.models import CreditRecord, ListEntry, RuleVersion, Subject

pytestmark = pytest.mark.django_db

ADMIN_APPS = ("credit", "accounts")


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {model._meta.label: model.objects.count() for app in ADMIN_APPS for model in apps.get_app_config(app).get_models()}


def test_seed_demo_run_twice_creates_the_same_data_once():
    output = seed()
    first = counts()
    seed()
    assert counts() == first
    assert "admin" in output and "Demo-2026" in output

    assert Subject.objects.count() >= 50
    assert set(Subject.objects.values_list("kind", flat=True)) == {"legal_person", "individual_business", "natural_person"}
    assert {"penalty", "licence", "evaluation", "dishonesty"} <= set(CreditRecord.objects.values_list("kind", flat=True))
    assert ListEntry.objects.filter(status="listed").exists()
    assert first["credit.Commitment"] > 0 and first["credit.InterviewRecord"] > 0 and first["credit.JointAction"] > 0


def test_seeded_penalties_carry_their_regime_and_rule_dates():
    seed()
    penalties = CreditRecord.objects.filter(kind="penalty", status="published")
    assert penalties.exists()
    assert not penalties.filter(rule_version__isnull=True).exists()
    assert not penalties.filter(severity__in=["general", "serious"], publication_ends_on__isnull=True).exists()


def test_every_model_has_an_admin_changelist_the_demo_administrator_can_open(client):
    seed()
    registered = {model for model in admin.site._registry if model._meta.app_label in ADMIN_APPS}
    unregistered = {m for m in apps.get_app_config("credit").get_models()} - registered
    # Publication periods and deadlines belong to a regime: they are edited inline on its page.
    assert {m._meta.label for m in unregistered} == {"credit.PublicationPeriod", "credit.ProcessDeadline"}
    rule_version_inlines = {inline.model for inline in admin.site._registry[RuleVersion].inlines}
    assert unregistered <= rule_version_inlines

    # django-axes counts logins per request: Client.login() has none, so it is given an empty one.
    assert client.login(request=HttpRequest(), username="admin", password="Demo-2026")
    superuser = get_user_model().objects.get(username="admin")
    assert superuser.is_superuser

    answers = {}
    for model in registered:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        answers[model._meta.label] = client.get(url).status_code
    assert answers and all(code == 200 for code in answers.values()), answers
    # The changelists show the seeded data, not an empty page.
    assert "畅行恒达汽车维修有限公司03" in client.get("/admin/credit/subject/?q=畅行恒达").content.decode()
    order36 = RuleVersion.objects.get(code="2026-order36")
    page = client.get(reverse("admin:credit_ruleversion_change", args=[order36.pk]))
    assert page.status_code == 200
    assert "不公示或公示不超过3个月" in page.content.decode()  # its publication periods, inline
    assert "repair.decide" in page.content.decode()  # and its deadlines
