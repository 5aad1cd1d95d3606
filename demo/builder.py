"""Write the demo plan into the database through the services, so every rule holds for it.

Placements are written as they happened: every state change of every placement in date order,
one step at a time, with the municipality's jobcoach as the actor and the plan's moment as the
time of the change. That gives each placement a complete, believable history and lets the
services' "one at a time" checks see the pilot as it stood on each day.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from coaching.models import Entrepreneur, GuidanceSession
from coaching.services import entrepreneur_save, guidance_session_save
from kernel.models import PilotSettings
from municipalities.models import AuditEvent, Municipality, RoleAssignment, User
from municipalities.processing_log import clear_for_demo_reset
from municipalities.services import municipality_save
from placements.consents import consent_give, consent_withdraw
from placements.enums import (
    ChangeSource,
    ConsentPurpose,
    ConsentSource,
    PlacementStatus,
    ResearchConsent,
)
from placements.models import (
    BenefitCheck,
    BenefitPeriod,
    ConsentRecord,
    HostEvaluation,
    Jobseeker,
    Placement,
    PlacementStateChange,
    ProgressReview,
)
from placements.services import (
    benefit_check_save,
    benefit_period_save,
    host_evaluation_save,
    jobseeker_save,
    placement_save,
    progress_review_save,
)

from .catalogue import MUNICIPALITIES, PLACES_PER_MUNICIPALITY
from .credentials import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    demo_accounts,
    jobcoach_email,
)
from .plan import DemoPlan
from .timeline import DATA_UNTIL, PILOT_TZ

# When the demo's staff got their accounts: just before Heerlen's first internship.
ACCOUNTS_CREATED = datetime(2023, 12, 1, 9, 0, tzinfo=PILOT_TZ)


def demo_present() -> bool:
    """Whether the database already holds pilot data (the demo's or anyone's)."""
    return Municipality.objects.exists()


def demo_accounts_present() -> bool:
    return User.objects.filter(email=ADMIN_EMAIL).exists()


def reset_pilot_data() -> None:
    """Delete every row of the pilot's data and the demo's accounts; other accounts stay.

    Children go before their parents because several keys protect their parent. Rows of the
    reporting app are derived from the rest, so they go too, first. Roles bound to a
    municipality go with it; pilot-wide roles of other accounts (a superuser's) stay.
    """
    for model in apps.get_app_config("reporting").get_models():
        model.objects.all().delete()
    # The processing log points to the people: it goes with them (append-only, so emptied).
    clear_for_demo_reset()
    # Requests and their records (restrictions, erasures) are about the pilot's people.
    for model in apps.get_app_config("privacy").get_models():
        if model._meta.model_name not in {"processingentry", "processingsubject"}:
            model.objects.all().delete()
    for model in (
        BenefitCheck,
        HostEvaluation,
        ProgressReview,
        PlacementStateChange,
        Placement,
        BenefitPeriod,
        ConsentRecord,
        Jobseeker,
        GuidanceSession,
        Entrepreneur,
        AuditEvent,
        Municipality,
    ):
        model.objects.all().delete()
    User.objects.filter(email__in=[a.email for a in demo_accounts()]).delete()


def _write_municipalities() -> dict[str, Municipality]:
    return {
        m.code: municipality_save(
            municipality=Municipality(
                code=m.code, name=m.name, planned_places=PLACES_PER_MUNICIPALITY
            )
        )
        for m in MUNICIPALITIES
    }


def _write_accounts(
    municipalities: dict[str, Municipality], joined: datetime = ACCOUNTS_CREATED
) -> dict[str, User]:
    # One hash for all: hashing the same password sixteen times only costs seconds.
    password = make_password(DEMO_PASSWORD)
    users = {}
    for account in demo_accounts():
        is_admin = account.email == ADMIN_EMAIL
        user = User.objects.create_user(
            account.email,
            None,
            full_name=account.full_name,
            date_joined=joined,
            # The programme admin also runs the Django admin, which asks for these flags.
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        user.password = password
        user.save(update_fields=["password"])
        RoleAssignment.objects.create(
            user=user,
            role=account.role,
            municipality=municipalities.get(account.municipality_code),
        )
        users[account.email] = user
    demo_second_factors()
    return users


def demo_second_factors() -> int:
    """Give every demo sign-in the published authenticator-app secret, where it has none yet
    (also for a demo database built before second factors existed). Returns how many."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    missing = User.objects.filter(email__in=[a.email for a in demo_accounts()]).exclude(
        authenticator__type=Authenticator.Type.TOTP
    )
    count = 0
    for user in missing:
        TOTP.activate(user, DEMO_TOTP_SECRET)
        count += 1
    return count


def _write_placements(plan: DemoPlan, jobseekers, entrepreneurs, users) -> dict[str, Placement]:
    events = sorted(
        (moment, placement.ref, index, placement)
        for placement in plan.placements
        for index, (_status, moment) in enumerate(placement.steps)
    )
    written: dict[str, Placement] = {}
    for moment, ref, index, step_plan in events:
        status = step_plan.steps[index][0]
        if index == 0:
            placement = Placement(
                ref=ref,
                jobseeker=jobseekers[step_plan.jobseeker_ref],
                entrepreneur=entrepreneurs[step_plan.entrepreneur_ref],
                planned_start=step_plan.planned_start,
                planned_end=step_plan.planned_end,
                hours_per_week=step_plan.hours_per_week,
            )
            written[ref] = placement
        placement = written[ref]
        placement.status = status
        if status == PlacementStatus.ACTIVE:
            placement.actual_start = step_plan.actual_start
        if status in (PlacementStatus.COMPLETED, PlacementStatus.TERMINATED):
            placement.actual_end = step_plan.actual_end
        if status in (PlacementStatus.TERMINATED, PlacementStatus.CANCELLED):
            placement.end_reason = step_plan.end_reason
        placement_save(
            placement=placement,
            actor=users[jobcoach_email(step_plan.municipality_code)],
            source=ChangeSource.DEMO,
            single_step=True,
            at=moment,
        )
    return written


def _write_consents(plan: DemoPlan, jobseekers, users) -> None:
    """Consent as the jobcoach records it when a person is first proposed for an internship:
    research consent for "yes" (given, and later withdrawn, for "no"; nothing for "unknown"),
    and consent for follow-up contact from those who gave research consent and an e-mail."""
    first_step: dict[str, date] = {}
    for p in plan.placements:
        day = p.steps[0][1].astimezone(PILOT_TZ).date()
        first_step[p.jobseeker_ref] = min(day, first_step.get(p.jobseeker_ref, day))
    for j in plan.jobseekers:
        if j.research_consent == ResearchConsent.UNKNOWN:
            continue
        jobseeker = jobseekers[j.ref]
        actor = users[jobcoach_email(j.municipality_code)]
        given_on = first_step.get(j.ref, DATA_UNTIL)
        purposes = [ConsentPurpose.RESEARCH]
        if j.research_consent == ResearchConsent.YES and j.email:
            purposes.append(ConsentPurpose.FOLLOW_UP)
        for purpose in purposes:
            record = consent_give(
                jobseeker=jobseeker,
                purpose=purpose,
                given_on=given_on,
                source=ConsentSource.DEMO,
                actor=actor,
            )
            if j.research_consent == ResearchConsent.NO:
                consent_withdraw(
                    record=record,
                    withdrawn_on=min(given_on + timedelta(days=45), DATA_UNTIL),
                    source=ConsentSource.DEMO,
                    actor=actor,
                )


def write_plan(plan: DemoPlan) -> None:
    """Write the whole plan. The caller holds the transaction."""
    PilotSettings.load()
    municipalities = _write_municipalities()
    users = _write_accounts(municipalities, ACCOUNTS_CREATED + (plan.data_until - DATA_UNTIL))
    entrepreneurs = {}
    for e in plan.entrepreneurs:
        entrepreneurs[e.ref] = entrepreneur_save(
            entrepreneur=Entrepreneur(
                municipality=municipalities[e.municipality_code],
                ref=e.ref,
                trade_name=e.trade_name,
                kvk_number=e.kvk_number,
                prior_support=e.prior_support,
                imk_coach=users[e.coach_email],
                contact_name=e.contact_name,
                contact_email=e.contact_email,
            )
        )
    jobseekers = {}
    for j in plan.jobseekers:
        jobseekers[j.ref] = jobseeker_save(
            jobseeker=Jobseeker(
                municipality=municipalities[j.municipality_code],
                ref=j.ref,
                given_name=j.given_name,
                family_name=j.family_name,
                birth_date=j.birth_date,
                client_number=j.client_number,
                email=j.email,
            )
        )
    placements = _write_placements(plan, jobseekers, entrepreneurs, users)
    _write_consents(plan, jobseekers, users)
    for b in plan.benefits:
        benefit_period_save(
            period=BenefitPeriod(
                jobseeker=jobseekers[b.jobseeker_ref],
                benefit_type=b.benefit_type,
                start_date=b.start_date,
                end_date=b.end_date,
                end_reason=b.end_reason,
                monthly_amount=b.monthly_amount,
            )
        )
    for r in plan.reviews:
        placement = placements[r.placement_ref]
        progress_review_save(
            review=ProgressReview(
                placement=placement,
                author=users[jobcoach_email(placement.municipality.code)],
                held_on=r.held_on,
                notes=r.notes,
                next_review_on=r.next_review_on,
            )
        )
    for c in plan.checks:
        placement = placements[c.placement_ref]
        benefit_check_save(
            check=BenefitCheck(
                placement=placement,
                months=c.months,
                checked_on=c.checked_on,
                outcome=c.outcome,
                reason=c.reason,
                recorded_by=users[jobcoach_email(placement.municipality.code)],
            )
        )
    for s in plan.sessions:
        entrepreneur = entrepreneurs[s.entrepreneur_ref]
        guidance_session_save(
            session=GuidanceSession(
                entrepreneur=entrepreneur,
                coach=entrepreneur.imk_coach,
                held_on=s.held_on,
                minutes=s.minutes,
                mode=s.mode,
                topics=s.topics,
                notes=s.notes,
            )
        )
    # Recorded by the entrepreneur's IMK coach, who holds the closing conversation.
    for e in plan.evaluations:
        placement = placements[e.placement_ref]
        host_evaluation_save(
            evaluation=HostEvaluation(
                placement=placement,
                evaluated_on=e.evaluated_on,
                would_host_again=e.would_host_again,
                work_readiness=e.work_readiness,
                offer=e.offer,
                helped=e.helped,
                missing=e.missing,
                remark=e.remark,
            ),
            actor=placement.entrepreneur.imk_coach,
        )


def summary() -> list[tuple[str, int]]:
    """What the database holds now, as (label, count) rows for the terminal."""
    statuses = Counter(Placement.objects.values_list("status", flat=True))
    rows = [
        (_("municipalities"), Municipality.objects.count()),
        (
            _("accounts with a role"),
            User.objects.filter(role_assignments__isnull=False).distinct().count(),
        ),
        (_("entrepreneurs"), Entrepreneur.objects.count()),
        (_("jobseekers"), Jobseeker.objects.count()),
        (_("placements"), Placement.objects.count()),
    ]
    rows += [(f"  {status.label}", statuses.get(status.value, 0)) for status in PlacementStatus]
    rows += [
        (_("placement state changes"), PlacementStateChange.objects.count()),
        (_("benefit periods"), BenefitPeriod.objects.count()),
        (_("progress reviews"), ProgressReview.objects.count()),
        (_("benefit checks"), BenefitCheck.objects.count()),
        (_("guidance sessions"), GuidanceSession.objects.count()),
        (_("host evaluations"), HostEvaluation.objects.count()),
        (_("consents (given and withdrawn)"), ConsentRecord.objects.count()),
    ]
    return rows
