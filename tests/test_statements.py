"""Attributed statements and conflicting accounts: the seed article's case, the shapes
reporters write in several languages, speakers across scripts, hostile text."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infoops.detectors.statements import (
    document_statements,
    find_statements,
    name_key,
    sentence_statements,
)
from infoops.pipeline import run_statements
from infoops.report import briefing_html


def _said(sentence: str, lang: str = "en") -> list[tuple[str | None, str]]:
    return [
        (f.speaker.of(sentence) if f.speaker else None, f.statement.of(sentence))
        for f in sentence_statements(sentence, lang)
    ]


def test_the_seed_article_gives_each_official_and_the_conflict(workspace, shared_data, tmp_path):
    workspace.ingest([shared_data / "news"])
    files = run_statements(workspace, tmp_path)
    rows = workspace.sql(
        "SELECT speaker, statement FROM statements WHERE source_id IN "
        "(SELECT article_id FROM articles WHERE source_file LIKE '%000_%')"
    ).fetchall()
    said = {}
    for speaker, statement in rows:
        said.setdefault(speaker, []).append(statement)
    assert any("warned against any Russian attempts" in s for s in said["White House"])
    assert any("We haven't even actually discussed elections" in s for s in said["Sergey Lavrov"])
    assert any("no facts that would support" in s for s in said["Sergey Lavrov"])
    assert any("discussed many items" in s for s in said["Donald Trump"])
    assert any("fictional narrative" in s for s in said["Fiona Hill"])
    assert any("election security" in s for s in said["Hogan Gidley"])
    # The narration ("Trump has long ignored the U.S. intelligence community consensus")
    # is the writer's, not a statement.
    assert not any("long ignored" in s for ss in said.values() for s in ss)

    with open(tmp_path / "conflicts.csv", newline="", encoding="utf-8") as handle:
        conflicts = list(csv.DictReader(handle))
    assert files["conflicts.csv"] == len(conflicts)
    pair = [c for c in conflicts if {c["speaker_a"], c["speaker_b"]} == {"White House", "Sergey Lavrov"}
            and "discussed elections" in c["statement_a"] + c["statement_b"]]  # fmt: skip
    assert pair and pair[0]["conflict_words"] == "haven't"
    page = briefing_html(workspace.con)
    section = page[page.index('id="conflicts"') :]
    assert "Sergey Lavrov" in section and "White House" in section
    assert "haven&#39;t even actually discussed elections" in section


@pytest.mark.parametrize(
    ("sentence", "lang", "speaker", "statement"),
    [
        ('"We will not back down," Gidley said.', "en", "Gidley", "We will not back down"),
        ('"We will not back down," said the foreign minister.', "en", "the foreign minister",
         "We will not back down"),
        ('Lavrov told reporters: "Nobody has given us any proof."', "en", "Lavrov",
         "Nobody has given us any proof."),
        ("The talks were productive and long overdue, officials said on Tuesday.", "en",
         "officials", "The talks were productive and long overdue"),
        ("According to the ministry, three ships were sunk near the coast.", "en",
         "the ministry", "three ships were sunk near the coast"),
        ("Fiona Hill, a Russia expert, declared that the theory was a fictional narrative.",
         "en", "Fiona Hill", "the theory was a fictional narrative"),
        ("„Wir werden die Ukraine weiter unterstützen“, sagte Scholz am Montag.", "de",
         "Scholz", "Wir werden die Ukraine weiter unterstützen"),
        ("Laut dem Ministerium wurden drei Schiffe versenkt.", "de", "dem Ministerium",
         "wurden drei Schiffe versenkt"),
        ("«Мы не обсуждали выборы», — заявил Лавров журналистам.", "ru", "Лавров",
         "Мы не обсуждали выборы"),
        ("За словами Зеленського, ситуація на фронті залишається складною.", "uk",
         "Зеленського", "ситуація на фронті залишається складною"),
    ],
)  # fmt: skip
def test_the_shapes_reporters_write(sentence, lang, speaker, statement):
    assert (speaker, statement) in _said(sentence, lang)


@pytest.mark.parametrize(
    "sentence",
    [
        "Trump has long ignored the intelligence community consensus that Russia interfered.",
        "The meeting will be closed to the press.",
        "Trump to discuss 'election security' with Russian official in private meeting",
        "The claims of fraud were investigated by three separate courts last year.",
    ],
)
def test_narration_is_not_a_statement(sentence):
    assert _said(sentence) == []


def test_a_quote_that_goes_on_and_a_pronoun_keep_their_speaker():
    text = (
        "Russian Foreign Minister Sergey Lavrov spoke after the meeting. "
        '"We are ready for dialogue," Lavrov said. "Nobody has shown us any proof."\n'
        'Later he said the sanctions were "a mistake that hurts everyone."'
    )
    rows = document_statements(text, "en")
    assert [r["speaker"] for r in rows] == ["Sergey Lavrov"] * 3
    assert [r["speaker_mention"] for r in rows] == ["Lavrov", "", "he"]
    assert text[rows[1]["start"] : rows[1]["end"]] == "Nobody has shown us any proof."


def test_a_role_the_document_gives_a_name_is_that_name():
    text = (
        "Sergey Lavrov, Russia's foreign minister, arrived on Tuesday. "
        "Russia's foreign minister said the talks had been useful for both sides."
    )
    rows = document_statements(text, "en")
    assert rows[0]["speaker"] == "Sergey Lavrov"


def test_one_speaker_across_spellings_and_scripts():
    assert name_key("Sergey Lavrov") == name_key("Sergei Lavrov") == name_key("Лавров")
    assert name_key("Volodymyr Zelenskiy") == name_key("Zelensky") == name_key("Зеленский")
    assert name_key("Lavrov") != name_key("Pompeo")


def test_conflicts_need_the_same_thing_and_opposite_polarity(workspace):
    article = (
        "The White House said the two leaders discussed election security at length. "
        '"We have not discussed elections at all," Lavrov told reporters. '
        "Pompeo said the weather in Washington was pleasant."
    )
    workspace.con.execute(
        "INSERT INTO articles (article_id, text, lang, source_file, ingest_id) "
        "VALUES ('a1', ?, 'en', 'a1.txt', 1)",
        [article],
    )
    counts = find_statements(workspace.con)
    assert counts == {"statements": 3, "conflicts": 1}
    a, b = workspace.sql(
        "SELECT sa.speaker, sb.speaker FROM statement_conflicts c "
        "JOIN statements sa ON sa.statement_id = c.statement_a "
        "JOIN statements sb ON sb.statement_id = c.statement_b"
    ).fetchall()[0]
    assert {a, b} == {"White House", "Lavrov"}


def test_hostile_speaker_and_quote_are_escaped_and_formula_safe(workspace, tmp_path):
    article = (
        "The ministry said the vote was <script>alert(1)</script> rigged from the start. "
        '"=HYPERLINK(\\"http://evil.example\\") we never rigged any vote," said <b>Evil</b> Corp.'
    )
    workspace.con.execute(
        "INSERT INTO articles (article_id, text, lang, source_file, ingest_id) "
        "VALUES ('h1', ?, 'en', 'h1.txt', 1)",
        [article],
    )
    run_statements(workspace, tmp_path)
    page = briefing_html(workspace.con)
    assert "<script>alert(1)</script>" not in page
    with open(tmp_path / "statements.csv", newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_no_articles_gives_empty_tables(workspace, tmp_path):
    assert find_statements(workspace.con) == {"statements": 0, "conflicts": 0}
    assert workspace.sql("SELECT count(*) FROM statement_conflicts").fetchall() == [(0,)]
    assert "Conflicting accounts" not in briefing_html(workspace.con)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list('ab Lavrov said, "«»„“”:\n.!?—-@ thatНЕ')), max_size=300)
)
def test_any_text_gives_statements_inside_it(text):
    for row in document_statements(text, "en"):
        assert 0 <= row["start"] < row["end"] <= len(text)
        assert text[row["start"] : row["end"]] == row["statement"]
