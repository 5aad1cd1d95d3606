"""Reporting's own tables: results computed from the other apps' data, never a source of it."""

from .exports import ExportFormat, ExportLanguage, ExportStatus, ResearchExport
from .reports import ProgressReport, ReportKind, ReportStatus, ReportTrigger
from .snapshots import (
    MetricsSnapshot,
    SnapshotMunicipality,
    SnapshotParticipantChunk,
    SnapshotTrigger,
    TableChange,
)
from .workers import WorkerHeartbeat

__all__ = [
    "ExportFormat",
    "ExportLanguage",
    "ExportStatus",
    "ResearchExport",
    "MetricsSnapshot",
    "ProgressReport",
    "ReportKind",
    "ReportStatus",
    "ReportTrigger",
    "SnapshotMunicipality",
    "SnapshotParticipantChunk",
    "SnapshotTrigger",
    "TableChange",
    "WorkerHeartbeat",
]
