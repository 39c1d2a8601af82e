"""Select the candidate (text, claim) pairs of the stance fixture (tests/fixtures/claim_stance).

The pairs are chosen the way a known-claim matcher surfaces them, so that most of them
share the claim's topic and the hard question is the text's stance, not its subject:

- ``ira``: a deterministic sample of the IRA archive (tweets whose content hash falls in
  the first ``--ira-per-mille`` thousandths), one tweet per text skeleton; English tweets
  get their nearest EUvsDisinfo claim by BM25 (``bm25s``, English Snowball stemmer), the
  others (Russian, German, ...) by multilingual-e5 cosine against the claim vectors that
  ship with infoops. The highest-scoring tweets are kept, one per claim, at most
  ``TOPIC_CAP`` per topic so that elections, Ukraine, MH17, Skripal, NATO, Syria and
  US politics all appear.
- ``news_seed``: the sentences of the seed articles (news/*.txt) with their nearest claims
  by e5 (top ``SEED_TOP`` per sentence above a floor).
- ``wmt22``: source sentences of the WMT22 news-domain documents (Ukrainian, German,
  Japanese, English) with their nearest claim by e5 on the original sentence; the text
  stays in its original language, the English reference (when there is one) goes in
  ``note`` to help the labeller.
- ``checkthat2022``: tweets of the CheckThat! 2022 TRAIN judgements with their relevant
  Snopes claim, and for some of them the best-ranked non-relevant claim by BM25.

Only the selection is made here; the labels were added by hand afterwards (see the
fixture's README). ``split`` is ``tune`` or ``holdout`` by a hash of ``text_id``.

    python benchmarks/make_stance_pairs.py ../shared/data --out candidates.csv
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import bm25s
import numpy as np
import pandas as pd
import Stemmer

from infoops.detectors.claims._catalogue import bundled_claims
from infoops.detectors.claims._claims import _REPORTED
from infoops.ingest._csv_formats import LANGUAGE_CODES
from infoops.text._embed import shared_translation_encoder

COLUMNS = ["pair_id", "source", "text_id", "language", "text", "claim_id", "catalogue",
           "claim", "label", "split", "note"]  # fmt: skip
IRA_ENGLISH = 110  # English IRA tweets kept
IRA_OTHER = 40  # non-English IRA tweets kept
IRA_REPORTING = 25  # further English tweets that attribute (says, claims, according to...)
IRA_REPORTING_OTHER = 60  # and non-English (mostly Russian) headlines that attribute
ATTRIBUTING_RU = re.compile(r"заяв|сообщ|по словам|счита|утвержда|обвин|назва|пишет|говори|"
                            r"призна|отрица|^[^\s:/]{3,}(?: [^\s:/]+)?:\s", re.IGNORECASE)  # fmt: skip
IRA_RERANKED = 1000  # English tweets re-scored with e5 (those sharing the most IDF weight)
IRA_OTHER_ENCODED = 2500  # non-English sampled tweets encoded with e5 (the slow step)
TOPIC_CAP = 14
COVERAGE = 0.6  # IDF-weighted share of a claim's terms an English tweet must hold  # IRA tweets kept per topic
SEED_TOP = 2  # claims per seed-article sentence
SEED_FLOOR = 0.875  # e5 cosine a seed sentence's claim needs
WMT_PER_LANGUAGE = {"uk": 30, "de": 12, "ja": 8, "en": 12}
WMT_REPORTING = 10  # further attributed sentences per language
WMT_ATTRIBUTING = {
    "uk": r"заяв|каже|кажуть|сказав|повідом|за словами|стверджу|звинувач|запевня|вважа",
    "de": r"sagte|sagt|erklärt|laut|zufolge|behaupt|vorwirft|wirft|warf|bestreit",
    "en": r"\bsays?\b|\bsaid\b|claim|accus|denie|according to|warn|insist|alleg",
    "ja": r"によると|と述べ|と語っ|と主張|と発表|と報告|としている",
}
WMT_ENCODED = 600  # topical sentences encoded per language, at most
WMT_FLOOR = 0.84
CHECKTHAT_RELEVANT = 90
CHECKTHAT_NEIGHBOURS = 30
CHECKTHAT_DEBUNKING = 40  # further relevant pairs whose tweet has a debunking word
DEBUNKING = re.compile(r"fact.?check|\bfake|\bfalse|hoax|debunk|not true|\bmyth|misleading|"
                       r"\bno evidence|photoshop|\bsatire|\bdoctored|\brumou?r|\bisn.t true|\blie\b",
                       re.IGNORECASE)  # fmt: skip
CHECKTHAT_REPORTING = 30  # and whose tweet attributes what it says (news reports of a claim)
REPORTING = re.compile(r"\b(?:says|said|claims?|claimed|according to|reportedly|alleg\w*|"
                       r"report(?:s|ed)? that|accus\w*|rumou?r)\b", re.IGNORECASE)  # fmt: skip
TOPICS = {
    "elections": r"election|vote|voter|ballot|electoral|выбор",
    "ukraine": r"ukrain|kiev|kyiv|donbas|донбас|украин|киев|poroshenko|порошенк",
    "mh17": r"mh17|boeing|боинг|malaysia",
    "skripal": r"skripal|скрипал|novichok|новичок|salisbury",
    "nato": r"\bnato\b|нато|alliance",
    "syria": r"syria|сири|assad|асад|aleppo|алеппо|white helmets|chemical",
    "crimea": r"crimea|крым",
    "us_politics": r"trump|clinton|obama|hillary|democrat|republican|cia|fbi|mueller",
    "russia_west": r"russia|россия|putin|путин|sanction|санкци|west|запад|europe|европ",
    "islam_terror": r"islam|muslim|isis|terror|jihad",
    "media": r"media|news|cnn|fake",
}
WMT_TOPICAL = {
    "uk": r"росі|російськ|путін|нато|україн|війн|окупант|кремл|санкц|зеленськ|донбас|крим|"
    r"байден|москв|захід|вибор",
    "de": r"russland|russisch|ukrain|belarus|lukaschenko|nato|putin|kreml|sanktion|migrant|"
    r"flüchtling|moskau|selenskyj|krieg|wahl",
    "en": r"russia|ukrain|nato|putin|kremlin|sanction|crimea|election|biden|trump|belarus|"
    r"moscow|vaccin",
    "ja": r"ロシア|ウクライナ|ＮＡＴＯ|NATO|プーチン|バイデン|中国|選挙|ワクチン",
}
_LINKS = re.compile(r"https?://\S+|www\.\S+|@\w+|#\w+|\bRT\b")
_WORD = re.compile(r"\w+")


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def split_of(text_id: str) -> str:
    """tune or holdout, by the text's id: every pair of one text lands on the same side."""
    return "tune" if int(digest(text_id)[:8], 16) % 2 == 0 else "holdout"


def skeleton(text: str) -> str:
    return " ".join(_WORD.findall(_LINKS.sub(" ", text).lower()))


def topic_of(text: str) -> str:
    lowered = text.lower()
    return next((t for t, pattern in TOPICS.items() if re.search(pattern, lowered)), "other")


class Bm25:
    """BM25 over a list of claims with English stemming and stop words."""

    def __init__(self, claims: list[str]):
        self.stemmer = Stemmer.Stemmer("english")
        self.index = bm25s.BM25()
        self.index.index(self.tokens(claims), show_progress=False)

    def tokens(self, texts: list[str]):
        return bm25s.tokenize(texts, stopwords="en", stemmer=self.stemmer, show_progress=False)

    def words(self, texts: list[str]) -> list[list[str]]:
        """Stemmed content words of each text."""
        return bm25s.tokenize(texts, stopwords="en", stemmer=self.stemmer,
                              return_ids=False, show_progress=False)  # fmt: skip

    def top(self, texts: list[str], k: int, stemmed: bool = False):
        """The k best claims of each text and their scores (``stemmed``: already stemmed)."""
        queries = [t.split() for t in texts] if stemmed else self.tokens(texts)
        return self.index.retrieve(queries, k=k, show_progress=False)


def e5_top(texts: list[str], claim_vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Nearest claims of each text by e5 cosine (the catalogue's shipped passage vectors)."""
    vectors = shared_translation_encoder().encode(texts)
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cosine = vectors @ claim_vectors.T
    order = np.argsort(-cosine, axis=1)[:, :k]
    return order, np.take_along_axis(cosine, order, axis=1)


def pick(rows: list[dict], count: int, cap: int = TOPIC_CAP) -> list[dict]:
    """The best-scoring rows, one per claim and at most ``cap`` per topic."""
    kept, claims, topics = [], set(), {}
    for row in sorted(rows, key=lambda r: (-r["score"], r["text_id"])):
        if row["claim_id"] in claims or topics.get(row["topic"], 0) >= cap:
            continue
        kept.append(row)
        claims.add(row["claim_id"])
        topics[row["topic"]] = topics.get(row["topic"], 0) + 1
        if len(kept) == count:
            break
    return kept


def ira_pairs(data: Path, claims: pd.DataFrame, bm25: Bm25, vectors: np.ndarray, per_mille: int):
    tweets = pd.read_csv(data / "ira" / "tweets.csv.gz", usecols=["author_id", "content",
                         "language", "publish_date"], dtype=str).dropna(subset=["content"])  # fmt: skip
    keys = tweets["content"].map(lambda c: int(digest(c)[:8], 16) % 1000)
    tweets = tweets[keys < per_mille].copy()
    tweets["skeleton"] = tweets["content"].map(skeleton)
    tweets = tweets[tweets["skeleton"].str.split().str.len() >= 6]
    tweets = tweets.sort_values(["skeleton", "publish_date", "author_id"])
    tweets = tweets.drop_duplicates("skeleton").reset_index(drop=True)
    tweets["text_id"] = "ira-" + tweets["content"].map(lambda c: digest(c)[:12])
    print(f"ira: {len(tweets)} distinct sampled tweets", file=sys.stderr)
    rows = []
    english = tweets[tweets["language"] == "English"]
    # A tweet's claim is its BM25 neighbour (of the top 10; each word of the tweet counted
    # once) whose terms the tweet covers best, by IDF weight. A claim of under three terms,
    # a tweet sharing under two of them or covering under COVERAGE is no topical overlap
    # (one shared name or word); the rest rank by the IDF weight they share.
    stems = [sorted(set(t)) for t in bm25.words(english["skeleton"].tolist())]
    found, _ = bm25.top([" ".join(t) for t in stems], k=10, stemmed=True)
    claim_terms = [set(t) for t in bm25.words(claims["claim"].tolist())]
    frequency: dict[str, int] = {}
    for t in claim_terms:
        for term in t:
            frequency[term] = frequency.get(term, 0) + 1
    idf = {term: np.log(len(claim_terms) / n) for term, n in frequency.items()}
    for number, (_, tweet) in enumerate(english.iterrows()):
        words = set(stems[number])
        best = (0.0, 0.0, -1)
        for index in found[number]:
            own = claim_terms[int(index)]
            shared = own & words
            if len(own) < 3 or len(shared) < 2:
                continue
            weight = sum(idf[t] for t in shared)
            cover = weight / sum(idf[t] for t in own)
            if cover >= COVERAGE and weight > best[0]:
                best = (weight, cover, int(index))
        if best[2] >= 0:
            rows.append({**ira_row(tweet, claims.iloc[best[2]], best[0], "en"), "index": best[2]})
    # Lexical overlap alone pairs "I really don't care" with "Novichok does not really
    # exist": the IRA_RERANKED pairs sharing the most weight are re-scored by the e5 cosine
    # of tweet and claim, and that cosine ranks them.
    rows = sorted(rows, key=lambda r: (-r["score"], r["text_id"]))[:IRA_RERANKED]
    encoded = shared_translation_encoder().encode([_LINKS.sub(" ", r["text"]) for r in rows])
    encoded = encoded / np.linalg.norm(encoded, axis=1, keepdims=True)
    for row, vector in zip(rows, encoded, strict=True):
        row["score"] = float(vector @ vectors[row["index"]])
    english_rows = pick(rows, IRA_ENGLISH)
    # Attributed tweets (headlines that say who says what) are rare at the top: the next
    # IRA_REPORTING of them, one per claim, appended after the rest so that ids stay.
    taken = {r["text_id"] for r in english_rows} | {r["claim_id"] for r in english_rows}
    attributed = [r for r in rows if REPORTING.search(r["text"])
                  and r["text_id"] not in taken and r["claim_id"] not in taken]  # fmt: skip
    attributed = pick(attributed, IRA_REPORTING, cap=IRA_REPORTING)
    other = tweets[~tweets["language"].isin(["English", "Unknown"])]
    other = other.iloc[np.argsort([digest(t) for t in other["text_id"]])[:IRA_OTHER_ENCODED]]
    found, scores = e5_top(other["content"].map(lambda c: _LINKS.sub(" ", c)).tolist(), vectors, 1)
    rows = [ira_row(tweet, claims.iloc[int(index)], float(score), None)
            for (_, tweet), index, score in zip(other.iterrows(), found[:, 0], scores[:, 0],
                                                strict=True)]  # fmt: skip
    other_rows = pick(rows, IRA_OTHER, cap=IRA_OTHER // 3)
    # Likewise the next IRA_REPORTING_OTHER headlines that attribute ("Лавров: ...",
    # "... заявил, что ..."), one per claim.
    taken = {r["text_id"] for r in other_rows} | {r["claim_id"] for r in other_rows}
    rest = [r for r in rows if ATTRIBUTING_RU.search(r["text"])
            and r["text_id"] not in taken and r["claim_id"] not in taken]  # fmt: skip
    attributed += pick(rest, IRA_REPORTING_OTHER, cap=IRA_REPORTING_OTHER)
    return english_rows + other_rows + attributed


def _language_code(name: str) -> str:
    """The archive's language field as ingest writes it (ISO codes), "und" when undefined."""
    return "und" if name == "LANGUAGE UNDEFINED" else LANGUAGE_CODES.get(name, name)


def ira_row(tweet, claim, score: float, language: str | None) -> dict:
    return {"source": "ira", "text_id": tweet["text_id"],
            "language": language or _language_code(tweet["language"]),
            "text": " ".join(tweet["content"].split()), "claim_id": claim["claim_id"],
            "catalogue": "euvsdisinfo", "claim": claim["claim"], "score": score,
            "topic": topic_of(tweet["content"]), "note": ""}  # fmt: skip


# A sentence ends at . ! or ? (and a closing quote) after a lower-case letter, digit or
# bracket, before a capital or an opening quote: "the U.S. intelligence" stays whole.
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]][.!?])(?<![A-Z][a-z][.])[\"”’]?\s+(?=[A-Z\"“(])")


def sentences_of(text: str) -> list[str]:
    """The sentences of an article, paragraph by paragraph."""
    return [" ".join(s.split()) for line in text.splitlines() if line.strip()
            for s in _SENTENCE_END.split(line.strip()) if s.strip()]  # fmt: skip


def news_pairs(data: Path, claims: pd.DataFrame, vectors: np.ndarray, bm25: Bm25) -> list[dict]:
    rows, lexical, reported = [], [], []
    for path in sorted((data / "news").glob("*.txt")):
        sentences = [s for s in sentences_of(path.read_text(encoding="utf-8"))
                     if len(s.split()) >= 5]  # fmt: skip
        found, scores = e5_top(sentences, vectors, SEED_TOP)
        # And each such sentence's best claim by BM25, when e5 did not already pair it.
        near, _ = bm25.top(sentences, k=1)
        for number, sentence in enumerate(sentences):
            pair = {"source": "news_seed", "text_id": f"{path.stem}#s{number:03d}",
                    "language": "en", "text": sentence, "catalogue": "euvsdisinfo",
                    "note": ""}  # fmt: skip
            for index, score in zip(found[number], scores[number], strict=True):
                if score >= SEED_FLOOR:
                    claim = claims.iloc[int(index)]
                    rows.append({**pair, "score": float(score), "claim_id": claim["claim_id"],
                                 "claim": claim["claim"]})  # fmt: skip
            paired = {int(i) for i, v in zip(found[number], scores[number], strict=True)
                      if v >= SEED_FLOOR}  # fmt: skip
            if paired and int(near[number, 0]) not in paired:
                claim = claims.iloc[int(near[number, 0])]
                lexical.append({**pair, "score": 0.0, "claim_id": claim["claim_id"],
                                "claim": claim["claim"], "note": "bm25 neighbour"})  # fmt: skip
                paired.add(int(near[number, 0]))
            # As infoops' matcher does, the clause after the last reporting verb ("alleging
            # that Ukraine interfered") is matched on its own as well.
            verbs = list(_REPORTED.finditer(sentence))
            clause = sentence[verbs[-1].end() :] if verbs else ""
            if len(clause.split()) >= 3:
                reported.append((pair, clause, paired))
    if reported:
        found, scores = e5_top([clause for _, clause, _ in reported], vectors, 1)
        for (pair, _, paired), index, score in zip(reported, found[:, 0], scores[:, 0],
                                                   strict=True):  # fmt: skip
            if score >= SEED_FLOOR and int(index) not in paired:
                claim = claims.iloc[int(index)]
                lexical.append({**pair, "score": float(score), "claim_id": claim["claim_id"],
                                "claim": claim["claim"], "note": "matched on the reported clause"})  # fmt: skip
    return rows + lexical


def wmt_sentences(path: Path) -> list[dict]:
    """Source sentences of the news-domain documents, with the English reference if any."""
    with gzip.open(path) as handle:
        root = ET.parse(handle).getroot()
    rows = []
    for doc in root.iter("doc"):
        if doc.get("domain") not in ("news", None):  # uk-en documents carry no domain
            continue
        source = doc.find("src")
        language = source.get("lang")
        english = {}
        for ref in doc.findall("ref"):
            if ref.get("lang") == "en" and not english:
                english = {seg.get("id"): seg.text or "" for seg in ref.iter("seg")}
        for seg in source.iter("seg"):
            text = " ".join((seg.text or "").split())
            if len(text) >= 40:
                rows.append({"text_id": f"wmt22-{doc.get('id')}#{seg.get('id')}",
                             "language": language, "text": text,
                             "english": english.get(seg.get("id"), "")})  # fmt: skip
    return rows


def wmt_pairs(data: Path, claims: pd.DataFrame, vectors: np.ndarray) -> list[dict]:
    kept, attributed = [], []
    for path in sorted((data / "translations").glob("wmttest2022.*.all.xml.gz")):
        sentences = wmt_sentences(path)
        language = sentences[0]["language"] if sentences else None
        if language not in WMT_PER_LANGUAGE:
            continue
        # Topical sentences only, so that e5 reads hundreds, not thousands.
        topical = re.compile(WMT_TOPICAL[language], re.IGNORECASE)
        sentences = [s for s in sentences if topical.search(s["text"])]
        sentences = sorted(sentences, key=lambda s: digest(s["text_id"]))[:WMT_ENCODED]
        print(f"wmt22 {language}: {len(sentences)} topical sentences", file=sys.stderr)
        if not sentences:
            continue
        found, scores = e5_top([s["text"] for s in sentences], vectors, 1)
        rows = []
        for sentence, index, score in zip(sentences, found[:, 0], scores[:, 0], strict=True):
            if score < WMT_FLOOR:
                continue
            claim = claims.iloc[int(index)]
            note = f"EN: {sentence['english']}" if language != "en" and sentence["english"] else ""
            rows.append({"source": "wmt22", "text_id": sentence["text_id"],
                         "language": language, "text": sentence["text"], "score": float(score),
                         "claim_id": claim["claim_id"], "catalogue": "euvsdisinfo",
                         "claim": claim["claim"], "topic": language, "note": note})  # fmt: skip
        chosen = pick(rows, WMT_PER_LANGUAGE[language], cap=WMT_PER_LANGUAGE[language])
        kept += chosen
        # Sentences that say who says what (news reports of a claim), appended at the end.
        says = re.compile(WMT_ATTRIBUTING[language], re.IGNORECASE)
        taken = {r["text_id"] for r in chosen}
        rest = [r for r in rows if r["text_id"] not in taken and says.search(r["text"])]
        attributed += pick(rest, WMT_REPORTING, cap=WMT_REPORTING)
    return kept + attributed


def checkthat_pairs(data: Path) -> list[dict]:
    folder = data / "checkthat2022"
    queries = pd.read_csv(folder / "train_dev_queries.tsv", sep="\t", header=None,
                          names=["tweet_id", "text"], dtype=str, quoting=csv.QUOTE_NONE)  # fmt: skip
    qrels = pd.read_csv(folder / "train_qrels.tsv", sep="\t", header=None,
                        names=["tweet_id", "zero", "vclaim_id", "relevant"], dtype=str)  # fmt: skip
    vclaims = pd.read_csv(folder / "vclaims.csv.gz", dtype=str).fillna("")
    claim_of = dict(zip(vclaims["vclaim_id"], vclaims["vclaim"], strict=True))
    text_of = dict(zip(queries["tweet_id"], queries["text"], strict=True))
    qrels = qrels[qrels["tweet_id"].isin(text_of) & qrels["vclaim_id"].isin(claim_of)]
    qrels = qrels.iloc[np.argsort([digest(t) for t in qrels["tweet_id"]], kind="stable")]
    qrels = qrels.drop_duplicates("tweet_id")
    # The first CHECKTHAT_RELEVANT in hash order, then (so that denials and reports are not
    # rare) the next CHECKTHAT_DEBUNKING whose tweet holds a debunking word and the next
    # CHECKTHAT_REPORTING of the rest that attribute; appended after the BM25 neighbours
    # so that the earlier pair ids stay.
    rest = qrels.iloc[CHECKTHAT_RELEVANT:]
    debunking = rest[rest["tweet_id"].map(lambda t: bool(DEBUNKING.search(text_of[t])))]
    debunking = debunking.head(CHECKTHAT_DEBUNKING)
    rest = rest[~rest["tweet_id"].isin(debunking["tweet_id"])]
    reporting = rest[rest["tweet_id"].map(lambda t: bool(REPORTING.search(text_of[t])))]
    reporting = reporting.head(CHECKTHAT_REPORTING)
    qrels = qrels.head(CHECKTHAT_RELEVANT)
    rows = [{"source": "checkthat2022", "text_id": q.tweet_id, "language": "en",
             "text": " ".join(text_of[q.tweet_id].split()), "claim_id": q.vclaim_id,
             "catalogue": "checkthat2022", "claim": claim_of[q.vclaim_id], "note": ""}
            for q in qrels.itertuples()]  # fmt: skip
    relevant = set(zip(qrels["tweet_id"], qrels["vclaim_id"], strict=True))
    bm25 = Bm25(vclaims["vclaim"].tolist())
    neighbours = rows[:CHECKTHAT_NEIGHBOURS]
    found, _ = bm25.top([r["text"] for r in neighbours], k=3)
    for row, indices in zip(neighbours, found, strict=True):
        for index in indices:
            claim_id = vclaims["vclaim_id"].iloc[int(index)]
            if (row["text_id"], claim_id) not in relevant:
                rows.append({**row, "claim_id": claim_id, "claim": claim_of[claim_id],
                             "note": "bm25 neighbour, not in qrels"})  # fmt: skip
                break
    rows += [{"source": "checkthat2022", "text_id": q.tweet_id, "language": "en",
              "text": " ".join(text_of[q.tweet_id].split()), "claim_id": q.vclaim_id,
              "catalogue": "checkthat2022", "claim": claim_of[q.vclaim_id], "note": ""}
             for q in pd.concat([debunking, reporting]).itertuples()]  # fmt: skip
    return rows


def claim_vectors(table) -> np.ndarray:
    """The catalogue's multilingual-e5 passage vectors: the ones infoops ships (int8, as on
    the branch that made the fixture), else encoded here (ten minutes; cosines then differ
    by up to 0.005, so pairs near a threshold may differ)."""
    try:
        from infoops.detectors.claims._catalogue import bundled_claim_vectors

        vectors = bundled_claim_vectors(table)
    except ImportError:
        vectors = None
    if vectors is None:
        claims = table.column("claim").to_pylist()
        vectors = shared_translation_encoder().encode_passages(claims)
    return vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    parser.add_argument("--out", type=Path, default=Path("stance_candidates.csv"))
    parser.add_argument("--ira-per-mille", type=int, default=30,
                        help="share of the IRA archive sampled, in thousandths")  # fmt: skip
    args = parser.parse_args()
    table = bundled_claims()
    claims = table.select(["claim_id", "claim"]).to_pandas()
    vectors = claim_vectors(table)
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    bm25 = Bm25(claims["claim"].tolist())
    rows = (ira_pairs(args.data, claims, bm25, vectors, args.ira_per_mille)
            + news_pairs(args.data, claims, vectors, bm25) + wmt_pairs(args.data, claims, vectors)
            + checkthat_pairs(args.data))  # fmt: skip
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["source"]] = counts.get(row["source"], 0) + 1
        row["pair_id"] = f"{row['source']}-{counts[row['source']]:03d}"
        row["split"] = split_of(row["text_id"])
        row["label"] = ""
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, "score"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} candidate pairs {counts} -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
