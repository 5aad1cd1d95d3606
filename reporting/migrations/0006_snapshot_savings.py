from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_job_leases_and_worker_heartbeats"),
    ]

    operations = [
        migrations.AddField(
            model_name="metricssnapshot",
            name="savings",
            field=models.JSONField(default=dict, verbose_name="benefit savings"),
        ),
    ]
