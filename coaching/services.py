"""Writes to entrepreneurs and guidance sessions."""

from __future__ import annotations

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
    return session
