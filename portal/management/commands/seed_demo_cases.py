"""``manage.py seed_demo_cases``: a few cases in flight, filed through the real services. Idempotent.

So the demo's workbench, portal and oversight dashboard show work at every stage:
an objection waiting for intake, one waiting for the source department's verification,
and a repair application waiting for intake.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from credit.models import CreditRecord, RecordStatus
from processes.common.models import Material
from processes.common.taskapi import task_claim, task_complete
from processes.objection import services as objection_services
from processes.objection.models import Objection
from processes.repair import services as repair_services
from processes.repair.eligibility import repair_eligibility
from processes.repair.models import RepairApplication

MARK = "【演示案件】"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class Command(BaseCommand):
    help = "File demo objections and a repair application through the services (run after seed_demo)."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        try:
            company, intake = User.objects.get(username="company"), User.objects.get(username="legal.intake")
        except User.DoesNotExist as exc:
            raise CommandError("先运行 seed_demo。") from exc
        if Objection.objects.filter(statement__startswith=MARK).exists():
            self.stdout.write("演示案件已存在。")
            return
        records = list(
            CreditRecord.objects.filter(subject__memberships__user=company, status=RecordStatus.PUBLISHED).order_by("pk")
        )
        penalties = [r for r in records if r.kind == "penalty"]
        others = [r for r in records if r.kind != "penalty"]
        if others:
            objection_services.objection_file(
                record=others[0], grounds="wrong", statement=f"{MARK}评价等级登记有误，应为A级。", by=company,
                uploads=[("评价结果通知.pdf", PDF, Material.Kind.DECISION_DOCUMENT)],
            )
        if penalties:
            objection = objection_services.objection_file(
                record=penalties[0], grounds="authority_mismatch", statement=f"{MARK}决定机关登记错误。", by=company,
                uploads=[("处罚决定书.pdf", PDF, Material.Kind.DECISION_DOCUMENT)],
            )
            task = objection.process.task_set.get(flow_task_type="HUMAN", status="NEW")
            task_claim(task_id=task.pk, user=intake)
            task_complete(task_id=task.pk, user=intake, perform=lambda _: objection_services.objection_accept(objection=objection, by=intake))
        today = timezone.localdate()
        uploads = [("缴款凭证.pdf", PDF, Material.Kind.PERFORMANCE_PROOF), ("信用承诺书.pdf", PDF, Material.Kind.COMMITMENT_LETTER)]
        for record in penalties[1:]:
            performed = record.decision_date + datetime.timedelta(days=10)
            if repair_eligibility(record=record, obligations_performed_on=performed, material_kinds={k for _, _, k in uploads}, today=today).eligible:
                repair_services.repair_file(
                    record=record, statement=f"{MARK}已缴清罚款并完成整改。", obligations_performed_on=performed, by=company, uploads=uploads,
                )
                break
        self.stdout.write(
            f"演示案件：异议 {Objection.objects.filter(statement__startswith=MARK).count()} 件，"
            f"信用修复 {RepairApplication.objects.filter(statement__startswith=MARK).count()} 件。"
        )
