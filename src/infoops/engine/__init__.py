"""Engine: the workspace (DuckDB), its schema and migrations, and loading into it."""

from ._load import FileReport
from ._pipeline import CoordinationReport, run_coordination
from ._schema import TABLES
from ._workspace import IngestReport, Workspace

__all__ = [
    "TABLES",
    "CoordinationReport",
    "FileReport",
    "IngestReport",
    "Workspace",
    "run_coordination",
]
