"""Content laundering: copies and translations of articles, their order and meaning changes."""

from __future__ import annotations

import csv
import gzip
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from infoops import Workspace
from infoops.cli import app
from infoops.detectors.laundering import Article, LaunderingConfig, find_laundering, meaning_changes
from infoops.pipeline import run_laundering
from infoops.text import shared_encoder, shared_translation_encoder, split_sentences

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="module")
def laundered():
    ws = Workspace(memory=True)
    ws.ingest([FIXTURES / "laundering_articles.jsonl"])
    report = run_laundering(ws)
    yield ws, report
    ws.close()


def _rows(ws: Workspace, sql: str) -> list[dict]:
    return ws.sql(sql).to_arrow_table().to_pylist()


def test_copies_and_translations_form_one_group_led_by_the_first_publisher(laundered):
    ws, report = laundered
    rows = _rows(ws, "SELECT * FROM laundering ORDER BY published_at")
    assert [(r["domain"], r["lang"], r["role"]) for r in rows] == [
        ("example.org", "en", "origin"),
        ("example.fr", "fr", "translation"),
        ("example.de", "de", "translation"),
        ("example.com", "en", "copy"),
    ]
    origin = rows[0]["article_id"]
    assert all(r["copied_from"] == origin for r in rows[1:])
    assert all(r["similarity"] >= 0.7 and r["copied_share"] >= 0.8 for r in rows[1:])
    assert report.groups == 1 and report.translations == 2 and report.copies == 1


def test_same_topic_and_unrelated_articles_are_not_grouped(laundered):
    ws, _ = laundered
    grouped = {r["url"] for r in _rows(ws, "SELECT url FROM laundering")}
    assert not any("lawmakers-question" in url or "cup-final" in url for url in grouped)


def test_real_news_articles_on_the_same_story_are_not_linked():
    news = SHARED / "news"
    if not news.exists():
        pytest.skip(f"{news} is absent: the real-data check needs ../shared/data")
    ws = Workspace(memory=True)
    ws.ingest([news])
    report = run_laundering(ws)
    assert report.articles == 2 and report.groups == 0
    ws.close()


def test_lost_negation_and_changed_numbers_are_reported(laundered):
    ws, _ = laundered
    changes = _rows(ws, "SELECT change, source_sentence, copy_sentence FROM laundering_changes")
    assert sorted(c["change"] for c in changes) == ["negation dropped", "numbers changed"]
    dropped = next(c for c in changes if c["change"] == "negation dropped")
    assert "have not identified" in dropped["source_sentence"]
    assert "still have to identify" in dropped["copy_sentence"]


def test_meaning_changes_by_language():
    assert meaning_changes("Nous n'avons rien trouvé.", "fr", "Nous avons trouvé.", "fr") == [
        "negation dropped"
    ]
    assert meaning_changes("Wir fanden es.", "de", "Wir fanden es nicht.", "de") == [
        "negation added"
    ]
    assert meaning_changes("We have not found it.", "en", "Мы этого не нашли.", "ru") == []
    assert meaning_changes("Turnout was 61.5%.", "en", "Turnout was 16.5%.", "en") == [
        "numbers changed"
    ]
    assert (
        meaning_changes("Turnout was 61.5%.", "en", "La participation a été de 61,5 %.", "fr") == []
    )


def test_sentences_are_split_in_several_scripts():
    assert split_sentences("First sentence here. Second one follows! Third?") == [
        "First sentence here.",
        "Second one follows! Third?",
    ]
    assert split_sentences("选举在周日举行。投票率很高。官员们表示满意。") == [
        "选举在周日举行。",
        "投票率很高。",
        "官员们表示满意。",
    ]
    assert split_sentences("OK. Fine.\nThe vote is on Sunday.") == [
        "OK. Fine. The vote is on Sunday."
    ]
    assert split_sentences("") == [] and split_sentences(None) == []


def test_encoder_puts_translations_near_each_other():
    vectors = shared_encoder().encode(
        [
            "The election results will be announced tomorrow.",
            "Les résultats de l'élection seront annoncés demain.",
            "The cat is sleeping on the sofa.",
        ]
    )
    assert vectors.shape == (3, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_translation_encoder_links_ukrainian_to_english():
    """The default laundering model covers Ukrainian, which USE was not trained on."""
    vectors = shared_translation_encoder().encode(
        [
            "Результати виборів оголосять завтра ввечері.",
            "The election results will be announced tomorrow evening.",
            "The cat is sleeping on the sofa.",
            "Результати виборів оголосять завтра ввечері.",
        ]
    )
    assert vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    calibration = shared_translation_encoder().calibration
    assert vectors[0] @ vectors[1] >= calibration.sentence_match > vectors[0] @ vectors[2]
    assert np.array_equal(vectors[0], vectors[3])  # the same text, the same vector


def test_use_model_is_still_selectable(tmp_path):
    ws = Workspace(memory=True)
    ws.ingest([FIXTURES / "laundering_articles.jsonl"])
    report = run_laundering(ws, LaunderingConfig(model="use"))
    assert (report.groups, report.translations, report.copies) == (1, 2, 1)
    with pytest.raises(ValueError, match="unknown model"):
        LaunderingConfig(model="bert").encoder()
    ws.close()


def test_cli_writes_laundering_files(tmp_path):
    runner = CliRunner()
    ws = tmp_path / "ws.duckdb"
    result = runner.invoke(
        app, ["ingest", str(FIXTURES / "laundering_articles.jsonl"), "-w", str(ws)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["laundering", "-w", str(ws), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "out" / "laundering.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["role"] for r in rows] == ["origin", "translation", "translation", "copy"]
    assert list(rows[0])[:9] == [
        "group_id", "url", "domain", "published_at", "lang", "role", "similarity", "margin",
        "copied_share",
    ]  # fmt: skip
    assert (tmp_path / "out" / "laundering_changes.csv").read_text(encoding="utf-8").count(
        "negation dropped"
    ) == 1


def _wmt_documents(pair: str, limit: int) -> list[tuple[list[str], list[str]]]:
    """(source sentences, first machine translation's sentences) of the first documents."""
    path = SHARED / "translations" / f"wmttest2022.{pair}.all.xml.gz"
    if not path.exists():
        pytest.skip(f"{path} is absent: the real-data check needs ../shared/data")
    with gzip.open(path) as handle:
        root = ET.parse(handle).getroot()
    documents = []
    for doc in root.iter("doc"):
        source = [seg.text or "" for seg in doc.find("src").iter("seg")]
        hypothesis = doc.find("hyp")
        if len(source) >= 6 and hypothesis is not None:
            documents.append((source, [seg.text or "" for seg in hypothesis.iter("seg")]))
        if len(documents) == limit:
            break
    return documents


@pytest.mark.slow  # an evaluation on real news (WMT): pytest -m slow, and .ci/run
@pytest.mark.parametrize("pair", ["de-fr", "en-zh", "uk-en"])
def test_machine_translations_of_real_news_are_found_as_translations(pair):
    documents = _wmt_documents(pair, 8)
    source_lang, target_lang = pair.split("-")
    articles = []
    for number, (source, translation) in enumerate(documents):
        for side, (sentences, lang, day) in enumerate(
            [(source, source_lang, 1), (translation, target_lang, 2)]
        ):
            articles.append(
                Article(f"{number}-{side}", f"https://site{side}.example/{number}",
                        f"site{side}.example", None, datetime(2022, 1, day), lang, sentences)
            )  # fmt: skip
    groups, _ = find_laundering(articles)
    found = {}
    for row in groups.to_pylist():
        found.setdefault(row["group_id"], []).append((row["article_id"], row["role"]))
    expected = sorted(
        [(f"{n}-0", "origin"), (f"{n}-1", "translation")] for n in range(len(documents))
    )
    assert sorted(found.values()) == expected


def test_empty_workspace_gives_empty_tables():
    ws = Workspace(memory=True)
    report = run_laundering(ws)
    assert (report.articles, report.groups) == (0, 0)
    assert ws.sql("SELECT count(*) FROM laundering").fetchall() == [(0,)]
    assert isinstance(ws.sql("SELECT * FROM laundering_changes").to_arrow_table(), pa.Table)


def test_posts_that_paste_an_article_are_linked_to_it(tmp_path):
    from builders import Posts

    posts = Posts()
    pasted = (
        "Read this!! Investigators traced 42 accounts to a marketing company that works for a "
        "foreign government. The company paid local websites to republish its articles "
        "https://t.co/abc @someone"
    )
    posts.add("paster", 100, pasted)
    posts.add("talker", 200, "Foreign governments paying marketing companies to spread articles "
              "about our election is a scandal and somebody should investigate it now")  # fmt: skip
    posts.add("resharer", 300, pasted, retweet_of="1")
    ws = posts.workspace(tmp_path)
    ws.ingest([FIXTURES / "laundering_articles.jsonl"])
    report = run_laundering(ws)
    linked = _rows(ws, "SELECT a.url, p.account_id, p.containment FROM article_posts p "
                       "JOIN articles a USING (article_id) ORDER BY a.url")  # fmt: skip
    assert [(r["url"].split("/")[2], r["account_id"]) for r in linked] == [
        ("origin-news.example.org", "paster"),
        ("truth-daily.example.com", "paster"),
    ]
    assert all(r["containment"] >= 0.6 for r in linked) and report.linked_posts == 1
