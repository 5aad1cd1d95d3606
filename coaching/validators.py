import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .enums import GuidanceTopic

KVK_RE = re.compile(r"\d{8}")


def validate_kvk_number(value: str) -> None:
    if not KVK_RE.fullmatch(value or ""):
        raise ValidationError(_("A KvK number is exactly 8 digits."), code="invalid_kvk_number")


def validate_topics(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Topics are a list of topic codes."), code="invalid_topics")
    unknown = sorted(set(value) - set(GuidanceTopic.values))
    if unknown:
        raise ValidationError(
            _("Unknown topic: %(topics)s."),
            code="invalid_topics",
            params={"topics": ", ".join(unknown)},
        )
