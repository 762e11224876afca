import re

from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from notifications.context_processors import inbox
from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory

INBOX = reverse("notifications:inbox")


def _notify(user, title: str, link: str = "/cases/1/") -> Notification:
    with transaction.atomic():
        [notification] = notify(
            recipients=[user], event="task_assigned",
            context={"task_title": title, "case_title": "异议申请", "due_date": ""}, link=link,
        )
    return notification


def _unread_items(html: str) -> list[str]:
    return re.findall(r'<li class="notification unread" data-id="(\d+)">', html)


def test_the_inbox_lists_my_notifications_newest_first_with_unread_highlighted(client, handler):
    first = _notify(handler, "受理审查")
    second = _notify(handler, "核查记录")
    _notify(UserFactory(), "别人的任务")
    Notification.objects.filter(pk=first.pk).update(read_at=second.created_at)
    client.force_login(handler)

    response = client.get(INBOX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "消息中心" in html and 'id="inbox-list"' in html
    assert html.index("新待办：核查记录") < html.index("新待办：受理审查")
    assert "别人的任务" not in html
    assert _unread_items(html) == [str(second.pk)]
    assert '<span id="inbox-badge" data-count="1">1</span>' in html
    assert "notifications/live.js" in html and 'data-websocket-path="/ws/notifications/"' in html


def test_the_badge_is_on_every_page_for_a_signed_in_user(client, handler):
    _notify(handler, "受理审查")
    assert 'id="inbox-badge"' not in client.get("/").content.decode()

    client.force_login(handler)
    html = client.get("/").content.decode()

    assert '<span id="inbox-badge" data-count="1">1</span>' in html


def test_the_unread_count_costs_one_query_and_only_when_shown(handler, django_assert_num_queries):
    _notify(handler, "受理审查")
    request = RequestFactory().get("/")
    request.user = handler

    with django_assert_num_queries(0):
        context = inbox(request)
    with django_assert_num_queries(1):
        assert str(context["unread_notifications"]) == "1"


def test_the_inbox_is_paginated(client, handler):
    for n in range(25):
        _notify(handler, f"任务{n}")
    client.force_login(handler)

    page_one = client.get(INBOX).content.decode()
    page_two = client.get(INBOX, {"page": 2}).content.decode()

    assert len(_unread_items(page_one)) == 20 and 'data-live="1"' in page_one
    assert len(_unread_items(page_two)) == 5 and 'data-live="1"' not in page_two
    assert "第 2 / 2 页" in page_two


def test_the_inbox_needs_a_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_opening_a_notification_marks_it_read_and_goes_to_the_case(client, handler):
    notification = _notify(handler, "受理审查", link="/cases/42/")
    client.force_login(handler)

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))

    assert response.status_code == 302 and response["Location"] == "/cases/42/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert '<span id="inbox-badge" data-count="0">0</span>' in client.get(INBOX).content.decode()


def test_mark_read_from_the_inbox_stays_in_the_inbox(client, handler):
    notification = _notify(handler, "受理审查")
    client.force_login(handler)

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]), {"next": INBOX + "?page=1"})

    assert response["Location"] == INBOX + "?page=1"


def test_a_link_to_another_site_is_not_followed(client, handler):
    notification = _notify(handler, "受理审查", link="https://evil.example/phish")
    client.force_login(handler)

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]), {"next": "//evil.example/"})

    assert response["Location"] == INBOX


def test_someone_else_cannot_mark_my_notification_read(client, handler, plain_static_storage):
    notification = _notify(handler, "受理审查")
    client.force_login(UserFactory())

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_read_needs_a_post(client, handler):
    notification = _notify(handler, "受理审查")
    client.force_login(handler)

    assert client.get(reverse("notifications:mark_read", args=[notification.pk])).status_code == 405
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405


def test_mark_all_read_clears_only_my_badge(client, handler):
    _notify(handler, "受理审查")
    _notify(handler, "核查记录")
    theirs = _notify(UserFactory(), "别人的任务")
    client.force_login(handler)

    response = client.post(reverse("notifications:mark_all_read"))

    assert response["Location"] == INBOX
    assert not Notification.objects.filter(recipient=handler, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
