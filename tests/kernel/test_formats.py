"""Dates and amounts through the locale, not by hand."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def _render(source: str, **context) -> str:
    return Template("{% load amounts %}" + source).render(Context(context))


def test_amounts_in_dutch_and_english():
    with translation.override("nl"):
        assert _render("{{ a|euro }}", a=Decimal("1250.00")) == "€ 1.250,00"
        assert _render("{{ a|euro:0 }}", a=Decimal("30681.4")) == "€ 30.681"
        assert _render("{{ a|euro }}", a=None) == ""
    with translation.override("en"):
        assert _render("{{ a|euro }}", a=Decimal("1250.5")) == "€ 1,250.50"


def test_dates_in_dutch_have_lowercase_month_names():
    day = datetime.date(2026, 3, 16)
    with translation.override("nl"):
        assert _render('{{ d|date:"j F Y" }}', d=day) == "16 maart 2026"
        assert _render('{{ d|date:"N Y" }}', d=day) == "mrt 2026"
