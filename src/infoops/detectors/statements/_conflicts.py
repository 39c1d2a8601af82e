"""Conflicting accounts: two statements about the same thing where one affirms what the
other denies, or where they give different numbers for the same thing; and a speaker who
says the opposite of what they said before.

Two statements are about the same thing when they share rare content words (stemmed,
weighted by how few statements use them; the speakers' own names do not count) and
come from the same document, or from sources dated within ``window_days``. They
disagree when exactly one of them is negated in the clause that holds the shared
words ("We haven't even actually discussed elections." against "discussed … Election
Meddling"), a reporting verb of denial counting as a negation, or when a shared noun
carries different numbers. The confidence rises with the weight of the shared words.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from . import _cues

log = logging.getLogger("infoops")
_WORD = re.compile(r"[^\W\d_]{3,}(?:[’'][^\W\d_]+)?")
_NUMBER_NOUN = re.compile(r"(\d[\d,.]*)\s*(?:%|percent|per\s+cent)?\s+([^\W\d_]{3,})")
_CLAUSES = re.compile(
    r"[,;:()\[\]\"“”«»—–]+|\s(?:but|while|whereas|although|and|aber|mais|но|але)\s"
)
_STEMMERS = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "ru": "russian",
             "it": "italian", "pt": "portuguese", "pl": "polish"}  # fmt: skip
SHARED_WEIGHT = 1.0  # idf sum of shared words for "the same thing"
# Adverbs that colour a statement without saying what it is about.
_HEDGES = frozenset(
    [
        "even",
        "actually",
        "really",
        "just",
        "simply",
        "already",
        "still",
        "also",
        "only",
        "very",
        "quite",
        "indeed",
        "certainly",
        "absolutely",
        "clearly",
        "obviously",
        "perhaps",
        "maybe",
        "probably",
        "definitely",
    ]
)
VERDICT_SCORE = 0.5  # "is fake" against "not a fake": one word, read as a moderate lead
MIN_COVERAGE = 0.3  # share of the shorter statement's word weight the two must share
MAX_PAIRS = 5_000_000  # candidate pairs compared at most (memory), rarest words first
MAX_POSTING = 400  # a word used by more statements than this does not pair them up


@dataclass(frozen=True)
class Said:
    """What conflict finding needs of a statement."""

    speaker_key: str
    text: str
    cue: str
    lang: str | None
    source: str
    date: datetime | None


@dataclass(frozen=True)
class Conflict:
    a: int
    b: int
    kind: str  # denial, numbers or self
    words: str  # the words that conflict: the negation, or the two numbers
    shared: str  # the content words both statements share
    score: float  # 0-1, from the weight of the shared words
    confidence: str


def _stem(lang: str | None):
    name = _STEMMERS.get(lang or "")
    if name is None:
        return lambda word: word[:6]
    return _stemmer(name)


@cache
def _stemmer(name: str):
    import Stemmer

    return Stemmer.Stemmer(name).stemWord


@cache
def _stopwords() -> frozenset[str]:
    from ...text._stopwords import label_stopwords

    return label_stopwords()


def terms(text: str, lang: str | None, exclude: frozenset[str] = frozenset()) -> dict[str, str]:
    """Content words of ``text``: stem -> the word as written (first seen)."""
    stem = _stem(lang)
    found: dict[str, str] = {}
    for word in _WORD.findall(text):
        lower = word.lower()
        if lower in _stopwords() or lower in exclude or lower in _HEDGES or \
                _cues.NEGATIONS.fullmatch(lower) or _EVALUATIVE.fullmatch(lower):  # fmt: skip
            continue
        found.setdefault(stem(lower), word)
    return found


_DENIED_WORDS = 8  # words at the head of a denied statement: what is denied
_QUOTE_MARKS = frozenset('"“”«»„')
_SCOPE_WORDS = 12  # words after a negation, to the clause's end, that it governs
# Words that call the whole statement false ("… is baseless", "a fictional narrative").
_EVALUATIVE = re.compile(
    r"baseless|unfounded|false|fictional|fake|untrue|hoax|fabricated|groundless|lie|lies|"
    r"myth|nonsense|staged|ludicrous|absurd|ridiculous|misunderstood|misread|misinterpreted|"
    r"mistaken|lying|lied|provocations?|фейк\w*|неправд\w*|ложь|вигадк\w*|вигадан\w*|постановк\w*|"
    r"провокац\w*|grundlos|falsch\w*|erfunden\w*|faux|fausse|inventé\w*|falso|falsa",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)?|[,;:.!?()\[\]\"“”«»—–]")


def negated(text: str, cue: str, lang: str | None) -> tuple[set[str], str, bool]:
    """The stems a negation governs (the rest of its clause; the whole statement after a
    verb of denial or a word that calls it false), the negating words, and whether the
    whole statement is negated."""
    stem = _stem(lang)
    if _cues.DENIAL.match(cue.strip()):
        return {stem(w.lower()) for w in _WORD.findall(text)}, cue, True
    tokens = _TOKEN.findall(text)
    scope: set[str] = set()
    words: list[str] = []
    whole = False
    for k, token in enumerate(tokens):
        if _EVALUATIVE.fullmatch(token):
            if any(_cues.NEGATIONS.fullmatch(t) for t in tokens[max(0, k - 2) : k]):
                continue  # "not a fake": affirmed
            words.append(token)
            whole = True
            scope |= {stem(t.lower()) for t in tokens if t[0].isalpha()}
        elif _cues.NEGATIONS.fullmatch(token):
            if any(_EVALUATIVE.fullmatch(t) for t in tokens[k + 1 : k + 3]):
                continue
            words.append(token)
            scope |= _governed(tokens[k + 1 : k + 1 + _SCOPE_WORDS], stem)
    return scope, " ".join(words), whole


def _governed(tokens: list[str], stem) -> set[str]:
    """Stems up to the clause's end; quote marks inside it do not end it."""
    found = set()
    for token in tokens:
        if token in _QUOTE_MARKS:
            continue
        if not token[0].isalpha():
            break
        found.add(stem(token.lower()))
    return found


def verdicts(text: str) -> dict[str, bool]:
    """Words that call something false, each with whether it is itself negated ("is
    fake" against "not a fake")."""
    tokens = _TOKEN.findall(text)
    return {
        token.lower(): any(_cues.NEGATIONS.fullmatch(t) for t in tokens[max(0, k - 2) : k])
        for k, token in enumerate(tokens)
        if _EVALUATIVE.fullmatch(token)
    }


def _numbers(text: str, lang: str | None) -> dict[str, str]:
    stem = _stem(lang)
    return {stem(noun.lower()): value.rstrip(".,") for value, noun in _NUMBER_NOUN.findall(text)}


class ConflictFinder:
    """Conflicts among ``statements``; words are weighted by their rarity among them."""

    def __init__(self, statements: list[Said], window_days: float = 3.0,
                 speaker_words: list[frozenset[str]] | None = None) -> None:  # fmt: skip
        self.statements = statements
        self.window = window_days * 86400
        self.terms = [
            terms(s.text, s.lang, (speaker_words or [frozenset()] * len(statements))[i])
            for i, s in enumerate(statements)
        ]
        frequency = Counter(t for found in self.terms for t in found)
        total = max(len(statements), 2)
        self.idf = {t: math.log(1 + total / n) for t, n in frequency.items()}

    def candidates(self) -> Iterable[tuple[int, int]]:
        """Pairs sharing a content word, from the same source or close in time."""
        postings: dict[str, list[int]] = defaultdict(list)
        for i, found in enumerate(self.terms):
            for term in found:
                postings[term].append(i)
        seen: set[tuple[int, int]] = set()
        for members in sorted(postings.values(), key=len):
            if len(members) > MAX_POSTING:
                continue
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    if (i, j) not in seen and self._same_event(i, j):
                        seen.add((i, j))
            if len(seen) >= MAX_PAIRS:
                log.warning("conflicts: stopped at %s candidate pairs", f"{MAX_PAIRS:,}")
                break
        return sorted(seen)

    def _weight(self, i: int) -> float:
        return sum(self.idf.get(t, 0.0) for t in self.terms[i])

    def _same_event(self, i: int, j: int) -> bool:
        a, b = self.statements[i], self.statements[j]
        if a.source == b.source:
            return True
        if a.date is None or b.date is None:
            return False
        return abs((a.date - b.date).total_seconds()) <= self.window

    def conflict(self, i: int, j: int) -> Conflict | None:
        a, b = self.statements[i], self.statements[j]
        if not a.speaker_key or not b.speaker_key:
            return None  # an unresolved "he": whose account it is cannot be told
        same_speaker = a.speaker_key == b.speaker_key
        if same_speaker and a.source == b.source:
            return None  # one speaker's statements in one article: one account
        verdict = self._verdict(i, j)
        if verdict is not None:
            return Conflict(i, j, "self" if same_speaker else verdict[0], verdict[1],
                            verdict[1], VERDICT_SCORE, "moderate")  # fmt: skip
        shared = set(self.terms[i]) & set(self.terms[j])
        weight = sum(self.idf.get(t, 0.0) for t in shared)
        if weight < SHARED_WEIGHT:
            return None
        coverage = weight / max(min(self._weight(i), self._weight(j)), 1e-9)
        if coverage < MIN_COVERAGE:
            return None
        score = round(coverage * (1 - math.exp(-weight / (2 * SHARED_WEIGHT))), 3)
        shown = ", ".join(sorted(self.terms[i][t] for t in shared))
        found = self._denial(i, j, shared) or self._numbers(i, j)
        if found is None:
            return None
        kind, words = found
        if same_speaker:
            kind = "self"
        level = "high" if score >= 0.6 else "moderate" if score >= 0.4 else "low"
        return Conflict(i, j, kind, words, shown, score, level)

    def _denial(self, i: int, j: int, shared: set[str]) -> tuple[str, str] | None:
        """Exactly one side negates a shared content word (not only a shared name,
        unless it calls the whole statement false)."""
        a, b = self.statements[i], self.statements[j]
        scope_a, words_a, whole_a = negated(a.text, a.cue, a.lang)
        scope_b, words_b, whole_b = negated(b.text, b.cue, b.lang)
        hit_a = {
            t for t in shared & scope_a if whole_a or self._content(i, t) or self._content(j, t)
        }
        hit_b = {
            t for t in shared & scope_b if whole_b or self._content(i, t) or self._content(j, t)
        }
        if bool(hit_a) == bool(hit_b):
            return None
        return "denial", words_a if hit_a else words_b

    def _verdict(self, i: int, j: int) -> tuple[str, str] | None:
        """One calls it fake, the other says it is not a fake."""
        first, second = verdicts(self.statements[i].text), verdicts(self.statements[j].text)
        for word in sorted(set(first) & set(second)):
            if first[word] != second[word]:
                return "denial", word
        return None

    def _content(self, i: int, stem: str) -> bool:
        """A word written in lower case where it stands (not a name): what is said, not
        only whom it is about."""
        return not self.terms[i][stem][:1].isupper()

    def _numbers(self, i: int, j: int) -> tuple[str, str] | None:
        a, b = self.statements[i], self.statements[j]
        first, second = _numbers(a.text, a.lang), _numbers(b.text, b.lang)
        for noun in sorted(set(first) & set(second)):
            if first[noun] != second[noun]:
                return "numbers", f"{first[noun]} / {second[noun]}"
        return None

    def all(self) -> list[Conflict]:
        found = (self.conflict(i, j) for i, j in self.candidates())
        return [c for c in found if c is not None]
