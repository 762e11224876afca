"""The joint punishment check API (逢批必查) as a calling system uses it: its token, its answers, the log
staff search, and its refusals (401 token, 400 code, 429 rate)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from credit.models import Department, ListEntry
from processes.listing.models import CheckClient, CheckLog, token_digest
from processes.listing.services import check_client_create
from tests.factories import SubjectFactory, next_id_number

from .support import D, listed_entry, make_penalty

URL = "/api/v1/check/"
TOKEN = "test-token-licensing-0123456789abcdef"


@pytest.fixture
def caller(db):
    client, token = check_client_create(name="行政审批系统", system_kind=CheckClient.SystemKind.LICENSING, token=TOKEN, rate_limit_per_minute=5)
    return client


def api(token=TOKEN) -> APIClient:
    client = APIClient(REMOTE_ADDR="10.1.2.3")
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_answer_names_the_lists_their_measures_and_the_serious_records_still_published(people, record, caller):
    listed_entry(people, basis=record, measures=("限制参与交通运输工程招标投标", "加强日常监管"))
    focus = listed_entry(people, list_kind="focus", measures=("加强日常监管", "列为重点检查对象"))
    make_penalty(people.subject, severity="general", document_number="交执罚〔2026〕40号")  # not serious: not reported
    unpublished = make_penalty(people.subject, severity="serious", document_number="交执罚〔2026〕41号", publish_on=None)  # unpublished

    response = api().get(URL, {"code": people.subject.uscc.lower(), "matter": "道路货物运输经营许可"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == people.subject.uscc and body["found"] and body["on_list"]
    assert body["subject"]["name"] == people.subject.name
    assert [(item["kind"], item["designating_department"]) for item in body["lists"]] == [("black", "交通运输综合行政执法支队"), ("focus", "交通运输综合行政执法支队")]
    black = body["lists"][0]
    assert black["listed_on"] == "2026-06-15" and black["expires_on"] == "2027-06-30" and black["removal_pending"] is None
    assert body["measures"] == ["限制参与交通运输工程招标投标", "加强日常监管", "列为重点检查对象"]
    assert [r["document_number"] for r in body["serious_records"]] == ["交执罚〔2026〕31号"]
    assert body["serious_records"][0]["deciding_authority"] == "市交通运输综合行政执法支队"
    assert unpublished.document_number not in str(body) and focus.pk

    log = CheckLog.objects.get(pk=body["check_id"])
    assert log.client == caller and log.code == people.subject.uscc and log.subject == people.subject and log.on_list
    assert log.ip == "10.1.2.3" and log.matter == "道路货物运输经营许可"
    assert log.answer["serious_records"] == ["交执罚〔2026〕31号"] and [item["kind"] for item in log.answer["lists"]] == ["black", "focus"]


def test_post_by_id_number_and_a_subject_not_in_the_register(people, caller):
    driver = SubjectFactory(kind="natural_person", name="王师傅", uscc=None, id_number=next_id_number())
    listed_entry(people, subject=driver)

    body = api().post(URL, {"code": driver.id_number}, format="json").json()
    assert body["found"] and body["subject"]["kind"] == "natural_person" and body["lists"][0]["kind"] == "black"

    body = api().post(URL, {"code": "91350100M000100Y43"}, format="json").json()
    assert body == {**body, "found": False, "on_list": False, "lists": [], "measures": [], "serious_records": [], "subject": None}
    assert CheckLog.objects.filter(code="91350100M000100Y43", subject=None).count() == 1


def test_an_entry_whose_period_ended_no_longer_applies_and_a_pending_removal_is_said(people, record, caller, clock):
    entry = listed_entry(people, basis=record, expires_on=D(2026, 6, 30))
    from processes.listing import services

    clock(datetime.datetime(2026, 6, 30, 12, 0))
    services.removal_start(entry=entry, reason=ListEntry.RemovalReason.ERROR, statement="认定错误。", by=people.handler, uploads=[("证明.pdf", PDF, "evidence")])
    assert api().get(URL, {"code": people.subject.uscc}).json()["lists"][0]["removal_pending"] == "认定错误"
    clock(datetime.datetime(2026, 7, 1, 9, 0))
    body = api().get(URL, {"code": people.subject.uscc}).json()
    assert body["found"] and not body["on_list"] and body["lists"] == []


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_missing_unknown_or_disabled_token_is_refused_401_and_nothing_logged(people, caller):
    for client in (api(token=None), api(token="not-a-token")):
        response = client.get(URL, {"code": people.subject.uscc})
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
        assert "令牌" in response.json()["error"]
    caller.is_active = False
    caller.save()
    assert api().get(URL, {"code": people.subject.uscc}).status_code == 401
    client = APIClient()
    client.force_login(people.handler)  # a staff session is not a calling system
    assert client.get(URL, {"code": people.subject.uscc}).status_code == 401
    assert not CheckLog.objects.exists()


def test_malformed_code_is_refused_400_with_the_validators_message(caller):
    response = api().get(URL, {"code": "91350100M000100Y44"})
    assert response.status_code == 400
    assert response.json()["errors"]["code"] == ["统一社会信用代码校验位错误：第18位应为 3，实际为 4（GB 32100-2015）。"]
    response = api().get(URL, {"code": "110105194912310021"})
    assert response.status_code == 400 and "居民身份证号码校验位错误" in response.json()["errors"]["code"][0]
    assert api().get(URL).json()["errors"]["code"] == ["请提供要核查的统一社会信用代码或居民身份证号码（code）。"]
    assert not CheckLog.objects.exists()


def test_each_token_has_its_own_rate_limit_429_with_retry_after(people, caller):
    other, other_token = check_client_create(name="招标投标系统", system_kind=CheckClient.SystemKind.BIDDING, rate_limit_per_minute=5)
    for _ in range(caller.rate_limit_per_minute):
        assert api().get(URL, {"code": people.subject.uscc}).status_code == 200

    response = api().get(URL, {"code": people.subject.uscc})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60 and "每分钟调用上限（5次）" in response.json()["error"]
    assert api(other_token).get(URL, {"code": people.subject.uscc}).status_code == 200
    assert CheckLog.objects.filter(client=caller).count() == 5


def test_answer_takes_a_few_indexed_queries_however_many_entries_and_records(people, record, caller, django_assert_max_num_queries):
    listed_entry(people, basis=record)
    listed_entry(people, list_kind="focus")
    for n in range(10):
        make_penalty(people.subject, severity="serious", document_number=f"交执罚〔2026〕{100 + n}号")
    # token lookup, subject, its entries in force (department and pending removal joined), its serious records, the log row
    with django_assert_max_num_queries(5):
        body = api().get(URL, {"code": people.subject.uscc}).json()
    assert len(body["lists"]) == 2 and len(body["serious_records"]) == 11


def test_staff_search_the_log_by_caller_code_and_date(client, people, record, caller):
    other, other_token = check_client_create(name="政府采购系统", system_kind=CheckClient.SystemKind.PROCUREMENT)
    api().get(URL, {"code": people.subject.uscc})
    api(other_token).get(URL, {"code": people.other_subject.uscc})

    client.force_login(people.outsider)  # any staff member may search the log
    page = client.get(reverse("listing:check_log"), {"client": other.pk}).content.decode()
    assert people.other_subject.name in page and people.subject.name not in page
    page = client.get(reverse("listing:check_log"), {"code": people.subject.uscc.lower()}).content.decode()
    assert people.subject.name in page and "行政审批系统" in page and people.other_subject.name not in page
    assert people.subject.name not in client.get(reverse("listing:check_log"), {"date_from": "2026-06-16"}).content.decode()
    assert people.subject.name in client.get(reverse("listing:check_log"), {"date_from": "2026-06-15", "date_to": "2026-06-15"}).content.decode()

    client.force_login(people.applicant)
    assert client.get(reverse("listing:check_log")).status_code == 403


def test_create_check_client_prints_the_token_once_and_stores_only_its_digest(people):
    out = io.StringIO()
    call_command("create_check_client", "公路建设市场招投标系统", "--kind", "bidding", "--rate", "30", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    client = CheckClient.objects.get(name="公路建设市场招投标系统")
    assert client.token_hash == token_digest(token) and token not in client.token_hash and client.rate_limit_per_minute == 30
    assert api(token).get(URL, {"code": people.subject.uscc}).status_code == 200


def test_demo_token_is_seeded_only_in_debug(settings, people):
    from django.core.management.base import CommandError

    from processes.listing.management.commands.seed_demo_listing import DEMO_CHECK_TOKEN

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo_listing", stdout=io.StringIO())
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo_listing", stdout=out)
    call_command("seed_demo_listing", stdout=io.StringIO())  # again: nothing new
    assert DEMO_CHECK_TOKEN in out.getvalue() and CheckClient.objects.count() == 1
    assert api(DEMO_CHECK_TOKEN).get(URL, {"code": people.subject.uscc}).status_code == 200
    assert Department.objects.filter(code="approval").exists()
