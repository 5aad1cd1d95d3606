"""No lost updates: every edit says which version of the row it was based on.

Each editable row has an integer ``version``, raised by one on every save. A form carries the
version it was shown with; the service locks the stored row (``SELECT ... FOR UPDATE``) inside its
transaction and refuses the write when the stored version moved on meanwhile. Two writes based
on one version therefore never both succeed: the second waits for the first's lock, then sees
the new version and is refused with ``StaleEdit``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _


class StaleEdit(Exception):
    """The row changed (or was withdrawn) after the edit was started.

    ``current`` is the row as stored now, or None when it is gone.
    """

    def __init__(self, *, current: models.Model | None):
        self.current = current
        super().__init__(
            _("Someone else changed this meanwhile.")
            if current is not None
            else _("Someone else withdrew this meanwhile.")
        )


def lock_current(obj: models.Model) -> models.Model | None:
    """Lock ``obj``'s stored row and return it; refuse when ``obj.version`` is not the stored
    version. Call inside the write's transaction. A new row (no pk yet) returns None."""
    if obj.pk is None or obj._state.adding:
        return None
    current = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()
    if current is None or current.version != obj.version:
        raise StaleEdit(current=current)
    return current


def save_next_version(obj: models.Model, **save_kwargs) -> None:
    """Save ``obj`` as the next version (after ``lock_current`` checked the one it was based on).

    On failure the instance keeps the version it was based on, so a form re-shown with errors
    still carries the right one.
    """
    based_on = obj.version
    obj.version = 1 if obj.pk is None or obj._state.adding else based_on + 1
    try:
        obj.save(**save_kwargs)
    except BaseException:
        obj.version = based_on
        raise
