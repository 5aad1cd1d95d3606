"""The long tables of a research export, each one query whose columns PostgreSQL already codes.

Every long table (internships, benefit periods, progress reviews, entrepreneurs, guidance
sessions, host evaluations) is described once, as a ``values_list`` query in the column order
of its table in ``variables.py``:

- the leading columns are record ids that leave the database only through Python: participant,
  internship and entrepreneur ids become pseudonyms (the key never goes to the database), and a
  municipality id becomes its CBS code;
- every other column is final: coded variables are integers (``coded``), and dates and reasons
  that lie after the export date A are missing (``as_of``).

The query is read in two ways, with the same result: as Python tuples in batches (``batches``,
for XLSX, SPSS and Stata), or for CSV with ``COPY ... TO STDOUT`` (``copy_csv``), where
PostgreSQL formats the rows and Python only puts the pseudonyms in front. At national scale the
second takes about half the time of the first: Python creating a date object per cell and the
csv module formatting it again were most of an export's time.

The rows are ordered by the first column, so a table's progress is its first id against the
largest id of that model (an index-only lookup), and a pseudonym repeated on consecutive rows
(a participant's benefit periods) is made once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat

from coaching.models import Entrepreneur, GuidanceSession
from placements.enums import PlacementStatus
from placements.models import Jobseeker, Placement

from . import variables as v
from .pseudonyms import Pseudonymiser
from .scope import (
    Batch,
    ResearchScope,
    all_municipalities_consented_benefit_periods,
    all_municipalities_consented_entrepreneurs,
    all_municipalities_consented_evaluations,
    all_municipalities_consented_reviews,
    all_municipalities_consented_sessions,
    all_municipalities_started_placements,
    batched,
    max_id,
    municipality_codes,
)

# --- Coding in SQL ---------------------------------------------------------------------------


def coded(field: str, values: v.ValueSet) -> Case:
    """The integer code of ``field``'s value (variables.py), missing for an empty value.

    A value the codebook does not know must not become a silent "missing": the default branch
    casts "unknown code: <value>" to an integer, which always fails, with PostgreSQL's "invalid
    input syntax for type integer: "unknown code: ..."", as the Python coder's KeyError did.
    (SQLite, for the demo only, casts such text to 0 instead.)
    """
    return Case(
        When(**{field: ""}, then=Value(None)),
        *(When(**{field: label.value}, then=Value(label.code)) for label in values.labels),
        default=Cast(Concat(Value("unknown code: "), F(field)), IntegerField()),
        output_field=IntegerField(),
    )


def as_of(condition: Q, then, default=None, output_field=None) -> Case:
    """``then`` where ``condition`` holds on the export date, else ``default`` (missing)."""
    return Case(
        When(condition, then=then),
        default=Value(default),
        output_field=output_field or IntegerField(),
    )


def _yes_no(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(v.YES_NO.code("yes"))),
        default=Value(v.YES_NO.code("no")),
        output_field=IntegerField(),
    )


# --- The tables ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LongTable:
    name: str  # as in variables.TABLES
    # What the leading id columns become: a Pseudonymiser kind, or "municipality" (its code).
    keys: tuple[str, ...]
    first_model: type[Model]  # the model whose ids the first column holds, ascending
    query: Callable[[ResearchScope], QuerySet]  # values_list in the table's column order


def _placements(scope: ResearchScope) -> QuerySet:
    ended = Q(actual_end__lte=scope.as_of)
    return (
        all_municipalities_started_placements(scope)
        .order_by("id")
        .values_list(
            "id",
            "jobseeker_id",
            "entrepreneur_id",
            # Not ended on or before A: still active as of A, whatever happened later.
            as_of(
                ended,
                coded("status", v.PLACEMENT_STATUS),
                default=v.PLACEMENT_STATUS.code(str(PlacementStatus.ACTIVE)),
            ),
            "planned_start",
            "planned_end",
            "hours_per_week",
            "actual_start",
            as_of(ended, F("actual_end"), output_field=DateField()),
            as_of(ended, coded("end_reason", v.PLACEMENT_END_REASON)),
        )
    )


def _benefit_periods(scope: ResearchScope) -> QuerySet:
    # An end after A has not happened yet as of A: the period is running.
    ended = Q(end_date__lte=scope.as_of)
    return (
        all_municipalities_consented_benefit_periods(scope)
        .order_by("jobseeker_id", "start_date", "benefit_type")
        .values_list(
            "jobseeker_id",
            coded("benefit_type", v.BENEFIT_TYPE),
            "start_date",
            as_of(ended, F("end_date"), output_field=DateField()),
            as_of(ended, coded("end_reason", v.BENEFIT_END_REASON)),
            "monthly_amount",
        )
    )


def _progress_reviews(scope: ResearchScope) -> QuerySet:
    # Dates only: the notes column is never selected.
    return (
        all_municipalities_consented_reviews(scope)
        .order_by("placement_id", "id")
        .values_list("placement_id", "placement__jobseeker_id", "held_on", "next_review_on")
    )


def _entrepreneurs(scope: ResearchScope) -> QuerySet:
    # Guidance totals per entrepreneur as correlated subqueries: each is an index range read,
    # where a COUNT and SUM over a LEFT JOIN grouped by entrepreneur sorted the whole join.
    held = (
        GuidanceSession.objects.filter(entrepreneur_id=OuterRef("pk"), held_on__lte=scope.as_of)
        .order_by()
        .values("entrepreneur_id")
    )
    return (
        all_municipalities_consented_entrepreneurs(scope)
        .order_by("id")
        .values_list(
            "id",
            "municipality_id",
            coded("prior_support", v.PRIOR_SUPPORT),
            Coalesce(Subquery(held.annotate(n=Count("id")).values("n")), 0),
            Coalesce(Subquery(held.annotate(m=Sum("minutes")).values("m")), 0),
        )
    )


def _guidance_sessions(scope: ResearchScope) -> QuerySet:
    # No notes and no coach: date, duration, mode and topics only.
    return (
        all_municipalities_consented_sessions(scope)
        .order_by("entrepreneur_id", "id")
        .values_list(
            "entrepreneur_id",
            "held_on",
            "minutes",
            coded("mode", v.SESSION_MODE),
            *(_yes_no(_has_topic(topic)) for topic in v.TOPICS),
        )
    )


def _host_evaluations(scope: ResearchScope) -> QuerySet:
    # No remark and no recorder: the choices only. The readiness scale's values are its codes
    # (a check constraint keeps them within 1-5).
    return (
        all_municipalities_consented_evaluations(scope)
        .order_by("placement_id")
        .values_list(
            "placement_id",
            "placement__jobseeker_id",
            "placement__entrepreneur_id",
            "evaluated_on",
            coded("would_host_again", v.WOULD_HOST_AGAIN),
            "work_readiness",
            coded("offer", v.EVALUATION_OFFER),
            *(_yes_no(_contains("helped", choice)) for choice in v.HELPED),
            *(_yes_no(_contains("missing", choice)) for choice in v.MISSING),
        )
    )


def _has_topic(topic: str) -> Q:
    return _contains("topics", topic)


def _contains(field: str, value: str) -> Q:
    """Rows whose JSON list ``field`` holds ``value``."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})  # jsonb @> '["value"]'
    # SQLite (the demo) has no JSON containment: the quoted value in the list's JSON text. No
    # value of these lists contains another's quoted form.
    return Q(**{f"{field}__icontains": f'"{value}"'})


LONG_TABLES: dict[str, LongTable] = {
    table.name: table
    for table in (
        LongTable(
            "placements", ("placement", "participant", "entrepreneur"), Placement, _placements
        ),
        LongTable("benefit_periods", ("participant",), Jobseeker, _benefit_periods),
        LongTable("progress_reviews", ("placement", "participant"), Placement, _progress_reviews),
        LongTable("entrepreneurs", ("entrepreneur", "municipality"), Entrepreneur, _entrepreneurs),
        LongTable("guidance_sessions", ("entrepreneur",), Entrepreneur, _guidance_sessions),
        LongTable(
            "host_evaluations",
            ("placement", "participant", "entrepreneur"),
            Placement,
            _host_evaluations,
        ),
    )
}


# --- Reading them ----------------------------------------------------------------------------


def _key_makers(
    table: LongTable, pseudonyms: Pseudonymiser, *, as_bytes: bool
) -> list[Callable[[int], str | bytes]]:
    makers = []
    for kind in table.keys:
        if kind == "municipality":
            # Neutralised once per municipality (variables.MUNICIPALITY_CODE is formula_safe).
            codes = municipality_codes()
            if as_bytes:
                codes = {id_: code.encode() for id_, code in codes.items()}
            makers.append(codes.__getitem__)
        elif as_bytes:
            makers.append(pseudonyms.bytes_maker(kind))  # the CSV sink reuses repeats itself
        else:
            makers.append(_repeating(pseudonyms.maker(kind)))
    return makers


def _repeating(make: Callable[[int], str | bytes]) -> Callable[[int], str | bytes]:
    """``make`` that reuses its last answer for the same id on the next row."""
    last_id, last = None, None

    def cached(record_id: int):
        nonlocal last_id, last
        if record_id != last_id:
            last_id, last = record_id, make(record_id)
        return last

    return cached


def batches(
    table: LongTable, *, scope: ResearchScope, pseudonyms: Pseudonymiser
) -> Iterator[Batch]:
    """The table's final rows (pseudonyms and codes in place), ``scope.batch_size`` at a time."""
    rows = table.query(scope).iterator(chunk_size=scope.batch_size)
    makers = _key_makers(table, pseudonyms, as_bytes=False)
    last_key = max_id(table.first_model)
    # One comprehension per number of key columns: a generic loop over the makers per row
    # costs more than everything else these rows go through.
    if len(makers) == 1:
        (first,) = makers

        def convert(batch):
            return [(first(row[0]), *row[1:]) for row in batch]

    elif len(makers) == 2:
        first, second = makers

        def convert(batch):
            return [(first(row[0]), second(row[1]), *row[2:]) for row in batch]

    else:
        first, second, third = makers

        def convert(batch):
            return [(first(row[0]), second(row[1]), third(row[2]), *row[3:]) for row in batch]

    for batch in batched(rows, scope.batch_size):
        yield Batch(convert(batch), min(1.0, batch[-1][0] / last_key))


def can_copy() -> bool:
    """COPY is PostgreSQL's; on SQLite (the demo) CSV goes through ``batches`` like the rest."""
    return connection.vendor == "postgresql"


def copy_csv(
    table: LongTable,
    *,
    scope: ResearchScope,
    pseudonyms: Pseudonymiser,
    path: Path,
    header: list[str],
) -> int:
    """Write the table as CSV to ``path`` (header, CRLF lines, as the csv writer does) with
    PostgreSQL's COPY, and return the number of rows.

    No progress is reported during a COPY: the connection cannot run another statement (such
    as saving the export's progress) before the COPY has ended. A table takes a tenth of a
    second at national scale."""
    sql, params = table.query(scope).query.sql_with_params()
    with path.open("wb") as file:
        file.write((",".join(header) + "\r\n").encode())
        sink = _CsvSink(file.write, _key_makers(table, pseudonyms, as_bytes=True))
        # SET LOCAL needs a transaction: COPY writes dates in the session's DateStyle, which a
        # server may have set to something else than ISO 8601.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL DateStyle TO 'ISO, YMD'")
            statement = cursor.mogrify(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params)
            cursor.copy_expert(statement, sink)
    return sink.rows


class _CsvSink:
    """What psycopg2's copy_expert writes to: it calls ``write`` with one CSV line (bytes) per
    row, ending in LF.

    The leading id columns are replaced by pseudonyms (or codes) and the line end by CRLF
    (RFC 4180, as the csv writer writes the participants); the rest of the line goes out as
    PostgreSQL formatted it: integers, ISO dates, decimals, empty for missing. None of it is
    text that needs quoting or a formula check. ``write`` is a closure over locals: it runs
    once per row of the export.
    """

    def __init__(
        self, write: Callable[[bytes], object], makers: list[Callable[[int], bytes]]
    ) -> None:
        self.rows = 0
        first_make, *other_makes = makers
        splits = len(makers)
        # The first key repeats on consecutive rows in some tables (a participant's benefit
        # periods): its pseudonym is made once per run, compared on the raw bytes.
        last_raw, last = b"", b""

        def line(data: bytes) -> None:
            nonlocal last_raw, last
            fields = data.split(b",", splits)
            raw = fields[0]
            if raw != last_raw:
                last_raw, last = raw, first_make(int(raw))
            fields[0] = last
            for index, make in enumerate(other_makes, 1):
                fields[index] = make(int(fields[index]))
            fields[-1] = fields[-1][:-1]  # without the LF
            write(b",".join(fields) + b"\r\n")
            self.rows += 1

        self.write = line
