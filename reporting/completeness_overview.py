"""The numbers of the completeness overview: from today's stored snapshot where it counted the
same rows the viewer sees, otherwise counted live (issue 17).

Counting seven kinds of gap live over every municipality of a national pilot takes about half
a second of database work per request; the snapshot task already counts exactly the same
(``all_municipalities_completeness_counts``, with the same ``gap_counts``) for today's date and
keeps each municipality's counts in its part. Those counts are the page's counts when:

- the viewer is the programme admin, who sees every row the snapshot counted, restricted
  people included. A jobcoach does not see restricted people, and sees a few municipalities,
  which count live in milliseconds (a privacy officer who is also a jobcoach sees restricted
  people of their own municipalities only: live too);
- the snapshot is of today (its counts are as of its date, as the page's are).

When the change counters (reporting.changes) still equal the snapshot's, no table behind the
counts changed since: the numbers are exactly the live ones. When they differ, the page shows
the snapshot's numbers with the time they were counted and says records changed since (the
save that changed them scheduled a new snapshot, minutes away); the viewer can ask for a live
count, and each municipality's page is always live. Without a snapshot of today (before the
nightly run) or without change counters (the demo's SQLite), the page counts live.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models.fields.json import KeyTransform

from municipalities.access import access_for

from .changes import change_counters
from .completeness import GAP_KINDS, gap_counts, visible_rows
from .models import SnapshotMunicipality
from .snapshots import current_snapshots


@dataclass(frozen=True)
class OverviewCounts:
    """Per municipality id, the count of each gap kind, and where the counts come from."""

    counts: dict[int, dict[str, int]]
    counted_at: datetime | None = None  # None: counted live, in this request
    changed_since: bool = False  # records changed after ``counted_at``


def overview_counts(
    user, municipality_ids: Sequence[int], *, on: date, live: bool = False
) -> OverviewCounts:
    """The gap counts of ``municipality_ids`` for ``user`` as of ``on`` (today); ``live``
    skips the snapshot."""
    if not live and access_for(user).is_programme_admin:
        stored = _from_snapshot(municipality_ids, on=on)
        if stored is not None:
            return stored
    return OverviewCounts(counts=gap_counts(visible_rows(user), municipality_ids, on=on))


def _from_snapshot(municipality_ids: Sequence[int], *, on: date) -> OverviewCounts | None:
    """The counts today's latest snapshot stored, or None where it cannot stand in for a live
    count (none of today, no change counters, a municipality or a kind it did not count)."""
    counters = change_counters()
    if not counters:
        return None  # no way to tell whether the stored counts are still the live ones
    snapshot = (
        current_snapshots(as_of=on)
        .order_by("-computed_at")
        .only("id", "computed_at", "change_counters")
        .first()
    )
    if snapshot is None:
        return None
    stored = dict(
        SnapshotMunicipality.objects.filter(
            snapshot_id=snapshot.pk, municipality_id__in=list(municipality_ids)
        ).values_list("municipality_id", KeyTransform("completeness", "figures_as_of"))
    )
    counts = {}
    for municipality_id in municipality_ids:
        per_kind = stored.get(municipality_id)
        if not isinstance(per_kind, dict) or set(per_kind) != set(GAP_KINDS):
            return None  # added after the snapshot, or counted before a kind existed
        counts[municipality_id] = {kind: int(per_kind[kind]) for kind in GAP_KINDS}
    return OverviewCounts(
        counts=counts,
        counted_at=snapshot.computed_at,
        changed_since=snapshot.change_counters != counters,
    )
