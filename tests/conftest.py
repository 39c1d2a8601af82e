"""Shared fixtures: an in-memory workspace, the hand-written fixtures and the real data set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from infoops import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
# The real data lives beside the project, never inside it: <repo>/../shared/data.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def workspace() -> Iterator[Workspace]:
    """A fresh in-memory workspace, closed after the test."""
    ws = Workspace(memory=True)
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture
def fixtures_dir() -> Path:
    """The folder of hand-written fixture files (``tests/fixtures``)."""
    return FIXTURES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data sets in ``../shared/data``; the test is skipped when they are absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"../shared/data not present: {SHARED_DATA} is missing (the real data sets "
            "live beside the project, not in it)"
        )
    return SHARED_DATA
