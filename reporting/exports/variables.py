"""The codebook: every table and variable of a research export, with labels and definitions.

This is the one description of the export. The row sources (rows.py, long_tables.py) produce
values in the order of ``Table.variables``, every writer takes names, labels, types and value
labels from here, and the codebook files inside the zip are printed from it.

Coded variables are stored as integers in every format, with value labels. The integer codes are
part of the interface with the researchers: they are written out below and never derived from
the order of the enums, so a code keeps its meaning across deliveries. Labels are written here
in both languages (not through gettext) because the codebook always carries both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from coaching.enums import GuidanceTopic, PriorSupport, SessionMode
from placements.enums import (
    BenefitEndReason,
    BenefitType,
    EvaluationHelped,
    EvaluationMissing,
    EvaluationOffer,
    PlacementEndReason,
    PlacementStatus,
    WouldHostAgain,
)
from reporting.metrics import OutflowStatus


class VarType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    CODED = "coded"


@dataclass(frozen=True, slots=True)
class ValueLabel:
    code: int
    value: str  # the value stored in the application (the enum value)
    nl: str
    en: str


@dataclass(frozen=True, slots=True)
class ValueSet:
    name: str
    labels: tuple[ValueLabel, ...]
    codes: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", {label.value: label.code for label in self.labels})

    def code(self, value: str | None) -> int | None:
        """The integer code of an application value; None (missing) for None or ""."""
        if value is None or value == "":
            return None
        return self.codes[value]

    def coder(self) -> Callable[[str | None], int | None]:
        """``code`` as one dict look-up, for the row loops (an unknown value is a KeyError)."""
        return {None: None, "": None, **self.codes}.__getitem__

    def labels_in(self, language: str) -> dict[int, str]:
        return {label.code: getattr(label, language) for label in self.labels}


@dataclass(frozen=True, slots=True)
class Variable:
    name: str  # at most 32 characters: Stata's limit
    nl: str
    en: str
    type: VarType
    definition: str
    values: ValueSet | None = None
    width: int = 0  # strings: the longest value, for SPSS and Stata
    # Text the export makes itself, which never starts with a formula character (pseudonyms;
    # municipality codes, neutralised once per municipality in scope.py): the CSV and XLSX
    # writers skip the formula check on it, which would otherwise run on every row.
    formula_safe: bool = False

    def label(self, language: str) -> str:
        return getattr(self, language)


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # the file name inside the zip, without extension
    nl: str
    en: str
    description: str
    variables: tuple[Variable, ...]

    @property
    def names(self) -> list[str]:
        return [variable.name for variable in self.variables]

    def label(self, language: str) -> str:
        return getattr(self, language)


def _values(name: str, *rows: tuple[int, str, str, str]) -> ValueSet:
    return ValueSet(name, tuple(ValueLabel(*row) for row in rows))


# --- Value sets ------------------------------------------------------------------------------

YES_NO = _values("yes_no", (0, "no", "nee", "no"), (1, "yes", "ja", "yes"))

BENEFIT_TYPE = _values(
    "benefit_type",
    (
        1,
        BenefitType.PARTICIPATIEWET,
        "Participatiewet (bijstand)",
        "Participation Act (social assistance)",
    ),
    (2, BenefitType.IOAW, "IOAW", "IOAW"),
    (3, BenefitType.IOAZ, "IOAZ", "IOAZ"),
    (4, BenefitType.WW, "WW", "WW (unemployment insurance)"),
    (5, BenefitType.WAJONG, "Wajong", "Wajong"),
    (6, BenefitType.WIA, "WIA", "WIA"),
    (7, BenefitType.ANW, "ANW", "ANW"),
    (8, BenefitType.OTHER, "overig", "other"),
)

BENEFIT_END_REASON = _values(
    "benefit_end_reason",
    (1, BenefitEndReason.WORK, "werk", "work"),
    (2, BenefitEndReason.SELF_EMPLOYMENT, "eigen bedrijf", "self-employment"),
    (3, BenefitEndReason.EDUCATION, "opleiding", "education"),
    (4, BenefitEndReason.OTHER_INCOME, "ander inkomen", "other income"),
    (5, BenefitEndReason.MOVED, "verhuisd", "moved"),
    (6, BenefitEndReason.DECEASED, "overleden", "deceased"),
    (7, BenefitEndReason.OTHER, "overig", "other"),
)

PLACEMENT_STATUS = _values(
    "placement_status",
    (1, PlacementStatus.PROPOSED, "voorgesteld", "proposed"),
    (2, PlacementStatus.AGREED, "afgesproken", "agreed"),
    (3, PlacementStatus.ACTIVE, "lopend", "active"),
    (4, PlacementStatus.COMPLETED, "afgerond", "completed"),
    (5, PlacementStatus.TERMINATED, "voortijdig beëindigd", "terminated"),
    (6, PlacementStatus.CANCELLED, "geannuleerd", "cancelled"),
)

PLACEMENT_END_REASON = _values(
    "placement_end_reason",
    (1, PlacementEndReason.FOUND_WORK, "werk gevonden", "found work"),
    (2, PlacementEndReason.ILLNESS, "ziekte", "illness"),
    (3, PlacementEndReason.MISMATCH, "geen goede match", "mismatch"),
    (4, PlacementEndReason.ENTREPRENEUR_STOPPED, "ondernemer gestopt", "entrepreneur stopped"),
    (5, PlacementEndReason.JOBSEEKER_WITHDREW, "werkzoekende gestopt", "jobseeker withdrew"),
    (6, PlacementEndReason.OTHER, "overig", "other"),
)

OUTFLOW_STATUS = _values(
    "outflow_status",
    (1, OutflowStatus.OUTFLOW, "uitgestroomd", "outflow"),
    (2, OutflowStatus.OPEN, "open (nog niet bekend)", "open (not yet known)"),
    (3, OutflowStatus.NO_OUTFLOW, "niet uitgestroomd", "no outflow"),
)

PRIOR_SUPPORT = _values(
    "prior_support",
    (1, PriorSupport.BBZ_START, "Bbz starter", "Bbz start"),
    (2, PriorSupport.BBZ_RESTART, "Bbz herstarter", "Bbz restart"),
    (3, PriorSupport.OTHER, "andere publieke steun", "other public support"),
)

SESSION_MODE = _values(
    "session_mode",
    (1, SessionMode.IN_PERSON, "persoonlijk", "in person"),
    (2, SessionMode.PHONE, "telefonisch", "by phone"),
    (3, SessionMode.VIDEO, "videogesprek", "video call"),
)

WOULD_HOST_AGAIN = _values(
    "would_host_again",
    (0, WouldHostAgain.NO, "nee", "no"),
    (1, WouldHostAgain.YES, "ja", "yes"),
    (2, WouldHostAgain.UNSURE, "weet niet", "not sure"),
)

# The scale's values are the codes themselves: 1 is the least ready, 5 the most.
WORK_READINESS = _values(
    "work_readiness",
    (1, "1", "1 ver van werk", "1 far from ready for work"),
    (2, "2", "2", "2"),
    (3, "3", "3", "3"),
    (4, "4", "4", "4"),
    (5, "5", "5 klaar voor regulier werk", "5 ready for a regular job"),
)

EVALUATION_OFFER = _values(
    "evaluation_offer",
    (0, EvaluationOffer.NONE, "niets aangeboden", "nothing offered"),
    (1, EvaluationOffer.CONTRACT, "arbeidscontract", "employment contract"),
    (
        2,
        EvaluationOffer.JOB_OFFER,
        "baan aangeboden, (nog) niet getekend",
        "job offered, not (yet) signed",
    ),
    (3, EvaluationOffer.WORK_LEARN, "leerwerkplek (bijv. BBL)", "work-and-learn place (e.g. BBL)"),
    (
        4,
        EvaluationOffer.OTHER_EMPLOYER,
        "aanbevolen bij andere werkgever",
        "recommended to another employer",
    ),
)

VALUE_SETS = (
    YES_NO,
    BENEFIT_TYPE,
    BENEFIT_END_REASON,
    PLACEMENT_STATUS,
    PLACEMENT_END_REASON,
    OUTFLOW_STATUS,
    PRIOR_SUPPORT,
    SESSION_MODE,
    WOULD_HOST_AGAIN,
    WORK_READINESS,
    EVALUATION_OFFER,
)

# Topics of guidance sessions: one 0/1 variable each, named topic_<value>.
TOPIC_LABELS: dict[str, tuple[str, str]] = {
    GuidanceTopic.ONBOARDING: ("onderwerp: inwerken stagiair", "topic: onboarding the intern"),
    GuidanceTopic.INSTRUCTION: ("onderwerp: instructie geven", "topic: giving instructions"),
    GuidanceTopic.SUPERVISION: (
        "onderwerp: begeleiding en feedback",
        "topic: supervision and feedback",
    ),
    GuidanceTopic.COMMUNICATION: ("onderwerp: communicatie", "topic: communication"),
    GuidanceTopic.ADMINISTRATION: (
        "onderwerp: administratie en regels",
        "topic: administration and rules",
    ),
    GuidanceTopic.FINANCES: ("onderwerp: kosten en subsidies", "topic: costs and subsidies"),
    GuidanceTopic.HIRING: (
        "onderwerp: aannemen na de stage",
        "topic: hiring after the internship",
    ),
    GuidanceTopic.OTHER: ("onderwerp: overig", "topic: other"),
}
TOPICS: tuple[str, ...] = tuple(str(topic) for topic in GuidanceTopic)

# What helped and what was missing in a host evaluation: one 0/1 variable each, named
# helped_<value> and missing_<value>.
HELPED_LABELS: dict[str, tuple[str, str]] = {
    EvaluationHelped.JOBCOACH: ("hielp: steun jobcoach", "helped: support of the jobcoach"),
    EvaluationHelped.IMK_COACH: ("hielp: begeleiding IMK", "helped: guidance of the IMK coach"),
    EvaluationHelped.CLEAR_TASKS: (
        "hielp: duidelijke taken en afspraken",
        "helped: clear tasks and agreements",
    ),
    EvaluationHelped.MOTIVATION: ("hielp: motivatie stagiair", "helped: the intern's motivation"),
    EvaluationHelped.COLLEAGUES: ("hielp: collega's of klanten", "helped: colleagues or customers"),
    EvaluationHelped.TRAINING: ("hielp: leren op de werkplek", "helped: training on the job"),
    EvaluationHelped.FLEXIBLE_HOURS: ("hielp: flexibele uren", "helped: flexible hours"),
    EvaluationHelped.OTHER: ("hielp: overig", "helped: other"),
}
MISSING_LABELS: dict[str, tuple[str, str]] = {
    EvaluationMissing.JOBCOACH_CONTACT: (
        "miste: meer contact met jobcoach",
        "missing: more contact with the jobcoach",
    ),
    EvaluationMissing.IMK_GUIDANCE: (
        "miste: meer begeleiding IMK",
        "missing: more guidance from IMK",
    ),
    EvaluationMissing.SKILLS: ("miste: vaardigheden stagiair", "missing: the intern's skills"),
    EvaluationMissing.RELIABILITY: (
        "miste: betrouwbaarheid stagiair",
        "missing: the intern's reliability",
    ),
    EvaluationMissing.LANGUAGE: (
        "miste: beheersing Nederlands stagiair",
        "missing: the intern's command of Dutch",
    ),
    EvaluationMissing.TIME: ("miste: tijd om te begeleiden", "missing: time to supervise"),
    EvaluationMissing.COMPENSATION: (
        "miste: financiële vergoeding",
        "missing: financial compensation",
    ),
    EvaluationMissing.OTHER: ("miste: overig", "missing: other"),
}
HELPED: tuple[str, ...] = tuple(str(choice) for choice in EvaluationHelped)
MISSING: tuple[str, ...] = tuple(str(choice) for choice in EvaluationMissing)


# --- Variables -------------------------------------------------------------------------------

PSEUDONYM_WIDTH = 18  # prefix letter, hyphen, 16 hex digits

AS_OF_NOTE = "Facts dated after the export date A do not exist in the export."


def _pseudonym(name: str, nl: str, en: str, whom: str) -> Variable:
    return Variable(
        name,
        nl,
        en,
        VarType.STRING,
        f"Pseudonym of the {whom}: a keyed one-way function (HMAC-SHA256) of the internal "
        "record number, the same in every export made with the same key. It cannot be traced "
        "back to a person without the key, which the research team does not hold. A new key "
        "(the key is rotated) gives new, unrelated pseudonyms: exports made under different "
        "keys cannot be linked.",
        width=PSEUDONYM_WIDTH,
        formula_safe=True,
    )


PARTICIPANT_ID = _pseudonym(
    "participant_id", "pseudoniem deelnemer", "participant pseudonym", "participant"
)
ENTREPRENEUR_ID = _pseudonym(
    "entrepreneur_id", "pseudoniem ondernemer", "entrepreneur pseudonym", "entrepreneur"
)
PLACEMENT_ID = _pseudonym("placement_id", "pseudoniem stage", "internship pseudonym", "internship")
MUNICIPALITY_CODE = Variable(
    "municipality_code",
    "gemeentecode (CBS)",
    "municipality code (CBS)",
    VarType.STRING,
    "CBS code of the municipality (GM followed by four digits). For a participant the "
    "municipality of the jobseeker; for an entrepreneur where the business is located.",
    width=6,
    formula_safe=True,
)


def _date(name: str, nl: str, en: str, definition: str) -> Variable:
    return Variable(name, nl, en, VarType.DATE, definition)


PARTICIPANTS = Table(
    "participants",
    "deelnemers",
    "participants",
    "One row per participant as of A whose research consent holds on the day the export was "
    "made (a consent withdrawn before that day leaves the person out). A participant "
    "is a jobseeker with at least one internship started on or before A (docs/outflow.md). "
    "The outflow figures are those of the pilot's metrics for the same A. " + AS_OF_NOTE,
    (
        PARTICIPANT_ID,
        MUNICIPALITY_CODE,
        Variable(
            "birth_year",
            "geboortejaar",
            "year of birth",
            VarType.INTEGER,
            "Year of birth. The full birth date is never exported. Missing when not recorded.",
        ),
        Variable(
            "benefit_type_start",
            "uitkering bij start stage",
            "benefit at internship start",
            VarType.CODED,
            "Type of the benefit period running on internship_start (a period that started on "
            "or before that day and had not ended before it, as of A). When two periods run on "
            "that day, the one that started first. Missing when no benefit period was recorded "
            "on that day.",
            BENEFIT_TYPE,
        ),
        Variable(
            "benefit_months_start",
            "maanden in uitkering bij start stage",
            "months on benefits at internship start",
            VarType.INTEGER,
            "Whole calendar months from the first day of the unbroken benefit spell running on "
            "internship_start to internship_start. The spell is the run of days on benefits "
            "(any type) without a day off benefits: a period that ends and another that starts "
            "the next day (for example WW followed by Participatiewet) are one spell. A spell "
            "that started on 15 March and an internship that started on 14 April give 0, on 15 "
            "April 1. Missing when benefit_type_start is missing.",
        ),
        _date(
            "internship_start",
            "start stage",
            "internship start",
            "internship_start S of docs/outflow.md: the earliest actual start of the "
            "participant's internships that started on or before A.",
        ),
        _date(
            "internship_end",
            "einde stage",
            "internship end",
            "internship_end E of docs/outflow.md: the latest actual end of those "
            "internships, known only when all of them had ended on or before A; missing while "
            "an internship is still running as of A.",
        ),
        Variable(
            "placements_started",
            "aantal gestarte stages",
            "number of internships started",
            VarType.INTEGER,
            "Number of the participant's internships that started on or before A.",
        ),
        Variable(
            "last_placement_status",
            "status laatste stage",
            "status of the last internship",
            VarType.CODED,
            "Status as of A of the internship with the latest actual start on or before A: "
            "active (3) when it had not ended on or before A, else completed (4) or "
            "terminated (5).",
            PLACEMENT_STATUS,
        ),
        Variable(
            "last_placement_end_reason",
            "reden einde laatste stage",
            "end reason of the last internship",
            VarType.CODED,
            "Why the last internship ended early; only for status terminated, else missing.",
            PLACEMENT_END_REASON,
        ),
        Variable(
            "status",
            "uitstroomstatus",
            "outflow status",
            VarType.CODED,
            "status of docs/outflow.md: outflow when an outflow date exists; otherwise open "
            "while internship_end is unknown or A is before window_end; otherwise no outflow.",
            OUTFLOW_STATUS,
        ),
        _date(
            "outflow_date",
            "uitstroomdatum",
            "outflow date",
            "outflow_date of docs/outflow.md: the earliest day e on or after internship_start "
            "(and on or before window_end when known) on which a benefit period ended as of A "
            "with a counted end reason (work, self-employment, education, other income) while "
            "no benefit period covered day e + 1. Missing unless status is outflow.",
        ),
        Variable(
            "outflow_reason",
            "reden uitstroom",
            "outflow reason",
            VarType.CODED,
            "End reason of the benefit period that ended on outflow_date. Missing unless status "
            "is outflow.",
            BENEFIT_END_REASON,
        ),
        Variable(
            "outflow_to_work",
            "uitstroom naar werk",
            "outflow to work",
            VarType.CODED,
            "1 when outflow_reason is work or self-employment, 0 for another outflow reason; "
            "missing unless status is outflow.",
            YES_NO,
        ),
        Variable(
            "sustained",
            "duurzame uitstroom",
            "sustained outflow",
            VarType.CODED,
            "sustained of docs/outflow.md, only for status outflow: 0 when a benefit period "
            "started after outflow_date and within six months of it (and on or before A); "
            "otherwise 1 when A is at least six months after outflow_date; otherwise missing "
            "(not yet known).",
            YES_NO,
        ),
        _date(
            "window_end",
            "einde volgperiode",
            "end of follow-up window",
            "window_end W of docs/outflow.md: the same calendar date one year after "
            "internship_end (29 February -> 28 February); missing while internship_end is "
            "unknown.",
        ),
        Variable(
            "days_off_benefits",
            "dagen zonder uitkering",
            "days off benefits",
            VarType.INTEGER,
            "days_off_benefits of docs/savings.md, only for status outflow: the number of "
            "days x with outflow_date < x <= A on which no benefit period (of any type, as of "
            "A) covered x; a return to benefits stops the count while it lasts. 0 when A is "
            "the outflow date; missing unless status is outflow.",
        ),
        Variable(
            "savings_monthly_amount",
            "gestopt maandbedrag (EUR)",
            "monthly amount stopped (EUR)",
            VarType.NUMBER,
            "monthly_amount of docs/savings.md: the sum of the monthly amounts of the benefit "
            "periods that ended on outflow_date. Missing when one of them has no recorded "
            "amount, and unless status is outflow.",
        ),
        Variable(
            "savings",
            "besparing (EUR)",
            "benefit savings (EUR)",
            VarType.NUMBER,
            "savings of docs/savings.md: savings_monthly_amount x 12 / 365 x "
            "days_off_benefits, rounded to cents (half up). Missing when "
            "savings_monthly_amount is missing, and unless status is outflow.",
        ),
    ),
)

PLACEMENTS = Table(
    "placements",
    "stages",
    "internships",
    "One row per internship of a participant in the participants table that started on or "
    "before A. Cancelled internships and internships not yet started as of A are not included. "
    + AS_OF_NOTE,
    (
        PLACEMENT_ID,
        PARTICIPANT_ID,
        ENTREPRENEUR_ID,
        Variable(
            "status",
            "status per exportdatum",
            "status as of the export date",
            VarType.CODED,
            "active (3) when the internship had not ended on or before A, else its final "
            "status: completed (4) or terminated (5).",
            PLACEMENT_STATUS,
        ),
        _date("planned_start", "geplande start", "planned start", "Planned first day."),
        _date("planned_end", "gepland einde", "planned end", "Planned last day."),
        Variable(
            "hours_per_week",
            "uren per week",
            "hours per week",
            VarType.INTEGER,
            "Agreed hours per week; missing when not recorded.",
        ),
        _date("actual_start", "werkelijke start", "actual start", "Actual first day."),
        _date(
            "actual_end",
            "werkelijk einde",
            "actual end",
            "Actual last day when it was on or before A; missing while running as of A.",
        ),
        Variable(
            "end_reason",
            "reden voortijdig einde",
            "reason for early end",
            VarType.CODED,
            "Only for status terminated; else missing.",
            PLACEMENT_END_REASON,
        ),
    ),
)

BENEFIT_PERIODS = Table(
    "benefit_periods",
    "uitkeringsperioden",
    "benefit periods",
    "One row per benefit period of a participant in the participants table that started on or "
    "before A. " + AS_OF_NOTE,
    (
        PARTICIPANT_ID,
        Variable(
            "benefit_type",
            "soort uitkering",
            "benefit type",
            VarType.CODED,
            "Benefit type.",
            BENEFIT_TYPE,
        ),
        _date("start_date", "startdatum", "start date", "First day of the period."),
        _date(
            "end_date",
            "einddatum",
            "end date",
            "Last day of the period when it was on or before A; missing while the period was "
            "still running as of A.",
        ),
        Variable(
            "end_reason",
            "reden einde",
            "end reason",
            VarType.CODED,
            "Why the period ended; missing when end_date is missing.",
            BENEFIT_END_REASON,
        ),
        Variable(
            "monthly_amount",
            "maandbedrag (EUR)",
            "monthly amount (EUR)",
            VarType.NUMBER,
            "Gross monthly amount in euros as recorded; missing when not recorded.",
        ),
    ),
)

PROGRESS_REVIEWS = Table(
    "progress_reviews",
    "voortgangsgesprekken",
    "progress reviews",
    "One row per jobcoach progress review held on or before A of an internship in the "
    "placements table. Dates only: the notes are never exported.",
    (
        PLACEMENT_ID,
        PARTICIPANT_ID,
        _date("held_on", "datum gesprek", "date of review", "Date of the review."),
        _date(
            "next_review_on",
            "datum volgend gesprek",
            "date of next review",
            "Date planned for the next review; missing when none was planned.",
        ),
    ),
)

ENTREPRENEURS = Table(
    "entrepreneurs",
    "ondernemers",
    "entrepreneurs",
    "One row per entrepreneur who hosted an internship in the placements table. Guidance "
    "totals count the IMK guidance sessions held on or before A.",
    (
        ENTREPRENEUR_ID,
        MUNICIPALITY_CODE,
        Variable(
            "prior_support",
            "eerdere publieke steun",
            "prior public support",
            VarType.CODED,
            "The public support with which the entrepreneur once started or restarted.",
            PRIOR_SUPPORT,
        ),
        Variable(
            "guidance_sessions",
            "aantal begeleidingsgesprekken",
            "number of guidance sessions",
            VarType.INTEGER,
            "Number of IMK guidance sessions held on or before A.",
        ),
        Variable(
            "guidance_minutes",
            "minuten begeleiding",
            "minutes of guidance",
            VarType.INTEGER,
            "Total duration in minutes of those sessions (0 when there were none).",
        ),
    ),
)

GUIDANCE_SESSIONS = Table(
    "guidance_sessions",
    "begeleidingsgesprekken",
    "guidance sessions",
    "One row per IMK guidance session held on or before A with an entrepreneur in the "
    "entrepreneurs table. The notes are never exported; topics are one 0/1 variable each.",
    (
        ENTREPRENEUR_ID,
        _date("held_on", "datum gesprek", "date of session", "Date of the session."),
        Variable(
            "minutes",
            "duur (minuten)",
            "duration (minutes)",
            VarType.INTEGER,
            "Duration in minutes.",
        ),
        Variable("mode", "vorm", "mode", VarType.CODED, "How the session was held.", SESSION_MODE),
        *(
            Variable(
                f"topic_{topic}",
                TOPIC_LABELS[topic][0],
                TOPIC_LABELS[topic][1],
                VarType.CODED,
                f"1 when the coach recorded the topic '{topic}' for the session, else 0.",
                YES_NO,
            )
            for topic in TOPICS
        ),
    ),
)

HOST_EVALUATIONS = Table(
    "host_evaluations",
    "evaluaties ondernemer",
    "host evaluations",
    "One row per evaluation by the host entrepreneur of an internship in the placements table "
    "that ended on or before A, held on or before A. Recorded by the IMK coach or the "
    "jobcoach at the end of the internship. The free-text remark is never exported; what "
    "helped and what was missing are one 0/1 variable each.",
    (
        PLACEMENT_ID,
        PARTICIPANT_ID,
        ENTREPRENEUR_ID,
        _date("evaluated_on", "datum evaluatie", "date of evaluation", "Date of the conversation."),
        Variable(
            "would_host_again",
            "wil opnieuw stagiair",
            "would host again",
            VarType.CODED,
            "Whether the entrepreneur would host an intern again.",
            WOULD_HOST_AGAIN,
        ),
        Variable(
            "work_readiness",
            "werkfitheid stagiair (1-5)",
            "intern's readiness for work (1-5)",
            VarType.CODED,
            "The entrepreneur's judgement of the intern's readiness for work at the end of the "
            "internship, from 1 (far from ready for work) to 5 (ready for a regular job).",
            WORK_READINESS,
        ),
        Variable(
            "offer",
            "baan of contract aangeboden",
            "job or contract offered",
            VarType.CODED,
            "What the entrepreneur offered the intern at the end of the internship.",
            EVALUATION_OFFER,
        ),
        *(
            Variable(
                f"helped_{choice}",
                HELPED_LABELS[choice][0],
                HELPED_LABELS[choice][1],
                VarType.CODED,
                f"1 when the entrepreneur named '{choice}' as something that helped, else 0.",
                YES_NO,
            )
            for choice in HELPED
        ),
        *(
            Variable(
                f"missing_{choice}",
                MISSING_LABELS[choice][0],
                MISSING_LABELS[choice][1],
                VarType.CODED,
                f"1 when the entrepreneur named '{choice}' as something that was missing, else 0.",
                YES_NO,
            )
            for choice in MISSING
        ),
    ),
)

TABLES: tuple[Table, ...] = (
    PARTICIPANTS,
    PLACEMENTS,
    BENEFIT_PERIODS,
    PROGRESS_REVIEWS,
    ENTREPRENEURS,
    GUIDANCE_SESSIONS,
    HOST_EVALUATIONS,
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
