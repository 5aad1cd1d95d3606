"""Pages of long lists at the cost of their own rows (issue 17: pilot-wide lists).

Django's paginator slices the whole queryset: for page 1,000 PostgreSQL builds the 25,000 rows
before it (their joins, and the subqueries of the jobseeker list's columns) only to skip them
with OFFSET. ``KeysFirstPaginator`` slices the ordered primary keys first, which the ORDER BY's
index answers without a join or a subquery, and then loads only the page's rows by key, in
the same order. Pages, their numbers and the visible order stay as they were.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


def rows_by_keys_first(queryset, bottom: int, top: int, *, joined_first_page=False) -> list:
    """The rows ``bottom:top`` of ``queryset``: their keys first, then the rows by key.

    The first page skips nothing, so it stays one query, unless the rows carry computed
    columns (annotations): PostgreSQL plans those for every row of the table (a consent
    subquery became a hash of all 34,200 consent records for 25 rows), and for the page's
    keys it plans them for 25. With ``joined_first_page``, rows joined to their related rows
    (``select_related``) take their keys first on page 1 too: for a filter the ORDER BY's
    index does not hold (a municipality), PostgreSQL would rather walk that index, joining as
    it goes, past thousands of other rows than join all the matches before sorting them; the
    keys alone it sorts from the filter's own index."""
    if not isinstance(queryset, QuerySet) or not queryset.ordered:
        return queryset[bottom:top]
    joined = joined_first_page and bool(queryset.query.select_related)
    if bottom == 0 and not queryset.query.annotations and not joined:
        return queryset[bottom:top]
    keys = list(queryset.values_list("pk", flat=True)[bottom:top])
    if not keys:
        return []
    # The same queryset (its annotations and joins) for the page's keys only; the order of
    # the key query is the list's order.
    by_key = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)}
    return [by_key[key] for key in keys if key in by_key]


class KeysFirstPaginator(Paginator):
    """A paginator whose deep pages cost about what page 1 costs (see the module)."""

    # See rows_by_keys_first: one query more on page 1 of a list whose rows are joined.
    joined_first_page = False

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = rows_by_keys_first(
            self.object_list, bottom, top, joined_first_page=self.joined_first_page
        )
        return self._get_page(rows, number, self)


class JoinedKeysFirstPaginator(KeysFirstPaginator):
    """For a list whose rows come with their related rows (``select_related``): page 1 takes
    its keys first too (see ``rows_by_keys_first``), one query more."""

    joined_first_page = True


class KeysFirstPagination(PageNumberPagination):
    """The API's page-number pagination (``?page=``, ``count``, ``next``, ``previous``) with
    the keys-first paginator."""

    django_paginator_class = KeysFirstPaginator


def planned_rows(queryset) -> int:
    """How many rows PostgreSQL expects ``queryset`` to have (its planner's estimate, from
    the table's statistics): the cost of planning the query, not of counting it."""
    query = queryset.order_by().values("pk")
    sql, params = query.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatingPaginator(KeysFirstPaginator):
    """For a list that only grows and that nobody reads to its end (the processing log): a
    count the planner expects above ``exact_below`` rows is given as that estimate
    (``estimated``), since counting a log of millions costs more than the whole page. Under
    it, and for every small list, the count is exact. Page numbers follow the estimate; a
    page past its end is simply empty, and the rows past it are reached by narrowing the
    list (its filters), as one would anyway."""

    exact_below = 10_000
    estimated = False

    @cached_property
    def count(self):
        if isinstance(self.object_list, QuerySet):
            expected = planned_rows(self.object_list)
            if expected >= self.exact_below:
                self.estimated = True
                return expected
        return super().count

    def validate_number(self, number):
        if not self.estimated:
            return super().validate_number(number)
        try:
            return max(1, int(number))
        except (TypeError, ValueError):
            return super().validate_number(number)

    def page(self, number):
        if not self.count or not self.estimated:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        rows = rows_by_keys_first(
            self.object_list, bottom, top, joined_first_page=self.joined_first_page
        )
        return self._get_page(rows, number, self)
