from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_snapshot_figures_as_of"),
    ]

    operations = [
        migrations.AddField(
            model_name="metricssnapshot",
            name="savings",
            field=models.JSONField(default=dict, verbose_name="benefit savings"),
        ),
    ]
