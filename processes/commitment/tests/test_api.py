"""The commitment REST API, driven over HTTP only: every branch, and every refusal the pages make."""

import base64
import datetime
import io

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from credit.models import Commitment, CreditRecord, RecordKind
from processes.commitment import services
from processes.commitment.models import CommitmentCase
from processes.common.models import Material
from tests.factories import make_staff, make_subject_user

pytestmark = [pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CASES = "/api/v1/commitments/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def attachment(name="信用承诺书（已签署）.pdf", content=PDF, **extra):
    return {"name": name, "content_base64": base64.b64encode(content).decode(), **extra}


def create(user, subject, **overrides):
    body = {
        "subject": subject.pk, "kind": "tolerance", "matter": "道路旅客运输经营许可",
        "missing_materials": ["客运车辆技术等级评定证明", "驾驶人从业资格证复印件"], **overrides,
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


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def actors():
    subject_user, subject = make_subject_user()
    stranger, other_subject = make_subject_user()
    return {
        "subject_user": subject_user, "subject": subject, "stranger": stranger, "other_subject": other_subject,
        "clerk": make_staff("approval", "intake"), "handler": make_staff("approval", "handler"), "reviewer": make_staff("approval", "reviewer"),
        "outsider": make_staff("transport", "handler"),
    }


# --- the whole way through ----------------------------------------------------------------------------


def test_tolerance_commitment_walks_from_submission_to_fulfilment_through_the_api(actors):
    answer = create(actors["subject_user"], actors["subject"])
    assert answer.status_code == 201, answer.json()
    case = answer.json()
    case_id = case["id"]
    assert case["status"] == "signing" and case["channel"] == "portal" and case["published_at"] is None
    assert case["commitment"]["kind_label"] == "容缺受理" and case["commitment"]["department"] == "行政审批科"
    assert case["commitment"]["missing_materials"] == ["客运车辆技术等级评定证明", "驾驶人从业资格证复印件"]
    assert case["commitment"]["supplement_due_on"] and case["commitment"]["status"] == "committed"
    assert case["tasks"] is None and case["verification"] is None
    letter = client_for(actors["subject_user"]).get(case["letter_url"])
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"

    signed = client_for(actors["subject_user"]).post(f"{CASES}{case_id}/signed-letter/", {"attachments": [attachment()]}, format="json")
    assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == "awaiting_supplement" and signed.json()["published_at"]
    assert [m["kind"] for m in signed.json()["materials"]] == ["commitment_letter"]

    # multipart, as a browser form would send it
    upload = io.BytesIO(PDF)
    upload.name = "客运车辆技术等级评定证明.pdf"
    supplied = client_for(actors["subject_user"]).post(f"{CASES}{case_id}/supply/", {"note": "已补齐。", "attachments": [upload]}, format="multipart")
    assert supplied.status_code == 200, supplied.json()
    assert supplied.json()["status"] == "verifying" and supplied.json()["commitment"]["status"] == "verifying"

    task = queued_task(actors["handler"], case_id, "verify")
    assert task["process"] == "信用承诺" and task["department"] == "行政审批科" and task["due_on"]
    fulfilled = claim_and_complete(
        actors["handler"], case_id, "verify",
        {"method": "online", "finding": "经网上核查，材料已补齐。", "result": "fulfilled", "attachments": [attachment("核查截图.png", PNG)]},
    )
    assert fulfilled["status"] == "fulfilled" and fulfilled["commitment"]["status"] == "fulfilled" and fulfilled["tasks"] == []
    assert fulfilled["verification"]["method_label"] == "网上核查"

    mine = client_for(actors["subject_user"]).get(f"{CASES}{case_id}/").json()
    assert [d["title"] for d in mine["documents"]] == ["信用承诺核查结果通知书"]
    assert mine["verification"]["result"] == "fulfilled"  # visible to the subject once the case is closed
    assert [e["action"] for e in mine["timeline"]] == ["registered", "signed", "supplied", "fulfilled"]
    listed = client_for(actors["subject_user"]).get(CASES).json()
    assert listed["count"] == 1 and listed["results"][0]["reference"] == case["reference"]


def test_counter_registers_signed_commitment_and_a_confirmed_breach_creates_the_dishonesty_record(actors):
    answer = create(
        actors["clerk"], actors["subject"], kind="notification", missing_materials=[], applicant_name="王经办", applicant_phone="13911112222",
        attachments=[attachment()],
    )
    assert answer.status_code == 201, answer.json()
    case = answer.json()
    assert case["channel"] == "staff" and case["status"] == "verifying" and case["applicant_name"] == "王经办"
    assert case["tasks"] and case["tasks"][0]["node"] == "verify"

    proposed = claim_and_complete(
        actors["handler"], case["id"], "verify",
        {"method": "on_site", "finding": "现场核查：停车场地不存在。", "result": "breached", "severity": "serious", "legal_basis": "《道路运输条例》第二十二条"},
    )
    assert proposed["status"] == "reviewing" and proposed["verification"]["severity"] == "serious"
    # the subject does not see the proposal before the reviewer confirms it
    mine = client_for(actors["subject_user"]).get(f"{CASES}{case['id']}/").json()
    assert mine["verification"] is None and "breach_proposed" not in [e["action"] for e in mine["timeline"]]

    returned = claim_and_complete(actors["reviewer"], case["id"], "review", {"decision": "return", "comment": "请补充现场照片。"})
    assert returned["status"] == "verifying" and returned["verification"]["review_comment"] == "请补充现场照片。"
    claim_and_complete(
        actors["handler"], case["id"], "verify",
        {"method": "on_site", "finding": "再次现场核查：停车场地不存在。", "result": "breached", "severity": "serious",
         "legal_basis": "《道路运输条例》第二十二条", "measures": "依法撤销道路旅客运输经营许可", "attachments": [attachment("现场照片.png", PNG)]},
    )
    breached = claim_and_complete(actors["reviewer"], case["id"], "review", {"decision": "confirm", "comment": "同意。"})

    assert breached["status"] == "breached" and breached["commitment"]["status"] == "breached"
    record = breached["commitment"]["breach_record"]
    assert record["severity"] == "serious" and record["legal_basis"] == "《道路运输条例》第二十二条" and record["status"] == "published"
    assert record["document_number"] == next(d["number"] for d in breached["documents"] if d["title"] == "违背信用承诺认定书")
    stored = CreditRecord.objects.get(pk=record["id"])
    assert stored.kind == RecordKind.DISHONESTY and stored.subject == actors["subject"] and stored.source_department.code == "approval"


def test_overdue_supplement_goes_to_verification_flagged_and_is_shown_so(actors):
    due = timezone.localdate() + datetime.timedelta(days=14)
    answer = create(actors["clerk"], actors["subject"], supplement_due_on=due.isoformat(), attachments=[attachment()])
    assert answer.status_code == 201, answer.json()
    case_id = answer.json()["id"]
    assert answer.json()["status"] == "awaiting_supplement" and answer.json()["commitment"]["supplement_due_on"] == due.isoformat()

    services.commitments_sweep_supplements(today=due + datetime.timedelta(days=1))

    mine = client_for(actors["subject_user"]).get(f"{CASES}{case_id}/").json()
    assert mine["status"] == "verifying" and mine["supplement_overdue"] is True and mine["supplied_at"] is None
    late = client_for(actors["subject_user"]).post(f"{CASES}{case_id}/supply/", {"attachments": [attachment("迟交材料.pdf")]}, format="json")
    assert late.status_code == 409 and late.json() == {"error": "该承诺当前不需要补齐材料。"}


# --- the API refuses what the pages refuse ----------------------------------------------------------------


def test_every_problem_of_a_commitment_is_listed_at_once_and_nothing_is_created(actors):
    answer = create(
        actors["subject_user"], actors["subject"], matter="  ", missing_materials=[], supplement_due_on="2026-12-31",
        attachments=[attachment("假的.pdf", b"not a pdf")],
    )
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {"attachments.0.content_base64"}  # the shape is checked first: a file that is not one
    answer = create(actors["subject_user"], actors["subject"], matter="  ", missing_materials=[], supplement_due_on="2026-12-31")
    errors = answer.json()["errors"]
    assert answer.status_code == 400 and set(errors) == {"matter", "missing_materials", "supplement_due_on"}
    assert errors["supplement_due_on"] == ["补齐期限由受理部门确定（按规则表默认期限），无需填写。"]
    answer = create(actors["subject_user"], actors["subject"], kind="promise", department="nowhere")
    assert answer.status_code == 400 and "kind" in answer.json()["errors"]
    answer = create(actors["subject_user"], actors["subject"], department="nowhere")
    assert answer.status_code == 400 and answer.json()["errors"] == {"department": ["没有代码为“nowhere”的部门。"]}
    assert not CommitmentCase.objects.exists() and not Commitment.objects.exists()


def test_another_subjects_user_neither_commits_for_nor_sees_the_case(actors):
    case = create(actors["subject_user"], actors["subject"]).json()

    answer = create(actors["stranger"], actors["subject"])
    assert answer.status_code == 404 and answer.json() == {"error": "没有该信用主体。"}
    answer = client_for(actors["stranger"]).get(f"{CASES}{case['id']}/")
    assert answer.status_code == 404 and answer.json() == {"error": "没有该信用承诺案件，或您无权查看。"}
    assert client_for(actors["stranger"]).get(CASES).json()["count"] == 0
    sign = client_for(actors["stranger"]).post(f"{CASES}{case['id']}/signed-letter/", {"attachments": [attachment()]}, format="json")
    assert sign.status_code == 404


def test_staff_may_not_sign_for_the_subject_and_only_registering_roles_register(actors):
    case = create(actors["subject_user"], actors["subject"]).json()

    refused = client_for(actors["clerk"]).post(f"{CASES}{case['id']}/signed-letter/", {"attachments": [attachment()]}, format="json")
    assert refused.status_code == 403 and refused.json() == {"error": "您无权代表该信用主体上传承诺书。"}
    empty = client_for(actors["subject_user"]).post(f"{CASES}{case['id']}/signed-letter/", {}, format="json")
    assert empty.status_code == 400 and empty.json()["errors"] == {"attachments": ["请上传签署后的信用承诺书（PDF、JPEG 或 PNG）。"]}

    answer = create(actors["reviewer"], actors["subject"])
    assert answer.status_code == 403 and answer.json() == {"error": "您不是行政审批科的受理员或承办人，不能为其登记信用承诺。"}
    answer = create(actors["outsider"], actors["subject"])
    assert answer.status_code == 403


def test_uninvolved_department_neither_sees_nor_claims_and_subjects_cannot_complete_tasks(actors):
    case = create(actors["subject_user"], actors["subject"], kind="public", missing_materials=[], attachments=[attachment()]).json()
    verify = queued_task(actors["handler"], case["id"], "verify")

    assert client_for(actors["outsider"]).get("/api/v1/tasks/queue/").json()["count"] == 0
    assert client_for(actors["outsider"]).get(f"{CASES}{case['id']}/").status_code == 404
    assert client_for(actors["outsider"]).get(CASES).json()["count"] == 0
    assert claim(actors["outsider"], verify["id"]).status_code == 403
    assert claim(actors["reviewer"], verify["id"]).status_code == 403
    answer = complete(actors["subject_user"], case["id"], verify["id"], {"method": "online", "finding": "x", "result": "fulfilled"})
    assert answer.status_code == 403 and answer.json() == {"error": "仅限工作人员使用。"}
    unclaimed = complete(actors["handler"], case["id"], verify["id"], {"method": "online", "finding": "x", "result": "fulfilled"})
    assert unclaimed.status_code == 409


def test_a_breach_without_severity_or_basis_is_refused_with_both_problems_and_the_task_stays_claimed(actors):
    case = create(actors["subject_user"], actors["subject"], kind="public", missing_materials=[], attachments=[attachment()]).json()
    task = queued_task(actors["handler"], case["id"], "verify")
    assert claim(actors["handler"], task["id"]).status_code == 200

    answer = complete(actors["handler"], case["id"], task["id"], {"method": "written", "finding": "书面核查：承诺不实。", "result": "breached"})

    assert answer.status_code == 400 and set(answer.json()["errors"]) == {"severity", "legal_basis"}
    inbox = client_for(actors["handler"]).get("/api/v1/tasks/inbox/").json()["results"]
    assert [t["id"] for t in inbox] == [task["id"]]
    assert client_for(actors["handler"]).get(f"{CASES}{case['id']}/").json()["status"] == "verifying"
    assert Material.objects.count() == 1  # the signed letter only: nothing half-written
