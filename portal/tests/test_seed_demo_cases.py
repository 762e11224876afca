from django.core.management import call_command

from processes.objection.models import Objection
from processes.repair.models import RepairApplication


def test_demo_cases_are_filed_through_the_services_once(db):
    call_command("seed_demo", "--subjects", "15")
    call_command("seed_demo_cases")
    call_command("seed_demo_cases")

    objections = Objection.objects.filter(statement__startswith="【演示案件】")
    assert sorted(objections.values_list("status", flat=True)) == ["filed", "verifying"]
    assert all(o.record.status == "under_objection" for o in objections)
    assert RepairApplication.objects.filter(statement__startswith="【演示案件】").count() <= 1
