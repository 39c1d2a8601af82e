"""The workspace's sentence vectors (``text_vectors``): each distinct text encoded once per
model and prefix side, so a second run over the same workspace encodes nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from infoops import Workspace
from infoops.detectors.laundering import _laundering
from infoops.pipeline import run_laundering
from infoops.text import shared_translation_encoder
from infoops.text._vector_cache import CachedEncoder

FIXTURES = Path(__file__).parent / "fixtures"


class CountingEncoder:
    """Stands for an encoder and records every text it is asked to encode."""

    name, version, dimensions = "counting", "1", 3

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, sentences: list[str]) -> np.ndarray:
        self.texts += sentences
        return np.array([[len(s), 1.0, 0.0] for s in sentences], np.float32).reshape(-1, 3)

    def encode_passages(self, sentences: list[str]) -> np.ndarray:
        return -self.encode(sentences)


def test_each_distinct_text_is_encoded_once(workspace):
    inner = CountingEncoder()
    cached = CachedEncoder(inner, workspace.con)
    first = cached.encode(["a", "bb", "a"])
    assert inner.texts == ["a", "bb"]
    again = cached.encode(["bb", "a", "ccc"])
    assert inner.texts == ["a", "bb", "ccc"]
    assert np.array_equal(again[:2], first[[1, 0]])
    assert cached.encoded == 3
    assert cached.encode([]).shape == (0, 3)


def test_sides_and_models_are_kept_apart(workspace):
    inner = CountingEncoder()
    CachedEncoder(inner, workspace.con).encode(["a"])
    assert CachedEncoder(inner, workspace.con).encode_passages(["a"])[0, 0] == -1
    inner.version = "2"
    CachedEncoder(inner, workspace.con).encode(["a"])
    assert inner.texts == ["a", "a", "a"]


def test_a_second_laundering_run_encodes_nothing(monkeypatch):
    made: list[CachedEncoder] = []

    class Recording(CachedEncoder):
        def __init__(self, encoder, con) -> None:
            super().__init__(encoder, con)
            made.append(self)

    monkeypatch.setattr("infoops.text._vector_cache.CachedEncoder", Recording)
    ws = Workspace(memory=True)
    ws.ingest([FIXTURES / "laundering_articles.jsonl"])
    first = run_laundering(ws)
    second = run_laundering(ws)
    assert made[0].encoded > 0
    assert made[1].encoded == 0
    assert (first.groups, first.translations) == (second.groups, second.translations)
    ws.close()


def test_cached_vectors_are_the_encoders(workspace):
    encoder = shared_translation_encoder()
    sentences = ["The minister denied it.", "Der Minister bestritt es."]
    cached = CachedEncoder(encoder, workspace.con)
    cached.encode(sentences)
    assert np.array_equal(cached.encode(sentences), encoder.encode(sentences))
    assert _laundering.LAUNDERING_MODELS["e5"]() is encoder
