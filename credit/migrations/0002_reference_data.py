"""Departments, rule regimes and the official holiday calendar every installation needs."""

from django.db import migrations


def load(apps, schema_editor):
    from credit.reference_data import load_departments, load_rule_versions
    from credit.workdays import load_official_calendar

    load_departments(apps.get_model("credit", "Department"))
    load_rule_versions(
        apps.get_model("credit", "RuleVersion"),
        apps.get_model("credit", "PublicationPeriod"),
        apps.get_model("credit", "ProcessDeadline"),
    )
    load_official_calendar(day_model=apps.get_model("credit", "CalendarDay"), year_model=apps.get_model("credit", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
