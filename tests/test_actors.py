"""The state-media registry and the posts that amplify state media."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_coordination import Posts

from infoops.actors import account_state_media, bundled_registry, match_state_media, read_matrix
from infoops.errors import InputError

MATRIX = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "state_media"


def _identifiers(kind: str) -> dict[str, tuple[str, str]]:
    table = bundled_registry()
    return {
        row["identifier"]: (row["country"], row["outlet"])
        for row in table.to_pylist()
        if row["kind"] == kind
    }


def test_bundled_registry_has_real_outlets_domains_and_handles():
    domains = _identifiers("domain")
    assert domains["rt.com"] == ("Russia", "RT")
    assert domains["de.rt.com"][0] == "Russia"
    assert domains["cgtn.com"][0] == "China"
    assert "youtube.com" not in domains and "facebook.com" not in domains
    assert _identifiers("twitter")["rt"][0] == "Russia"


def test_bundled_registry_is_the_matrix_rebuilt():
    if not (MATRIX / "State_Media_Matrix.csv").exists():
        pytest.skip("../shared/data/state_media is absent")
    assert read_matrix(MATRIX / "State_Media_Matrix.csv").equals(bundled_registry())


def test_a_file_that_is_not_the_matrix_is_an_input_error(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,url\nX,https://x.org\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing columns"):
        read_matrix(path)


def test_links_mentions_and_subdomains_match_state_media(tmp_path):
    posts = Posts()
    posts.add("amplifier", 0, "read https://www.rt.com/news/1 now",
              urls=["https://www.rt.com/news/1"])  # fmt: skip
    posts.add("amplifier", 10, "auf Deutsch https://de.rt.com/a", urls=["https://de.rt.com/a"])
    posts.add("amplifier", 20, "see @RT today")
    posts.add("amplifier", 30, "nothing to see https://example.org/", urls=["https://example.org/"])
    posts.add(
        "bystander", 40, "the weather is nice https://smart.com/", urls=["https://smart.com/"]
    )
    ws = posts.workspace(tmp_path)
    assert match_state_media(ws.con) == 3
    rows = ws.sql("SELECT via, identifier, country FROM state_media_posts ORDER BY ALL").fetchall()
    assert rows == [
        ("link", "de.rt.com", "Russia"),
        ("link", "rt.com", "Russia"),
        ("mention", "rt", "Russia"),
    ]
    assert account_state_media(ws.con).fetchall() == [("amplifier", "Russia", 3, 0.75)]
