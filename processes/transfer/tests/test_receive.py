"""Every row of the contract's answer table for POST /api/v1/transfers/, and the status query.

Each test checks what the national site notices (the code and the body) and
what the bureau notices (the case, or nothing stored).
"""

import base64
import json
import time

import pytest

from credit.models import Subject
from processes.common.materials import case_materials
from processes.objection.models import Objection
from processes.repair.models import RepairApplication
from processes.transfer.models import Transfer

from .support import PDF, get_status, make_case, post, sign

pytestmark = pytest.mark.django_db


def nothing_stored(subjects_before: int):
    assert Transfer.objects.count() == 0
    assert RepairApplication.objects.count() == 0 and Objection.objects.count() == 0
    assert Subject.objects.count() == subjects_before


# --- 201 / 200 / 409 ------------------------------------------------------------------------


def test_first_receipt_creates_the_case_and_starts_its_process(client, record):
    case = make_case(subject=record.subject)

    response = post(client, case)

    assert response.status_code == 201, response.content
    body = response.json()
    application = RepairApplication.objects.get()
    assert body == {"transfer_id": case["transfer_id"], "case_id": application.reference, "status": "filed"}
    assert application.channel == RepairApplication.Channel.TRANSFER and application.record == record
    assert application.process is not None and application.process.task_set.filter(flow_task_type="HUMAN").exists()
    assert application.applicant_name == "张三" and application.statement == case["reason"]
    assert {m.get_kind_display() for m in case_materials(application)} == {"履行义务证明（缴款凭证、整改材料）", "信用承诺书"}
    transfer = Transfer.objects.get()
    assert transfer.case == application and transfer.answer == body
    # the attachments are kept as materials, not twice: the stored payload has their digests
    assert "content_base64" not in json.dumps(transfer.payload) and transfer.payload["attachments"][0]["size"] == len(PDF)


def test_same_transfer_again_with_keys_reordered_and_white_space_answers_the_first_answer(client, record):
    case = make_case(subject=record.subject)
    first = post(client, case).json()
    reordered = dict(reversed(list(case.items())))
    reordered["subject"] = dict(reversed(list(case["subject"].items())))

    response = post(client, json.dumps(reordered, ensure_ascii=False, indent=4).encode())

    assert response.status_code == 200
    assert response.json() == first
    assert RepairApplication.objects.count() == 1 and Transfer.objects.count() == 1


def test_same_transfer_id_with_other_content_is_refused_and_the_first_case_unchanged(client, record):
    case = make_case(subject=record.subject)
    post(client, case)
    application = RepairApplication.objects.get()
    changed = {**case, "reason": case["reason"] + "（补充）"}

    response = post(client, changed)

    assert response.status_code == 409
    assert case["transfer_id"] in response.json()["error"]
    assert RepairApplication.objects.count() == 1
    application.refresh_from_db()
    assert application.statement == case["reason"]


def test_objection_transfer_marks_the_matched_record_under_objection(client, record):
    response = post(client, make_case(case_type="objection", subject=record.subject))

    assert response.status_code == 201
    objection = Objection.objects.get()
    assert response.json()["case_id"] == objection.reference
    assert objection.channel == Objection.Channel.TRANSFER and objection.record == record
    record.refresh_from_db()
    assert record.status == "under_objection"


def test_new_natural_person_subject_is_registered_from_the_transfer(client, db):
    case = make_case(natural=True)

    assert post(client, case).status_code == 201

    subject = Subject.objects.get(id_number=case["subject"]["id_number"])
    assert subject.kind == "natural_person" and subject.name == "王伟"


# --- 401: nothing stored --------------------------------------------------------------------


@pytest.mark.parametrize(
    "how",
    ["forged signature", "no headers", "stale timestamp", "future timestamp", "signed with another secret", "signature of another body", "timestamp not a number"],
)
def test_unsigned_or_stale_message_is_refused_and_nothing_stored(client, db, how):
    case = make_case()
    before = Subject.objects.count()
    now = int(time.time())
    kwargs = {
        "forged signature": {"signature": "sha256=" + "0" * 64},
        "no headers": {"headers": False},
        "stale timestamp": {"timestamp": now - 301},
        "future timestamp": {"timestamp": now + 3600},
        "signed with another secret": {"secret": "other"},
        "signature of another body": {"signature": sign(now, b"{}"), "timestamp": now},
        "timestamp not a number": {"timestamp": "12e9"},
    }[how]

    response = post(client, case, **kwargs)

    assert response.status_code == 401
    assert response.json()["error"]
    nothing_stored(before)
    assert get_status(client, case["transfer_id"]).status_code == 404


def test_timestamp_within_five_minutes_is_accepted(client, db):
    assert post(client, make_case(), timestamp=int(time.time()) - 290).status_code == 201


def test_without_a_configured_secret_every_message_waits_with_503(client, db, settings):
    settings.NATIONAL_SITE_SECRET = ""
    response = post(client, make_case(), secret="")
    assert response.status_code == 503 and Transfer.objects.count() == 0


# --- 400: every problem at once, nothing stored -----------------------------------------------


@pytest.mark.parametrize(
    "body, key",
    [(b"{not json", "body"), ('{"transfer_id": "é"}'.encode("latin-1"), "body"), (b"[]", "body"), (b'"text"', "body"), (b'{"a": NaN}', "body")],
    ids=["not JSON", "not UTF-8", "array", "string", "NaN"],
)
def test_body_that_is_not_a_json_object_is_refused(client, db, body, key):
    before = Subject.objects.count()
    response = post(client, body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [key]
    nothing_stored(before)


def errors_of(client, case) -> dict:
    before = Subject.objects.count()
    response = post(client, case)
    assert response.status_code == 400, response.content
    nothing_stored(before)
    return response.json()["errors"]


def test_bad_uscc_check_character_names_subject_uscc(client, db):
    case = make_case()
    uscc = case["subject"]["uscc"]
    case["subject"]["uscc"] = uscc[:17] + ("0" if uscc[17] != "0" else "1")

    errors = errors_of(client, case)

    assert list(errors) == ["subject.uscc"]
    assert "校验位错误" in errors["subject.uscc"][0]


def test_id_number_with_impossible_birth_date_is_refused(client, db):
    case = make_case(natural=True)
    case["subject"]["id_number"] = "110105194902300011"

    errors = errors_of(client, case)

    assert "不是真实日期" in " ".join(errors["subject.id_number"])


def test_two_problems_at_once_are_both_reported(client, db):
    case = make_case(case_type="complaint")
    case["attachments"][0]["content_base64"] = "!!!not base64!!!"

    errors = errors_of(client, case)

    assert set(errors) == {"case_type", "attachments[0].content_base64"}
    assert "Base64" in errors["attachments[0].content_base64"][0]


def test_every_problem_in_a_bad_message_is_reported(client, db):
    case = make_case(source="somewhere", transfer_id="X" * 65, reason="  ")
    case["subject"] = {"kind": "legal_person", "name": "", "uscc": "91350100M000100Y4"}
    case["record"] = {"decision_no": "", "decision_date": "2026-02-30"}
    case["applicant"] = {"name": "张三", "email": "not-an-email"}
    case["attachments"].append("not an object")

    errors = errors_of(client, case)

    assert set(errors) == {
        "transfer_id", "source", "subject.name", "subject.uscc", "record.decision_no", "record.decision_date",
        "applicant.email", "reason", "attachments[2]",
    }


def test_attachment_that_is_not_what_it_claims_is_refused(client, db):
    case = make_case()
    case["attachments"] = [{"name": "evil.pdf", "content_type": "application/pdf", "content_base64": base64.b64encode(b"MZ\x90\x00 not a pdf").decode()}]

    errors = errors_of(client, case)

    assert "不是 PDF、JPEG 或 PNG" in errors["attachments[0].content_base64"][0]


def test_attachment_over_five_mib_is_refused(client, db):
    case = make_case()
    big = PDF[:-7] + b"0" * (5 * 1024 * 1024) + b"\n%%EOF\n"
    case["attachments"] = [{"name": "big.pdf", "content_type": "application/pdf", "content_base64": base64.b64encode(big).decode()}]

    errors = errors_of(client, case)

    assert "超过 5 MB" in errors["attachments[0].content_base64"][0]


def test_attachment_base64_broken_into_lines_is_accepted_as_the_same_file(client, db):
    case = make_case()
    encoded = base64.b64encode(PDF).decode()
    wrapped = "\r\n".join(encoded[i:i + 16] for i in range(0, len(encoded), 16)) + "\n"
    case["attachments"] = [{"name": "决定书.pdf", "content_type": "application/pdf", "content_base64": wrapped}]

    assert post(client, case).status_code == 201
    [material] = case_materials(RepairApplication.objects.get())
    with material.file.open("rb") as stored:
        assert stored.read() == PDF


def test_declared_type_is_not_trusted_either_way_a_real_pdf_labelled_png_is_kept_as_pdf(client, db):
    case = make_case()
    case["attachments"] = [{"name": "决定书", "content_type": "image/png", "content_base64": base64.b64encode(PDF).decode()}]

    assert post(client, case).status_code == 201
    [material] = case_materials(RepairApplication.objects.get())
    assert material.mime_type == "application/pdf"


def test_missing_transfer_id_is_refused(client, db):
    case = make_case()
    del case["transfer_id"]

    assert list(errors_of(client, case)) == ["transfer_id"]


def test_missing_subject_record_and_applicant_are_each_named(client, db):
    case = make_case()
    for key in ("subject", "record", "applicant"):
        del case[key]

    assert set(errors_of(client, case)) == {"subject", "record", "applicant"}


# --- 413 ----------------------------------------------------------------------------------------


def test_body_over_the_limit_is_refused_on_its_content_length(client, db, settings):
    settings.TRANSFER_MAX_BODY_BYTES = 2000
    case = make_case()
    case["reason"] = "很" * 1000

    response = post(client, case)

    assert response.status_code == 413 and "2000" in response.json()["error"]
    assert Transfer.objects.count() == 0


def test_a_body_longer_than_its_header_says_is_read_only_one_byte_past_the_limit(rf, db, settings):
    from processes.transfer.views import TransferReceiveView

    settings.TRANSFER_MAX_BODY_BYTES = 100
    request = rf.post("/api/v1/transfers/", data=b"x" * 10_000, content_type="application/json")
    request.META["CONTENT_LENGTH"] = "50"  # a header that lies (or a chunked body): the cap on reading still holds

    response = TransferReceiveView.as_view()(request)

    assert response.status_code == 413
    assert len(request.read()) == 10_000 - 101  # the rest was never read


# --- never 500 ----------------------------------------------------------------------------------


def test_an_unexpected_failure_answers_503_and_stores_nothing(client, db, monkeypatch):
    from processes.repair import services as repair_services

    def boom(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr("processes.transfer.services.repair_file", boom)
    assert repair_services.repair_file is not boom
    case = make_case()
    before = Subject.objects.count()

    response = post(client, case)

    assert response.status_code == 503 and response.json()["error"]
    nothing_stored(before)  # not even the subject created before the failure
    monkeypatch.undo()
    assert post(client, case).status_code == 201  # the national site's retry goes through


def test_other_methods_answer_json_405(client, db):
    response = client.put("/api/v1/transfers/", data=b"{}", content_type="application/json")
    assert response.status_code == 405 and response.json()["error"]


def test_post_without_the_trailing_slash_is_handled_too(client, db):
    assert post(client, make_case(), path="/api/v1/transfers").status_code == 201


# --- status -----------------------------------------------------------------------------------


def test_status_query_names_the_case_and_its_current_state(client, record):
    case = make_case(subject=record.subject)
    first = post(client, case).json()

    response = get_status(client, case["transfer_id"])

    assert response.status_code == 200
    body = response.json()
    assert body["transfer_id"] == case["transfer_id"] and body["case_id"] == first["case_id"] and body["status"] == "filed"
    assert body["updated_at"].endswith("+08:00")


def test_status_of_unknown_transfer_is_404(client, db):
    assert get_status(client, "NO-SUCH-TRANSFER").status_code == 404


@pytest.mark.parametrize("kwargs", [{"headers": False}, {"signature": "sha256=" + "0" * 64}, {"timestamp": int(time.time()) - 3600}])
def test_status_query_must_be_signed(client, record, kwargs):
    case = make_case(subject=record.subject)
    post(client, case)

    response = get_status(client, case["transfer_id"], **kwargs)

    assert response.status_code == 401


# --- what JSON allows but the database cannot keep: refused once, not failed at every retry ----------


@pytest.mark.parametrize(
    "body, key",
    [
        ('{"transfer_id": "T-NUL", "reason": "a\\u0000b"}'.encode(), "reason"),
        ('{"transfer_id": "T-SUR", "subject": {"name": "\\ud800"}}'.encode(), "subject.name"),
        (b'{"transfer_id": "T-BIG", "extra": 1e999}', "body"),
        (b"[" * 5000 + b"]" * 5000, "body"),
        (b'{"transfer_id": "T-INT", "extra": ' + b"9" * 5000 + b"}", "body"),
    ],
    ids=["NUL", "lone surrogate", "infinite number", "nested too deep", "huge integer"],
)
def test_values_the_database_cannot_store_are_refused_as_bad_requests(client, db, body, key):
    response = post(client, body)
    assert response.status_code == 400, response.content
    assert key in response.json()["errors"]
    assert Transfer.objects.count() == 0
