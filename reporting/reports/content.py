"""What goes into each report: plain context for the PDF templates, read from one snapshot.

The figures come from the same snapshot and the same dashboard code as the dashboard, so a
report and the dashboard for one date always agree (and agree with ``pilot_metrics``), and a
report rendered again from the same snapshot shows the same figures: the funnel, guidance and
completeness counts are the snapshot's too, not the live tables'.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html
from django.utils.translation import gettext as _

from municipalities.models import Municipality
from placements.enums import BenefitEndReason, BenefitType

from ..completeness import GAP_KINDS
from ..dashboard import (
    WHOLE_PILOT,
    Scope,
    build_dashboard_data,
    dashboard_charts,
    small_cells_explanation,
    small_cells_suppressed,
)
from ..models import MetricsSnapshot, ProgressReport, ReportKind, ReportStatus
from ..rollout_views import rollout_section
from ..savings_figures import snapshot_savings
from .compact import (
    COMPLETENESS_CSV,
    FIGURES_CSV,
    completeness_attachment,
    completeness_line_table,
    figures_attachment,
    figures_line_table,
)
from .pdf import PdfAttachment
from .research import all_municipalities_outflow_benefit_types


@dataclass(frozen=True)
class ReportContent:
    template: str
    context: dict
    # Files carried inside the PDF: the national reports' per-municipality rows as CSV.
    attachments: tuple[PdfAttachment, ...] = ()


def report_content(report: ProgressReport, snapshot: MetricsSnapshot) -> ReportContent:
    if report.kind == ReportKind.FUNDER:
        return funder_content(snapshot, previous=previous_funder_report(report))
    if report.kind == ReportKind.RESEARCH:
        return research_content(snapshot)
    return municipality_content(snapshot, municipality=report.municipality)


def previous_funder_report(report: ProgressReport) -> ProgressReport | None:
    return (
        ProgressReport.objects.filter(
            kind=ReportKind.FUNDER,
            status=ReportStatus.DONE,
            as_of__lt=report.as_of,
            snapshot__isnull=False,
        )
        .select_related("snapshot")
        .order_by("-as_of")
        .first()
    )


def _common(snapshot: MetricsSnapshot, title: str) -> dict:
    return {
        "title": title,
        "as_of": snapshot.as_of,
        "computed_at": snapshot.computed_at,
        "snapshot_id": snapshot.pk,
        "target_ratio": snapshot.figures["target_ratio"],
        "gap_kinds": list(GAP_KINDS.values()),
    }


# Above this many municipalities the funder report prints one table per municipality (the main
# figures with the savings) and the data completeness per kind, not per municipality: at
# national scale (342) three tables of a row per municipality were over 8,000 table cells, and
# laying out cells is most of a report's time (benchmarks/README.md). The per-municipality
# tables left (the funder's figures, the research report's completeness) are printed as one line
# of text per municipality (line_tables.py) and attached to the PDF whole as CSV (compact.py).
# Each municipality's report keeps its ordinary tables.
COMPACT_ABOVE = 30


def funder_content(snapshot: MetricsSnapshot, *, previous: ProgressReport | None) -> ReportContent:
    data = build_dashboard_data(snapshot=snapshot, scope=WHOLE_PILOT)
    charts = {chart.key: chart for chart in dashboard_charts(data)}
    savings = snapshot_savings(snapshot, WHOLE_PILOT)
    compact = len(data.municipalities) > COMPACT_ABOVE
    completeness = small_cells_suppressed(data.completeness, True)
    return ReportContent(
        template="reporting/pdf/funder.html",
        context={
            **_common(snapshot, _("Progress report for the funder")),
            "headline": data.headline,
            "municipalities": [] if compact else data.municipalities,
            "compact": compact,
            "figures_csv": _file_name(FIGURES_CSV),
            "figures_table": figures_line_table(
                data.municipalities, savings, snapshot.figures["totals"]
            )
            if compact
            else None,
            "totals": snapshot.figures["totals"],
            "charts": [charts["cumulative"], charts["municipalities"], charts["guidance"]],
            # The savings, their chart against the budget and its break-even day: the
            # snapshot's, like every other figure here.
            "savings": savings,
            "savings_chart": savings.chart(),
            # The rollout calculator at its defaults (342 municipalities, 10 places each), from
            # the basis this snapshot stored.
            **rollout_section(snapshot),
            # The per-municipality chart's figures are the table "Figures per municipality":
            # printing them twice would only make a long report longer.
            "charts_without_table": ["municipalities"],
            "guidance": data.guidance,
            # Counts only, per municipality: the funder sees no records, and the small counts of
            # this breakdown as "< 5" (reporting.small_cells); the totals elsewhere stay exact.
            "completeness": [] if compact else completeness,
            # Compact: the count of each kind of gap over the whole pilot (exact, as totals are).
            "completeness_totals": [
                (label, sum(row[kind] for row in data.completeness))
                for kind, label in GAP_KINDS.items()
            ]
            if compact
            else [],
            "small_cells_note": "" if compact else small_cells_explanation(),
            "previous": previous,
            "changes": changes_since(previous.snapshot.figures, snapshot.figures)
            if previous
            else [],
        },
        attachments=(figures_attachment(data.municipalities, savings),) if compact else (),
    )


def _file_name(name: str) -> str:
    # An attachment's name in the text, kept on one line (a break at its hyphens misleads).
    return format_html('<span class="file">{}</span>', name)


def changes_since(before: dict, now: dict) -> list[str]:
    """Notable changes between two snapshots' figures, as sentences (aggregates only)."""
    changes: list[str] = []
    for key, label in (
        ("participants", _("Participants")),
        ("outflow", _("Outflow")),
        ("outflow_to_work", _("Outflow to work")),
        ("sustained_outflow", _("Sustained outflow")),
    ):
        old, new = before["totals"][key], now["totals"][key]
        if old != new:
            changes.append(
                _("%(label)s: from %(old)s to %(new)s (%(delta)+d).")
                % {"label": label, "old": old, "new": new, "delta": new - old}
            )
    earlier = {m["code"]: m for m in before["municipalities"]}
    for m in now["municipalities"]:
        old = earlier.get(m["code"])
        if old is None:
            changes.append(_("%(name)s joined the pilot.") % {"name": m["name"]})
            continue
        if old["outflow"] < old["target_outflow"] <= m["outflow"]:
            changes.append(_("%(name)s reached its target.") % {"name": m["name"]})
        elif m["outflow"] != old["outflow"]:
            changes.append(
                _("%(name)s: outflow from %(old)s to %(new)s.")
                % {"name": m["name"], "old": old["outflow"], "new": m["outflow"]}
            )
    if not changes:
        changes.append(_("No changes in the figures."))
    return changes


def _quarter(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def cohorts(participants: list[dict]) -> list[dict]:
    """Participants per quarter of their internship start, with what became of them."""
    rows: dict[str, Counter] = defaultdict(Counter)
    for p in participants:
        row = rows[_quarter(p["internship_start"])]
        row["participants"] += 1
        row[p["status"]] += 1
        if p["status"] == "outflow":
            if p["outflow_reason"] in ("work", "self_employment"):
                row["to_work"] += 1
            if p["sustained"] is True:
                row["sustained"] += 1
    return [
        {
            "quarter": quarter,
            "participants": c["participants"],
            "outflow": c["outflow"],
            "to_work": c["to_work"],
            "sustained": c["sustained"],
            "open": c["open"],
            "no_outflow": c["no_outflow"],
        }
        for quarter, c in sorted(rows.items())
    ]


def research_content(snapshot: MetricsSnapshot) -> ReportContent:
    data = build_dashboard_data(snapshot=snapshot, scope=WHOLE_PILOT)
    charts = {chart.key: chart for chart in dashboard_charts(data)}
    participants = snapshot.figures["participants"]
    reasons = Counter(p["outflow_reason"] for p in participants if p["status"] == "outflow")
    types = all_municipalities_outflow_benefit_types(
        participants=participants, as_of=snapshot.as_of
    )
    compact = len(data.municipalities) > COMPACT_ABOVE
    return ReportContent(
        template="reporting/pdf/research.html",
        context={
            **_common(snapshot, _("Progress report for the research")),
            "headline": data.headline,
            "totals": snapshot.figures["totals"],
            "cohorts": cohorts(participants),
            "by_reason": [
                (str(BenefitEndReason(r).label), reasons[r]) for r in sorted(reasons, key=str)
            ],
            "by_benefit_type": [
                (str(BenefitType(t).label), types[t]) for t in sorted(types, key=str)
            ],
            "charts": [charts["time_to_outflow"], charts["funnel"]],
            "km": data.km,
            "completeness": [] if compact else data.completeness,
            "compact": compact,
            "completeness_table": completeness_line_table(data.completeness) if compact else None,
            "completeness_csv": _file_name(COMPLETENESS_CSV),
        },
        attachments=(completeness_attachment(data.completeness),) if compact else (),
    )


def municipality_content(snapshot: MetricsSnapshot, *, municipality: Municipality) -> ReportContent:
    scope = Scope(codes=frozenset({municipality.code}), ids=frozenset({municipality.pk}))
    data = build_dashboard_data(snapshot=snapshot, scope=scope)
    charts = {chart.key: chart for chart in dashboard_charts(data)}
    own = data.municipalities[0] if data.municipalities else None
    return ReportContent(
        template="reporting/pdf/municipality.html",
        context={
            **_common(
                snapshot,
                _("Progress report for %(name)s") % {"name": municipality.name},
            ),
            "municipality": municipality,
            "headline": data.headline,
            "figures": own,
            # That municipality's savings and coaching costs, from the same snapshot.
            "savings": snapshot_savings(snapshot, scope),
            "savings_chart": None,
            "charts": [
                charts["cumulative"],
                charts["municipalities"],
                charts["funnel"],
                charts["time_to_outflow"],
                charts["guidance"],
            ],
            "completeness": data.completeness,
        },
    )
