"""Election-integrity tags: quality on the labelled set of real examples, and evidence."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from builders import Posts

from infoops.detectors.integrity import integrity_tags, tag_election_integrity
from infoops.report import write_integrity


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
    from infoops.detectors.integrity._integrity import _NORMALISED_SQL, prefilter_pattern

    labelled = Path(__file__).parent / "fixtures" / "election_integrity.jsonl"
    texts = [
        json.loads(line)["text"]
        for line in labelled.read_text(encoding="utf-8").splitlines()
        if line
    ]
    texts += ["Vote   by\\ntext: 59925!", "карусельщики на участке", "Die WAHL wurde gefälscht"]
    tagged = [t for t in texts if integrity_tags(t)]
    passes = workspace.con.execute(
        f"SELECT regexp_matches({_NORMALISED_SQL.format('t')}, ?) FROM unnest(?::VARCHAR[]) u(t)",
        [prefilter_pattern(), tagged],
    ).fetchall()
    assert len(tagged) > 150 and all(ok for (ok,) in passes)
