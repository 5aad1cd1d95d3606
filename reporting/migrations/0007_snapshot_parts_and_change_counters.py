# Issue 17: each scope's share of a snapshot (read per request instead of the whole document),
# the whole pilot's participants in stretches, and the change counters of the tables behind
# the figures (the snapshot's fingerprint). The municipalities' shares are behind row-level
# security like the people they count. Triggers and policies do nothing on SQLite.

import django.db.models.deletion
from django.db import migrations, models

from municipalities.db_scope import protect_table
from reporting.changes import count_changes


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0006_snapshot_savings"),
        ("municipalities", "0007_user_language"),
        ("placements", "0011_consent_records_row_level_security"),
        ("coaching", "0005_row_level_security"),
    ]

    operations = [
        migrations.AddField(
            model_name="metricssnapshot",
            name="pilot_figures",
            field=models.JSONField(default=dict, verbose_name="figures of the whole pilot"),
        ),
        migrations.AddField(
            model_name="metricssnapshot",
            name="pilot_savings",
            field=models.JSONField(default=dict, verbose_name="savings of the whole pilot"),
        ),
        migrations.AddField(
            model_name="metricssnapshot",
            name="dashboard_html",
            field=models.JSONField(default=dict, verbose_name="dashboard of the whole pilot"),
        ),
        migrations.AddField(
            model_name="metricssnapshot",
            name="change_counters",
            field=models.JSONField(default=dict, verbose_name="change counters"),
        ),
        migrations.CreateModel(
            name="SnapshotMunicipality",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=16, verbose_name="code")),
                ("figures", models.JSONField(verbose_name="figures")),
                ("savings", models.JSONField(verbose_name="benefit savings")),
                ("costs", models.JSONField(default=dict, verbose_name="costs")),
                (
                    "figures_as_of",
                    models.JSONField(default=dict, verbose_name="funnel, guidance and completeness"),
                ),
                ("participants", models.JSONField(default=list, verbose_name="participants")),
                (
                    "savings_participants",
                    models.JSONField(default=list, verbose_name="participants' savings"),
                ),
                ("dashboard_html", models.JSONField(default=dict, verbose_name="dashboard")),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="municipalities.municipality",
                    ),
                ),
                (
                    "snapshot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="municipality_parts",
                        to="reporting.metricssnapshot",
                    ),
                ),
            ],
            options={
                "verbose_name": "municipality's share of a snapshot",
                "verbose_name_plural": "municipalities' shares of snapshots",
                "ordering": ["snapshot", "code"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("snapshot", "code"), name="snapshot_part_one_per_municipality"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SnapshotParticipantChunk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("savings", models.BooleanField(default=False)),
                ("start", models.PositiveIntegerField()),
                ("participants", models.JSONField(default=list)),
                (
                    "snapshot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participant_chunks",
                        to="reporting.metricssnapshot",
                    ),
                ),
            ],
            options={
                "ordering": ["snapshot", "savings", "start"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("snapshot", "savings", "start"),
                        name="snapshot_chunk_one_per_start",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="TableChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("table", models.CharField(max_length=63)),
                ("changes", models.BigIntegerField(default=1)),
            ],
            options={
                "indexes": [models.Index(fields=["table"], name="table_change_table")],
            },
        ),
        protect_table("reporting_snapshotmunicipality"),
        count_changes(),
    ]
