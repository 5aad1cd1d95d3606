"""Reporting's own tables: results computed from the other apps' data, never a source of it."""

from .snapshots import MetricsSnapshot, SnapshotTrigger

__all__ = ["MetricsSnapshot", "SnapshotTrigger"]
