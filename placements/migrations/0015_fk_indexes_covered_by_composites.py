"""Drop the single-column indexes of foreign keys that a composite index already starts
with (issue 17: every index costs every insert, and the import writes some 200,000 rows).

Only the index goes: the constraint stays as it is. Django's own AlterField would drop and
re-add each foreign key, checking every row again under an exclusive lock."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0009_fk_indexes_covered_by_composites"),
        ("municipalities", "0007_user_language"),
        ("placements", "0014_hosting_policy_scope_first"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="benefitperiod",
                    name="jobseeker",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="benefit_periods",
                        to="placements.jobseeker",
                        verbose_name="jobseeker",
                    ),
                ),
                migrations.AlterField(
                    model_name="benefitperiod",
                    name="municipality",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="municipalities.municipality",
                        verbose_name="municipality",
                    ),
                ),
                migrations.AlterField(
                    model_name="jobseeker",
                    name="municipality",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="jobseekers",
                        to="municipalities.municipality",
                        verbose_name="municipality",
                    ),
                ),
                migrations.AlterField(
                    model_name="placement",
                    name="entrepreneur",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="placements",
                        to="coaching.entrepreneur",
                        verbose_name="entrepreneur",
                    ),
                ),
                migrations.AlterField(
                    model_name="placement",
                    name="municipality",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="municipalities.municipality",
                        verbose_name="municipality",
                    ),
                ),
                migrations.AlterField(
                    model_name="placementstatechange",
                    name="municipality",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="municipalities.municipality",
                        verbose_name="municipality",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS placements_benefitperiod_jobseeker_id_3c0415f9",
                    reverse_sql="CREATE INDEX placements_benefitperiod_jobseeker_id_3c0415f9 ON placements_benefitperiod (jobseeker_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS placements_benefitperiod_municipality_id_8992e09c",
                    reverse_sql="CREATE INDEX placements_benefitperiod_municipality_id_8992e09c ON placements_benefitperiod (municipality_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS placements_jobseeker_municipality_id_36c2be1a",
                    reverse_sql="CREATE INDEX placements_jobseeker_municipality_id_36c2be1a ON placements_jobseeker (municipality_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS placements_placement_entrepreneur_id_07138ffa",
                    reverse_sql="CREATE INDEX placements_placement_entrepreneur_id_07138ffa ON placements_placement (entrepreneur_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS placements_placement_municipality_id_7086e6d7",
                    reverse_sql="CREATE INDEX placements_placement_municipality_id_7086e6d7 ON placements_placement (municipality_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS placements_placementstatechange_municipality_id_5f2ed39d",
                    reverse_sql="CREATE INDEX placements_placementstatechange_municipality_id_5f2ed39d ON placements_placementstatechange (municipality_id)",
                ),
            ],
        ),
    ]
