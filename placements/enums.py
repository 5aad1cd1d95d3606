from django.db import models
from django.utils.translation import gettext_lazy as _

# Shared with the correction history in municipalities, which sits below this app.
from municipalities.enums import ChangeSource  # noqa: F401


class ResearchConsent(models.TextChoices):
    """The research consent as the CSV import and the API spell it (data-exchange.md). Stored
    as consent records (``ConsentRecord``); "yes" is derived: research consent holds today,
    "no": it was given and withdrawn, "unknown": it was never recorded."""

    YES = "yes", _("yes")
    NO = "no", _("no")
    UNKNOWN = "unknown", _("unknown")


class ConsentPurpose(models.TextChoices):
    """What a jobseeker may consent to, each on its own (a small fixed list)."""

    RESEARCH = "research", _("research (Regioplan)")
    FOLLOW_UP = "follow_up", _("contact for follow-up")


class ConsentSource(models.TextChoices):
    """Which way in a consent (or its withdrawal) was recorded."""

    WEB = "web", _("web")
    ADMIN = "admin", _("admin")
    IMPORT = "import", _("import")
    API = "api", _("API")
    DEMO = "demo", _("demo data")
    MIGRATION = "migration", _("earlier consent field")


# The information version of consents carried over from the single yes/no/unknown field.
INFORMATION_VERSION_BEFORE_RECORDS = "unknown (before consent records)"


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    AGREED = "agreed", _("agreed")
    ACTIVE = "active", _("active")
    COMPLETED = "completed", _("completed")
    TERMINATED = "terminated", _("terminated")
    CANCELLED = "cancelled", _("cancelled")


# The lifecycle as single steps; the import and the admin may skip ahead along it (the steps in
# between happened outside the system) but never go back.
NEXT_STATUSES: dict[str, frozenset[str]] = {
    PlacementStatus.PROPOSED: frozenset({PlacementStatus.AGREED, PlacementStatus.CANCELLED}),
    PlacementStatus.AGREED: frozenset({PlacementStatus.ACTIVE, PlacementStatus.CANCELLED}),
    PlacementStatus.ACTIVE: frozenset({PlacementStatus.COMPLETED, PlacementStatus.TERMINATED}),
    PlacementStatus.COMPLETED: frozenset(),
    PlacementStatus.TERMINATED: frozenset(),
    PlacementStatus.CANCELLED: frozenset(),
}

# A step taken by mistake goes back to the status before it, clearing what that step recorded.
# A cancellation goes back to where it was cancelled from (the state change says which).
UNDO_CLEARS: dict[str, tuple[str, ...]] = {
    PlacementStatus.AGREED: (),
    PlacementStatus.ACTIVE: ("actual_start",),
    PlacementStatus.COMPLETED: ("actual_end",),
    PlacementStatus.TERMINATED: ("actual_end", "end_reason"),
    PlacementStatus.CANCELLED: ("end_reason",),
}
UNDO_TO: dict[str, str] = {
    PlacementStatus.AGREED: PlacementStatus.PROPOSED,
    PlacementStatus.ACTIVE: PlacementStatus.AGREED,
    PlacementStatus.COMPLETED: PlacementStatus.ACTIVE,
    PlacementStatus.TERMINATED: PlacementStatus.ACTIVE,
}

NOT_STARTED_STATUSES = frozenset(
    {PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.CANCELLED}
)
ENDED_STATUSES = frozenset({PlacementStatus.COMPLETED, PlacementStatus.TERMINATED})
NEEDS_END_REASON = frozenset({PlacementStatus.TERMINATED, PlacementStatus.CANCELLED})


class PlacementEndReason(models.TextChoices):
    FOUND_WORK = "found_work", _("found work")
    ILLNESS = "illness", _("illness")
    MISMATCH = "mismatch", _("mismatch")
    ENTREPRENEUR_STOPPED = "entrepreneur_stopped", _("entrepreneur stopped")
    JOBSEEKER_WITHDREW = "jobseeker_withdrew", _("jobseeker withdrew")
    OTHER = "other", _("other")


class BenefitType(models.TextChoices):
    PARTICIPATIEWET = "participatiewet", _("Participatiewet (bijstand)")
    IOAW = "ioaw", _("IOAW")
    IOAZ = "ioaz", _("IOAZ")
    WW = "ww", _("WW")
    WAJONG = "wajong", _("Wajong")
    WIA = "wia", _("WIA")
    ANW = "anw", _("ANW")
    OTHER = "other", _("other")


class BenefitEndReason(models.TextChoices):
    WORK = "work", _("work")
    SELF_EMPLOYMENT = "self_employment", _("self-employment")
    EDUCATION = "education", _("education")
    OTHER_INCOME = "other_income", _("other income")
    MOVED = "moved", _("moved")
    DECEASED = "deceased", _("deceased")
    OTHER = "other", _("other")


# outflow-metrics.md: the end reasons that count as outflow, and those that count as work.
COUNTED_END_REASONS = frozenset(
    {
        BenefitEndReason.WORK,
        BenefitEndReason.SELF_EMPLOYMENT,
        BenefitEndReason.EDUCATION,
        BenefitEndReason.OTHER_INCOME,
    }
)
WORK_END_REASONS = frozenset({BenefitEndReason.WORK, BenefitEndReason.SELF_EMPLOYMENT})


class BenefitCheckMonths(models.IntegerChoices):
    """When the benefit status is checked: this many months after the internship's end."""

    THREE = 3, _("3 months")
    SIX = 6, _("6 months")
    TWELVE = 12, _("12 months")


class BenefitCheckOutcome(models.TextChoices):
    STILL_ON_BENEFITS = "still_on_benefits", _("still on benefits")
    BENEFITS_ENDED = "benefits_ended", _("benefits ended")
    COULD_NOT_CHECK = "could_not_check", _("could not be checked")


# The host's end-of-internship evaluation (HostEvaluation). The research export codes these
# values with fixed integers of its own (reporting/exports/variables.py).
class WouldHostAgain(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    UNSURE = "unsure", _("not sure")


class EvaluationOffer(models.TextChoices):
    NONE = "none", _("nothing offered")
    CONTRACT = "contract", _("employment contract")
    JOB_OFFER = "job_offer", _("job offered, not (yet) signed")
    WORK_LEARN = "work_learn", _("work-and-learn place (e.g. BBL)")
    OTHER_EMPLOYER = "other_employer", _("recommended to another employer")


class EvaluationHelped(models.TextChoices):
    JOBCOACH = "jobcoach", _("support of the jobcoach")
    IMK_COACH = "imk_coach", _("guidance of the IMK coach")
    CLEAR_TASKS = "clear_tasks", _("clear tasks and agreements")
    MOTIVATION = "motivation", _("the intern's motivation")
    COLLEAGUES = "colleagues", _("colleagues or customers")
    TRAINING = "training", _("training on the job")
    FLEXIBLE_HOURS = "flexible_hours", _("flexible hours")
    OTHER = "other", _("other")


class EvaluationMissing(models.TextChoices):
    JOBCOACH_CONTACT = "jobcoach_contact", _("more contact with the jobcoach")
    IMK_GUIDANCE = "imk_guidance", _("more guidance from IMK")
    SKILLS = "skills", _("the intern's skills")
    RELIABILITY = "reliability", _("the intern's reliability")
    LANGUAGE = "language", _("the intern's command of Dutch")
    TIME = "time", _("time to supervise")
    COMPENSATION = "compensation", _("financial compensation")
    OTHER = "other", _("other")


READINESS_MIN, READINESS_MAX = 1, 5
