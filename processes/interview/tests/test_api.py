"""The interview REST API, driven over HTTP only: every branch, and the same refusals as the pages."""

import base64
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from credit.models import PlatformSync
from processes.interview.models import ImportBatch, WarningInterview
from processes.interview.services import interviews_sweep
from tests.factories import next_uscc

from .support import D, PDF_BYTES, csv_file, make_list_entry

pytestmark = pytest.mark.usefixtures("monday")
CASES = "/api/v1/interviews/"
S = WarningInterview.Status


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def signed_minutes():
    return {"name": "约谈记录（签字）.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode()}


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
    assert task["complete_url"].endswith(f"{CASES}{case_id}/tasks/{task['id']}/complete/")
    assert claim(user, task["id"]).status_code == 200
    answer = complete(user, case_id, task["id"], body)
    assert answer.status_code == 200, answer.json()
    return answer.json()


def start(user, **body):
    return client_for(user).post(CASES, {"kind": "warning", **body}, format="json")


NOTICE_BODY = {"kind": "warning", "scheduled_at": "2026-03-05T09:30:00+08:00", "place": "市交通运输局三楼约谈室", "matter": "督促履行义务"}


@pytest.fixture
def notified(people, listed):
    answer = start(people.handler, list_entry=listed.pk)
    assert answer.status_code == 201, answer.json()
    case = answer.json()
    claim_and_complete(people.handler, case["id"], "prepare", NOTICE_BODY)
    return case["id"]


def confirm(user, case_id, **body):
    return client_for(user).post(f"{CASES}{case_id}/confirm/", body, format="json")


# --- starting --------------------------------------------------------------------------------------


def test_staff_start_an_interview_in_the_designating_department(people, listed):
    answer = start(people.handler, list_entry=listed.pk, matter="告知失信后果")

    assert answer.status_code == 201
    case = answer.json()
    assert case["status"] == "preparing" and case["department"] == "交通运输综合行政执法支队" and case["origin"] == "list_entry"
    assert case["matter"] == "告知失信后果" and case["reference"].startswith("YT2026")
    assert [t["node"] for t in case["tasks"]] == ["prepare"] and case["tasks"][0]["due_on"] == "2026-03-16"


def test_starting_is_refused_as_on_the_pages(people, listed):
    assert start(people.outsider, list_entry=listed.pk).status_code == 403
    assert start(people.company, list_entry=listed.pk).status_code == 403
    assert start(people.handler, list_entry=10**9).status_code == 404
    answer = start(people.handler, kind="scolding")
    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "kind": ["约谈类型“scolding”无效：应为 prompt 或 warning。"],
        "source": ["请指明一条失信记录（record）或一条名单（list_entry），二者选一。"],
    }
    red = make_list_entry(people.subject, kind="red", reason="守信激励")
    assert start(people.handler, list_entry=red.pk).json()["errors"] == {"source": ["红名单（守信激励）主体不适用约谈。"]}
    assert not WarningInterview.objects.exists()


# --- the whole way, held with a rectification ----------------------------------------------------------


def test_notice_confirmation_minutes_and_follow_up_through_the_api(people, notified, clock):
    subject_view = client_for(people.company).get(f"{CASES}{notified}/").json()
    assert subject_view["status"] == "notified" and subject_view["tasks"] is None and subject_view["confirm_due_on"] == "2026-03-05"
    assert [d["title"] for d in subject_view["documents"]] == ["约谈通知书"] and subject_view["documents"][0]["download_url"]

    answer = confirm(people.company, notified, note="本人参加")
    assert answer.status_code == 200 and answer.json()["status"] == "confirmed" and answer.json()["confirmation_channel"] == "portal"
    assert confirm(people.company, notified).status_code == 409  # nothing left to confirm

    clock(datetime.datetime(2026, 3, 5, 11, 0))
    case = claim_and_complete(people.handler, notified, "hold", {
        "outcome": "held", "held_at": "2026-03-05T09:30:00+08:00", "attendees": "执法支队两人；企业法定代表人", "minutes": "告知失信后果。",
        "rectification": "完成车辆动态监控整改", "rectification_due_on": "2026-04-03", "attachments": [signed_minutes()],
    })
    assert case["status"] == "follow_up" and case["interview_record"]["rectification_due_on"] == "2026-04-03"
    assert case["interview_record"]["credit_record"] and [m["name"] for m in case["materials"]] == ["约谈记录（签字）.pdf"]
    assert [d["title"] for d in case["documents"]] == ["约谈通知书", "约谈记录"]
    assert PlatformSync.objects.filter(event="interview_report", platform="provincial").count() == 1

    clock(datetime.datetime(2026, 4, 3, 9, 0))
    interviews_sweep(today=D(2026, 4, 3))
    case = claim_and_complete(people.handler2, notified, "followup", {"rectified": True, "note": "已整改，现场核实。"})
    assert case["status"] == "closed" and case["result_label"] == "已办结（已按期整改）" and case["interview_record"]["rectified"] is True
    assert case["tasks"] == []


def test_staff_record_the_confirmation_with_how_it_was_given(people, notified):
    answer = confirm(people.handler, notified)
    assert answer.status_code == 400 and answer.json()["errors"] == {"note": ["请写明主体以何种方式确认参加（如电话、书面回执）。"]}
    assert confirm(people.outsider, notified).status_code == 404

    answer = confirm(people.handler, notified, note="电话确认")

    assert answer.status_code == 200 and answer.json()["confirmation_channel"] == "staff"
    assert [t["node"] for t in answer.json()["tasks"]] == ["hold"]


def test_minutes_with_every_problem_are_refused_with_every_reason(people, notified, clock):
    confirm(people.company, notified)
    clock(datetime.datetime(2026, 3, 5, 11, 0))
    task = queued_task(people.handler, notified, "hold")
    claim(people.handler, task["id"])

    answer = complete(people.handler, notified, task["id"], {"outcome": "held", "rectification_due_on": "2026-03-01"})

    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "held_at": ["请填写约谈实际举行的时间。"],
        "attendees": ["请填写参加人员（双方）。"],
        "minutes": ["请填写约谈内容（谈话要点）。"],
        "rectification": ["填写了整改期限，请同时写明承诺整改的内容。"],
        "attachments": ["请上传经双方签字的约谈记录（PDF、JPEG 或 PNG）。"],
    }
    assert client_for(people.handler).get(f"{CASES}{notified}/").json()["status"] == "confirmed"


# --- no-show and the leader -----------------------------------------------------------------------------


@pytest.mark.parametrize(("decision", "status"), [("reschedule", "preparing"), ("close", "closed_no_show")])
def test_a_no_show_goes_to_the_leader_who_reschedules_or_closes(people, notified, clock, decision, status):
    confirm(people.company, notified)
    clock(datetime.datetime(2026, 3, 5, 11, 0))
    case = claim_and_complete(people.handler, notified, "hold", {"outcome": "no_show", "no_show_note": "未到场"})
    assert case["status"] == "no_show" and case["no_show_note"] == "未到场"
    task = queued_task(people.leader, notified, "leader_decide")
    assert claim(people.handler, task["id"]).status_code == 403  # the handler holds no leader role

    assert claim(people.leader, task["id"]).status_code == 200
    answer = complete(people.leader, notified, task["id"], {"decision": decision, "comment": "意见"})

    assert answer.status_code == 200 and answer.json()["status"] == status
    assert [t["node"] for t in answer.json()["tasks"]] == (["prepare"] if decision == "reschedule" else [])


def test_completing_a_task_not_claimed_or_claimed_by_another_is_refused(people, listed):
    case = start(people.handler, list_entry=listed.pk).json()
    task = queued_task(people.handler, case["id"], "prepare")

    assert complete(people.handler, case["id"], task["id"], NOTICE_BODY).status_code == 409
    claim(people.handler, task["id"])
    assert complete(people.handler2, case["id"], task["id"], NOTICE_BODY).status_code == 403
    assert complete(people.handler, case["id"], 10**9, NOTICE_BODY).status_code == 404


# --- lists and visibility ---------------------------------------------------------------------------------


def test_lists_and_details_show_each_user_what_the_pages_show(people, notified, listed):
    preparing = start(people.handler, list_entry=make_list_entry(people.other_subject).pk).json()

    assert [c["id"] for c in client_for(people.company).get(CASES).json()["results"]] == [notified]
    assert client_for(people.stranger).get(CASES).json()["results"] == []  # its case has no notice yet
    assert client_for(people.stranger).get(f"{CASES}{preparing['id']}/").status_code == 404
    assert client_for(people.stranger).get(f"{CASES}{notified}/").status_code == 404
    assert {c["id"] for c in client_for(people.handler).get(CASES).json()["results"]} == {notified, preparing["id"]}
    assert client_for(people.outsider).get(CASES).json()["results"] == []
    assert client_for(people.outsider).get(f"{CASES}{notified}/").status_code == 404
    assert [c["id"] for c in client_for(people.clerk).get(CASES, {"status": "preparing"}).json()["results"]] == [preparing["id"]]
    assert client_for(people.clerk).get(CASES, {"status": "nonsense"}).status_code == 400
    assert client_for().get(CASES).status_code == 403


# --- import -------------------------------------------------------------------------------------------------


def test_import_through_the_api_reports_every_row_and_never_imports_twice(people):
    code = next_uscc()
    rows = [
        ["接口运输有限公司", code, "超限运输", "交通运输综合行政执法支队", "2026-02-10", "省", ""],
        ["坏码运输有限公司", "91350100M000100Y44", "超限运输", "交通运输综合行政执法支队", "2026-02-10", "省", ""],
    ]
    post = lambda user, file: client_for(user).post(f"{CASES}imports/", {"file": file}, format="multipart")  # noqa: E731

    answer = post(people.handler, csv_file(rows))

    assert answer.status_code == 201
    batch = answer.json()
    assert (batch["imported_count"], batch["invalid_count"]) == (1, 1)
    assert [line["result"] for line in batch["report"]] == ["imported", "invalid"]
    assert batch["report"][1]["reasons"] == ["统一社会信用代码校验位错误：第18位应为 3，实际为 4（GB 32100-2015）。"]
    again = post(people.handler, csv_file(rows)).json()
    assert (again["imported_count"], again["duplicate_count"]) == (0, 1)
    assert client_for(people.handler).get(f"{CASES}imports/{batch['id']}/").json()["report"] == batch["report"]
    assert client_for(people.outsider).get(f"{CASES}imports/{batch['id']}/").status_code == 404
    assert post(people.company, csv_file(rows)).status_code == 403
    bad = post(people.handler, SimpleUploadedFile("名单.csv", "名称\r\n某\r\n".encode()))
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["file"]
    assert ImportBatch.objects.count() == 2 and WarningInterview.objects.count() == 1
