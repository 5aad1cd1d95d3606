"""Writes to entrepreneurs and guidance sessions."""

from __future__ import annotations

from pilot.figures import figures_changed

from .models import Entrepreneur, GuidanceSession


def entrepreneur_save(*, entrepreneur: Entrepreneur) -> Entrepreneur:
    """Validate and save an entrepreneur."""
    entrepreneur.full_clean()
    entrepreneur.save()
    return entrepreneur


def guidance_session_save(*, session: GuidanceSession) -> GuidanceSession:
    """Validate and save a guidance session. Its municipality follows the entrepreneur."""
    session.full_clean()
    session.save()
    # The guidance chart's figures are kept in the stored snapshot: have it recomputed.
    figures_changed()
    return session
