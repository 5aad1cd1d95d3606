"""Each scope's share of a snapshot, stored with it by the snapshot task (issue 17), so that a
request reads what its scope may see and no more:

- ``MetricsSnapshot.pilot_figures`` / ``pilot_savings``: the whole pilot's figures without the
  participants' lists (the funder's and researcher's answers, the totals);
- ``SnapshotMunicipality``: one municipality's rows of every list, its participants and its
  dashboard (a jobcoach's answer and page), behind row-level security like the people it counts;
- ``SnapshotParticipantChunk``: the whole pilot's participants' lists in stretches of
  ``CHUNK`` (a page for the programme admin);
- the dashboard's figures rendered for the whole pilot and for each municipality alone, per
  language (``dashboard.render_dashboard_figures``).

Every value is a slice of the snapshot's JSON, unchanged; ``sliced_snapshot`` puts the slices
of a set of municipalities back together into the document the dashboard reads.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

from municipalities.models import Municipality

from .models import MetricsSnapshot, SnapshotMunicipality, SnapshotParticipantChunk

CHUNK = 500
# The version of the stored dashboard HTML: a template change after a snapshot was stored
# renders it again in the request (and caches it) instead of showing the old markup.
DASHBOARD_VERSION = "v4"


@dataclass
class ScopeParts:
    figures: dict
    figures_as_of: dict
    savings: dict
    pilot_figures: dict = field(default_factory=dict)
    pilot_savings: dict = field(default_factory=dict)

    rows: list = field(default_factory=list)

    def render(self, snapshot: MetricsSnapshot) -> None:
        """Make the municipalities' rows and render every dashboard into them and into the
        (still unsaved) ``snapshot``: outside the transaction that stores them."""
        ids = dict(Municipality.objects.values_list("code", "id"))
        self.rows = municipality_rows(
            snapshot=snapshot,
            figures=self.figures,
            figures_as_of=self.figures_as_of,
            savings=self.savings,
            ids=ids,
        )
        # Render the dashboards while the document is in memory (dashboard imports this module).
        from .dashboard import WHOLE_PILOT, Scope, render_dashboard_figures

        snapshot.dashboard_html = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for suppress in (False, True):
                    snapshot.dashboard_html[f"{DASHBOARD_VERSION}:{language}:{int(suppress)}"] = (
                        render_dashboard_figures(
                            snapshot=snapshot, scope=WHOLE_PILOT, suppress_small=suppress
                        )
                    )
                for row in self.rows:
                    alone = sliced_snapshot(snapshot, [row])
                    scope = Scope(
                        codes=frozenset({row.code}),
                        ids=frozenset({row.municipality_id}),
                        names=(row.figures["name"],),
                    )
                    # A municipality's dashboard is for its jobcoaches: exact counts.
                    row.dashboard_html[f"{DASHBOARD_VERSION}:{language}:0"] = (
                        render_dashboard_figures(snapshot=alone, scope=scope, suppress_small=False)
                    )

    def store(self, snapshot: MetricsSnapshot) -> None:
        """Write the parts of ``snapshot`` (just saved, in the caller's transaction)."""
        for row in self.rows:
            row.snapshot = snapshot
        SnapshotMunicipality.objects.bulk_create(self.rows, batch_size=50)
        _store_chunks(snapshot, figures=self.figures, savings=self.savings)


def _store_chunks(snapshot: MetricsSnapshot, *, figures: dict, savings: dict) -> None:
    chunks = [
        SnapshotParticipantChunk(
            snapshot=snapshot, savings=is_savings, start=start, participants=people
        )
        for is_savings, people_list in (
            (False, figures["participants"]),
            (True, savings["participants"]),
        )
        for start in range(0, len(people_list), CHUNK)
        for people in [people_list[start : start + CHUNK]]
    ]
    SnapshotParticipantChunk.objects.bulk_create(chunks, batch_size=50)


def restretch_participants(snapshot: MetricsSnapshot) -> None:
    """Write ``snapshot``'s stretches again from its document, in the caller's transaction.

    For a change to the lists after the snapshot was stored (an erasure renames a participant,
    which moves them in the list sorted by ref, possibly into another stretch): the stretches
    stay the document's lists cut in pieces, so a page reads what the whole document holds."""
    SnapshotParticipantChunk.objects.filter(snapshot=snapshot).delete()
    _store_chunks(snapshot, figures=snapshot.figures, savings=snapshot.savings)


def scope_parts(*, figures: dict, figures_as_of: dict, savings: dict) -> ScopeParts:
    parts = ScopeParts(figures=figures, figures_as_of=figures_as_of, savings=savings)
    # With the length of the left-out list: a page's X-Total-Count without reading it.
    parts.pilot_figures = {k: v for k, v in figures.items() if k != "participants"}
    parts.pilot_figures["participants_count"] = len(figures["participants"])
    parts.pilot_savings = {k: v for k, v in savings.items() if k not in ("participants", "rollout")}
    parts.pilot_savings["participants_count"] = len(savings["participants"])
    return parts


def municipality_rows(
    *, snapshot, figures: dict, figures_as_of: dict, savings: dict, ids: dict[str, int]
) -> list[SnapshotMunicipality]:
    people = defaultdict(list)
    for p in figures["participants"]:
        people[p["municipality_code"]].append(p)
    savers = defaultdict(list)
    for p in savings["participants"]:
        savers[p["municipality_code"]].append(p)
    savings_rows = {m["code"]: m for m in savings["municipalities"]}
    costs_rows = {m["code"]: m for m in savings.get("costs", {}).get("municipalities", [])}
    rows = []
    for m in figures["municipalities"]:
        code = m["code"]
        rows.append(
            SnapshotMunicipality(
                snapshot=snapshot,
                municipality_id=ids[code],
                code=code,
                figures=m,
                savings=savings_rows[code],
                costs=costs_rows.get(code, {}),
                figures_as_of={
                    kind: per_code[code]
                    for kind, per_code in figures_as_of.items()
                    if code in per_code
                },
                participants=people.get(code, []),
                savings_participants=savers.get(code, []),
                dashboard_html={},
            )
        )
    return rows


def sliced_snapshot(snapshot: MetricsSnapshot, rows) -> MetricsSnapshot:
    """An unsaved snapshot (same id, date and time) whose document holds only ``rows``'
    municipalities: what the dashboard reads for a scope of those municipalities."""
    rows = sorted(rows, key=lambda r: r.code)
    participants = sorted((p for r in rows for p in r.participants), key=lambda p: p["ref"])
    savers = sorted((p for r in rows for p in r.savings_participants), key=lambda p: p["ref"])
    pilot_figures = snapshot.pilot_figures
    pilot_savings = snapshot.pilot_savings
    figures_as_of: dict = {}
    for r in rows:
        for kind, value in r.figures_as_of.items():
            figures_as_of.setdefault(kind, {})[r.code] = value
    for kind in ("funnel", "guidance", "completeness"):
        figures_as_of.setdefault(kind, {})
    costs = pilot_savings.get("costs")
    return MetricsSnapshot(
        pk=snapshot.pk,
        as_of=snapshot.as_of,
        computed_at=snapshot.computed_at,
        data_fingerprint=snapshot.data_fingerprint,
        figures={
            "as_of": pilot_figures["as_of"],
            "target_ratio": pilot_figures["target_ratio"],
            "totals": pilot_figures["totals"],
            "municipalities": [r.figures for r in rows],
            "participants": participants,
        },
        figures_as_of=figures_as_of,
        savings={
            **pilot_savings,
            "municipalities": [r.savings for r in rows],
            "participants": savers,
            **(
                {"costs": {**costs, "municipalities": [r.costs for r in rows if r.costs]}}
                if costs is not None
                else {}
            ),
        },
        pilot_figures=pilot_figures,
        pilot_savings=pilot_savings,
    )
