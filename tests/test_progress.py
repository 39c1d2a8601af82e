"""Progress: every stage that can take more than a moment reports how far it is (done of
total, and what is counted), and the command line turns that into a bar with an ETA."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from builders import Posts
from rich.console import Console

from infoops import cli
from infoops.detectors.laundering import LaunderingConfig
from infoops.detectors.narratives import PARTS, NarrativeConfig
from infoops.pipeline import Event, run_integrity, run_laundering, run_narratives, run_report
from infoops.text import StaticEmbedder

FIXTURES = Path(__file__).parent / "fixtures"
SUBJECTS = ["The election was rigged by officials", "Our team won the football final",
            "Heavy rain is expected in the north", "The new bridge opens to traffic"]  # fmt: skip


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> list[Event]:
    """The content stages and the report on 48 posts and the laundering fixture's articles."""
    folder = tmp_path_factory.mktemp("progress")
    posts = Posts()
    for n in range(48):
        posts.add(f"a{n % 6}", 60 * n, f"{SUBJECTS[n % 4]} number {n}, say account {n % 6}")
    ws = posts.workspace(folder)
    ws.ingest([FIXTURES / "laundering_articles.jsonl"])
    seen: list[Event] = []
    run_integrity(ws, on_event=seen.append, out=None)
    run_narratives(ws, config=NarrativeConfig(min_posts=3), on_event=seen.append)
    run_laundering(ws, LaunderingConfig("use"), on_event=seen.append)
    run_report(ws, folder / "out", on_event=seen.append)
    ws.close()
    return seen


def _progress(events: list[Event], stage: str, unit: str) -> list[Event]:
    return [e for e in events if e.stage == stage and e.status == "progress" and e.unit == unit]


@pytest.mark.parametrize(
    ("stage", "unit", "total"),
    [("integrity", "posts", 48), ("narratives", "words", None), ("laundering", "sentences", None)],
)
def test_a_stage_counts_what_it_works_through_from_zero_to_its_total(events, stage, unit, total):
    counted = _progress(events, stage, unit)
    assert len(counted) >= 2, [e for e in events if e.stage == stage]
    done = [e.done for e in counted]
    assert done[0] == 0 and done == sorted(done)
    assert all(e.total == counted[0].total for e in counted)
    assert done[-1] == counted[0].total > 0
    assert total is None or counted[0].total == total


def test_narratives_and_the_report_name_each_part_as_it_starts(events):
    parts = _progress(events, "narratives", "steps")
    assert [e.step for e in parts] == list(PARTS)
    assert [e.done for e in parts] == list(range(len(PARTS)))
    files = [e.step for e in _progress(events, "report", "steps")]
    assert files[:2] == ["campaigns.json", "briefing"]


def test_progress_comes_between_a_stage_start_and_its_end(events):
    for stage in ("integrity", "narratives", "laundering", "report"):
        statuses = [e.status for e in events if e.stage == stage]
        assert statuses[0] == "started" and statuses[-1] == "finished"
        assert "progress" in statuses[1:-1]


class _Words:
    """An encoder that counts its calls (a vector per word; no model to load)."""

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, words: list[str], batch_size: int | None = None) -> np.ndarray:
        self.calls += 1
        return np.ones((len(words), 512), np.float32)


def test_static_embedder_reports_the_words_it_encodes_batch_by_batch():
    documents = [[f"w{n}", f"w{n + 1}"] for n in range(0, 5_000, 2)] * 2
    reports: list[tuple] = []
    encoder = _Words()
    StaticEmbedder(encoder).fit(documents, on_progress=lambda *a: reports.append(a))
    assert reports == [("words", 0, 5_000), ("words", 2_048, 5_000), ("words", 4_096, 5_000),
                       ("words", 5_000, 5_000)]  # fmt: skip
    assert encoder.calls == 3


def test_the_command_line_draws_a_bar_with_counts_and_eta(monkeypatch):
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=140, color_system=None)
    monkeypatch.setattr(cli, "console", terminal)
    with cli._progress() as progress:
        show = cli._Reporter(progress)
        show(Event("claims", "started"))
        show(Event("claims", "progress", "words", 0, 5_896, unit="words"))
        show(Event("claims", "progress", "words", 2_048, 5_896, unit="words"))
        show(Event("coordination", "progress", "co_link", 1, 12, unit="steps"))
        show(Event("coordination", "finished"))
    drawn = screen.getvalue()
    assert "Content - known false claims ..." in drawn
    assert "Claims: words" in drawn and "2,048/5,896 words" in drawn and "ETA" in drawn
    assert "Coordination: co_link" in drawn and "12/12 steps" in drawn  # ended full


def test_without_a_terminal_each_part_gets_a_line_and_no_bar(monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=screen, force_terminal=False))
    with cli._progress() as progress:
        show = cli._Reporter(progress)
        show(Event("coordination", "progress", "co_link", 1, 12, unit="steps"))
        show(Event("claims", "progress", "texts", 10, 20, unit="texts"))
    assert screen.getvalue().splitlines() == ["Coordination - co_link ..."]
