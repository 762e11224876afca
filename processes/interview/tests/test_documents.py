"""The documents an interview issues, read back from the PDFs the way their recipients read them."""

import datetime

import pytest
from django.urls import reverse

from processes.interview.flows import InterviewFlow

from .support import (
    MINUTES, NOTICE, claim, documents, download, hold, make_dishonesty, open_task, pdf_text, portal_confirm, send_notice, start_interview, submit, task_url,
)

pytestmark = pytest.mark.usefixtures("monday")


def downloaded_text(client, user, doc) -> str:
    response = download(client, user, doc)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return pdf_text(b"".join(response.streaming_content))


@pytest.fixture
def notified(client, people, listed):
    return send_notice(client, people.handler, start_interview(client, people.handler, list_entry=listed), matter="告知列入黑名单的后果，督促履行义务")


def test_the_notice_names_time_place_matter_and_how_to_confirm_under_the_departments_number(client, people, notified):
    [notice] = documents(notified, NOTICE)

    text = downloaded_text(client, people.company, notice)

    assert notice.number == "交执〔2026〕1号" and notice.department.code == "enforcement"
    assert notice.number in text and "约谈通知书" in text and "交通运输综合行政执法支队" in text
    assert f"{people.subject.name}：" in text
    assert "因你（单位）被列入严重失信主体（黑名单）（事由：一年内三次超限超载运输），根据谁认定、谁约谈的原则" in text
    assert f"本机关决定对你（单位）进行警示约谈（案件编号{notified.reference}）" in text
    assert "约谈时间：2026年3月5日09:30。" in text
    assert "约谈地点：市交通运输局三楼约谈室。" in text
    assert "约谈事项：告知列入黑名单的后果，督促履行义务。" in text
    assert "于2026年3月5日前通过信用主体门户确认参加" in text
    assert "无正当理由不参加约谈的，本机关将记录在案" in text
    assert f"验证码：{notice.verification_code}" in text


def test_a_notice_from_a_dishonesty_record_names_the_record(client, people):
    record = make_dishonesty(people.subject, department="transport", document_number="交运失〔2026〕9号")
    interview = send_notice(client, people.outsider, start_interview(client, people.outsider, record=record, kind="prompt"), kind="prompt")
    [notice] = documents(interview, NOTICE)

    text = downloaded_text(client, people.company, notice)

    assert notice.number == "交运〔2026〕1号"
    assert "因你（单位）存在失信行为（违反信用承诺，未按期补齐容缺材料（交运失〔2026〕9号））" in text and "提示约谈" in text


def test_the_minutes_carry_attendees_what_was_said_and_the_rectification_with_its_date(client, people, notified, clock):
    portal_confirm(client, people.company, notified)
    clock(datetime.datetime(2026, 3, 5, 11, 0))
    interview = hold(client, people.handler, notified)
    [minutes] = documents(interview, MINUTES)

    text = downloaded_text(client, people.company, minutes)

    assert minutes.number == "交执〔2026〕2号" and "约谈记录" in text
    assert f"约谈类型：警示约谈（案件编号{interview.reference}）。" in text
    assert "约谈时间：2026年3月5日09:30；约谈地点：市交通运输局三楼约谈室。" in text
    assert f"约谈部门：交通运输综合行政执法支队；约谈对象：{people.subject.name}（{people.subject.uscc}）。" in text
    assert "参加人员：执法支队：孙承办、周审核；企业：法定代表人王某。" in text
    assert "约谈内容：告知列入名单的原因与失信后果，企业承认超限运输事实，表示将加强车辆管理。" in text
    assert "整改承诺：一个月内完成车辆动态监控整改并提交整改报告；整改期限：2026年4月3日。" in text
    assert "经双方签字确认的约谈记录原件已存档（约谈记录（签字）.pdf），本约谈记录已记入该主体信用档案，并报送省信用信息平台。" in text
    # the credit file's entry carries the minutes' number
    assert interview.interview_record.record.document_number == minutes.number


def test_anyone_can_verify_the_notice_and_only_those_concerned_download_it(client, people, notified):
    [notice] = documents(notified, NOTICE)

    client.logout()
    page = client.get(reverse("documents:verify", args=[notice.verification_code]))
    assert page.status_code == 200 and notice.number in page.content.decode()
    assert download(client, people.stranger, notice).status_code in (403, 404)
    assert download(client, people.outsider, notice).status_code in (403, 404)  # 运管科 is not involved
    assert download(client, people.clerk, notice).status_code == 200  # the credit office is
    assert download(client, people.colleague, notice).status_code == 200


def test_every_task_page_shows_the_case_beside_its_form(client, people, listed, clock):
    interview = start_interview(client, people.handler, list_entry=listed)

    def page(user, node):
        task = claim(client, user, open_task(interview, node))
        response = client.get(task_url(task, "execute"))
        assert response.status_code == 200
        return task, response.content.decode()

    task, prepare = page(people.handler, InterviewFlow.prepare)
    assert "约谈时间" in prepare and "约谈地点" in prepare and interview.reference in prepare and "一年内三次超限超载运输" in prepare
    submit(client, people.handler, task, {"kind": "warning", "scheduled_at": "2026-03-05 09:30", "place": "三楼约谈室", "matter": "督促整改"})
    portal_confirm(client, people.company, interview)
    task, held = page(people.handler, InterviewFlow.hold)
    assert "参加人员" in held and "整改期限" in held and "经双方签字的约谈记录" in held and "三楼约谈室" in held
    clock(datetime.datetime(2026, 3, 5, 11, 0))
    submit(client, people.handler, task, {"outcome": "no_show", "no_show_note": "未到场，未请假。"})
    _, leader = page(people.leader, InterviewFlow.leader_decide)
    assert "处理决定" in leader and "处理意见" in leader and "未到场，未请假。" in leader
