from django.db import migrations, models


class Migration(migrations.Migration):
    """Host evaluations are edited like the other records: based on the version the form showed."""

    dependencies = [
        ("placements", "0004_record_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="hostevaluation",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
    ]
