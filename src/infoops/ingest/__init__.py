"""Ingest: recognise each input file's format by content and stream it as canonical rows.

Public surface: ``FORMATS`` (every reader, in detection order), ``detect_format``,
``iter_sources`` and the batch preparation used by the workspace loader.
"""

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "._base": ["Format", "ReadOptions"],
        "._csv": ["Restart"],
        "._formats": ["FORMATS", "detect_format", "format_by_name"],
        "._load": ["FileReport", "IngestReport", "ingest_paths", "ingest_table", "load_source"],
        "._prepare": ["prepare_articles", "prepare_posts"],
        "._records": ["Chunk", "Problem"],
        "._sources": ["Source", "iter_sources"],
    },
)
