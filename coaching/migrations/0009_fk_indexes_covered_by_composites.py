"""Drop the single-column indexes of foreign keys that a composite index already starts
with (issue 17: every index costs every insert, and the import writes some 200,000 rows).

Only the index goes: the constraint stays as it is. Django's own AlterField would drop and
re-add each foreign key, checking every row again under an exclusive lock."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0008_guidance_list_order_index"),
        ("municipalities", "0007_user_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="entrepreneur",
                    name="imk_coach",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="coached_entrepreneurs",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="IMK coach",
                    ),
                ),
                migrations.AlterField(
                    model_name="entrepreneur",
                    name="municipality",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entrepreneurs",
                        to="municipalities.municipality",
                        verbose_name="municipality",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS coaching_entrepreneur_imk_coach_id_4589b225",
                    reverse_sql="CREATE INDEX coaching_entrepreneur_imk_coach_id_4589b225 ON coaching_entrepreneur (imk_coach_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS coaching_entrepreneur_municipality_id_61262ccb",
                    reverse_sql="CREATE INDEX coaching_entrepreneur_municipality_id_61262ccb ON coaching_entrepreneur (municipality_id)",
                ),
            ],
        ),
    ]
