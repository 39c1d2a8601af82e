"""Election-integrity tags: quality on the labelled set of real examples, and evidence."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from test_coordination import Posts

from infoops.content import integrity_tags, tag_election_integrity
from infoops.report import write_integrity

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from eval_integrity import load, scores  # noqa: E402


def test_labelled_real_examples_precision_and_recall():
    figures = scores(load())
    # Floors a little under the measured figures (benchmarks/results/eval_integrity.md).
    for tag in ("procedural", "participation", "fraud", "delegitimisation"):
        assert figures[tag]["precision"] >= 0.7, (tag, figures[tag])
    assert figures["fraud"]["recall"] >= 0.65
    assert figures["any"]["recall"] >= 0.6 and figures["any"]["precision"] >= 0.75


def test_each_tag_names_its_rule_and_the_words_that_matched():
    text = "Democrats vote on Wednesday! And the election is RIGGED by dead voters voting."
    found = integrity_tags(text)
    assert {tag for tag, _, _ in found} == {"procedural", "fraud"}
    for _, rule, evidence in found:
        assert rule and evidence.lower() in text.lower()


def test_debunks_and_reports_are_not_tagged():
    assert integrity_tags("Officials say there is no evidence the election was rigged.") == []
    assert integrity_tags("Fact check: claims of dead voters voting in Michigan are false") == []
    assert integrity_tags("Polls open at 7am; bring your ID and vote for your city council.") == []


def test_tags_reach_the_csv_with_posts_and_campaign_columns(tmp_path):
    posts = Posts()
    posts.add("a1", 0, "Don't vote, your vote doesn't count anyway <script>alert(1)</script>")
    posts.add("a2", 60, "Great turnout at the library polling station this morning")
    ws = posts.workspace(tmp_path)
    assert tag_election_integrity(ws.con) == 1
    write_integrity(ws.con, tmp_path)
    with open(tmp_path / "integrity_tags.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == ["tag", "rule", "evidence", "kind", "post_id", "account_id",
                                 "campaign_id", "posted_at", "article_url", "text"]  # fmt: skip
    assert [(r["tag"], r["account_id"], r["evidence"]) for r in rows] == [
        ("participation", "a1", "don't vote")
    ]
    assert rows[0]["text"].endswith("<script>alert(1)</script>")  # data kept as written


def test_sql_prefilter_lets_through_every_text_a_rule_tags(workspace):
    """DuckDB's pass over all texts must never drop one the rules would tag."""
    from infoops.content._integrity import _NORMALISED_SQL, prefilter_pattern

    texts = [item["text"] for item in load()]
    texts += ["Vote   by\\ntext: 59925!", "карусельщики на участке", "Die WAHL wurde gefälscht"]
    tagged = [t for t in texts if integrity_tags(t)]
    passes = workspace.con.execute(
        f"SELECT regexp_matches({_NORMALISED_SQL.format('t')}, ?) FROM unnest(?::VARCHAR[]) u(t)",
        [prefilter_pattern(), tagged],
    ).fetchall()
    assert len(tagged) > 150 and all(ok for (ok,) in passes)
