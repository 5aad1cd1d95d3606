"""Amounts in euros through the locale: ``{{ amount|euro }}`` is "€ 1.250,00" in Dutch and
"€ 1,250.00" in English; ``{{ amount|euro:0 }}`` gives whole euros ("€ 1.250")."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def euro(value, places=2):
    if value is None or value == "":
        return ""
    return f"€ {floatformat(value, f'{int(places)}g')}"
