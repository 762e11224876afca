"""The documents an objection issues, read back from the PDFs the way a recipient reads them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from processes.objection.flows import ObjectionFlow

from .support import accept, act, approve, document, download, file_objection, pdf_text, propose

STATEMENT = "处罚决定书载明的违法日期与执法记录仪记录不符。"
REFERENCE_LINE = "行政处罚“未按规定携带道路运输证”（交执罚〔2026〕7号）"


def downloaded_text(client, user, doc) -> str:
    """What the subject's user reads in the PDF they download from the portal."""
    response = download(client, user, doc)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return pdf_text(b"".join(response.streaming_content))


@pytest.fixture
def accepted(client, people, record):
    return accept(client, people.clerk, file_objection(client, people.applicant, record, statement=STATEMENT))


def test_decision_on_a_correction_names_subject_number_outcome_changes_and_reason(client, people, accepted):
    objection = propose(
        client, people.handler, accepted, "corrected", reason="执法案卷中的处罚决定书文号为交执罚〔2026〕8号，原记录登记有误。",
        corrected_document_number="交执罚〔2026〕8号", corrected_decision_date="2026-01-05",
    )
    objection = approve(client, people.reviewer, objection)
    decision = document(objection, "信用信息异议处理决定书")

    text = downloaded_text(client, people.applicant, decision)

    assert decision.number == f"交法〔{timezone.localdate().year}〕3号"  # after the acceptance notice and the letter
    assert decision.number in text
    assert "信用信息异议处理决定书" in text and "法规科" in text
    assert f"{people.subject.name}：" in text  # the addressee
    assert f"你（单位）对{REFERENCE_LINE}提出的异议（案件编号{objection.reference}）" in text
    assert "会同交通运输综合行政执法支队进行了核查" in text
    assert "经核查，该记录部分内容有误，本机关决定予以更正，更正后的信息已替换原信息，原信息留档备查。" in text
    # the corrected fields by their Chinese names, with the new values
    assert "更正内容：" in text and "文号更正为“交执罚〔2026〕8号”" in text and "决定日期更正为“2026年1月5日”" in text
    assert "理由：执法案卷中的处罚决定书文号为交执罚〔2026〕8号，原记录登记有误。" in text
    assert "处理结果已同步至信用交通网站及省信用信息平台" in text
    assert f"验证码：{decision.verification_code}" in text


@pytest.mark.parametrize(
    ("outcome", "sentence"),
    [
        ("withdrawn", "经核查，该记录不应公示，本机关决定予以撤销，该记录即日起停止公示和共享。"),
        ("upheld", "经核查，该记录准确无误，本机关决定维持原记录，恢复正常公示。"),
    ],
)
def test_decision_states_the_outcome_and_its_reason(client, people, accepted, outcome, sentence):
    reason = {"withdrawn": "该处罚决定已于2026年1月20日被行政复议决定撤销。", "upheld": "经调取执法记录仪视频，违法事实清楚，记录无误。"}[outcome]
    objection = approve(client, people.reviewer, propose(client, people.handler, accepted, outcome, reason=reason))

    text = downloaded_text(client, people.applicant, document(objection, "信用信息异议处理决定书"))

    assert people.subject.name in text and objection.reference in text
    assert sentence in text
    assert f"理由：{reason}" in text
    assert "更正内容" not in text


def test_refusal_notice_gives_the_reason_and_the_remedy(client, people, record):
    objection = file_objection(client, people.applicant, record)
    reason = "该记录系其他行政机关作出，请向作出机关提出异议。"
    objection = act(client, people.clerk, objection, ObjectionFlow.intake, {"decision": "refuse", "reason": reason})
    notice = document(objection, "异议不予受理通知书")

    text = downloaded_text(client, people.applicant, notice)

    assert notice.number in text and f"{people.subject.name}：" in text
    assert f"对{REFERENCE_LINE}提出的异议申请（案件编号{objection.reference}）" in text
    assert f"经审查，本机关决定不予受理。理由如下：{reason}" in text
    assert "可依法申请行政复议或者提起行政诉讼" in text


def test_acceptance_notice_and_verification_letter(client, people, accepted):
    notice = document(accepted, "异议受理通知书")
    letter = document(accepted, "信用信息异议协查函")

    notice_text = downloaded_text(client, people.applicant, notice)
    assert notice.number in notice_text and f"{people.subject.name}：" in notice_text
    assert f"（案件编号{accepted.reference}，异议类型：信息错误），经审查，符合受理条件，本机关决定予以受理。" in notice_text
    assert "该信用记录标注为“异议处理中”" in notice_text

    letter_text = downloaded_text(client, people.clerk, letter)
    assert letter.number in letter_text and "交通运输综合行政执法支队：" in letter_text
    assert f"{people.subject.name}（{people.subject.uscc}）对你部门提供的{REFERENCE_LINE}提出异议" in letter_text
    assert f"陈述如下：{STATEMENT}" in letter_text
    assert "谁产生、谁负责" in letter_text


def test_supplement_notice_lists_what_to_supply_and_what_happens_if_not(client, people, record):
    objection = file_objection(client, people.applicant, record)
    due_on = timezone.localdate() + datetime.timedelta(days=7)
    objection = act(
        client, people.clerk, objection, ObjectionFlow.intake,
        {"decision": "supplement", "reason": "请补充加盖公章的异议申诉信用承诺书。", "due_on": due_on.isoformat()},
    )

    text = downloaded_text(client, people.applicant, document(objection, "补正材料通知书"))

    assert "材料不齐全，请补正以下材料：请补充加盖公章的异议申诉信用承诺书。" in text
    assert f"请于{due_on:%Y年%m月%d日}前通过信用主体门户提交。逾期未补正的，视为撤回异议申请。" in text


def test_anyone_can_verify_a_decision_by_its_code(client, people, accepted):
    objection = approve(client, people.reviewer, propose(client, people.handler, accepted, "upheld"))
    decision = document(objection, "信用信息异议处理决定书")
    client.logout()

    response = client.get(reverse("documents:verify", args=[decision.verification_code]))

    assert response.status_code == 200
    page = response.content.decode()
    assert decision.number in page and "信用信息异议处理决定书" in page
