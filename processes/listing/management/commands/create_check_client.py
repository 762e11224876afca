"""``manage.py create_check_client NAME --kind licensing``: register a calling system; its token is printed once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from processes.listing.models import CheckClient
from processes.listing.services import check_client_create


class Command(BaseCommand):
    help = "Register a business system allowed to call the joint punishment check API and print its token (shown once, stored hashed)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the calling system's name, e.g. 行政审批系统")
        parser.add_argument("--kind", choices=CheckClient.SystemKind.values, default=CheckClient.SystemKind.LICENSING)
        parser.add_argument("--rate", type=int, default=60, help="calls per minute allowed (default 60)")

    def handle(self, *args, name, kind, rate, **options):
        try:
            client, token = check_client_create(name=name, system_kind=kind, rate_limit_per_minute=rate)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        self.stdout.write(f"核查接口调用方“{client.name}”已创建（{client.get_system_kind_display()}，每分钟{client.rate_limit_per_minute}次）。")
        self.stdout.write("令牌（只显示这一次，系统只保存其摘要）：")
        self.stdout.write(token)
