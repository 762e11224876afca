"""The commitment's documents, read back from the PDFs the way a recipient reads them."""

import pytest
from django.utils import timezone

from .support import (
    BREACH,
    MATTER,
    RESULT,
    confirm,
    document,
    download,
    letter,
    next_working_days,
    pdf_text,
    register_at_counter,
    sign,
    submit_commitment,
    supply,
    verify_broken,
    verify_kept,
)


def downloaded_text(client, user, doc) -> str:
    response = download(client, user, doc)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return pdf_text(b"".join(response.streaming_content))


def test_commitment_letter_is_the_standard_format_with_the_missing_materials_and_due_date(client, people):
    due = next_working_days(timezone.localdate(), 15)
    case = register_at_counter(client, people.clerk, people.subject, due_on=due)

    response = letter(client, people.applicant, case)

    text = pdf_text(response.content)
    assert "信用承诺书" in text and f"格式文本{case.reference}" in text  # unnumbered: no 文号
    assert people.subject.name in text and people.subject.uscc in text
    assert f"就“{MATTER}”向" in text and "行政审批科作出容缺受理信用承诺" in text
    assert "所缺材料在补齐期限内补齐" in text  # the kind's standard promise
    assert f"以下容缺材料于{due.year}年{due.month}月{due.day}日前补齐：安全生产管理制度文本、专职安全管理人员证明" in text
    assert "书面、网上、现场或公示方式核查" in text and "记入信用记录并依法公示" in text
    assert "承诺人（签章）：张经办" in text and "签署后上传" in text


def test_letter_of_a_notification_commitment_carries_the_subjects_own_promise(client, people):
    case = submit_commitment(client, people.applicant, people.subject, kind="notification", materials=(), content="本单位承诺已取得道路运输经营所需的停车场地使用权。")

    text = pdf_text(letter(client, people.applicant, case).content)

    assert "告知承诺信用承诺" in text and "本单位承诺已取得道路运输经营所需的停车场地使用权。" in text
    assert "容缺材料" not in text
    assert f"承诺人（签章）：{people.applicant.full_name}" in text


def test_result_notice_names_the_commitment_the_method_and_the_finding(client, people):
    case = register_at_counter(client, people.clerk, people.subject)
    sign(client, people.applicant, case)
    supply(client, people.applicant, case)
    case = verify_kept(client, people.handler, case, method="written", finding="书面核查：补齐的材料齐全、真实。")
    notice = document(case, RESULT)

    text = downloaded_text(client, people.applicant, notice)

    assert notice.number == f"交审〔{timezone.localdate().year}〕1号" and notice.number in text
    assert "信用承诺核查结果通知书" in text and people.subject.name in text
    assert f"就“{MATTER}”事项作出的容缺受理信用承诺（案件编号{case.reference}）" in text
    assert "以书面核查方式核查了承诺履行情况" in text and "书面核查：补齐的材料齐全、真实。" in text
    assert "已履行信用承诺" in text and "记入你（单位）的信用档案" in text
    assert "国办发〔2019〕35号" in text


@pytest.mark.parametrize("severity, label", [("general", "一般"), ("serious", "严重")])
def test_breach_decision_states_severity_legal_basis_measures_and_remedy(client, people, severity, label):
    case = submit_commitment(client, people.applicant, people.subject, kind="notification", materials=(), signed=True)
    case = confirm(client, people.reviewer, verify_broken(client, people.handler, case, severity=severity, legal_basis="《交通运输行业信用管理办法》第十九条"))
    decision = document(case, BREACH)

    text = downloaded_text(client, people.applicant, decision)

    assert decision.number in text and decision.addressee == people.subject.name
    assert "违背信用承诺认定书" in text and "以现场核查方式核查了承诺履行情况" in text
    assert "现场核查发现企业未建立安全生产管理制度，与承诺不符。" in text
    assert f"认定你（单位）违背信用承诺，失信程度为{label}" in text and "认定依据：《交通运输行业信用管理办法》第十九条" in text
    assert "作为失信记录记入你（单位）的信用档案并依法公示" in text
    assert "后续处理：依法撤销道路货物运输经营许可" in text
    assert "可提出信用信息异议，或依法申请行政复议、提起行政诉讼" in text
    assert decision.verification_code in text


def test_anyone_can_verify_a_breach_decision_by_its_code(client, people):
    case = submit_commitment(client, people.applicant, people.subject, kind="public", materials=(), signed=True)
    case = confirm(client, people.reviewer, verify_broken(client, people.handler, case))
    decision = document(case, BREACH)

    client.logout()
    page = client.get(f"/documents/verify/{decision.verification_code}/").content.decode()

    assert decision.number in page and "违背信用承诺认定书" in page
