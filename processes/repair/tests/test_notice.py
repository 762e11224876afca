"""The repair notice (信用修复告知书) staff serve with a penalty, and the commitment letter (信用承诺书)
the subject downloads to sign: what their text says."""

import datetime

import pytest
from django.urls import reverse

from credit import services as credit_services
from credit.models import Department
from documents.models import Document

from .support import D, download, make_penalty, pdf_text

NOTICE = "信用修复告知书"
ORDER_36 = "国家发展改革委令第36号（2026年4月1日起施行，废止第58号令）"
ORDER_58 = "国家发展改革委令第58号《失信行为纠正后的信用信息修复管理办法（试行）》"
RULES_22 = "2025年22号文（信用修复）"
RULES_2019 = "发改办财金〔2019〕527号（行政处罚信息信用修复）"


@pytest.fixture(autouse=True)
def _today(clock):
    clock(datetime.datetime(2026, 5, 11, 10, 0))


def issue_notice(client, user, record):
    client.force_login(user)
    return client.post(reverse("repair:repair_notice", args=[record.pk]))


@pytest.mark.parametrize(
    ("severity", "decided", "published", "sentence"),
    [
        pytest.param(
            "general", D(2026, 5, 1), D(2026, 5, 3),
            f"该处罚属一般失信行为，按{ORDER_36}，最短公示期3个月，履行义务后，最早可于2026年8月3日申请信用修复；公示期最长至2027年5月3日，届满自动停止公示。",
            id="order36-general-from-publication",
        ),
        pytest.param("minor", D(2026, 5, 6), D(2026, 5, 6), f"该处罚属轻微失信行为，按{ORDER_36}，履行行政处罚决定规定的义务后即可申请信用修复。", id="order36-minor"),
        pytest.param(
            "serious", D(2025, 4, 10), D(2025, 4, 14),
            f"该处罚属严重失信行为，按{RULES_22}，最短公示期12个月，履行义务后，最早可于2026年4月10日申请信用修复；公示期最长至2028年4月10日，届满自动停止公示。",
            id="22-serious-from-decision",
        ),
        pytest.param(
            "serious", D(2023, 6, 1), D(2023, 6, 5),
            f"该处罚属严重失信行为，按{ORDER_58}，最短公示期12个月，履行义务后，最早可于2024年6月1日申请信用修复；公示期最长至2026年6月1日，届满自动停止公示。",
            id="order58-serious",
        ),
        pytest.param(
            "serious", D(2020, 1, 15), D(2020, 1, 17),
            f"该处罚属严重失信行为，按{RULES_2019}，最短公示期6个月，履行义务后，最早可于2020年7月15日申请信用修复；公示期最长至2023年1月15日，届满自动停止公示。",
            id="2019-serious",
        ),
    ],
)
def test_repair_notice_states_the_earliest_repair_date_under_the_records_regime(client, people, severity, decided, published, sentence):
    record = make_penalty(people.subject, severity=severity, decision_date=decided, publish_on=published)

    response = issue_notice(client, people.handler, record)

    notice = Document.objects.get(title=NOTICE)
    assert response.status_code == 302 and response["Location"] == reverse("documents:download", args=[notice.pk])
    assert notice.number == "交执〔2026〕1号" and notice.department.code == "enforcement"
    assert notice.addressee == people.subject.name and notice.subject == people.subject
    text = pdf_text(b"".join(client.get(response["Location"]).streaming_content))
    assert NOTICE in text and "交执〔2026〕1号" in text and people.subject.name in text
    assert f"本机关于{decided.year}年{decided.month}月{decided.day}日对你（单位）作出行政处罚“未按规定携带道路运输证”（交执罚〔2026〕7号）" in text
    assert sentence in text
    assert "应提交履行义务的证明材料（缴款凭证、整改材料）和信用承诺书" in text
    # the subject receives it in the portal like any document addressed to it
    assert download(client, people.applicant, notice).status_code == 200


def test_the_credit_office_may_issue_the_notice_too(client, people, record):
    response = issue_notice(client, people.clerk, record)

    assert response.status_code == 302
    # issued in the name of the department that imposed the penalty
    assert Document.objects.get(title=NOTICE).department.code == "enforcement"


def test_no_repair_notice_for_a_record_other_than_a_penalty(client, people):
    licence = credit_services.record_create(
        subject=people.subject, source_department=Department.objects.get(code="enforcement"), kind="licence", title="道路运输经营许可",
        deciding_authority="市交通运输局", decision_date=D(2026, 1, 6), publish_on=D(2026, 1, 9),
    )

    response = issue_notice(client, people.handler, licence)

    assert response.status_code == 302 and response["Location"] == reverse("repair:staff_penalties")
    assert "只有行政处罚记录可以出具信用修复告知书" in client.get(response["Location"]).content.decode()
    assert not Document.objects.exists()


def test_a_department_uninvolved_in_the_record_cannot_issue_its_notice(client, people, record):
    assert issue_notice(client, people.outsider, record).status_code == 403
    assert issue_notice(client, people.applicant, record).status_code == 403
    assert not Document.objects.exists()


# --- the commitment letter ------------------------------------------------------------------------


def test_commitment_letter_for_the_subjects_own_record(client, people, record):
    client.force_login(people.applicant)

    response = client.get(reverse("repair:commitment_letter", args=[record.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "信用承诺书" in text and people.subject.name in text and people.subject.uscc in text
    assert "交执罚〔2026〕7号" in text and f"承诺人（签章）：{people.applicant.full_name}" in text
    assert "已全面履行行政处罚决定规定的义务" in text


def test_commitment_letter_of_another_subjects_record_is_not_found(client, people, record):
    client.force_login(people.stranger)
    assert client.get(reverse("repair:commitment_letter", args=[record.pk])).status_code == 404

    client.logout()
    response = client.get(reverse("repair:commitment_letter", args=[record.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_staff_find_a_penalty_by_document_number_and_issue_its_notice_from_the_list(client, people, record):
    client.force_login(people.handler)
    page = client.get(reverse("repair:staff_penalties"), {"q": record.document_number}).content.decode()
    assert record.title in page and reverse("repair:repair_notice", args=[record.pk]) in page

    response = client.post(reverse("repair:repair_notice", args=[record.pk]))

    notice = Document.objects.get(title=NOTICE)
    assert response.status_code == 302 and response["Location"] == reverse("documents:download", args=[notice.pk])
    assert people.subject.name in notice.addressee


def test_the_penalty_search_is_for_staff_only(client, people, record):
    client.force_login(people.applicant)
    assert client.get(reverse("repair:staff_penalties"), {"q": record.document_number}).status_code == 403
