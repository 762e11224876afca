"""The listing and removal decisions, read back from the PDFs the subject downloads: subject, code, date,
reason, remedy and authority (列入决定) and subject, code, date, reason and authority (移出决定)."""

from django.urls import reverse

from documents.models import Document
from processes.listing.models import ListingCase, RemovalCase

from .support import LISTING_DECISION, PRE_NOTICE, REMOVAL_DECISION, leader_decides, listed_entry, pdf_text, propose, reviewer_decides, start_removal_page


def downloaded(client, user, case, title) -> tuple[Document, str]:
    document = Document.objects.for_case(case).get(title=title)
    client.force_login(user)
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return document, pdf_text(b"".join(response.streaming_content))


def test_listing_decision_names_subject_code_date_reason_remedy_and_authority(client, people, record):
    case = propose(client, people.handler, people.subject, basis=record)
    client.force_login(people.applicant)
    client.post(reverse("listing:portal_waive", args=[case.pk]))
    case = leader_decides(client, people.leader, case, reason="三次严重超限，符合认定标准第三条。")

    document, text = downloaded(client, people.applicant, case, LISTING_DECISION)

    assert document.department.code == "enforcement" and document.number == "交执〔2026〕2号"  # after the pre-notice
    for fragment in (
        document.number, "列入名单决定书", people.subject.name, f"统一社会信用代码：{people.subject.uscc}",
        "决定自2026年6月15日起将你（单位）列入严重失信主体（黑名单），有效期至2027年6月30日",
        "列入理由：2026年内三次严重超限超载运输，拒不整改。", "认定标准：", "惩戒措施：限制参与交通运输工程招标投标；加强日常监管，提高抽查比例",
        "救济途径：可依法申请行政复议或者提起行政诉讼。", "作出决定机关：交通运输综合行政执法支队", "决定日期：2026年6月15日",
        "你（单位）在异议期内未提出异议", "交执罚〔2026〕31号",
    ):
        assert fragment in text, fragment
    _, notice = downloaded(client, people.applicant, case, PRE_NOTICE)
    assert "陈述、申辩和提出异议的权利" in notice


def test_removal_decision_names_subject_code_date_reason_and_authority(client, people, record):
    entry = listed_entry(people, basis=record)
    start_removal_page(client, people.handler, entry, reason="court_ruling", statement="（2026）闽01行终88号行政判决撤销据以列入的处罚决定。")
    case = reviewer_decides(client, people.reviewer, RemovalCase.objects.get(entry=entry), reason="判决已生效，予以移出。")

    document, text = downloaded(client, people.applicant, case, REMOVAL_DECISION)

    for fragment in (
        document.number, "移出名单决定书", people.subject.name, f"统一社会信用代码：{people.subject.uscc}",
        "移出原因：司法裁判", "（2026）闽01行终88号行政判决撤销据以列入的处罚决定", "决定自2026年6月15日起将你（单位）移出严重失信主体（黑名单）",
        "作出决定机关：交通运输综合行政执法支队", "决定日期：2026年6月15日",
    ):
        assert fragment in text, fragment
    # staff of an uninvolved department may not download it; the subject's own users may
    client.force_login(people.outsider)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code in (403, 404)
    assert ListingCase.objects.get(entry=entry).status == ListingCase.Status.LISTED
