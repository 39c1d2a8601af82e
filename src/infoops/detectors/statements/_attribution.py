"""Who said what, sentence by sentence: quotes and reported speech tied to their speaker.

Rules over the surface of news prose, in the shapes reporters write:

- a quote with its speaker and reporting verb after it (``"…," Gidley said``,
  ``„…", sagte Scholz``) or before it (``Lavrov claimed, "…"``);
- a quote that fills its sentence after an attributed one: the same speaker goes on;
- reported speech: ``X said (that) …``, ``…, X said``, ``according to X, …``, and a
  participle after the subject (``X made the announcement, saying that …``).

A statement needs a speaker and a reporting cue; the writer's own narration is not
one. The speaker is the words of the sentence that name them (a pronoun is resolved
later, in the document: ``_speakers``). Offsets are characters in the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import _cues

_TOKEN = re.compile(r"\w+(?:[’'\-]\w+)*(?:\.\w+)+\.?|\w+(?:[’'\-]\w+)*|[^\w\s]")
# Opening and closing quote marks, paired: English, German, French/Russian, and straight.
_QUOTE_PAIRS = {"“": "”", "„": "“”", "«": "»", "»": "«", '"': '"'}
_FILLERS = frozenset(
    [
        "also",
        "later",
        "previously",
        "himself",
        "herself",
        "itself",
        "themselves",
        "then",
        "again",
        "repeatedly",
        "once",
        "reportedly",
        "has",
        "have",
        "had",
        "was",
        "is",
        "were",
        "are",
        "would",
        "will",
        "has",
        "been",
        "later",
        "on",
        "further",
        "recently",
        "publicly",
        "privately",
        "separately",
        "earlier",
        "first",
        "since",
        "already",
        "just",
        "specifically",
        "repeatedly",
        "quickly",
        "frequently",
        "again",
        "вкотре",
        "також",
        "знову",
        "раніше",
        "вже",
        "ще",
        "теж",
        "тоже",
        "снова",
        "уже",
        "ранее",
        "неодноразово",
        "auch",
        "bereits",
        "erneut",
        "zudem",
        "jedoch",
        "noch",
    ]
)


# Adverbs between a speaker and their verb ("Lavrov himself claimed"), longest first.
_FILLER_RUN = re.compile(
    r"(?:\s+(?:" + "|".join(sorted(_FILLERS, key=len, reverse=True)) + r"))*\s+"
)
_TOLD = frozenset(("told", "tells", "tell"))  # their listener stands between verb and words


def _filler(word: str) -> bool:
    lower = word.lower()
    return lower in _FILLERS or (word.islower() and lower.endswith("ly") and len(lower) > 4)


_TRAILER_WORDS = 10  # words after a trailing "…, X said" that still close the sentence
_MIN_WORDS = 3  # a statement shorter than this is a phrase, not a claim
_LOOK_BACK = 300  # characters before a reporting verb that may hold its speaker
MAX_SENTENCE_CHARS = 2_000  # longer "sentences" are lists, tables or noise, not reported speech


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class Found:
    """One statement in one sentence; ``speaker`` is None when the sentence goes on
    quoting the previous statement's speaker."""

    speaker: Span | None
    cue: str
    statement: Span
    kind: str  # quote or paraphrase


def _tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    end = len(text) if end is None else end
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


_CLOSERS = '”"»“'


def quotes(sentence: str, open_at_start: bool = False) -> list[Span]:
    """The quoted passages of a sentence (inside the marks); a quote left open runs to
    the end of the sentence, and one already open when it starts (``open_at_start``)
    runs from its start to the first closing mark."""
    found: list[Span] = []
    i = 0
    if open_at_start:
        j = next((k for k, c in enumerate(sentence) if c in _CLOSERS), -1)
        found.append(Span(0, j if j >= 0 else len(sentence.rstrip())))
        i = j + 1 if j >= 0 else len(sentence)
    while i < len(sentence):
        mark = sentence[i]
        closers = _QUOTE_PAIRS.get(mark)
        if closers is None or (mark == "»" and "«" not in sentence[i:]):
            i += 1
            continue
        j = next((k for k in range(i + 1, len(sentence)) if sentence[k] in closers), -1)
        if j < 0:
            found.append(Span(i + 1, len(sentence.rstrip())))
            break
        found.append(Span(i + 1, j))
        i = j + 1
    trimmed = (_trim_quote(sentence, q) for q in found)
    return [q for q in trimmed if q.end > q.start]


def open_after(sentence: str, open_at_start: bool = False) -> bool:
    """Whether a quote is still open at the end of ``sentence``: the next one goes on
    quoting (a quote of several sentences, marked only where it opens and closes)."""
    state = open_at_start
    i = 0
    while i < len(sentence):
        mark = sentence[i]
        if state and mark in _CLOSERS:
            state = False
        elif not state and mark in _QUOTE_PAIRS and not (mark == "»" and "«" not in sentence[i:]):
            state = True
        i += 1
    return state


def _trim_quote(sentence: str, quote: Span) -> Span:
    start, end = quote.start, quote.end
    while start < end and sentence[start].isspace():
        start += 1
    while end > start and sentence[end - 1] in " ,;:—–-":
        end -= 1
    return Span(start, end)


def _is_name_word(word: str) -> bool:
    if re.match(r"\d+-[^\W\d_]", word):  # "der 27-Jährige"
        return True
    return word[:1].isupper() and word.lower().strip(".") not in _cues.NOT_NAMES


def _is_np_word(word: str) -> bool:
    bare = re.sub(r"[’']s$", "", word)
    return _is_name_word(bare) or bool(_cues.ROLES.match(bare)) or bare.lower() in _cues.NAME_LINKS


def noun_phrase_before(sentence: str, end: int) -> Span | None:
    """The speaker that ends just before ``end`` (a reporting verb), skipping adverbs
    ("Lavrov himself claimed") and an apposition ("Hill, a Russia expert, declared")."""
    tokens = _tokens(sentence, max(0, end - _LOOK_BACK), end)
    i = len(tokens) - 1
    while i >= 0 and _filler(tokens[i][0]):
        i -= 1
    if i >= 0 and tokens[i][0] == ",":
        return _before_apposition(sentence, tokens, i)
    if i >= 1 and tokens[i][0].lower() in ("who", "which") and tokens[i - 1][0] == ",":
        return _np_ending_at(tokens, i - 2)  # "The Arizona House Democrats, who replied:"
    if i >= 0 and tokens[i][0].lower() in _cues.PRONOUNS:
        return Span(tokens[i][1], tokens[i][2])
    return _np_ending_at(tokens, i)


def _np_ending_at(tokens: list[tuple[str, int, int]], i: int) -> Span | None:
    last = i
    while i >= 0 and _is_np_word(tokens[i][0]):
        i -= 1
    first = i + 1
    while first <= last and tokens[first][0].lower() in _cues.NAME_LINKS:
        first += 1
    if first > last or not any(
        _is_name_word(re.sub(r"[’']s$", "", t[0])) or _cues.ROLES.match(t[0])
        for t in tokens[first : last + 1]
    ):
        return None  # fmt: skip
    if i >= 0 and tokens[i][0].lower() in _cues.DETERMINERS:
        first = i
    if first > 0 and tokens[first - 1][0].lower() in ("of", "for") and i >= 1:
        return None  # the tail of a longer phrase ("a member of the party said"): unsure
    return Span(tokens[first][1], tokens[last][2])


_APPOSITION_START = re.compile(
    r"^(?:a|an|the|who|which|whose|whom|one|der|die|das|ein|eine|un|une|le|la|"
    r"\d+|former|then|now)$",
    re.IGNORECASE,
)


def _before_apposition(sentence: str, tokens: list, comma: int) -> Span | None:
    """ "Fiona Hill, a Russia expert who served on the council, declared": the name
    before the apposition's opening comma."""
    opening = next((k for k in range(comma - 1, -1, -1) if tokens[k][0] == ","), -1)
    if opening < 1 or not _APPOSITION_START.match(tokens[opening + 1][0]):
        return None
    return _np_ending_at(tokens, opening - 1)


def noun_phrase_after(sentence: str, start: int) -> Span | None:
    """The speaker that begins at ``start`` ("said Lavrov, the foreign minister")."""
    tokens = _tokens(sentence, start)
    while tokens and tokens[0][0] in '—–-"“„«»':
        tokens = tokens[1:]
    if not tokens:
        return None
    if tokens[0][0] == "@" and len(tokens) > 1 and tokens[1][1] == tokens[0][2]:
        return Span(tokens[0][1], tokens[1][2])  # a handle: "повідомляє @belzhd_live"
    if tokens[0][0].lower() in _cues.PRONOUNS:
        return Span(tokens[0][1], tokens[0][2])
    first = 1 if tokens[0][0].lower() in _cues.DETERMINERS else 0
    k = first
    while k < len(tokens) and _is_np_word(tokens[k][0]):
        k += 1
    while k > first and tokens[k - 1][0].lower() in _cues.NAME_LINKS:
        k -= 1
    words = tokens[first:k]
    if not words or not any(_is_name_word(t[0]) or _cues.ROLES.match(t[0]) for t in words):
        return None
    return Span(tokens[0][1], tokens[k - 1][2])


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


_EDGE = ' \t,:;—–-"“”„«»'


def _trim(sentence: str, start: int, end: int) -> Span | None:
    """The span without surrounding blanks, commas, quote marks and the closing mark."""
    while start < end and sentence[start] in _EDGE:
        start += 1
    while end > start and sentence[end - 1] in _EDGE + ".!?":
        end -= 1
    if end > start and _words(sentence[start:end]) >= _MIN_WORDS:
        return Span(start, end)
    return None


def sentence_statements(
    sentence: str, lang: str | None = None, open_at_start: bool = False
) -> list[Found]:
    """Every attributed statement in ``sentence``, quotes first, then reported speech;
    ``open_at_start`` when an earlier sentence opened a quote that is still open."""
    if len(sentence) > MAX_SENTENCE_CHARS:
        return []
    verbs = _cues.VERBS.get(lang or "", _cues.ALL_VERBS)
    found: list[Found] = []
    used: list[Span] = []  # cues already tied to a statement
    for quote in quotes(sentence, open_at_start):
        hit = _attributed_quote(sentence, quote, verbs)
        if hit is not None:
            found.append(hit[0])
            used.append(hit[1])
    for found_here, cue in _reported(sentence, verbs, used):
        if not any(_overlap(found_here.statement, f.statement) for f in found):
            found.append(found_here)
            used.append(cue)
    if not found and not open_at_start and _closes_unopened(sentence):
        return sentence_statements(sentence, lang, open_at_start=True)
    if not found:
        lone = _continued_quote(sentence, open_at_start) or _headline(sentence)
        if lone is not None:
            found.append(lone)
    return sorted(found, key=lambda f: f.statement.start)


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _attributed_quote(sentence: str, quote: Span, verbs: re.Pattern) -> tuple[Found, Span] | None:
    if _words(quote.of(sentence)) < _MIN_WORDS:
        return None
    tail = re.match(r"[\s,.!?:;—–\-\"”»“«]*", sentence[quote.end :])
    at = quote.end + (tail.end() if tail else 0)
    verb = verbs.match(sentence, at)
    if verb is not None and (speaker := noun_phrase_after(sentence, verb.end())):
        return Found(speaker, verb.group(), quote, "quote"), Span(verb.start(), verb.end())
    speaker = noun_phrase_after(sentence, at)
    if speaker is not None:
        rest = sentence[speaker.end : speaker.end + 40]
        skipped = _FILLER_RUN.match(rest)
        verb = verbs.match(sentence, speaker.end + (skipped.end() if skipped else 0))
        if verb is not None:
            return Found(speaker, verb.group(), quote, "quote"), Span(verb.start(), verb.end())
    lead = sentence[: quote.start].rstrip(' "“„«»')
    verb = _last_verb_before(lead, verbs)
    told = verb is not None and verb.group().lower() in _TOLD
    listener = r"(?:\s+(?:the\s+)?[\w.’'-]+){0,3}" if told else ""
    if verb is not None and re.fullmatch(listener + r"[\s,:]*", lead[verb.end() :]):
        speaker = noun_phrase_before(sentence, verb.start())
        if speaker is not None:
            return Found(speaker, verb.group(), quote, "quote"), Span(verb.start(), verb.end())
    return None


def _last_verb_before(text: str, verbs: re.Pattern) -> re.Match | None:
    last = None
    for match in verbs.finditer(text):
        last = match
    return last


def _closes_unopened(sentence: str) -> bool:
    """A closing mark with no opening one: the quote began in an earlier sentence."""
    first = next((c for c in sentence if c in _QUOTE_PAIRS or c in _CLOSERS), "")
    straight_odd = sentence.count('"') % 2 == 1 and first == '"'
    return (straight_odd or first == "”") and _words(sentence[: sentence.find(first)]) >= _MIN_WORDS


def _continued_quote(sentence: str, open_at_start: bool = False) -> Found | None:
    """A sentence that is one quote, with no speaker of its own, goes on quoting."""
    spans = quotes(sentence, open_at_start)
    if len(spans) != 1:
        return None
    quote = spans[0]
    outside = sentence[: max(quote.start - 1, 0)] + sentence[quote.end + 1 :]
    if _words(outside) > 1 or _words(quote.of(sentence)) < _MIN_WORDS:
        return None
    return Found(None, "", quote, "quote")


_HEADLINE = re.compile(r"^([^:]{3,60}):\s+(\S.*)$")


def _headline(sentence: str) -> Found | None:
    """ "Bundesbauministerin Klara Geywitz: Durch Enteignung entsteht keine neue Wohnung":
    a name of two or more capitalised words, a colon, their words."""
    match = _HEADLINE.match(sentence)
    if match is None:
        return None
    words = [t[0] for t in _tokens(match.group(1))]
    if len(words) > 6 or sum(_is_name_word(w) for w in words) < 2 or \
            not all(_is_np_word(w) for w in words):  # fmt: skip
        return None
    statement = _trim(sentence, match.start(2), len(sentence))
    if statement is None:
        return None
    return Found(Span(match.start(1), match.end(1)), ":", statement, "paraphrase")


def _reported(sentence: str, verbs: re.Pattern, used: list[Span]):
    """Reported speech: yields (Found, cue span) for each verb or "according to"."""
    for match in _cues.ACCORDING.finditer(sentence):
        hit = _according(sentence, match)
        if hit is not None:
            yield hit, Span(match.start(), match.end())
    quoted = quotes(sentence)
    for match in verbs.finditer(sentence):
        cue = Span(match.start(), match.end())
        if any(_overlap(cue, u) for u in used + quoted):
            continue
        hit = _verb_statement(sentence, match)
        if hit is not None:
            yield hit, cue
            further = _and_that(sentence, hit)
            if further is not None:
                yield further, cue
    for match in _cues.PARTICIPLES.finditer(sentence):
        hit = _participle(sentence, match)
        if hit is not None:
            yield hit, Span(match.start(), match.end())


def _according(sentence: str, match: re.Match) -> Found | None:
    speaker = noun_phrase_after(sentence, match.end())
    if speaker is None:
        return None
    before = sentence[: match.start()]
    if _words(before) >= _MIN_WORDS:  # "…, according to X."
        statement = _trim(sentence, 0, match.start())
    else:  # "According to X, …", "Laut X wurden …"
        statement = _trim(sentence, speaker.end, len(sentence))
    if statement is None:
        return None
    return Found(speaker, match.group(), statement, "paraphrase")


def _and_that(sentence: str, said: Found) -> Found | None:
    """ "…tweeted that he'd "had a very good meeting" and that they had "discussed …"":
    the second that-clause is a second statement of the same speaker."""
    following = re.match(r",?\s+and\s+that\b", sentence[said.statement.end :])
    if following is None:
        tail = re.match(r"[\s\"”»“]*,?\s+and\s+that\b", sentence[said.statement.end :])
        following = tail
    if following is None:
        return None
    statement = _clip(sentence, said.statement.end + following.end())
    if statement is None:
        return None
    return Found(said.speaker, said.cue, statement, _kind(sentence, statement))


def _verb_statement(sentence: str, match: re.Match) -> Found | None:
    word = match.group().lower()
    speaker = noun_phrase_before(sentence, match.start()) or _short_subject(sentence, match)
    if speaker is not None:
        if (
            word in _cues.NOUN_LIKE
            and sentence[speaker.start : speaker.end].lower() in _cues.DETERMINERS
        ):
            return None
        statement = _complement(sentence, match, weak=word in _cues.WEAK_VERBS)
        if statement is not None:
            return Found(speaker, match.group(), statement, _kind(sentence, statement))
    return _trailing(sentence, match)


# Where the speaker's own next action begins: "…, and presented Doug Collins",
# "… and called for a new election", "… and that they had …" (a second statement).
_NEXT_CLAUSE = re.compile(r",?\s+and\s+(?:that\b|(?!that\b)[a-z]{3,}ed\b)")


def _clip(sentence: str, start: int) -> Span | None:
    """The reported words from ``start``, up to where the speaker's next clause begins."""
    end = len(sentence)
    quoted = quotes(sentence)
    for following in _NEXT_CLAUSE.finditer(sentence, start):
        if not any(q.start <= following.start() < q.end for q in quoted):
            end = following.start()
            break
    return _trim(sentence, start, end)


def _short_subject(sentence: str, verb: re.Match) -> Span | None:
    """ "One article of impeachment notes that …": a short subject of common nouns, taken
    only when "that" follows the verb."""
    if not re.match(r"\s+that\b", sentence[verb.end() :]):
        return None
    lead = sentence[: verb.start()]
    boundary = max(lead.rfind(","), lead.rfind(";"), lead.rfind(":"))
    words = _tokens(sentence, boundary + 1, verb.start())
    if not 2 <= len(words) <= 8 or any(not w[0][0].isalnum() for w in words):
        return None
    if (
        not (
            words[0][0].lower() in _cues.DETERMINERS
            or words[0][0][:1].isupper()
            or words[0][0].isdigit()
        )
        or words[-1][0].lower() in _FILLERS
    ):
        return None  # fmt: skip
    return Span(words[0][1], words[-1][2])


def _complement(sentence: str, verb: re.Match, weak: bool) -> Span | None:
    """What the speaker said: after "that" when it comes within a few words (past "on
    Tuesday, in a press conference,"), else right after the verb, to the sentence end."""
    rest = sentence[verb.end() :]
    if verb.group().lower() in _TOLD:
        listener = re.match(r"\s+(?:the\s+)?[\w.’'-]+(?:\s+[A-Z][\w.’'-]*){0,3}", rest)
        rest_at = verb.end() + (listener.end() if listener else 0)
    else:
        rest_at = verb.end()
    that = re.search(r"\b(?:that|dass|que|что|що)\b|:", sentence[rest_at : rest_at + 160])
    if that is not None and '"' not in sentence[rest_at : rest_at + that.start()]:
        return _clip(sentence, rest_at + that.end())
    if weak:
        return None
    rest_at = _past_adverbials(sentence, rest_at)
    direct = re.match(r"\s*[,:]?\s*", sentence[rest_at:])
    start = rest_at + (direct.end() if direct else 0)
    head = re.match(r"(?:to|against|about)\b", sentence[start:])
    if head and verb.group().lower().rstrip("sed") in _INFINITIVE_VERBS:
        return _clip(sentence, start + (head.end() if head.group() != "to" else 0))
    if start < len(sentence) and (sentence[start].islower() or sentence[start] in "([") and \
            not re.match(r"(?:he|she|they|it|we|i|there|the|a|an|his|her|their|its)\b", sentence[start:]):  # fmt: skip
        return None  # "said on Tuesday", "told reporters in …": no clause follows
    return _clip(sentence, start)


_ADVERBIAL = re.compile(
    r"\s*,?\s*(?:on|in|at|during|last|this|earlier|later|after|before|while|when|to|via|"
    r"through|from|yesterday|today|with|am|im|beim|nach|vor|le|lors|в|во|на|у|під)\b",
    re.IGNORECASE,
)


def _past_adverbials(sentence: str, at: int) -> int:
    """Skip "on Tuesday afternoon, in a press conference with Pompeo," after a verb."""
    while _ADVERBIAL.match(sentence, at):
        comma = sentence.find(",", at + 1, at + 140)
        if comma < 0 or quotes(sentence[at:comma]):
            break
        at = comma + 1
    return at


# "He claimed to have used the wrong words", "she warned against communists".
_INFINITIVE_VERBS = frozenset(["claim", "promi", "vow", "pledg", "threaten", "deni", "warn"])


def _trailing(sentence: str, verb: re.Match) -> Found | None:
    """ "The talks were productive, officials said on Tuesday." and "…, said Lavrov."."""
    comma = sentence.rfind(",", 0, verb.start())
    if comma < 0:
        return None
    if _words(sentence[comma + 1 : verb.start()]) == 0:
        speaker = noun_phrase_after(sentence, verb.end())
        tail = speaker.end if speaker else len(sentence)
    else:
        speaker = noun_phrase_before(sentence, verb.start())
        if speaker is not None and _words(sentence[comma + 1 : speaker.start]) > 3:
            speaker = None
        tail = verb.end()
    if speaker is None or _words(sentence[tail:]) > _TRAILER_WORDS:
        return None
    statement = _trim(sentence, 0, comma)
    if statement is None:
        return None
    return Found(speaker, verb.group(), statement, _kind(sentence, statement))


def _participle(sentence: str, match: re.Match) -> Found | None:
    """ "Gidley made the announcement on Fox, saying that …": the subject speaks."""
    if sentence[: match.start()].rstrip()[-1:] != ",":
        return None
    subject = _subject(sentence)
    if subject is None or subject.end > match.start():
        return None
    statement = _complement(sentence, match, weak=False)
    if statement is None:
        return None
    return Found(subject, match.group(), statement, _kind(sentence, statement))


def _subject(sentence: str) -> Span | None:
    """The first noun phrase of the sentence's main clause (after a leading "On Tuesday,")."""
    tokens = _tokens(sentence)
    start = 0
    if tokens and (tokens[0][0].lower() in _cues.NOT_NAMES or tokens[0][0].islower()):
        start = next((k + 1 for k, t in enumerate(tokens[:12]) if t[0] == ","), 0)
    if tokens[start:] and tokens[start][0].lower() in _cues.PRONOUNS:
        return Span(tokens[start][1], tokens[start][2])
    k = start
    if k < len(tokens) and tokens[k][0].lower() in _cues.DETERMINERS:
        k += 1
    while k < len(tokens) and _is_np_word(tokens[k][0]):
        k += 1
    if k == start:
        return None
    return _np_ending_at(tokens, k - 1)


def _kind(sentence: str, statement: Span) -> str:
    text = statement.of(sentence)
    inside = sum(q.end - q.start for q in quotes(text))
    return "quote" if inside >= 0.8 * len(text) else "paraphrase"


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)\]]*\s+(?=[„\"“«'‘(\[]?(?:\.\.\.|…)?[\w])|\n+")
_MAX_QUOTED_SENTENCE = 600  # characters a quote may hold a sentence open across full stops
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Prof|Jr|Sr|Inc|Co|Corp|No|vs|Nr|"
    r"bzw|ca|Abs|Art|Hr|Fr|z\.B|u\.a|d\.h|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
    r"|\b[A-Z]|\b(?:[A-Za-z]\.){1,3}[A-Za-z])\.$"
)


def sentence_spans(text: str) -> list[Span]:
    """Sentences of ``text`` with their offsets: a paragraph break always ends one; a full
    stop does unless it closes an abbreviation or an initial ("Mr.", "U.S.", "J. Smith")."""
    spans: list[Span] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.group().strip() == "" and "\n" not in boundary.group():
            if _ABBREVIATION.search(text[max(start, boundary.start() - 12) : boundary.start()]) \
                    and not re.search(r"[”\"'»]$", text[start : boundary.start()]):  # fmt: skip
                continue
            if _inside_quote(text, start, boundary.start()):
                continue
        spans.append(Span(start, boundary.start()))
        start = boundary.end()
    spans.append(Span(start, len(text)))
    return [s for s in (_strip(text, s) for s in spans) if s is not None]


def _inside_quote(text: str, start: int, at: int) -> bool:
    """Whether a quote opened before ``at`` closes later in the same paragraph: its full
    stops are the speaker's, and the sentence runs on to the attribution."""
    part = text[start:at]
    open_ = part.count('"') % 2 == 1 or part.count("“") > part.count("”") or \
        part.count("«") > part.count("»")  # fmt: skip
    if not open_ or at - start > _MAX_QUOTED_SENTENCE:
        return False
    paragraph_end = text.find("\n", at)
    rest = text[at : paragraph_end if paragraph_end >= 0 else len(text)]
    return any(mark in rest for mark in ('"', "”", "»"))


def _strip(text: str, span: Span) -> Span | None:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None
