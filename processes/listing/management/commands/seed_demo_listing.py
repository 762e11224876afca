"""``manage.py seed_demo_listing``: the list process's demo data, after ``seed_demo``. Idempotent; DEBUG only.

A demo calling system for the check API with a fixed, published token (so the README's
curl works), and a few joint actions this month for the effectiveness list. Refused
when DEBUG is off: a published token must never open a production service.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from credit.models import Department, JointAction, ListEntry
from processes.listing.models import CheckClient, token_digest
from processes.listing.services import check_client_create

DEMO_CLIENT_NAME = "演示：行政审批系统"
DEMO_CHECK_TOKEN = "demo-check-token-licensing-2026"


class Command(BaseCommand):
    help = "Demo data of the list process (a check API client with a fixed token, joint actions this month). Development only."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the service is served, for the printout")

    @transaction.atomic
    def handle(self, *args, url: str, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo_listing 只用于演示环境（DEBUG=1）：其令牌是公开的。生产环境请用 create_check_client 签发令牌。")
        client = CheckClient.objects.filter(name=DEMO_CLIENT_NAME).first()
        if client is None:
            client, _ = check_client_create(name=DEMO_CLIENT_NAME, system_kind=CheckClient.SystemKind.LICENSING, token=DEMO_CHECK_TOKEN)
        elif client.token_hash != token_digest(DEMO_CHECK_TOKEN) or not client.is_active:
            client.set_token(DEMO_CHECK_TOKEN)
            client.is_active = True
            client.save()
        self.joint_actions()
        listed = ListEntry.objects.filter(status=ListEntry.Status.LISTED, list_kind=ListEntry.ListKind.BLACK).select_related("subject").first()
        code = listed.subject.code if listed else "91350100M000100Y43"
        self.stdout.write(f"联合奖惩核查接口演示令牌（{client.name}）：{DEMO_CHECK_TOKEN}")
        self.stdout.write(f"  curl -H 'Authorization: Bearer {DEMO_CHECK_TOKEN}' '{url}/api/v1/check/?code={code}'")

    def joint_actions(self):
        """Two actions this month, so the effectiveness list has rows to export on the first visit."""
        now = timezone.localtime()
        month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if JointAction.objects.filter(matter__startswith="演示：", executed_at__gte=month_start).exists():
            return
        approval = Department.objects.get(code="approval")
        for n, entry in enumerate(ListEntry.objects.filter(status=ListEntry.Status.LISTED).select_related("subject").order_by("pk")[:2]):
            punishment = entry.list_kind != ListEntry.ListKind.RED
            JointAction.objects.create(
                subject=entry.subject, kind=JointAction.Kind.PUNISHMENT if punishment else JointAction.Kind.REWARD, list_entry=entry,
                measure=(entry.measures or ["加强日常监管"])[0], executing_department=approval,
                executed_at=max(month_start, now - datetime.timedelta(hours=n + 1)),  # this month, not in the future
                matter="演示：道路货物运输经营许可申请" if punishment else "演示：容缺受理优先办理",
            )
