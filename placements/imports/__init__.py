"""The CSV import of data-exchange.md: ``import_folder(folder, dry_run=...)``."""

from .kinds import KINDS
from .reader import Problem
from .run import FileCounts, ImportResult, import_folder

__all__ = ["KINDS", "FileCounts", "ImportResult", "Problem", "import_folder"]
