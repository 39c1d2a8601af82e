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
                        ("evidence", pa.string())])  # fmt: skip


def prefilter_pattern() -> str:
    """One RE2 pattern that every text some rule matches also matches (lookarounds and
    word boundaries dropped, ``\\w`` made Unicode): DuckDB scans all texts with it in
    parallel, and only the few that pass are read by the rules in Python."""
    parts = []
    for rule in RULES:
        pattern = _LOOKAROUND.sub("", rule.pattern.pattern).replace(r"\b", "")
        parts.append(pattern.replace(r"\w", r"[\p{L}\p{N}_]"))
    return "|".join(f"(?:{p})" for p in parts)


_LOOKAROUND = re.compile(r"\(\?<?[!=][^()]*\)")
# The SQL twin of integrity_tags' normalisation: lower case, ’ as ', one space.
_NORMALISED_SQL = r"""regexp_replace(replace(lower({0}), '’', ''''), '\s+', ' ', 'g')"""


def tag_election_integrity(
    con: duckdb.DuckDBPyConnection, on_progress: Progress = no_progress, chunk: int = 250_000
) -> int:
    """Create ``integrity_tags`` (kind post/article, text_key or article_id, tag, rule,
    evidence); return how many distinct texts got a tag. Each distinct text is read once.
    Posts are scanned ``chunk`` rows at a time so that ``on_progress("posts", ...)`` can
    say how far the scan is; a text's first passing post gives its text, as one scan would."""
    items = [("article", None, article, text) for article, text in con.execute(
        f"""SELECT article_id, concat_ws('. ', title, text) FROM articles
            WHERE regexp_matches({_NORMALISED_SQL.format("concat_ws('. ', title, text)")},
                                 $pattern)
            ORDER BY article_id""",
        {"pattern": prefilter_pattern()},
    ).fetchall()]  # fmt: skip
    posts = _passing_posts(con, on_progress, chunk)
    items += [("post", key, None, posts[key]) for key in sorted(posts)]
    rows = []
    for kind, key, article, text in items:
        for tag, rule, evidence in integrity_tags(text):
            rows.append({"kind": kind, "text_key": key, "article_id": article, "tag": tag,
                         "rule": rule, "evidence": evidence})  # fmt: skip
    store_arrow(con, "integrity_tags", pa.Table.from_pylist(rows, schema=TAG_SCHEMA))
    return len({(r["text_key"], r["article_id"]) for r in rows})


def _passing_posts(con: duckdb.DuckDBPyConnection, on_progress: Progress, chunk: int) -> dict:
    """text_key -> the text of its first post (by rowid) that passes the prefilter."""
    total, last = con.execute("SELECT count(*), max(rowid) FROM posts").fetchall()[0]
    on_progress("posts", 0, total)
    first: dict[int, str] = {}
    done = 0
    for low in range(0, (last if last is not None else -1) + 1, chunk):
        bounds = {"low": low, "high": low + chunk, "pattern": prefilter_pattern()}
        scanned, passing = con.execute(
            f"""SELECT count(*), list((text_key, text) ORDER BY rowid) FILTER (
                    text_key IS NOT NULL AND regexp_matches({_NORMALISED_SQL.format("text")},
                                                            $pattern))
                FROM posts WHERE rowid >= $low AND rowid < $high""",
            bounds,
        ).fetchall()[0]  # fmt: skip
        for pair in passing or []:
            key, text = pair.values() if isinstance(pair, dict) else pair
            first.setdefault(key, text)
        done += scanned
        on_progress("posts", done, total)
    return first
