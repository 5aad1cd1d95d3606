import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CBS_CODE_RE = re.compile(r"GM\d{4}")
REF_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def validate_cbs_code(value: str) -> None:
    if not CBS_CODE_RE.fullmatch(value or ""):
        raise ValidationError(
            _("%(value)s is not a CBS municipality code (GM followed by 4 digits)."),
            code="invalid_cbs_code",
            params={"value": value},
        )


def validate_ref(value: str) -> None:
    if not REF_RE.fullmatch(value or ""):
        raise ValidationError(
            _("A reference is 1 to 64 letters, digits, '-' or '_'."),
            code="invalid_ref",
        )
