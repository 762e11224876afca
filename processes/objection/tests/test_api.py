"""The objection REST API, driven over HTTP only: every branch, and every refusal the pages make."""

import base64
import datetime
import io

import pytest
from django.core.management import call_command
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework.test import APIClient
from viewflow.workflow.exceptions import FlowLockFailed

from credit.models import CreditRecord, Department, RecordStatus
from credit.services import record_create
from processes.common.api import api_exception_handler
from processes.common.models import Material
from processes.objection.models import Objection
from tests.factories import make_staff, make_subject_user

# The package conftest gives each test its own MEDIA_ROOT; the test urlconf adds the shared task API.
pytestmark = [pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CASES = "/api/v1/objections/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def attachment(name="处罚决定书.pdf", content=PDF, kind=Material.Kind.DECISION_DOCUMENT, **extra):
    return {"name": name, "content_base64": b64(content), "kind": kind, **extra}


def published_penalty(subject, *, department="enforcement", number="交执罚〔2026〕0318号") -> CreditRecord:
    return record_create(
        subject=subject, kind="penalty", severity="general", source_department=Department.objects.get(code=department),
        title="超限超载运输", document_number=number, deciding_authority="交通运输综合行政执法支队",
        decision_date=datetime.date(2026, 10, 9), publish_on=datetime.date(2026, 10, 12),
    )


def file_objection(user, record, **overrides):
    body = {
        "record": record.pk, "grounds": "wrong", "statement": "处罚决定书文号登记有误，应为交执罚〔2026〕0319号。",
        "attachments": [attachment(), attachment("异议申诉信用承诺书.png", PNG, Material.Kind.OBJECTION_COMMITMENT_LETTER)],
        **overrides,
    }
    return client_for(user).post(CASES, body, format="json")


def queued_task(user, case_id: int, node: str) -> dict:
    answer = client_for(user).get("/api/v1/tasks/queue/")
    assert answer.status_code == 200, answer.json()
    matches = [t for t in answer.json()["results"] if t["case"] and t["case"]["id"] == str(case_id) and t["node"] == node]
    assert len(matches) == 1, answer.json()
    return matches[0]


def claim(user, task_id: int):
    return client_for(user).post(f"/api/v1/tasks/{task_id}/claim/")


def complete(user, case_id: int, task_id: int, body: dict):
    return client_for(user).post(f"{CASES}{case_id}/tasks/{task_id}/complete/", body, format="json")


def claim_and_complete(user, case_id: int, node: str, body: dict) -> dict:
    task = queued_task(user, case_id, node)
    assert claim(user, task["id"]).status_code == 200
    answer = complete(user, case_id, task["id"], body)
    assert answer.status_code == 200, answer.json()
    return answer.json()


@pytest.fixture
def actors():
    subject_user, subject = make_subject_user()
    return {
        "subject_user": subject_user,
        "subject": subject,
        "record": published_penalty(subject),
        "intake": make_staff("legal", "intake"),
        "handler": make_staff("enforcement", "handler"),
        "reviewer": make_staff("enforcement", "reviewer"),
    }


@pytest.fixture
def filed_case(actors):
    answer = file_objection(actors["subject_user"], actors["record"])
    assert answer.status_code == 201, answer.json()
    return {**actors, "case": answer.json()}


# --- the whole way through ----------------------------------------------------------------------------


def test_corrected_objection_walks_from_filing_to_decision_through_the_api(filed_case):
    case = filed_case["case"]
    case_id = case["id"]
    assert case["status"] == "filed" and case["status_label"] == "待受理"
    assert case["record"]["status"] == "under_objection" and case["record"]["status_label"] == "异议处理中"
    assert {m["kind"] for m in case["materials"]} == {"decision_document", "objection_commitment_letter"}
    assert case["tasks"] is None  # the subject does not see the staff's tasks

    # intake (法规科): the task is in the queue with its due date, claimed, then in the inbox
    task = queued_task(filed_case["intake"], case_id, "intake")
    assert task["process"] == "异议处理" and task["title"] == "受理审查" and task["case"]["reference"] == case["reference"]
    assert task["due_on"] and task["overdue"] is False and task["department"] == "法规科"
    claimed = claim(filed_case["intake"], task["id"]).json()
    assert claimed["status"] == "ASSIGNED" and claimed["owner"] == str(filed_case["intake"])
    inbox = client_for(filed_case["intake"]).get("/api/v1/tasks/inbox/").json()["results"]
    assert [t["id"] for t in inbox] == [task["id"]] and inbox[0]["complete_url"].endswith(f"/objections/{case_id}/tasks/{task['id']}/complete/")
    answer = complete(filed_case["intake"], case_id, task["id"], {"decision": "accept"})
    assert answer.status_code == 200 and answer.json()["status"] == "verifying"

    # the record's source department (谁产生、谁负责) verifies, its reviewer returns once
    changes = {"document_number": "交执罚〔2026〕0319号"}
    after = claim_and_complete(filed_case["handler"], case_id, "verify", {"outcome": "corrected", "reason": "文号登记错误。", "changes": changes})
    assert after["status"] == "reviewing" and after["verification"]["proposed_changes"] == changes
    after = claim_and_complete(filed_case["reviewer"], case_id, "review", {"decision": "return", "comment": "请补充决定日期的核对。"})
    assert after["status"] == "verifying" and after["verification"]["review_comment"] == "请补充决定日期的核对。"

    changes = {"document_number": "交执罚〔2026〕0319号", "decision_date": "2026-10-08"}
    claim_and_complete(
        filed_case["handler"], case_id, "verify",
        {"outcome": "corrected", "reason": "文号与决定日期均登记错误。", "changes": changes, "attachments": [attachment("原始决定书.pdf")]},
    )
    decided = claim_and_complete(filed_case["reviewer"], case_id, "review", {"decision": "approve", "comment": "同意。"})
    assert decided["status"] == "decided" and decided["outcome"] == "corrected" and decided["result_label"] == "予以更正"
    assert decided["tasks"] == []

    record = CreditRecord.objects.get(pk=filed_case["record"].pk)
    assert record.status == RecordStatus.CORRECTED
    assert record.document_number == "交执罚〔2026〕0319号" and record.decision_date == datetime.date(2026, 10, 8)

    # the subject sees the result, the documents, and only the events meant for it
    mine = client_for(filed_case["subject_user"]).get(f"{CASES}{case_id}/").json()
    assert mine["status_label"] == "已办结" and mine["outcome_label"] == "予以更正" and mine["outcome_reason"] == "文号与决定日期均登记错误。"
    assert mine["record"]["document_number"] == "交执罚〔2026〕0319号" and mine["record"]["status_label"] == "已更正"
    titles = [d["title"] for d in mine["documents"]]
    assert titles == ["异议受理通知书", "信用信息异议处理决定书"]  # the 协查函 between departments stays internal
    decision = mine["documents"][-1]
    assert decision["number"] and decision["verification_code"] and decision["verify_url"].endswith(f"/documents/verify/{decision['verification_code']}/")
    download = client_for(filed_case["subject_user"]).get(decision["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    actions = [e["action"] for e in mine["timeline"]]
    assert "filed" in actions and "accepted" in actions and "decided" in actions
    assert not {"proposed", "returned", "verification_sent"} & set(actions)
    assert mine["tasks"] is None and mine["verification"] is None
    staff_view = client_for(filed_case["reviewer"]).get(f"{CASES}{case_id}/").json()
    assert [e["action"] for e in staff_view["timeline"]].count("proposed") == 2 and "returned" in [e["action"] for e in staff_view["timeline"]]
    letter = next(d for d in staff_view["documents"] if d["title"] == "信用信息异议协查函")
    assert client_for(filed_case["reviewer"]).get(letter["download_url"]).status_code == 200

    listed = client_for(filed_case["subject_user"]).get(CASES).json()
    assert listed["count"] == 1 and listed["results"][0]["reference"] == case["reference"] and listed["results"][0]["status"] == "decided"


def test_refused_objection_returns_record_to_published(filed_case):
    case_id = filed_case["case"]["id"]
    task = queued_task(filed_case["intake"], case_id, "intake")
    claim(filed_case["intake"], task["id"])

    missing_reason = complete(filed_case["intake"], case_id, task["id"], {"decision": "refuse", "reason": "  "})
    assert missing_reason.status_code == 400 and missing_reason.json()["errors"] == {"reason": ["不予受理必须写明理由。"]}

    refused = complete(filed_case["intake"], case_id, task["id"], {"decision": "refuse", "reason": "该记录已于异议前更正。"})
    assert refused.status_code == 200
    assert refused.json()["status"] == "refused" and refused.json()["status_label"] == "不予受理"
    assert CreditRecord.objects.get(pk=filed_case["record"].pk).status == RecordStatus.PUBLISHED

    mine = client_for(filed_case["subject_user"]).get(f"{CASES}{case_id}/").json()
    assert mine["refusal_reason"] == "该记录已于异议前更正。"
    assert [d["title"] for d in mine["documents"]] == ["异议不予受理通知书"]
    assert client_for(filed_case["handler"]).get("/api/v1/tasks/queue/").json()["count"] == 0


def test_supplement_requested_then_supplied_returns_case_to_intake(filed_case):
    case_id = filed_case["case"]["id"]
    task = queued_task(filed_case["intake"], case_id, "intake")
    claim(filed_case["intake"], task["id"])
    due_on = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    asked = complete(filed_case["intake"], case_id, task["id"], {"decision": "supplement", "reason": "请补充复议决定书。", "due_on": due_on})
    assert asked.status_code == 200 and asked.json()["status"] == "supplement_requested"

    # only the subject's own users may supply: another subject's user does not even see the case, staff may not act
    stranger, _ = make_subject_user()
    assert client_for(stranger).post(f"{CASES}{case_id}/supply/", {"note": "补正"}, format="json").status_code == 404
    refused = client_for(filed_case["intake"]).post(f"{CASES}{case_id}/supply/", {"note": "补正"}, format="json")
    assert refused.status_code == 403 and refused.json() == {"error": "您无权代表该信用主体补正材料。"}
    empty = client_for(filed_case["subject_user"]).post(f"{CASES}{case_id}/supply/", {}, format="json")
    assert empty.status_code == 400 and empty.json()["errors"] == {"attachments": ["请上传补正材料或填写说明。"]}

    mine = client_for(filed_case["subject_user"]).get(f"{CASES}{case_id}/").json()
    assert mine["supplement_request"] == "请补充复议决定书。" and mine["supplement_due_on"] == due_on
    assert "补正材料通知书" in [d["title"] for d in mine["documents"]]

    # multipart, as a browser form would send it
    upload = io.BytesIO(PDF)
    upload.name = "复议决定书.pdf"
    supplied = client_for(filed_case["subject_user"]).post(
        f"{CASES}{case_id}/supply/", {"note": "已补充复议决定书。", "attachments": [upload]}, format="multipart",
    )
    assert supplied.status_code == 200, supplied.json()
    assert supplied.json()["status"] == "filed"
    assert any(m["kind"] == "supplement" and m["name"] == "复议决定书.pdf" for m in supplied.json()["materials"])

    again = client_for(filed_case["subject_user"]).post(f"{CASES}{case_id}/supply/", {"note": "再补充"}, format="json")
    assert again.status_code == 409 and again.json() == {"error": "该案件当前不需要补正材料。"}

    accepted = claim_and_complete(filed_case["intake"], case_id, "intake", {"decision": "accept"})
    assert accepted["status"] == "verifying"


# --- the API refuses what the pages refuse ----------------------------------------------------------------


def test_another_subjects_user_cannot_see_file_against_or_supply_the_case(filed_case):
    stranger, _ = make_subject_user()
    case_id = filed_case["case"]["id"]
    answer = client_for(stranger).get(f"{CASES}{case_id}/")
    assert answer.status_code == 404 and answer.json() == {"error": "没有该异议案件，或您无权查看。"}
    assert client_for(stranger).get(CASES).json()["count"] == 0
    other_record = published_penalty(filed_case["subject"], number="交执罚〔2026〕0400号")
    answer = file_objection(stranger, other_record)
    assert answer.status_code == 404 and answer.json() == {"error": "没有这条记录。"}
    assert client_for(stranger).post(f"{CASES}{case_id}/supply/", {"note": "x"}, format="json").status_code == 404


def test_uninvolved_department_neither_sees_nor_claims_the_task(filed_case):
    case_id = filed_case["case"]["id"]
    claim_and_complete(filed_case["intake"], case_id, "intake", {"decision": "accept"})
    verify = queued_task(filed_case["handler"], case_id, "verify")

    outsider = make_staff("transport", "handler")
    assert client_for(outsider).get("/api/v1/tasks/queue/").json()["count"] == 0
    answer = claim(outsider, verify["id"])
    assert answer.status_code == 403 and answer.json() == {"error": "您不在该任务所属部门的相应岗位，不能领取。"}
    assert client_for(outsider).get(f"{CASES}{case_id}/").status_code == 404
    assert client_for(outsider).get(CASES).json()["count"] == 0

    # the credit office's intake clerk sees the case but may not take the department's verification
    assert claim(filed_case["intake"], verify["id"]).status_code == 403
    # portal users have no workbench
    assert client_for(filed_case["subject_user"]).get("/api/v1/tasks/queue/").status_code == 403
    assert claim(filed_case["subject_user"], verify["id"]).status_code == 403
    answer = complete(filed_case["subject_user"], case_id, verify["id"], {"outcome": "withdrawn", "reason": "x"})
    assert answer.status_code == 403 and answer.json() == {"error": "仅限工作人员使用。"}


def test_completing_unclaimed_twice_or_someone_elses_task_is_refused(filed_case):
    case_id = filed_case["case"]["id"]
    task = queued_task(filed_case["intake"], case_id, "intake")

    unclaimed = complete(filed_case["intake"], case_id, task["id"], {"decision": "accept"})
    assert unclaimed.status_code == 409 and unclaimed.json() == {"error": "请先领取该任务。"}

    claim(filed_case["intake"], task["id"])
    colleague = make_staff("legal", "intake")
    assert claim(colleague, task["id"]).status_code == 409
    not_mine = complete(colleague, case_id, task["id"], {"decision": "accept"})
    assert not_mine.status_code == 403 and not_mine.json() == {"error": "该任务不是由您领取的，不能办理。"}

    assert complete(filed_case["intake"], case_id, task["id"], {"decision": "accept"}).status_code == 200
    twice = complete(filed_case["intake"], case_id, task["id"], {"decision": "accept"})
    assert twice.status_code == 409 and twice.json() == {"error": "该任务已办结或已取消。"}
    assert Objection.objects.get(pk=case_id).status == Objection.Status.VERIFYING
    assert client_for(filed_case["intake"]).get("/api/v1/tasks/inbox/").json()["count"] == 0


def test_release_puts_the_task_back_in_the_queue(filed_case):
    task = queued_task(filed_case["intake"], filed_case["case"]["id"], "intake")
    claim(filed_case["intake"], task["id"])
    colleague = make_staff("legal", "intake")
    assert client_for(colleague).post(f"/api/v1/tasks/{task['id']}/release/").status_code == 403
    released = client_for(filed_case["intake"]).post(f"/api/v1/tasks/{task['id']}/release/")
    assert released.status_code == 200 and released.json()["status"] == "NEW" and released.json()["owner"] is None
    assert client_for(filed_case["intake"]).post(f"/api/v1/tasks/{task['id']}/release/").status_code == 409
    assert claim(colleague, task["id"]).status_code == 200


def test_task_of_another_case_or_wrong_body_for_the_step(filed_case):
    case_id = filed_case["case"]["id"]
    other_user, other_subject = make_subject_user()
    other = file_objection(other_user, published_penalty(other_subject, number="交执罚〔2026〕0500号")).json()
    task = queued_task(filed_case["intake"], other["id"], "intake")
    claim(filed_case["intake"], task["id"])
    answer = complete(filed_case["intake"], case_id, task["id"], {"decision": "accept"})
    assert answer.status_code == 404 and answer.json() == {"error": "该异议案件没有这项任务。"}
    answer = complete(filed_case["intake"], other["id"], task["id"], {"decision": "approve"})
    assert answer.status_code == 400 and list(answer.json()["errors"]) == ["decision"]
    assert complete(filed_case["intake"], other["id"], 10**12, {"decision": "accept"}).status_code == 404


def test_verification_proposal_errors_come_back_per_field(filed_case):
    case_id = filed_case["case"]["id"]
    claim_and_complete(filed_case["intake"], case_id, "intake", {"decision": "accept"})
    task = queued_task(filed_case["handler"], case_id, "verify")
    claim(filed_case["handler"], task["id"])
    answer = complete(filed_case["handler"], case_id, task["id"], {"outcome": "corrected", "reason": "有误", "changes": {"decision_date": "10/08"}})
    assert answer.status_code == 400 and answer.json()["errors"] == {"changes.decision_date": ["日期格式应为 YYYY-MM-DD。"]}
    answer = complete(filed_case["handler"], case_id, task["id"], {"outcome": "corrected", "reason": "有误", "changes": {}})
    assert answer.status_code == 400 and answer.json()["errors"] == {"changes": ["更正时请至少填写一项更正后的内容。"]}
    assert Objection.objects.get(pk=case_id).status == Objection.Status.VERIFYING


# --- input that must never cause a 500 -------------------------------------------------------------------


def test_bad_attachments_are_all_listed_and_nothing_is_written(actors):
    oversize = PDF[:-6] + b" " * (5 * 1024 * 1024) + b"%%EOF\n"
    answer = file_objection(
        actors["subject_user"], actors["record"], statement="",
        attachments=[
            {"name": "a.pdf", "content_base64": "这不是base64!!", "kind": "decision_document"},
            attachment("病毒.pdf", b"MZ\x90\x00 this is an executable"),
            attachment("大文件.pdf", oversize),
            attachment("承诺书.png", PNG, kind="no_such_kind"),
        ],
    )
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {"statement", "attachments.0.content_base64", "attachments.1.content_base64", "attachments.2.content_base64", "attachments.3.kind"}
    assert errors["statement"] == ["请填写异议陈述：记录哪里有误、应当如何。"]
    assert "Base64" in errors["attachments.0.content_base64"][0]
    assert errors["attachments.1.content_base64"] == ["文件“病毒.pdf”不是 PDF、JPEG 或 PNG 文件（按文件内容识别，与扩展名无关）。"]
    assert errors["attachments.2.content_base64"] == ["文件“大文件.pdf”大小 5.0 MB，超过 5 MB 的上限。"]
    assert errors["attachments.3.kind"] == ["“no_such_kind” 不是合法选项。"]
    assert not Objection.objects.exists()
    assert CreditRecord.objects.get(pk=actors["record"].pk).status == RecordStatus.PUBLISHED


def test_a_file_near_the_size_limit_fits_in_a_json_body(actors):
    """5 MB of PDF is about 7 MB of base64: more than Django's default 2.5 MB for a request body."""
    big = PDF[:-6] + b" " * (5 * 1024 * 1024 - 1024) + b"%%EOF\n"
    answer = file_objection(actors["subject_user"], actors["record"], attachments=[attachment("整本案卷.pdf", big)])
    assert answer.status_code == 201, answer.json()
    assert answer.json()["materials"][0]["size"] == len(big)


def test_a_body_over_the_api_limit_is_refused_before_it_is_read(actors, settings):
    settings.API_MAX_JSON_BODY_BYTES = 2048
    answer = file_objection(actors["subject_user"], actors["record"], attachments=[attachment("a.pdf", PDF + b" " * 4096)])
    assert answer.status_code == 413 and answer.json() == {"error": "请求内容过大。"}
    assert not Objection.objects.exists()


def test_multipart_filing_checks_files_by_content(actors):
    fake = io.BytesIO(b"<html>not a pdf</html>")
    fake.name = "决定书.pdf"
    real = io.BytesIO(PDF)
    real.name = "决定书2.pdf"
    body = {"record": actors["record"].pk, "grounds": "wrong", "statement": "有误", "attachments": [real, fake], "attachment_kinds": ["decision_document"]}
    answer = client_for(actors["subject_user"]).post(CASES, body, format="multipart")
    assert answer.status_code == 400 and list(answer.json()["errors"]) == ["attachments.1"]

    real.seek(0)
    body["attachments"] = [real]
    answer = client_for(actors["subject_user"]).post(CASES, body, format="multipart")
    assert answer.status_code == 201, answer.json()
    assert [(m["name"], m["kind"]) for m in answer.json()["materials"]] == [("决定书2.pdf", "decision_document")]


def test_record_state_errors_come_from_the_service(filed_case):
    again = file_objection(filed_case["subject_user"], filed_case["record"], attachments=[])
    assert again.status_code == 400 and again.json()["errors"] == {"record": ["该记录已有正在处理的异议，请等待处理结果。"]}


@pytest.mark.parametrize(
    "body, content_type",
    [
        ('{"record": ', "application/json"),
        ("[1, 2]", "application/json"),
        ('{"record": "x", "grounds": "nonsense", "statement": 5, "attachments": "no"}', "application/json"),
        ('{"record": 99999999999999999999999, "grounds": "wrong", "statement": "x"}', "application/json"),
        ("record=1", "text/plain"),
        ('{"record": 1}', "application/json; charset=no-such-charset"),
        ("\xff\xfe", "application/json"),
        ("[" * 100000, "application/json"),
        ('{"record": NaN}', "application/json"),
    ],
)
def test_malformed_bodies_answer_json_errors(actors, body, content_type):
    answer = client_for(actors["subject_user"]).generic("POST", CASES, body, content_type=content_type)
    assert answer.status_code in (400, 415), answer.content
    assert answer["Content-Type"] == "application/json"
    assert answer.json().get("errors") or answer.json().get("error")
    assert not Objection.objects.exists()


def test_json_errors_are_in_chinese_and_nested_paths_are_flat(actors):
    client = client_for(actors["subject_user"])
    answer = client.generic("POST", CASES, '{"record": ', content_type="application/json")
    assert answer.json() == {"errors": {"non_field_errors": ["请求内容无法解析：不是有效的 JSON 或 multipart 表单。"]}}
    answer = client.post(CASES, {"record": actors["record"].pk, "grounds": "wrong", "statement": "x", "attachments": [1, {"name": "a.pdf"}]}, format="json")
    assert set(answer.json()["errors"]) == {"attachments.0", "attachments.1.content_base64"}


def test_unknown_ids_answer_404_and_list_filter_is_checked(actors):
    client = client_for(actors["subject_user"])
    assert client.get(f"{CASES}99999999999999999999/").status_code == 404
    assert client.post("/api/v1/tasks/99999999999999999999/claim/").status_code == 403  # no workbench for portal users
    assert client_for(actors["intake"]).post("/api/v1/tasks/99999999999/claim/").status_code == 404
    answer = client.get(CASES, {"status": "bogus"})
    assert answer.status_code == 400 and answer.json()["errors"] == {"status": ["状态“bogus”无效。"]}


def test_unauthenticated_requests_are_refused(filed_case):
    anonymous = client_for()
    for method, url in [("get", CASES), ("post", CASES), ("get", f"{CASES}{filed_case['case']['id']}/"), ("get", "/api/v1/tasks/inbox/"), ("post", "/api/v1/tasks/1/claim/")]:
        answer = getattr(anonymous, method)(url, format="json") if method == "post" else anonymous.get(url)
        assert answer.status_code == 403 and answer.json() == {"error": "身份认证信息未提供。"}
    assert Objection.objects.count() == 1


def test_staff_list_shows_the_cases_they_may_see(filed_case):
    assert client_for(filed_case["intake"]).get(CASES).json()["count"] == 1
    assert client_for(filed_case["handler"]).get(CASES, {"status": "filed"}).json()["count"] == 1
    assert client_for(filed_case["handler"]).get(CASES, {"status": "decided"}).json()["count"] == 0
    staff_view = client_for(filed_case["intake"]).get(f"{CASES}{filed_case['case']['id']}/").json()
    assert [t["node"] for t in staff_view["tasks"]] == ["intake"] and staff_view["tasks"][0]["owner"] is None


@pytest.mark.parametrize(
    "exc",
    [TransitionNotAllowed("Can't switch from state 'decided' using method 'decide'"), ConcurrentTransition("stale"), FlowLockFailed("busy")],
)
def test_state_races_answer_409_in_chinese(exc):
    answer = api_exception_handler(exc, {})
    assert answer.status_code == 409 and "switch" not in answer.data["error"] and answer.data["error"]


# --- the schema -----------------------------------------------------------------------------------------------


def test_openapi_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    assert "/api/v1/objections/{id}/tasks/{task_id}/complete/" in text and "/api/v1/tasks/queue/" in text


def test_schema_endpoint_serves(actors):
    answer = client_for(actors["intake"]).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert answer.status_code == 200 and "/api/v1/objections/{id}/supply/" in answer.json()["paths"]
    assert client_for(actors["intake"]).get("/api/docs/").status_code == 200


# --- lists at scale ------------------------------------------------------------------------------------


def _queries_for(path: str, user) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_task_lists_cost_the_same_queries_for_one_task_or_many(actors):
    """Cases and departments are loaded per page, not per task (no N+1 on the workbench or the queue API)."""
    assert file_objection(actors["subject_user"], actors["record"]).status_code == 201
    one = {path: _queries_for(path, actors["intake"]) for path in ("/api/v1/tasks/queue/", "/workbench/")}
    for n in range(6):
        record = published_penalty(actors["subject"], number=f"交执罚〔2026〕05{n:02d}号")
        assert file_objection(actors["subject_user"], record).status_code == 201
    assert client_for(actors["intake"]).get("/api/v1/tasks/queue/").json()["count"] == 7
    many = {path: _queries_for(path, actors["intake"]) for path in ("/api/v1/tasks/queue/", "/workbench/")}
    assert many == one


def test_workbench_queue_is_paged_in_due_date_order(actors, monkeypatch):
    from processes.common import workbench

    monkeypatch.setattr(workbench, "ROWS_PER_PAGE", 2)
    for n in range(3):
        record = published_penalty(actors["subject"], number=f"交执罚〔2026〕06{n:02d}号")
        assert file_objection(actors["subject_user"], record).status_code == 201
    client = client_for(actors["intake"])
    first = client.get("/workbench/").content.decode()
    assert "部门待领取（3）" in first and "第 1 / 2 页" in first and '?page=2">下一页' in first
    second = client.get("/workbench/?page=2").content.decode()
    assert "第 2 / 2 页" in second and '?page=1">上一页' in second
    assert second.count("领取</a>") == 1


def test_queue_walks_due_dates_then_undated_tasks_across_pages(actors):
    from processes.common.models import DepartmentTask, TaskDeadline
    from processes.common.workbench import DepartmentQueue

    for n in range(5):
        record = published_penalty(actors["subject"], number=f"交执罚〔2026〕07{n:02d}号")
        assert file_objection(actors["subject_user"], record).status_code == 201
    tasks = list(DepartmentTask.objects.filter(flow_task_type="HUMAN", status="NEW").order_by("pk"))
    due = [datetime.date(2026, 12, d) for d in (9, 3, 7, 1)]
    for task, day in zip(tasks, due):
        TaskDeadline.objects.filter(task=task).update(due_on=day)
    TaskDeadline.objects.filter(task=tasks[4]).delete()  # a step without a due date comes after the dated ones
    expected = [tasks[3].pk, tasks[1].pk, tasks[2].pk, tasks[0].pk, tasks[4].pk]

    queue = DepartmentQueue(actors["intake"])
    assert queue.count() == 5
    assert [t.pk for t in queue[0:2]] + [t.pk for t in queue[2:4]] + [t.pk for t in queue[4:6]] == expected
    assert [t.pk for t in DepartmentQueue(actors["intake"])[3:5]] == expected[3:]
    assert DepartmentQueue(actors["handler"]).count() == 0  # another department's queue


def test_a_finished_task_leaves_the_open_deadlines(filed_case):
    from processes.common.models import TaskDeadline

    task = queued_task(filed_case["intake"], filed_case["case"]["id"], "intake")
    assert TaskDeadline.objects.get(task_id=task["id"]).task_open
    assert claim(filed_case["intake"], task["id"]).status_code == 200
    assert TaskDeadline.objects.get(task_id=task["id"]).task_open  # claimed is still open
    answer = complete(filed_case["intake"], filed_case["case"]["id"], task["id"], {"decision": "accept"})
    assert answer.status_code == 200, answer.json()
    assert not TaskDeadline.objects.get(task_id=task["id"]).task_open
    assert TaskDeadline.objects.filter(task_open=True).count() == 1  # the next step's


def test_an_objection_is_filed_against_a_record_of_a_register_past_ten_million(actors):
    """The provisional reference once held a timestamp and the record's id: past 1,000,000
    records it outgrew its 32-character column and filing failed (found by bench/run)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('credit_creditrecord', 'id'), 12345678)")
    record = published_penalty(actors["subject"], number="交执罚〔2026〕0999号")
    assert record.pk > 12345678
    answer = file_objection(actors["subject_user"], record)
    assert answer.status_code == 201, answer.json()
    assert Objection.objects.get(pk=answer.json()["id"]).reference.startswith("YY")
