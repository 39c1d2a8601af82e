"""Election-integrity tags: transparent rules, each match kept as evidence.

Four tags, after the categories officials and platforms' civic-integrity
policies use:

- ``procedural``: wrong information on when, where or how to vote ("vote by
  text", "Republicans vote on Wednesday", "polling place moved");
- ``participation``: suppression or intimidation ("stay home", "your vote
  won't count", "police will check warrants at the polls");
- ``fraud``: the election is or will be rigged or stolen (ballot stuffing, dead
  or illegal voters, machines flipping votes);
- ``delegitimisation``: results or electoral institutions called illegitimate, a
  sham, not to be recognised.

A rule is a regular expression over the lower-cased text in one of several
languages (en, ru, de, fr, es, pt, it); most also need an election word nearby.
A text that reads as a debunk ("no evidence of fraud", "false claim") gets no
tag. Each tag names the rule and the words that matched, so an analyst sees
why; precision and recall per tag are measured on a labelled set of real
examples (``benchmarks/eval_integrity.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from ...text._progress import Progress, no_progress
from ...workspace._tables import store_arrow

ELECTION = (
    r"vot(e|es|er|ers|ing)|ballot|election|electoral|polls?\b|polling|precinct|absentee|"
    r"mail-in|выбор|голосова|бюллетен|избира|wahl|wähl|stimmzettel|élect|scrutin|bulletin|"
    r"elecci|electoral|votar|voto|urna|papeleta|eleiç|eleitor|elezion|scheda"
)
_DEBUNK = re.compile(
    r"no evidence|without evidence|baseless|unfounded|debunk|fact[- ]?check|false(ly)? claim|"
    r"myth|misinformation|disinformation|rumou?r|hoax|keine beweise|нет доказательств|"
    r"фейк|infundad|sin pruebas|sans preuve|"
    # reported, not asserted: "X pushes back on 'rigged' claims", "officials deny fraud"
    r"push(es|ed)? back|knock(s|ed)? down|\bden(y|ies|ied)\b|\bclaims? (of|that)\b|"
    r"'rigged'|\"rigged\"|angeblich|попытка доказать|призвал|\bruft\b"
)


@dataclass(frozen=True)
class Rule:
    tag: str
    name: str
    pattern: re.Pattern
    needs_election: bool = True


def _rule(tag: str, name: str, pattern: str, needs_election: bool = True) -> Rule:
    return Rule(tag, name, re.compile(pattern), needs_election)


RULES: tuple[Rule, ...] = (
    # procedural: when, where, how
    _rule(
        "procedural",
        "vote by text, phone or online",
        r"\bvot(e|ing)\b[^.!?\n]{0,40}\b(by|via|through|from)\b[^.!?\n]{0,20}"
        r"\b(text(ing)?|sms|phone|online|internet|twitter|facebook|home|app)\b|"
        r"\btext\b[^.!?\n]{0,40}\bto \d{4,6}\b|"
        r"голосова\w* (по|через) (смс|интернет|телефон)|(per|über) (sms|internet|app) "
        r"(wählen|abstimmen)|vot(ez|er) (par|en ligne|sur internet)|votar? (por|desde) "
        r"(sms|internet|whatsapp|casa|el celular)",
        needs_election=False,
    ),  # fmt: skip
    _rule(
        "procedural",
        "wrong election day",
        r"\b(republicans?|democrats?|supporters|voters|you)\b[^.!?\n]{0,40}\bvote\b[^.!?\n]{0,20}"
        r"\b(on )?(wednesday|thursday|the (next|following) day|november (9|10|28))\b|"
        r"(election|voting|polls?) (day )?(has been|was|is) (moved|postponed|extended|changed)"
        r"|(vote|voting) (is|are|will be) (on|held) (wednesday|thursday)|#november28|"
        r"(republicans?|democrats?)[^.!?\n]{0,30}(asked to|should|must|only)[^.!?\n]{0,10}vote "
        r"(today|tomorrow|on)|tomorrow is voting for|vote (nov|november) \d+ if",
    ),
    _rule(
        "procedural",
        "polling place moved or closed",
        r"polling (place|station|location|site)s?[^.!?\n]{0,40}\b(changed|moved|closed|"
        r"relocated|cancel+ed)\b|wahllokal\w*[^.!?\n]{0,30}(geschlossen|verlegt)|"
        r"bureaux? de vote[^.!?\n]{0,30}(fermé|déplacé)",
    ),  # fmt: skip
    _rule(
        "procedural",
        "invented ballot rule",
        r"ballots? (marked|filled|written)[^.!?\n]{0,30}(pencil|sharpie|pen)[^.!?\n]{0,40}"
        r"(invalid|void|not (be )?counted|thrown out|rejected)|(pencil|sharpie)[^.!?\n]{0,40}"
        r"(invalid|void|won'?t (be )?count)|(ungültig|nicht gezählt)[^.!?\n]{0,40}"
        r"(stimmzettel|kreuz)|(stimmzettel|kreuz)[^.!?\n]{0,60}(ungültig|nicht gezählt)|"
        r"(papeleta|voto|boleta)[^.!?\n]{0,40}(nul[oa]|inválid[oa]|no (se )?cuenta)|"
        r"(cédula|voto)[^.!?\n]{0,40}(anulad[oa]|inválid[oa]|nul[oa])|sign (your|the) ballot|"
        r"(wahlzettel|stimmzettel)\w* unterschreib|unterschreibt den (wahl|stimm)zettel|"
        r"stimme[^.!?\n]{0,30}ungültig|(hashtag|tweet|post)[^.!?\n]{0,60}(on|by) november \d|"
        r"post[^.!?\n]{0,30}with the hashtag[^.!?\n]{0,60}(election|vote)",
        needs_election=False,
    ),  # fmt: skip
    # participation: suppression and intimidation
    _rule(
        "participation",
        "stay home, do not vote",
        r"(?<!\bi )(?<!\bwe )(?<!\byou )\b(don'?t|do not|no need to|never)\b (go(ing)? "
        r"(out )?(to )?)?vot(e|ing)\b(?! for)|\bstop voting\b(?! for)|"
        r"(?<!\bnot )(?<!\bthan )\bstay (at )?home\b(?! nov)|it'?s ok(ay)? to not vote|overthrow, not vote|"
        r"keep away from[^.!?\n]{0,30}(polling|voting|electoral)|"
        r"boycott(ing)? (the )?(election|vote|polls)|#(dontvote|novote|boycottelection)|"
        r"(your|their|black|our) votes? (doesn'?t|don'?t|won'?t|will not|does not) "
        r"(count|matter)|no point (in )?voting|voting[^.!?\n]{0,25} is (useless|pointless|"
        r"worthless|a waste)|"
        r"не ходите на выборы|бойкот\w* выбор|nicht wählen gehen|wahlboykott|"
        r"n'allez pas voter|boycott\w* (des |les |l')?élection|no (vayas|vayan) a votar|"
        r"boicot\w* (a )?(las )?elecciones|não vote|boicote",
        needs_election=False,
    ),  # fmt: skip
    _rule(
        "participation",
        "threat at the polls",
        r"(police|sheriffs?|ice|immigration|federal agents?|armed|militia|we)\b[^.!?\n]{0,30}"
        r"\b(will be )?(at|watching|outside|monitoring) (the )?(polls|polling)|"
        r"(you|you'll|they)( will| can| could)? (be )?(arrested|deported|prosecuted|jailed|"
        r"fined)[^.!?\n]{0,40}\b(vot(e|ing)|polls|ballot)|(vot(e|ing)|polls|ballot)\b"
        r"[^.!?\n]{0,60}(can|could|will|may) (result in|lead to|get you)[^.!?\n]{0,30}"
        r"(arrest|deportation|prosecution|jail|prison|incarceration)|public database|"
        r"voter fraud is a (felony|crime)|we (will|know)[^.!?\n]{0,30}(come after you|"
        r"who you voted|find you)",
    ),  # fmt: skip
    # fraud
    _rule(
        "fraud",
        "rigged or stolen election",
        r"\b(rig+ed|rigging|stolen|steal(ing)?|stole|fixed|fraudulent|falsified|hijacked)\b"
        r"[^.!?\n]{0,40}\b(election|vote|votes|ballots?|results?|primary|count)\b|"
        r"\b(election|vote|votes|ballots?|results?|primary)\b[^.!?\n]{0,30}\b(is|was|were|are|"
        r"will be|being|been)\b[^.!?\n]{0,15}\b(rig+ed|stolen|fixed|fraudulent|falsified)\b|"
        r"#(rigged\w*|stopthesteal|stealing\w*|voterfraud|electionfraud)|stop the steal|"
        r"rig the (election|vote)|(election|vote|ballots?|results?)[^.!?\n]{0,40}"
        r"\b(manipulated|falsified|hacked)\b|(rig+ed|hacked)[^.!?\n]{0,30}(voting )?machines|"
        r"voting machines[^.!?\n]{0,40}(rig+ed|hacked|picked|switch|flip)|stole[^.!?\n]{0,40}"
        r"victory|falsif(y|ied|ication)s?\b[^.!?\n]{0,60}(election|vote|result)|"
        r"(election|vote)[^.!?\n]{0,60}falsif",
        needs_election=False,
    ),  # fmt: skip
    _rule(
        "fraud",
        "voter or ballot fraud",
        r"(voter|voting|election|ballot|electoral) fraud|ballot[- ]stuff|stuff(ed|ing)? "
        r"(the )?ballot|dead (people|voters|men)[^.!?\n]{0,30}vot|illegal (aliens?|immigrants?|"
        r"votes?|voters?)[^.!?\n]{0,40}vot|(millions|thousands) of (illegal |fraudulent |fake )"
        r"?(votes|ballots|voters)|(counted|vot(e|ed|ing)) (twice|multiple times)|vote fraud|"
        r"\b(dead|deceased)\b[^.!?\n]{0,30}vot|dead souls|(deleted|switched|flipped)[^.!?\n]{0,30}"
        r"votes|pucherazo|подкуп[^.!?\n]{0,40}голос|"
        r"(machines?|dominion|smartmatic)[^.!?\n]{0,40}(flip|switch|chang|delet)\w*[^.!?\n]{0,20}"
        r"vot|фальсификац|вброс|карусел\w* |подтасов|украл\w* (выбор|голос)|wahlbetrug|"
        r"wahlfälschung|(wahl|stimmen)[^.!?\n]{0,30}(gefälscht|manipuliert)|fraude "
        r"(électorale|electoral|eleitoral|nas urnas)|élection truquée|scrutin truqué|"
        r"elecciones? amañad|urnas? fraudad|brogli",
        needs_election=False,
    ),  # fmt: skip
    # delegitimisation
    _rule(
        "delegitimisation",
        "illegitimate result or institution",
        r"\b(illegitimate|sham|farce|charade|fake|puppet|rubber[- ]stamp|meaningless)\b"
        r"[^.!?\n]{0,30}\b(election|elections|vote|referendum|president|results?|commission|"
        r"parliament)|\b(election|elections|vote|referendum|results?)\b[^.!?\n]{0,25}\b(is|was|"
        r"were|are)\b[^.!?\n]{0,15}\b(illegitimate|a sham|a farce|a joke|a circus|a charade|"
        r"meaningless|a fraud)|#?notmypresident|not my president|selected,? not elected|"
        r"нелегитимн|фарс|марионеточн|illegitim|scheinwahl|illégitime|mascarade|"
        r"ilegítim|farsa|(fraudulently|illegally) elected|won by (treason|fraud)|"
        r"(election|elections)[^.!?\n]{0,30}(invalid|puppets|a conspiracy|theater|theatre|"
        r"circus)|results?[^.!?\n]{0,20}(are|is) written in|there is no (\w+ )?election|"
        r"не являются выборами|no elected parliament",
        needs_election=False,
    ),  # fmt: skip
    _rule(
        "delegitimisation",
        "refuse to recognise the result",
        r"(?<!\bi )(won'?t|will not|cannot and will not|do not|don'?t|refuse to|never) (accept|"
        r"recogni[sz]e|respect)[^.!?\n]{0,30}(result|outcome|election|president|winner|vote)|не призна\w*[^.!?\n]"
        r"{0,30}(выбор|результат|итог)|nicht anerkenn|ne (pas )?reconna[iî]tre|no reconocer",
    ),
)
_ELECTION = re.compile(ELECTION)


def integrity_tags(text: str | None) -> list[tuple[str, str, str]]:
    """(tag, rule, matched words) for every rule ``text`` meets; empty for debunks."""
    if not text:
        return []
    lowered = " ".join(text.lower().replace("’", "'").split())
    if _DEBUNK.search(lowered):
        return []
    has_election = _ELECTION.search(lowered) is not None
    found = []
    for rule in RULES:
        if rule.needs_election and not has_election:
            continue
        match = rule.pattern.search(lowered)
        if match:
            found.append((rule.tag, rule.name, match.group(0)))
    return found


TAG_SCHEMA = pa.schema([("kind", pa.string()), ("text_key", pa.uint64()),
                        ("article_id", pa.string()), ("tag", pa.string()), ("rule", pa.string()),
                        ("evidence", pa.string()), ("confidence", pa.float64())])  # fmt: skip
METHODS = ("model", "rules")
CLASSIFIER = "classifier"  # the rule column of a tag no rule would have given
ARTICLE_LEAD = 2_000  # characters of an article (title first) the classifier reads
CLASSIFIER_CHUNK = 4_096  # texts per call, between progress reports

# Words that texts about election integrity hold when they hold no election word
# ("rigging", "elected", "referendum", "boycott", #NotMyPresident): with the election
# words and the rules that need none, they decide which texts are read at all.
_GATE_WORDS = (
    r"rigg|fraud|elect|referend|boycott|legitim|notmypresident|stopthesteal|"
    r"подтасов|фальсифик|референдум|бойкот|нелегитим|betrug|gefälscht|fälsch|fraude|truca|"
    r"amañ|boicot|ilegítim|illégitim|truqu"
)


def gate_patterns() -> list[str]:
    """RE2 patterns for the texts worth reading: election words, the words above, and
    every rule that needs no election word (lookarounds and word boundaries dropped, ``\\w``
    made Unicode). Every text a rule tags matches one. Kept apart, not joined into one
    alternation: RE2 runs each small pattern as a DFA, a large union far more slowly."""
    parts = [ELECTION, _GATE_WORDS]
    for rule in RULES:
        if not rule.needs_election:
            pattern = _LOOKAROUND.sub("", rule.pattern.pattern).replace(r"\b", "")
            parts.append(pattern.replace(r"\w", r"[\p{L}\p{N}_]"))
    return parts


def gate_sql(column: str) -> tuple[str, dict[str, str]]:
    """A SQL condition that ``column``, already normalised (``normalised_sql``), passes the
    gate, and its parameters: DuckDB scans every text with it in parallel."""
    patterns = gate_patterns()
    condition = " OR ".join(f"regexp_matches({column}, $gate{i})" for i in range(len(patterns)))
    return f"({condition})", {f"gate{i}": p for i, p in enumerate(patterns)}


def normalised_sql(expression: str) -> str:
    """The SQL twin of integrity_tags' normalisation: lower case, ’ as ', one space."""
    return _NORMALISED_SQL.format(expression)


_LOOKAROUND = re.compile(r"\(\?<?[!=][^()]*\)")
# The SQL twin of integrity_tags' normalisation: lower case, ’ as ', one space.
_NORMALISED_SQL = r"""regexp_replace(replace(lower({0}), '’', ''''), '\s+', ' ', 'g')"""


def tag_election_integrity(
    con: duckdb.DuckDBPyConnection,
    on_progress: Progress = no_progress,
    chunk: int = 250_000,
    method: str = "model",
    classifier=None,
) -> int:
    """Create ``integrity_tags`` (kind post/article, text_key or article_id, tag, rule,
    evidence, confidence); return how many distinct texts got a tag. Each distinct text
    is read once. ``method="model"``: the classifier decides, and the rules that agree
    are its evidence; ``"rules"``: the rules alone (confidence empty). Posts are scanned
    ``chunk`` rows at a time so that ``on_progress("posts", ...)`` can say how far the scan
    is; a text's first passing post gives its text, as one scan would."""
    if method not in METHODS:
        raise ValueError(f"integrity method {method!r}: one of {', '.join(METHODS)}")
    condition, gate = gate_sql("normalised")
    items = [("article", None, article, text) for article, text in con.execute(
        f"""SELECT article_id, whole FROM (
                SELECT article_id, concat_ws('. ', title, text) AS whole,
                       {normalised_sql("concat_ws('. ', title, text)")} AS normalised
                FROM articles)
            WHERE {condition} ORDER BY article_id""",
        gate,
    ).fetchall()]  # fmt: skip
    posts = _passing_posts(con, on_progress, chunk)
    items += [("post", key, None, posts[key]) for key in sorted(posts)]
    if method == "rules":
        rows = [_row(kind, key, article, tag, rule, evidence, None)
                for kind, key, article, text in items
                for tag, rule, evidence in integrity_tags(text)]  # fmt: skip
    else:
        rows = _classified_rows(items, classifier, on_progress)
    store_arrow(con, "integrity_tags", pa.Table.from_pylist(rows, schema=TAG_SCHEMA))
    return len({(r["text_key"], r["article_id"]) for r in rows})


def _row(kind, key, article, tag, rule, evidence, confidence) -> dict:
    return {"kind": kind, "text_key": key, "article_id": article, "tag": tag, "rule": rule,
            "evidence": evidence, "confidence": confidence}  # fmt: skip


# Tags where the rules add to the classifier: it learnt participation from few examples
# and misses calls not to vote that the rules name (chosen on held-out accounts, dev).
RULE_BACKED = ("participation",)


def classified_tags(
    text: str, scores, tags: tuple[str, ...], thresholds
) -> list[tuple[str, list[tuple[str, str]], float]]:
    """(tag, [(rule, matched words)] of that tag, confidence) for each tag given to
    ``text``: the classifier's above its threshold, and a rule-backed tag whose rule fired
    in a text that names an election. A text that reads as a debunk ("no evidence", "fact
    check") gets none."""
    lowered = " ".join(text.lower().replace("’", "'").split())
    if _DEBUNK.search(lowered):
        return []
    fired: dict[str, list[tuple[str, str]]] = {}
    for tag, rule, evidence in integrity_tags(text):
        fired.setdefault(tag, []).append((rule, evidence))
    backed = {t for t in RULE_BACKED if t in fired} if _ELECTION.search(lowered) else set()
    return [(tag, fired.get(tag, []), round(float(score), 4))
            for tag, score, threshold in zip(tags, scores, thresholds, strict=True)
            if score >= threshold or tag in backed]  # fmt: skip


def _classified_rows(items: list[tuple], classifier, on_progress: Progress) -> list[dict]:
    """A row per tag given, with the rules of that tag that also fired as its evidence."""
    if classifier is None:
        from ._classifier import shared_classifier

        classifier = shared_classifier()
    texts = [text[:ARTICLE_LEAD] if kind == "article" else text for kind, _, _, text in items]
    parts = []
    for start in range(0, len(texts), CLASSIFIER_CHUNK):
        on_progress("texts", start, len(texts))
        parts.append(classifier.probabilities(texts[start : start + CLASSIFIER_CHUNK]))
    on_progress("texts", len(texts), len(texts))
    probabilities = np.concatenate(parts) if parts else np.zeros((0, len(classifier.tags)))
    rows = []
    for (kind, key, article, text), scores in zip(items, probabilities, strict=True):
        for tag, rules, confidence in classified_tags(
            text, scores, classifier.tags, classifier.thresholds
        ):
            rows.append(_row(kind, key, article, tag, "; ".join(r for r, _ in rules) or CLASSIFIER,
                             "; ".join(e for _, e in rules), confidence))  # fmt: skip
    return rows


def _passing_posts(con: duckdb.DuckDBPyConnection, on_progress: Progress, chunk: int) -> dict:
    """text_key -> the text of its first post (by rowid) that passes the gate."""
    total, last = con.execute("SELECT count(*), max(rowid) FROM posts").fetchall()[0]
    on_progress("posts", 0, total)
    first: dict[int, str] = {}
    done = 0
    condition, gate = gate_sql("normalised")
    for low in range(0, (last if last is not None else -1) + 1, chunk):
        scanned, passing = con.execute(
            f"""SELECT count(*), list((text_key, text) ORDER BY r) FILTER (
                    text_key IS NOT NULL AND {condition})
                FROM (SELECT rowid AS r, text_key, text, {normalised_sql("text")} AS normalised
                      FROM posts WHERE rowid >= $low AND rowid < $high)""",
            gate | {"low": low, "high": low + chunk},
        ).fetchall()[0]  # fmt: skip
        for pair in passing or []:
            key, text = pair.values() if isinstance(pair, dict) else pair
            first.setdefault(key, text)
        done += scanned
        on_progress("posts", done, total)
    return first
