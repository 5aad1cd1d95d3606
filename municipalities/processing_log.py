"""Recording in the processing log: the one way in for reads and writes alike.

Who acts comes from the context: the web request (``ProcessingLogMiddleware`` sets it for every
request, so the route's name and the signed-in user are known wherever a service runs), or a
system actor named with ``acting_as("import_pilot_data")`` by a management command or task.

- Pages: ``LogsReads`` (a view mixin) records one read per rendered page, with every person the
  page shows (``people_shown``); function views call ``record_read``.
- The API: ``LogsApiReads`` (a DRF mixin) records the people whose references the response holds.
- Services call ``record_write`` inside the transaction of the write itself: a write that fails
  leaves no entry, and no write is committed without one. A run of many writes (the CSV
  import) gathers them into one entry per action (``gathered_writes``).
- Exports and reports call ``record`` with the people they include.

An entry without people is not written: nobody's data was processed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404

from .processing_enums import Action, Activity, Result

# The log's tables belong to the privacy app and the people in it are the placements app's
# jobseekers: both sit above the tenant, so this module names their models by label instead
# of importing them (docs/architecture.md).
ENTRY_MODEL = "privacy.ProcessingEntry"
SUBJECT_MODEL = "privacy.ProcessingSubject"
JOBSEEKER_MODEL = "placements.Jobseeker"
PLACEMENT_MODEL = "placements.Placement"

SYSTEM = "system"


@dataclass(frozen=True)
class Context:
    request: object = None
    label: str = ""


_context: ContextVar[Context | None] = ContextVar("processing_log_context", default=None)


@contextlib.contextmanager
def acting_as(label: str):
    """Everything recorded inside is done by the system actor ``label`` (a command's name)."""
    token = _context.set(Context(label=label))
    try:
        yield
    finally:
        _context.reset(token)


class ProcessingLogMiddleware:
    """Makes the request the context of everything recorded while it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _context.set(Context(request=request))
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)


# The processing activity of a route, by its namespace; a view may name its own.
ROUTE_ACTIVITIES = {
    "admin": Activity.ADMINISTRATION,
    "reporting": Activity.MONITORING,
    "exports": Activity.RESEARCH,
    "privacy": Activity.PRIVACY_REQUEST,
}


def _request_actor(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or _request_client(request) is not None:
        return None
    return user


def _request_client(request):
    """The API client a request was made with (a system's token), or None."""
    from .api_clients import client_of

    return client_of(getattr(request, "user", None))


def client_label(client) -> str:
    """How the log names an API client: a system, never a person."""
    return f"API client {client.pk}: {client.name}"


def _request_route(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name or "")[:100] if match is not None else ""


def current_activity() -> str:
    context = _context.get()
    if context is None or context.request is None:
        return Activity.GUIDANCE
    route = _request_route(context.request)
    return ROUTE_ACTIVITIES.get(route.split(":", 1)[0], Activity.GUIDANCE)


def entry_models() -> tuple[type, type]:
    """The log's two tables (entry, subject), for a writer in bulk (the import's set way)."""
    return apps.get_model(ENTRY_MODEL), apps.get_model(SUBJECT_MODEL)


def person_ids(people: Iterable) -> list[int]:
    """The jobseeker ids of ``people``: ids, jobseekers, or records that belong to one (with a
    ``jobseeker_id``, or a ``placement`` that has one)."""
    Jobseeker, Placement = apps.get_model(JOBSEEKER_MODEL), apps.get_model(PLACEMENT_MODEL)
    ids: set[int] = set()
    placement_ids: set[int] = set()
    for item in people:
        if item is None:
            continue
        if isinstance(item, int):
            ids.add(item)
        elif isinstance(item, Jobseeker):
            ids.add(item.pk)
        elif getattr(item, "jobseeker_id", None) is not None:
            ids.add(item.jobseeker_id)
        elif getattr(item, "placement_id", None) is not None:
            placement_ids.add(item.placement_id)
    if placement_ids:
        ids.update(
            Placement.objects.filter(pk__in=placement_ids).values_list("jobseeker_id", flat=True)
        )
    return sorted(ids)


def record(
    *,
    action: str,
    people: Iterable,
    activity: str | None = None,
    result: str = Result.SUCCESS,
    actor=None,
    actor_label: str = "",
    route: str = "",
) -> object | None:
    """Append one entry about ``people`` and return it (a ``privacy.ProcessingEntry``), or None
    when there is nobody: nothing to log.

    The actor and route come from the context unless given."""
    ids = person_ids(people)
    if not ids:
        return None
    actor, actor_label, route = _who(actor, actor_label, route)
    gathering = _gathered.get()
    if gathering is not None and action != Action.READ:
        key = (action, activity or current_activity(), result, actor, actor_label, route)
        gathering.setdefault(key, set()).update(ids)
        return None
    # Two INSERTs, committed together (inside a write's transaction: part of it, no savepoint).
    own_transaction = not connection.in_atomic_block
    with transaction.atomic(savepoint=False):
        if own_transaction and action == Action.READ and connection.vendor == "postgresql":
            # A read's entry alone need not wait for the disk: PostgreSQL writes it a moment
            # later (at most a fraction of a second of reads lost if the server itself crashes;
            # never a write's entry, which commits with the write).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        ProcessingEntry = apps.get_model(ENTRY_MODEL)
        ProcessingSubject = apps.get_model(SUBJECT_MODEL)
        entry = ProcessingEntry.objects.create(
            actor=actor,
            actor_label=actor_label[:100],
            action=action,
            activity=activity or current_activity(),
            route=route[:100],
            result=result,
        )
        ProcessingSubject.objects.bulk_create(
            [ProcessingSubject(entry=entry, jobseeker_id=pk) for pk in ids]
        )
    return entry


def _who(actor, actor_label: str, route: str):
    """The actor, system label and route of an entry: from the context unless given."""
    context = _context.get()
    if actor is None and not actor_label:
        if context is not None and context.request is not None:
            actor = _request_actor(context.request)
            client = _request_client(context.request)
            if client is not None:
                actor_label = client_label(client)
        elif context is not None:
            actor_label = context.label
        if actor is None and not actor_label:
            actor_label = SYSTEM
    if not route and context is not None:
        route = _request_route(context.request) if context.request is not None else context.label
    return actor, actor_label, route


def entry_author() -> dict[str, object]:
    """The fields every entry written now shares (actor, label, activity, route, result), for
    a writer that names the entry's people in SQL (the CSV import's set way)."""
    actor, actor_label, route = _who(None, "", "")
    return {
        "actor_id": getattr(actor, "pk", None),
        "actor_label": actor_label[:100],
        "activity": current_activity(),
        "route": route[:100],
        "result": Result.SUCCESS,
    }


# While a run gathers its writes (``gathered_writes``): per entry (its action, activity,
# result, actor, actor label and route), the people written so far.
_gathered: ContextVar[dict[tuple, set[int]] | None] = ContextVar(
    "processing_log_gathered", default=None
)


@contextlib.contextmanager
def gathered_writes():
    """One entry per kind of write (create, update, delete) for a run that writes many rows at
    once, the CSV import: inside, each write's people are gathered, and on leaving one entry
    per action names each of them once. An entry names no record, so an entry per row would
    repeat the same who, when and why for each of a person's rows.

    Leave it inside the writes' transaction: the entries commit with the writes, and an
    exception (which skips them) rolls both back. A write undone by its own savepoint keeps
    its people gathered: only for a run that then rolls back as a whole (the import, which
    commits nothing when any row fails)."""
    if not connection.in_atomic_block:
        raise RuntimeError("gathered_writes belongs inside the writes' transaction")
    people: dict[tuple, set[int]] = {}
    token = _gathered.set(people)
    try:
        yield
    finally:
        _gathered.reset(token)
    for (action, activity, result, actor, actor_label, route), ids in people.items():
        record(
            action=action,
            people=ids,
            activity=activity,
            result=result,
            actor=actor,
            actor_label=actor_label,
            route=route,
        )


def record_read(people: Iterable, *, activity: str | None = None, **kwargs):
    return record(action=Action.READ, people=people, activity=activity, **kwargs)


def record_write(action: str, people: Iterable, *, activity: str | None = None):
    """A write's entry: call it inside the write's own transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_write belongs inside the write's transaction")
    return record(action=action, people=people, activity=activity)


class LogsReads:
    """For a page that shows people: one read entry per rendered response.

    ``people_shown(context)`` says who is on the page; by default the page's object and the
    rows of its list (each mapped to its person by ``person_ids``)."""

    processing_activity: str | None = None

    def dispatch(self, request, *args, **kwargs):
        # An attempt on a person's record that is refused (a role without the page) or not
        # found (not in the user's scope) is recorded too, with the person the URL pointed at.
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            self._record_attempt(request, kwargs, Result.REFUSED)
            raise
        except Http404:
            self._record_attempt(request, kwargs, Result.NOT_FOUND)
            raise

    def _record_attempt(self, request, kwargs, result: str) -> None:
        model, pk = getattr(self, "model", None), kwargs.get("pk")
        if model is None or pk is None or not getattr(request.user, "is_authenticated", False):
            return
        # Looked up in every municipality: the person of another municipality's URL is
        # hidden from this user's database scope, and the attempt on them is what is logged.
        from .db_scope import pilot_wide

        with pilot_wide("the processing log names the person a refused attempt was about"):
            row = model._default_manager.filter(pk=pk).first()
        if row is not None:
            record(
                action=Action.READ,
                people=[row],
                activity=self.processing_activity,
                result=result,
            )

    def people_shown(self, context) -> Iterable:
        people = []
        if context.get("object") is not None:
            people.append(context["object"])
        if context.get("object_list") is not None:
            people.extend(context["object_list"])
        return people

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        record_read(self.people_shown(context), activity=self.processing_activity)
        return response


class LogsApiReads:
    """For an API view: one read entry per answer, with the people whose references it holds
    (``person_ref_field`` of each row: the rows of a page, the one row of a detail, or the list
    under ``person_rows_key``)."""

    person_ref_field: str = ""
    person_rows_key: str = "results"
    processing_activity: str | None = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.person_ref_field and response.status_code == 200:
            Jobseeker = apps.get_model(JOBSEEKER_MODEL)
            data = response.data
            rows = data.get(self.person_rows_key, [data]) if isinstance(data, dict) else data
            refs = {row.get(self.person_ref_field) for row in rows if isinstance(row, dict)}
            refs.discard(None)
            if refs:
                record_read(
                    Jobseeker.objects.filter(ref__in=refs).values_list("pk", flat=True),
                    activity=self.processing_activity,
                )
        return response


def clear_for_demo_reset() -> None:
    """Empty the log when the demo pilot is reset (TRUNCATE: the trigger refuses DELETE on
    purpose; a production database role is not granted TRUNCATE)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rows written earlier in the same transaction have their deferred key checks
            # pending, which TRUNCATE refuses to skip: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE privacy_processingsubject, privacy_processingentry")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's keys, as they were
        else:
            cursor.execute("DELETE FROM privacy_processingsubject")
            cursor.execute("DELETE FROM privacy_processingentry")
