"""The documents the commitment process issues, built from the case (no writes of its own)."""

from django.utils import timezone

from credit.models import Commitment
from documents.rendering import DocumentContent, chinese_date, issuer_name, render_pdf
from documents.services import document_issue

from .models import CommitmentCase

LEGAL_BASIS = (
    "《国务院办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见》（国办发〔2019〕35号）"
    "《交通运输行业信用管理办法》及本局信用承诺管理规定"
)

#: The promise each kind of commitment makes, in the standard-format letter (格式文本).
STANDARD_PROMISES = {
    Commitment.Kind.TOLERANCE: "申请事项已具备主要条件，所缺材料在补齐期限内补齐，补齐前不以该事项从事相关经营活动；逾期未补齐或所补材料不符合要求的，自愿承担相应责任。",
    Commitment.Kind.NOTIFICATION: "已知悉办理该事项的全部条件、标准和要求，本单位（本人）符合上述条件，以承诺替代相关证明材料，所作承诺真实有效。",
    Commitment.Kind.PUBLIC: "自愿向社会公开作出信用承诺：依法诚信经营，遵守交通运输法律法规和标准规范，主动接受社会监督。",
    Commitment.Kind.SELF_DISCIPLINE: "遵守行业自律公约，诚信经营、公平竞争，不以不正当手段扰乱市场秩序，主动接受行业组织和社会监督。",
    Commitment.Kind.REPAIR: "已纠正失信行为、履行法定义务，今后不再发生同类失信行为；如违反承诺，自愿接受撤销信用修复决定、重新公示失信信息等处理。",
}


NUMERALS = "一二三四五六七八九十"


def standard_promise(kind: str) -> str:
    return STANDARD_PROMISES.get(kind, "")


def _matter_line(case: CommitmentCase) -> str:
    commitment = case.commitment
    return f"“{commitment.matter}”事项作出的{commitment.get_kind_display()}信用承诺（案件编号 {case.reference}）"


def _materials(commitment: Commitment) -> str:
    return "、".join(commitment.missing_materials)


def commitment_letter_pdf(*, case: CommitmentCase, signer: str = "") -> bytes:
    """The standard-format commitment letter (信用承诺书) for the subject to sign and upload (not numbered)."""
    commitment, subject = case.commitment, case.subject
    clauses = [
        "所提交的材料和所作说明真实、合法、有效，不存在虚假记载、误导性陈述或者重大遗漏；",
        commitment.content,
    ]
    if commitment.kind == Commitment.Kind.TOLERANCE and commitment.missing_materials:
        due = chinese_date(commitment.supplement_due_on) if commitment.supplement_due_on else "受理部门确定的期限"
        clauses.append(f"以下容缺材料于{due}前补齐：{_materials(commitment)}；")
    clauses += [
        "本承诺书依法公开，接受社会监督；受理部门可采取书面、网上、现场或公示方式核查承诺履行情况；",
        "如违背承诺，自愿接受认定为失信行为、记入信用记录并依法公示，以及撤销相关许可、依法予以处罚等处理，并承担相应法律责任。",
    ]
    body = [
        f"本单位（本人）{subject.name}，统一社会信用代码/身份证号码 {subject.code}，"
        f"就“{commitment.matter}”向{issuer_name(commitment.department)}作出{commitment.get_kind_display()}信用承诺，郑重承诺：",
        *(f"{NUMERALS[n]}、{clause}" for n, clause in enumerate(clauses)),
        f"承诺人（签章）：{signer or '__________'}        日期：____年__月__日",
    ]
    return render_pdf(
        DocumentContent(
            issuer=f"{subject.name}（承诺人）",
            number=f"格式文本 {case.reference}",
            title="信用承诺书",
            addressee=issuer_name(commitment.department),
            body=tuple(body),
            legal_basis=LEGAL_BASIS,
            issued_on=timezone.localdate(),
            verification_code="签署后上传",
            verification_url="信用主体门户",
        )
    )


def _issue(case: CommitmentCase, *, kind: str, title: str, body: list[str], by, legal_basis: str = LEGAL_BASIS):
    return document_issue(
        kind=kind, title=title, department=case.commitment.department, addressee=case.subject.name, body=body, legal_basis=legal_basis,
        subject=case.subject, case=case, issued_by=by,
    )


def _verification_line(case: CommitmentCase) -> str:
    return f"本机关于{chinese_date(timezone.localdate(case.verified_at))}以{case.get_verification_method_display()}方式核查了承诺履行情况。核查情况：{case.verification_finding}"


def issue_result_notice(*, case: CommitmentCase, by):
    """信用承诺核查结果通知书: the commitment was kept; it is recorded in the subject's credit file."""
    return _issue(
        case, kind="commitment_result", title="信用承诺核查结果通知书", by=by,
        body=[
            f"你（单位）于{chinese_date(case.commitment.committed_on)}就{_matter_line(case)}，经核查已履行。",
            _verification_line(case),
            "核查结论：已履行信用承诺。本机关将该履约情况记入你（单位）的信用档案。",
        ],
    )


def issue_breach_decision(*, case: CommitmentCase, by):
    """违背信用承诺认定书: the breach, its severity and legal basis; a dishonesty record follows."""
    body = [
        f"你（单位）于{chinese_date(case.commitment.committed_on)}就{_matter_line(case)}，经核查未履行承诺。",
        _verification_line(case),
    ]
    if case.supplement_overdue:
        body.append(f"你（单位）未在承诺期限（{chinese_date(case.commitment.supplement_due_on)}）内补齐容缺材料：{_materials(case.commitment)}。")
    body += [
        f"本机关认定你（单位）违背信用承诺，失信程度为{case.get_breach_severity_display()}。认定依据：{case.breach_legal_basis}",
        "本机关将该失信行为作为失信记录记入你（单位）的信用档案并依法公示，共享至信用交通网站、信用中国网站及省信用信息平台。",
    ]
    if case.breach_measures:
        body.append(f"后续处理：{case.breach_measures}")
    body.append("如对本认定不服，可提出信用信息异议，或依法申请行政复议、提起行政诉讼。")
    return _issue(case, kind="commitment_breach", title="违背信用承诺认定书", by=by, body=body, legal_basis=case.breach_legal_basis or LEGAL_BASIS)
