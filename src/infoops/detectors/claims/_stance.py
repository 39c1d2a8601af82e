"""What a text does with a claim it matches: asserts it, refutes it, or only reports it.

A matcher measures topic; a fact-checker needs to know whether a post *states* a
debunked claim or debunks it. Rules over the words of the text's own voice decide:

- ``reports``: the text keeps the statement at a distance ("a discredited theory
  alleging that ...", "so-called", "purported"), or attributes it to someone else
  ("Lavrov claimed ...", "according to ...") without a debunking word of its own;
- otherwise the text's polarity is compared with the claim's: a text is negated
  when it carries a debunking word ("hoax", "fact check", "fake", "no evidence"), or
  a negation ("not", "never") in the clause that shares most words with the claim;
  a negated text matching a plain claim (or a plain text
  matching a negated claim: "Russia interfered" against "No evidence that Russia
  interfered") ``refutes`` it; the same polarity ``asserts`` it.

Cues are listed for English and, more briefly, for the other languages the sentence
encoder covers best (ru, uk, de, fr, es, it, pt, pl). Each decision carries the cue
that made it, so an analyst sees why. Sarcasm and irony are beyond such rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...text._negation import NEGATION_WORDS

STANCES = ("asserts", "refutes", "reports")

# An embedded tweet's signature ("— Name (@handle) May 3, 2020") is the author, not a source.
_SIGNATURE = re.compile(r"[—–-]+\s*[^—–()\n]{0,80}\(@\w+\)\s*\w*\s*\d{0,2},?\s*\d{0,4}\s*$")
_LINKS = re.compile(r"https?://\S+|www\.\S+|pic\.twitter\.com/\S+")


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(patterns) + r")(?![\w])", re.IGNORECASE)


# A distance the writer keeps from the statement: it is reported, even when called false.
_DISTANCED = _words(
    r"alleg(?:ing|ed|es|edly|ation|ations)",
    r"purported(?:ly)?",
    r"so-called",
    r"supposed(?:ly)?",
    r"(?:conspiracy\s+)?theor(?:y|ies)\s+(?:that|promoted|alleging|which|claiming)",
    r"(?:a|the)\s+(?:discredited|debunked|false|baseless|bogus)\s+\w+",
    r"(?:discredited|debunked|false|baseless|bogus|unfounded|unproven)\s+(?:claims?|theor(?:y|ies)|"
    r"allegations?|narratives?|rumou?rs?|conspiracy|reports?)",
    r"narrative\s+that",
    r"якобы",
    r"нібито",
    r"angeblich",
    r"prétendu(?:e|s)?",
    r"supuesta(?:mente)?",
    r"presunt[oa]",
    r"suposta(?:mente)?",
    r"rzekomo",
)
# Someone else's words.
_ATTRIBUTION = _words(
    r"(?:he|she|they|it|who|which)\s+(?:said|says|claimed|claims|alleged|alleges|insisted|"
    r"argued|argues|suggested|suggests|asserted|asserts)",
    r"claim(?:ed|s|ing)?\s+that",
    r"according\s+to",
    r"reportedly",
    r"rumou?rs?",
    r"(?:suggest|believ|warn|assur|argu)(?:s|es|ed|e)?\s+that",
    r"told\s+(?:reporters|journalists|the\s+\w+)",
    r"insist(?:s|ed)",
    r"accus(?:es|ed|ing)",
    r"speculation",
    r"(?:said|says|wrote|tweeted|stated)\s*[:,]",
    r"(?:Moscow|Kremlin|Kyiv|Kiev|Washington|Beijing|Brussels|officials?|ministry|spokes\w+)\s+"
    r"(?:says|said|claims|claimed|insists|insisted|argues|argued|warns|warned|believes)",
    r"[,.]\"?\s*(?:he|she|they)\s+(?:said|claimed|added|wrote)",
    # other languages
    r"по\s+словам",
    r"по\s+словах",
    r"заяв(?:ил|ила|или|ляет|ив|ила|или)",
    r"утвержда(?:ет|ют|л|ла)",
    r"laut",
    r"behaupte(?:t|te|n)",
    r"sagte",
    r"selon",
    r"a\s+déclaré",
    r"según",
    r"afirmó",
    r"secondo",
    r"segundo",
    r"według",
)
_NEGATION = _words(
    *NEGATION_WORDS,
    r"den(?:y|ies|ied|ying)",
    r"refut(?:e|es|ed|ing)",
    r"reject(?:s|ed|ing)?",
)
_DEBUNK = _words(
    r"fake(?!\s+news)",
    r"hoax(?:es)?",
    r"debunk(?:s|ed|ing)?",
    r"false(?:ly)?",
    r"untrue",
    r"myth",
    r"lies",
    r"liars?",
    r"misleading",
    r"fact[\s-]?check(?:ed|ers?)?",
    r"baseless",
    r"unfounded",
    r"bogus",
    r"nonsense",
    r"fabricat\w+",
    r"doctored",
    r"photoshop(?:ped)?",
    r"scam",
    r"satire",
    r"conspiracy\s+theor(?:y|ies|ists?)",
    r"disinformation",
    r"misinformation",
    r"фейк\w*",
    r"ложь",
    r"лож\w+",
    r"неправда",
    r"вранье",
    r"брехня",
    r"фальши\w+",
    r"falsch\w*",
    r"lüge\w*",
    r"faux",
    r"fausse",
    r"mensonge\w*",
    r"infox",
    r"falso",
    r"falsa",
    r"bulo",
    r"bufala",
    r"mentira\w*",
    r"fałsz\w*",
    r"kłamstw\w*",
)


# A claim about what someone said ("Trump called global warming a hoax"): a text quoting
# that person states the claim rather than reporting it.
_ABOUT_WORDS = _words(
    r"said",
    r"says",
    r"called",
    r"calls",
    r"claimed",
    r"tweeted",
    r"wrote",
    r"told",
    r"quoted",
    r"stated",
    r"announced",
    r"speech",
)


@dataclass(frozen=True)
class Stance:
    stance: str  # one of STANCES
    cue: str  # the words that decided it ("" when the text asserts with no cue)


def own_voice(text: str) -> str:
    """The text without links and an embedded tweet's signature line."""
    return _SIGNATURE.sub(" ", _LINKS.sub(" ", text)).strip()


# Clause boundaries: a negation in another clause ("..., the media won't tell you") does
# not negate the clause that carries the claim.
_CLAUSES = re.compile(r"[,;:.!?()\[\]\"“”«»—–]+|\s(?:but|while|whereas|although|aber|mais|но|але)\s",
                      re.IGNORECASE)  # fmt: skip
_WORD = re.compile(r"\w+")


def negated(text: str) -> str:
    """The first negation or debunking cue in ``text``, or ""."""
    found = _NEGATION.search(text) or _DEBUNK.search(text)
    return found.group(0) if found else ""


def claim_clause(text: str, claim: str) -> str:
    """The clause of ``text`` sharing most words (of four letters or more, by their first
    five) with ``claim``: where a negation would negate the claim."""
    stems = {w[:5] for w in _WORD.findall(claim.lower()) if len(w) >= 4}
    clauses = [c for c in _CLAUSES.split(text) if c.strip()] or [text]
    shared = [len(stems & {w[:5] for w in _WORD.findall(c.lower())}) for c in clauses]
    return clauses[shared.index(max(shared))]


def stance(text: str, claim: str, frame: str | None = None) -> Stance:
    """How ``text`` (or the sentence ``frame`` it was taken from) treats ``claim``."""
    voice = own_voice(frame or text)
    quoted = bool(_ABOUT_WORDS.search(claim))  # the claim is what someone said
    distanced = _DISTANCED.search(voice)
    if distanced and not quoted:
        return Stance("reports", distanced.group(0))
    debunked = _DEBUNK.search(voice)
    attributed = _ATTRIBUTION.search(voice)
    if attributed and not debunked and not quoted:
        return Stance("reports", attributed.group(0))
    if quoted:  # negations inside a quoted claim are its content
        return Stance("refutes", debunked.group(0)) if debunked else Stance("asserts", "")
    text_cue = debunked.group(0) if debunked else negated(claim_clause(voice, claim))
    claim_cue = negated(claim)
    if bool(text_cue) != bool(claim_cue):
        return Stance("refutes", text_cue or f"claim: {claim_cue}")
    return Stance("asserts", text_cue)
