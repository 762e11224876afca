"""Each monthly figure keeps its least complete records (the data-quality page reads them by primary key).

The figures are derived data: the rows computed before are dropped, so the first
look (or the next beat run) recomputes them with their lists.
"""

from django.db import migrations, models


def drop_figures(apps, schema_editor):
    apps.get_model("oversight", "RecordMonthStat").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("oversight", "0002_indexes_for_the_dashboard"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordmonthstat",
            name="worst_ids",
            field=models.JSONField(blank=True, default=list, verbose_name="填写最不完整的记录"),
        ),
        migrations.RunPython(drop_figures, migrations.RunPython.noop),
    ]
