import datetime
import io

import pytest
from pypdf import PdfReader

from documents import rendering
from documents.models import Document
from documents.rendering import DocumentContent, DocumentFontMissing, chinese_date, render_pdf
from tests.factories import SubjectFactory

from .conftest import DECISION_SENTENCE, issue_decision, pdf_text


def test_decision_text_is_readable_from_the_pdf(db):
    subject = SubjectFactory(name="广州市恒通货运有限公司")
    document = issue_decision(subject=subject)

    text = pdf_text(document)
    assert "市交通运输局法规科" in text
    assert "广州市恒通货运有限公司：" in text
    assert document.number == "交法〔2026〕1号"
    assert "交法〔2026〕1号" in text
    assert "异议处理决定书" in text
    assert DECISION_SENTENCE in text
    assert "依据" in text
    assert "2026年11月21日" in text


def test_footer_carries_verification_code_and_address(db):
    document = issue_decision()

    text = pdf_text(document)
    assert f"验证码：{document.verification_code}" in text
    assert f"https://credit.example.gov.cn/documents/verify/{document.verification_code}/" in text


def test_one_page_decision_is_small(db):
    document = issue_decision(subject=SubjectFactory())

    with document.file.open("rb") as f:
        data = f.read()
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert document.size == len(data) < 40 * 1024


def test_stored_sha256_is_the_files(db):
    import hashlib

    document = issue_decision()

    with document.file.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == document.sha256


def test_markup_in_text_is_printed_literally(db):
    document = issue_decision(addressee="A&B <运输> 公司", body=["金额 <b>1000</b> 元 & 滞纳金"])

    text = pdf_text(document)
    assert "A&B<运输>公司：" in text
    assert "金额<b>1000</b>元&滞纳金" in text


def test_long_document_runs_onto_further_pages_with_footer_on_each(db):
    document = issue_decision(body=["本段用于测试分页，内容较长。" * 40] * 6)

    with document.file.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert document.verification_code in page.extract_text()


def test_missing_font_names_path_package_and_setting(db, settings):
    settings.DOCUMENT_FONT_PATH = "/nonexistent/fonts/cjk.ttc"

    with pytest.raises(DocumentFontMissing) as excinfo:
        issue_decision()

    message = str(excinfo.value)
    assert "/nonexistent/fonts/cjk.ttc" in message
    assert "fonts-wqy-microhei" in message
    assert "DOCUMENT_FONT_PATH" in message
    assert not Document.objects.exists()


def test_font_is_registered_once_per_process(settings):
    name = rendering.document_font()
    assert rendering.document_font() == name
    assert rendering.document_font(settings.DOCUMENT_FONT_PATH) == name


def test_rendering_needs_no_database():
    pdf = render_pdf(
        DocumentContent(
            issuer="市交通运输局运管科",
            number="交运〔2026〕3号",
            title="约谈通知书",
            addressee="某某客运有限公司",
            body=("请你单位于2026年12月1日上午9时到本局接受提示约谈。",),
            legal_basis="",
            issued_on=datetime.date(2026, 11, 21),
            verification_code="ABCDEFGHJKMN",
            verification_url="https://example/verify/ABCDEFGHJKMN/",
        )
    )
    assert pdf.startswith(b"%PDF-")
    text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "请你单位于2026年12月1日上午9时到本局接受提示约谈。" in text


def test_dates_are_written_the_chinese_way():
    assert chinese_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    assert chinese_date(datetime.date(2026, 11, 21)) == "2026年11月21日"


def test_chinese_closing_punctuation_never_starts_a_line():
    from reportlab.lib.textsplit import wordSplit

    font = rendering.document_font()
    # (Two marks in a row, like "》，", can still leave the second at a line
    # start: reportlab hangs one character only.)
    text = "根据《交通运输行业信用管理办法》第十条，本机关决定：予以更正；特此通知。" * 3
    for width in range(60, 400, 7):
        lines = [line for _, line in wordSplit(text, width, font, 15)]
        assert "".join(lines) == text
        assert not any(line[0] in "，；：》。" for line in lines[1:]), (width, lines)


def test_font_that_is_not_truetype_is_reported(settings, tmp_path):
    not_a_font = tmp_path / "fake.ttc"
    not_a_font.write_bytes(b"this is not a font")
    settings.DOCUMENT_FONT_PATH = str(not_a_font)

    with pytest.raises(DocumentFontMissing, match="TrueType"):
        rendering.document_font()
