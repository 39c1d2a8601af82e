"""Near-duplicate text: MinHash estimates, clusters, and the coordination signal."""

from __future__ import annotations

import random
import re

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from builders import Posts

from infoops.detectors.coordination import CoordinationConfig, detect_coordination, raw_pairs
from infoops.text import near_duplicate_clusters
from infoops.text._sketch import (
    EMPTY_VALUE,
    NUM_PERM,
    _sketch_all,
    empty_sketches,
    similar_links,
    sketch,
    sketch_into,
)

# Real-shaped posts: lightly edited copies of one message, and unrelated texts.
COPIES = [
    "BREAKING: Voting machines in Maricopa County flipped thousands of votes overnight, share now",
    "BREAKING: voting machines in Maricopa county flipped thousands of votes overnight! Share now",
    "BREAKING: Voting machines in Maricopa County flipped thousands of votes overnight, share it",
    "BREAKING Voting machines in Maricopa County flipped thousands of votes last night, share now",
]
OTHERS = [
    "Polls are open from 7am to 8pm on Tuesday; bring an ID if your state requires one",
    "The city council approved the new budget for road repairs after a long debate",
    "Les machines de vote du comté de Maricopa ont inversé des milliers de votes",
    "Great game tonight, the home team won in overtime with a last second shot",
]


def _words(text: str) -> set[str]:
    words = [w for w in re.split(r"[^\w#]+", text.lower()) if w]
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


def _exact(a: str, b: str) -> float:
    x, y = _words(a), _words(b)
    return len(x & y) / len(x | y)


def test_minhash_estimates_jaccard_of_words_and_word_pairs():
    texts = COPIES + OTHERS
    values = sketch(pa.array(texts))
    assert values.shape == (len(texts), NUM_PERM)
    errors = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            estimate = float((values[i] == values[j]).mean())
            errors.append(abs(estimate - _exact(texts[i], texts[j])))
    # 64 permutations: standard error at most 0.0625; allow four of them.
    assert max(errors) <= 0.25 and float(np.mean(errors)) <= 0.06


def test_tokens_ignore_case_punctuation_links_mentions_and_the_retweet_marker():
    same = [
        "hello world, the vote is rigged",
        "RT @someone: Hello World! The vote is RIGGED https://t.co/abc",
        "Hello   world 🇺🇸 the vote… is rigged ＠other http://example.com/x",
    ]
    values = sketch(pa.array(same))
    assert (values == values[0]).all()
    sliced = pa.array(["unrelated words", *same]).slice(1)
    assert (sketch(sliced) == values).all()
    assert (sketch(pa.chunked_array([same[:1], same[1:]])) == values).all()
    # "rt" is dropped only as a word of its own, links only from a word's start.
    differ = ["hello world, the vote is rigged rtx", "hello world, the vote is rigged xhttp"]
    assert not (sketch(pa.array(differ)) == values[0]).all(axis=1).any()


def test_invisible_characters_neither_split_nor_make_tokens():
    # Emoji style selectors, keycaps and zero-width characters (an evasion: "rig\u200bged")
    # are ignored; the same texts without them give the same signature.
    pairs = [
        ("I ❤ you, vote ✔ now, call 1 now", "I ❤️ you, vote ✔️ now, call 1️⃣ now"),
        ("the election was rigged", "the elec\u00adtion was rig\u200bged"),
    ]
    for plain, decorated in pairs:
        values = sketch(pa.array([plain, decorated]))
        assert (values[0] == values[1]).all(), decorated


def test_combining_marks_stay_inside_their_word():
    # Devanagari virama and vowel signs are marks: "नमस्ते" is one word, not "नमस" + "ते".
    whole, split = sketch(pa.array(["नमस्ते दुनिया मतदान", "नमस ते दुनिया मतदान"]))
    assert (whole != split).any()
    assert (sketch(pa.array(["नमस्ते दुनिया मतदान"])) == whole).all()


def test_empty_and_null_texts_have_no_token():
    texts = pa.array(["", None, "@only https://t.co/x", "word"])
    values, bands = empty_sketches(len(texts))
    sketch_into(values, bands, texts, np.arange(4), np.arange(4))
    assert (values[:3] == EMPTY_VALUE).all() and (bands[:, :3] == 0).all()
    assert (values[3] != EMPTY_VALUE).all()  # one token fills every slot
    assert (bands[:, 3] != 0).all()


def _clusters(texts: list[str], threshold: float = 0.7) -> dict[int, int]:
    con = duckdb.connect()
    keys = pa.array(range(len(texts)), pa.uint64())
    con.register("t", pa.table({"text_key": keys, "created_at": keys, "text": texts}))
    con.execute("CREATE TABLE posts AS SELECT * FROM t")
    clusters, signatures = near_duplicate_clusters(con, "posts", threshold)
    assert len(signatures.keys) == clusters.num_rows
    return dict(
        zip(clusters.column("text_key").to_pylist(), clusters.column("cluster").to_pylist(),
            strict=True)
    )  # fmt: skip


def test_edited_copies_form_one_cluster_and_other_texts_none():
    # The most edited copy shares 0.73 of its tokens with the first: the estimate's standard
    # error (0.055 with 64 values) makes 0.7 a coin toss for it, so the test asks for 0.6.
    clusters = _clusters(COPIES + OTHERS, threshold=0.6)
    assert {k: clusters.get(k) for k in range(len(COPIES))} == dict.fromkeys(range(len(COPIES)), 0)
    assert not any(k in clusters for k in range(len(COPIES), len(COPIES) + len(OTHERS)))


def test_threshold_is_respected():
    # The first two copies differ only in case and punctuation: the same words.
    assert _clusters(COPIES, threshold=1.0) == {0: 0, 1: 0}
    assert _clusters([], threshold=0.7) == {}
    assert _clusters(["", "#", "@someone https://t.co/x"], threshold=0.7) == {}


def test_texts_are_read_once_per_key_in_order_of_first_post():
    # More rows than one batch of texts; each copy's key recurs on later rows (the same
    # text posted again), the table is not in time order, and `where` drops a copy.
    rng = random.Random(7)
    filler = [" ".join(f"w{rng.randrange(10**6)}" for _ in range(6)) for _ in range(70_000)]
    rows = [(1_000 + i, float(i), text) for i, text in enumerate(filler)]
    first_posted = {0: 5_000.5, 1: 60.5, 2: 69_000.5, 3: 30_000.5}  # key -> time
    for key, at in first_posted.items():
        rows.append((key, at, COPIES[key]))
        rows.append((key, at + 1.0, COPIES[key]))  # reposted: one key, two rows
    rows.insert(123, (3, 10.5, "dropped by where"))
    rows.reverse()
    con = duckdb.connect()
    key, at, text = zip(*rows, strict=True)
    con.register("t", pa.table({"text_key": pa.array(key, pa.uint64()), "created_at": at,
                                "text": text}))  # fmt: skip
    con.execute("CREATE TABLE posts AS SELECT * FROM t")
    clusters, signatures = near_duplicate_clusters(con, "posts", 0.6, "text <> 'dropped by where'")
    found = dict(zip(clusters.column("text_key").to_pylist(), clusters.column("cluster").to_pylist(),
                     strict=True))  # fmt: skip
    # Position of a key: its rank by first post time among all keys (fillers are at i).
    order = sorted([(t, k) for k, t in first_posted.items()] + [(float(i), 1_000 + i)
                   for i in range(70_000)])  # fmt: skip
    position = {k: p for p, (_, k) in enumerate(order)}
    assert found == dict.fromkeys(first_posted, position[1])  # key 1 was posted first
    assert sorted(signatures.keys.tolist()) == sorted(first_posted)
    alone = sketch(pa.array([COPIES[k] for k in sorted(first_posted)]))
    assert (signatures.values[np.argsort(signatures.keys)] == alone).all()


def test_sketch_into_scatters_rows_across_chunks():
    texts = pa.chunked_array([COPIES[:2], [], COPIES[2:], OTHERS])
    whole = sketch(pa.array(COPIES + OTHERS))
    values, bands = empty_sketches(3)
    rows, dest = np.array([6, 1, 3]), np.array([2, 0, 1])
    sketch_into(values, bands, texts, rows, dest)
    assert (values == whole[[1, 3, 6]]).all()
    assert (bands != 0).all()


def test_bucket_leader_is_the_earliest_text_whatever_its_row():
    # Rows 0-2 are one text; by time, row 2 came first, then row 0, then row 1.
    values, bands = _sketch_all(pa.array([COPIES[0], COPIES[0], COPIES[0], OTHERS[0]]))
    member, leader = similar_links(values, bands, 0.9, np.array([1, 2, 0, 3]))
    assert sorted(zip(member.tolist(), leader.tolist(), strict=True)) == [(0, 2), (1, 2)]
    member, leader = similar_links(values, bands, 0.9)  # by default, the row is the time
    assert sorted(zip(member.tolist(), leader.tolist(), strict=True)) == [(1, 0), (2, 0)]


def _copy_paste_group(posts: Posts, rng: random.Random, members: int = 6, bursts: int = 6):
    """Each burst: the members post their own light edit of one message within a minute."""
    names = [f"copy{m}" for m in range(members)]
    for burst in range(bursts):
        at = rng.uniform(0, 14 * 86400)
        base = (
            f"Campaign message {burst}: the election in district {burst * 7} was stolen by "
            "corrupt officials and the media will not tell you the truth about it"
        )
        for m, name in enumerate(names):
            words = base.split()
            words[-1 - m] = f"{words[-1 - m]}{'!' * (m + 1)} indeed"
            posts.add(name, at + rng.uniform(0, 40), " ".join(words))
    return names


def _organic_texts(posts: Posts, rng: random.Random, accounts: int = 40, each: int = 20):
    vocabulary = [
        "vote",
        "poll",
        "city",
        "game",
        "team",
        "school",
        "weather",
        "rain",
        "market",
        "price",
        "news",
        "police",
        "road",
        "music",
        "film",
        "coffee",
        "train",
        "bridge",
        "park",
        "election",
        "county",
        "court",
        "budget",
    ]
    slogans = [
        "happy election day everyone go out and vote today it matters so much",
        "the debate tonight was a disaster for both candidates in my honest opinion",
        "long lines at my polling place this morning but worth the wait to vote",
    ]
    events = [rng.uniform(0, 14 * 86400) for _ in range(10)]  # moments many people react to
    for a in range(accounts):
        for n in range(each):
            at = rng.uniform(0, 14 * 86400)
            if n % 4 == 0:  # organic near-duplicates: common phrases, each in its own words
                words = rng.choice(slogans).split()
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
                at = rng.choice(events) + rng.uniform(0, 300)
            else:
                words = rng.sample(vocabulary, 12)
            posts.add(f"org{a:03d}", at, " ".join(words))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    rng = random.Random(11)
    posts = Posts()
    _organic_texts(posts, rng)
    group = _copy_paste_group(posts, rng)
    ws = posts.workspace(tmp_path_factory.mktemp("near"))
    yield ws, group
    ws.close()


def test_near_duplicate_signal_finds_the_copy_paste_group(workspace):
    ws, group = workspace
    config = CoordinationConfig(signals=("near_duplicate", "identical_text"))
    summaries = {s.signal: s for s in detect_coordination(ws.con, config)}
    assert summaries["identical_text"].significant == 0  # every member edits the text
    edges = ws.sql(
        "SELECT source, target FROM coordination_edges WHERE signal = 'near_duplicate' "
        "AND significant"
    ).fetchall()
    accounts = {a for edge in edges for a in edge}
    assert accounts == set(group)
    evidence = ws.sql(
        "SELECT similarity, shared FROM coordination_evidence WHERE signal = 'near_duplicate'"
    ).fetchall()
    assert evidence and all(0.5 <= s < 1.0 for s, _ in evidence)


def test_identical_copies_are_left_to_identical_text(tmp_path):
    posts = Posts()
    for burst in range(5):
        for m in range(4):
            text = f"Exactly the same message number {burst} copied by every member of the group"
            posts.add(f"same{m}", burst * 3600 + m, text)
    ws = posts.workspace(tmp_path)
    assert raw_pairs(ws.con, "near_duplicate", 60).num_rows == 0
    assert raw_pairs(ws.con, "identical_text", 60).num_rows == 6


def test_near_duplicate_results_are_deterministic(workspace):
    ws, _ = workspace
    config = CoordinationConfig(signals=("near_duplicate",))
    detect_coordination(ws.con, config)
    first = ws.sql("SELECT * FROM coordination_evidence ORDER BY ALL").fetchall()
    detect_coordination(ws.con, config)
    assert ws.sql("SELECT * FROM coordination_evidence ORDER BY ALL").fetchall() == first


MESSAGES = [
    ("The vote count in the capital was rigged by the ruling party",
     "Le décompte des voix dans la capitale a été truqué par le parti au pouvoir",
     "Die Stimmenauszählung in der Hauptstadt wurde von der Regierungspartei manipuliert"),
    ("Do not trust the official turnout figures, they are invented",
     "Ne faites pas confiance aux chiffres officiels de participation, ils sont inventés",
     "Traut den offiziellen Zahlen zur Wahlbeteiligung nicht, sie sind erfunden"),
    ("Foreign observers were not allowed into the polling stations",
     "Les observateurs étrangers n'ont pas été autorisés à entrer dans les bureaux de vote",
     "Ausländische Beobachter durften die Wahllokale nicht betreten"),
    ("The opposition candidate has already conceded defeat in private",
     "Le candidat de l'opposition a déjà reconnu sa défaite en privé",
     "Der Kandidat der Opposition hat seine Niederlage privat bereits eingeräumt"),
    ("Thousands of dead people are still registered to vote in this district",
     "Des milliers de personnes décédées sont encore inscrites sur les listes électorales de ce district",
     "Tausende Verstorbene sind in diesem Bezirk immer noch als Wähler registriert"),
    ("The electoral commission deleted the security camera footage on purpose",
     "La commission électorale a effacé exprès les images des caméras de surveillance",
     "Die Wahlkommission hat die Aufnahmen der Überwachungskameras absichtlich gelöscht"),
]  # fmt: skip


def test_similar_meaning_signal_links_one_message_in_three_languages(tmp_path):
    rng = random.Random(5)
    posts = Posts()
    _organic_texts(posts, rng, accounts=30, each=12)
    members = ["en_voice", "fr_voice", "de_voice"]
    for burst, versions in enumerate(MESSAGES):
        at = burst * 86400 + rng.uniform(0, 3600)
        for name, text in zip(members, versions, strict=True):
            posts.add(name, at + rng.uniform(0, 30), text)
    ws = posts.workspace(tmp_path)
    config = CoordinationConfig(signals=("similar_meaning", "near_duplicate"))
    summaries = {s.signal: s for s in detect_coordination(ws.con, config)}
    assert summaries["near_duplicate"].significant == 0  # no shared words across languages
    ranked = ws.sql(
        "SELECT source, target, significant FROM coordination_edges "
        "WHERE signal = 'similar_meaning' ORDER BY p_value, source, target LIMIT 3"
    ).fetchall()
    # The three members' pairs are the least likely by chance; with six messages the
    # English-French pair passes the FDR test (German misses one link at the default).
    assert sorted((a, b) for a, b, _ in ranked) == [
        ("de_voice", "en_voice"), ("de_voice", "fr_voice"), ("en_voice", "fr_voice"),
    ]  # fmt: skip
    assert ("en_voice", "fr_voice", True) in ranked
