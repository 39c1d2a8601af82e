"""Election-integrity tags: quality on the labelled set of real examples, and evidence."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
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
    assert tag_election_integrity(ws.con, method="rules") == 1
    write_integrity(ws.con, tmp_path)
    with open(tmp_path / "integrity_tags.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == ["tag", "rule", "evidence", "confidence", "kind", "post_id",
                                 "account_id", "campaign_id", "posted_at", "article_url",
                                 "text"]  # fmt: skip
    assert [(r["tag"], r["account_id"], r["evidence"], r["confidence"]) for r in rows] == [
        ("participation", "a1", "don't vote", "")
    ]
    assert rows[0]["text"].endswith("<script>alert(1)</script>")  # data kept as written


def test_the_classifier_tags_with_a_confidence_and_the_rules_that_agree(tmp_path):
    posts = Posts()
    posts.add("a1", 0, "Don't vote, your vote doesn't count anyway <script>alert(1)</script>")
    posts.add("a2", 60, "Great turnout at the library polling station this morning")
    ws = posts.workspace(tmp_path)
    assert tag_election_integrity(ws.con) == 1
    rows = ws.con.execute(
        "SELECT tag, rule, evidence, confidence FROM integrity_tags ORDER BY tag"
    ).fetchall()
    assert [(tag, rule, evidence) for tag, rule, evidence, _ in rows] == [
        ("participation", "stay home, do not vote", "don't vote")
    ]
    assert 0.0 < rows[0][3] <= 1.0


# What a text asserts or urges decides, not the words it holds: none of these texts was
# in the labelled set the classifier learnt from.
NOT_ASSERTED = {
    "report": "Court convicts county clerk of tampering with 12 absentee ballots in 2018 "
    "primary, prosecutors say",
    "quote to reject": "Governor Kemp rejected claims the election was rigged: 'There is no "
    "fraud in Georgia, the count was fair and accurate,' he told reporters.",
    "debunk": "FACT CHECK: No, dead people did not cast thousands of votes in Michigan. "
    "Election officials found two ballots from voters who had died after voting early.",
    "mockery": "lol imagine thinking the lizard people rigged the election with weather "
    "machines. some of y'all need to log off",
    "off-topic hashtag": "Finally found a coffee place that opens at 6am. #NotMyPresident "
    "of the PTA though, she never answers emails",
}
ASSERTED = {
    "paraphrase": (
        "fraud",
        "4 million dead people are still on the voter rolls and they "
        "all vote Democrat. Think about that.",
    ),  # fmt: skip
    "intimidation": (
        "participation",
        "See someone at the polls who looks like an illegal? "
        "Film them and call ICE on the spot. Make them afraid to show up.",
    ),  # fmt: skip
}


def _given(text: str) -> set[str]:
    from infoops.detectors.integrity._classifier import shared_classifier
    from infoops.detectors.integrity._integrity import classified_tags

    classifier = shared_classifier()
    scores = classifier.probabilities([text])[0]
    return {tag for tag, _, _ in classified_tags(text, scores, classifier.tags,
                                                 classifier.thresholds)}  # fmt: skip


# Cases the shipped model gets wrong, measured (benchmarks/results/eval_integrity.md has
# the rates): strict, so that a model that learns them makes these tests fail until the
# marks go.
KNOWN_MISSES = {
    "mockery": "the model reads mockery of a rigging claim as the claim",
    "off-topic hashtag": "the model tags a bare #NotMyPresident whatever it is about",
    "intimidation": "few intimidation examples; the rules name no call to report voters to ICE",
}


def _case(case: str):
    if case in KNOWN_MISSES:
        return pytest.param(case, marks=pytest.mark.xfail(reason=KNOWN_MISSES[case], strict=True))
    return case


@pytest.mark.parametrize("case", [_case(c) for c in NOT_ASSERTED])
def test_a_text_that_does_not_assert_the_claim_gets_no_tag(case):
    assert _given(NOT_ASSERTED[case]) == set()


@pytest.mark.parametrize("case", [_case(c) for c in ASSERTED])
def test_a_paraphrase_or_a_threat_is_tagged(case):
    tag, text = ASSERTED[case]
    assert tag in _given(text)


def test_the_classifier_scores_each_text_alone():
    """A text's confidence does not depend on the texts classified with it."""
    from infoops.detectors.integrity._classifier import shared_classifier

    classifier = shared_classifier()
    text = ASSERTED["paraphrase"][1]
    alone = classifier.probabilities([text])
    together = classifier.probabilities([*NOT_ASSERTED.values(), text])[-1:]
    assert abs(alone - together).max() < 1e-6


def test_sql_prefilter_lets_through_every_text_a_rule_tags(workspace):
    """DuckDB's pass over all texts must never drop one the rules would tag."""
    from infoops.detectors.integrity._integrity import gate_sql, normalised_sql

    labelled = Path(__file__).parent / "fixtures" / "election_integrity.jsonl"
    texts = [
        json.loads(line)["text"]
        for line in labelled.read_text(encoding="utf-8").splitlines()
        if line
    ]
    texts += ["Vote   by\\ntext: 59925!", "карусельщики на участке", "Die WAHL wurde gefälscht"]
    tagged = [t for t in texts if integrity_tags(t)]
    passes = workspace.con.execute(
        f"SELECT {gate_sql('n')[0]} FROM (SELECT {normalised_sql('t')} AS n "
        "FROM unnest($texts::VARCHAR[]) u(t))",
        gate_sql("n")[1] | {"texts": tagged},
    ).fetchall()
    assert len(tagged) > 150 and all(ok for (ok,) in passes)


def test_the_briefing_counts_tagged_posts_by_week_around_each_election_day(tmp_path):
    from datetime import timedelta

    from builders import START

    from infoops.report import briefing_html

    posts = Posts()
    day = 86_400
    posts.add("a1", 0, "The election is RIGGED, dead voters are voting <b>now</b>")
    posts.add("a2", 9 * day, "Don't vote, your vote doesn't count anyway")
    posts.add("a3", 9 * day + 60, "Great turnout at the library polling station this morning")
    ws = posts.workspace(tmp_path)
    tag_election_integrity(ws.con, method="rules")
    election = (START + timedelta(days=8)).date()
    html = briefing_html(ws.con, election_dates=[election])
    section = html.split('id="elections"')[1].split("</section>")[0]
    assert f"<h3>{election.isoformat()}</h3>" in section
    row = section.split("<td>all posts</td>")[1].split("</tr>")[0]
    counts = [int(n) for n in row.replace('<td class="num">', " ").replace("</td>", " ").split()]
    assert counts == [0, 0, 1, 0, 1, 0, 0, 0]  # 8 days before: week -2; the day after: week 0
    assert 'id="elections"' not in briefing_html(ws.con)


def test_a_wrong_election_date_is_a_clear_error(tmp_path):
    from typer.testing import CliRunner

    from infoops.cli import app

    file = tmp_path / "case.duckdb"
    Posts().workspace(tmp_path).con.execute(f"ATTACH '{file}' AS copy")
    result = CliRunner().invoke(app, ["report", "-w", str(file), "--out", str(tmp_path / "o"),
                                      "--election-date", "2016-13-45"])  # fmt: skip
    assert result.exit_code == 2
    assert "--election-date" in result.output and "YYYY-MM-DD" in result.output
    assert "Traceback" not in result.output
