"""``manage.py oversight_refresh [--month 2026-02 ...]``: recompute the monthly figures now."""

from django.core.management.base import BaseCommand, CommandError

from oversight.periods import parse_month
from oversight.services import record_stats_refresh


class Command(BaseCommand):
    help = "Recompute the monthly figures (7-day publication rate, data quality) of the given months, or of all."

    def add_arguments(self, parser):
        parser.add_argument("--month", action="append", default=[], help="YYYY-MM; repeat for several (default: every month)")

    def handle(self, *args, month, **options):
        months = [parse_month(text) for text in month]
        if None in months:
            raise CommandError("月份格式应为 YYYY-MM。")
        result = record_stats_refresh(months=months or None)
        self.stdout.write(f"已重新统计 {result['months']} 个月，{result['rows']} 行。")
