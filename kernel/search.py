"""Searches across related rows that the indexes can answer (issue 17: pilot-wide lists).

A search for a placement by its own reference or by its jobseeker's or entrepreneur's reads as
``ref LIKE … OR jobseeker_id IN (SELECT …) OR entrepreneur_id IN (SELECT …)``. PostgreSQL
cannot use an index for an ``IN (subquery)`` under an ``OR``: it hashes the subquery and reads
every placement to probe it (35 ms for 38,000 placements, for the 110 that match). Written
as ``jobseeker_id = ANY(ARRAY(SELECT …))`` the subquery runs once beforehand, and each arm of
the ``OR`` becomes an index scan (the trigram index on the reference, the foreign keys' own
indexes) whose results are combined: a fraction of a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Lookup, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP


class EqualsAnyOf(Lookup):
    """``column = ANY(ARRAY(subquery))``; not registered as a lookup, used by ``key_in``.
    Other databases (the demo's SQLite) get the plain ``column IN (subquery)``."""

    lookup_name = "equals_any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # The subquery compiles in parentheses: ARRAY(SELECT …).
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def key_in(field: str, rows: QuerySet) -> EqualsAnyOf:
    """A condition for ``filter()`` or a ``Q``: ``field`` holds the key of one of ``rows``, as
    ``field__in=rows`` means, in a form that keeps an index usable under ``OR`` (see the
    module; elsewhere a plain ``IN``)."""
    # Unordered, as ``__in`` makes its subquery: the order of the keys does not matter.
    return EqualsAnyOf(F(field), rows.order_by().values("pk"))


def follows_keys(model, path: str) -> bool:
    """Whether ``path`` (``ref``, ``jobseeker__ref``, ``placement__jobseeker__ref``) names a
    column of ``model`` or of a row its foreign keys lead to, without a lookup or a reverse
    relation: the paths ``word_found`` can search through subqueries."""
    *relations, name = path.split(LOOKUP_SEP)
    for relation in relations:
        try:
            field = model._meta.get_field(relation)
        except FieldDoesNotExist:
            return False
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            return False
        model = field.related_model
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return field.concrete and not field.is_relation


def word_found(model, paths: Iterable[str], word: str) -> Q:
    """The rows of ``model`` in which one of ``paths`` (see ``follows_keys``) contains
    ``word``, case-insensitively, as Django's ``icontains``. A related row's column is
    searched in that row's table and reached by ``key_in``, so that each table's trigram
    indexes answer its part (see the module)."""
    condition = Q()
    related: dict[str, list[str]] = {}
    for path in paths:
        relation, _, rest = path.partition(LOOKUP_SEP)
        if rest:
            related.setdefault(relation, []).append(rest)
        else:
            condition |= Q(**{f"{path}__icontains": word})
    for relation, rests in related.items():
        field = model._meta.get_field(relation)
        target = field.related_model
        # Every row of the related table: the list's own scope narrows the result.
        rows = target._base_manager.filter(word_found(target, rests, word))
        condition |= Q(key_in(field.attname, rows))
    return condition
