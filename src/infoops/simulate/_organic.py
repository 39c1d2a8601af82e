"""Organic (uncoordinated) activity, and the post "skeleton" every simulated post lives in.

Posts are generated as columns of small integers (account, time, type, target,
word slots, hashtag / URL / mention slots) and only turned into strings at the
end, chunk by chunk (``render``). Every step is a vectorised numpy draw; Python
loops run per event or per language, never per post.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DAY = 86_400
POST, RESHARE, REPLY, QUOTE = 0, 1, 2, 3
POST_TYPES = ("post", "reshare", "reply", "quote")

# -- vocabulary -------------------------------------------------------------------------------

LANGS = ("en", "es", "fr", "de")
LANG_P = np.array([0.84, 0.08, 0.05, 0.03])


def _words(text: str) -> list[str]:
    return text.split("|")


# Words per slot and language, "|"-separated.
_WORDS_TEXT: dict[str, dict[str, str]] = {
    "open": {
        "en": (
            "Honestly|Wow|Breaking:|Just saw this:|Unbelievable.|So|Reminder:|PSA:|Ok so|Well|"
            "Look,|Again,|Today|Finally|Listen,|Update:|Not gonna lie,|Fun fact:|Heads up:|"
            "Yet again|Quick thought:|Hot take:|Real talk:|Morning!|Ugh,|Thread:|Big news:|"
            "Interesting:|Wait,|Meanwhile"
        ),
        "es": "Hoy|Ojo:|Increíble.|Atención:|Bueno,|Última hora:|Otra vez",
        "fr": "Franchement|Incroyable.|Attention:|Bon,|Enfin|Encore|Alors",
        "de": "Ehrlich gesagt|Unglaublich.|Achtung:|Also|Endlich|Schon wieder",
    },
    "subj": {
        "en": (
            "the mayor|the city council|the new policy|this election|the governor|everyone I know|"
            "the media|my neighbour|the candidate|local schools|the debate|turnout|the weather|"
            "inflation|gas prices|the team|the senator|our town|the campaign|the polls|"
            "the economy|rent|the new stadium|the president|congress|the committee|my family|"
            "the coach|the bus service|this country|the school board|the police|the court|"
            "the hospital|the union|the press|my boss|young voters|the market|the budget office|"
            "the report|that interview|the protest|the hearing|the ballot measure|"
            "the bridge project|the library|our state|the opposition|the government"
        ),
        "es": (
            "el alcalde|el gobierno|la campaña|el candidato|la prensa|mi vecino|el congreso|"
            "la economía|el debate|los jóvenes|el presidente|la ciudad"
        ),
        "fr": (
            "le maire|le gouvernement|la campagne|le candidat|les médias|mon voisin|le parlement|"
            "l'économie|le débat|les jeunes|le président"
        ),
        "de": (
            "der Bürgermeister|die Regierung|die Kampagne|der Kandidat|die Medien|mein Nachbar|"
            "der Bundestag|die Wirtschaft|die Debatte|die Jugend"
        ),
    },
    "verb": {
        "en": (
            "is|was|looks like|keeps|seems|just made|really needs|won't stop|is talking about|"
            "changed|ignored|supports|blamed|reported|deserves|missed|nailed|ruined|saved|"
            "explained|questioned|celebrated|doubled|cut|promised|delayed|approved|rejected|"
            "defended|forgot|shared|announced|backed|criticised|hid"
        ),
        "es": "es|parece|ignoró|apoya|anunció|critica|necesita|cambió|prometió|rechazó",
        "fr": "est|semble|a ignoré|soutient|a annoncé|critique|a besoin de|a changé|a promis|refuse",
        "de": (
            "ist|wirkt|ignoriert|unterstützt|kündigt an|kritisiert|braucht|ändert|verspricht|"
            "lehnt ab"
        ),
    },
    "obj": {
        "en": (
            "a big deal|the real story|everything|nothing new|the numbers|our community|the vote|"
            "the bill|the rally|the results|jobs|the border|healthcare|climate|taxes|the deadline|"
            "the truth|our kids|the plan|small businesses|the facts|the game|public safety|"
            "housing|the schedule|the details|the budget|free speech|the highway|the water supply|"
            "the turnout|the evidence|the rules|the ads|the vaccine rollout|the pension fund|"
            "the farmers|the statement|the timeline|the recount"
        ),
        "es": (
            "la verdad|las elecciones|los impuestos|el voto|la salud|el empleo|todo|nada nuevo|"
            "los resultados|la frontera|el presupuesto"
        ),
        "fr": (
            "la vérité|les élections|les impôts|le vote|la santé|l'emploi|tout|rien de nouveau|"
            "les résultats|le budget"
        ),
        "de": (
            "die Wahrheit|die Wahl|die Steuern|die Stimme|die Gesundheit|alles|nichts Neues|"
            "die Ergebnisse|den Haushalt"
        ),
    },
    "tail": {
        "en": (
            "again|today|this week|right now|for real|tonight|in my town|before the vote|"
            "after all|as usual|at last|this morning|on live tv|without asking anyone|"
            "for the third time|yesterday|all weekend|once more|behind closed doors|out of nowhere"
        ),
        "es": "otra vez|hoy|esta semana|ahora mismo|como siempre|en mi barrio",
        "fr": "encore|aujourd'hui|cette semaine|maintenant|comme d'habitude",
        "de": "schon wieder|heute|diese Woche|jetzt|wie immer|in meiner Stadt",
    },
    "close": {
        "en": (
            "What do you think?|Thoughts?|Read this.|Share if you agree.|Unreal.|Not surprised.|"
            "Wake up.|Big if true.|Let that sink in.|We'll see.|Sad.|Love it.|Go figure.|lol|smh|"
            "imo|Stay tuned.|Who knew.|Same as always.|Do better."
        ),
        "es": "¿Qué opinan?|Compartan.|Increíble.|Ya veremos.|Qué vergüenza.|jaja",
        "fr": "Vous en pensez quoi ?|À partager.|On verra.|Quelle honte.|mdr",
        "de": "Was meint ihr?|Teilen!|Unfassbar.|Mal sehen.|Peinlich.|haha",
    },
}
_WORDS = {k: {lang: v.split("|") for lang, v in by.items()} for k, by in _WORDS_TEXT.items()}
_WORDS["punct"] = {lang: [".", "!", ".", "?", "...", "!!", ""] for lang in LANGS}
_PLACE_HEADS = _words(
    "Spring|Oak|River|Maple|Cedar|Lake|Hill|North|East|West|Pine|Green|Fair|Clear|Stone|Ash|Elm|"
    "Brook|Mill|Red"
)
_PLACE_TAILS = _words("field|ville|ton|wood|port|dale|burg|ford|haven|view|side|creek")
_PREPOSITION = {"en": "in", "es": "en", "fr": "à", "de": "in"}
_WORDS["place"] = {
    lang: [f"{prep} {h}{t}" for h in _PLACE_HEADS for t in _PLACE_TAILS]
    for lang, prep in _PREPOSITION.items()
}

# Slots of a text: "[open] subj verb obj [tail] [place]punct [subj verb obj punct] [close]".
NSLOT = 12
OPEN, SUBJ, VERB, OBJ, TAIL, PLACE, PUNCT, SUBJ2, VERB2, OBJ2, PUNCT2, CLOSE = range(NSLOT)
SLOT_VOCAB = (
    "open",
    "subj",
    "verb",
    "obj",
    "tail",
    "place",
    "punct",
    "subj",
    "verb",
    "obj",
    "punct",
    "close",
)
_SLOT_P = (0.35, 1, 1, 1, 0.55, 0.35, 1, 0.45, 1, 1, 1, 0.35)
_SECOND = (SUBJ2, VERB2, OBJ2, PUNCT2)

SLOGANS = _words(
    "Enough is enough!|Power to the people!|Every vote counts.|Make your voice heard!|"
    "Stand up and be counted.|The people have spoken.|Stay strong!|We are the majority.|"
    "No more excuses.|Time for change!|Facts matter.|Together we win.|Never give up!|Speak up!|"
    "History is watching.|Count every vote.|Not in our name.|Hold them accountable.|Go vote!|"
    "Democracy is not a spectator sport."
)
EMOJI = _words("🔥|👀|😡|🙏|💯|👍|😂|❗|✅|🤔|😱|👏")

_TAG_STEMS = _words(
    "election|vote|news|breaking|politics|debate|economy|climate|healthcare|jobs|democracy|taxes|"
    "border|education|media|truth|freedom|justice|police|protest|rally|polls|ballot|senate|"
    "congress|governor|mayor|citycouncil|budget|inflation|housing|rent|energy|gasprices|weather|"
    "sports|football|soccer|music|movies|tech|ai|crypto|travel|food|health|science|space|family|"
    "community|local|world|usa|europe|latam|ukraine|nato|trade|farmers|workers|unions|students|"
    "teachers|nurses|veterans|seniors|youth|women|immigration|security|cyber|privacy|courts|law|"
    "crime|safety|transport|infrastructure|water|fire|storm|flood|heat"
)
_TAG_SUFFIXES = _words(
    "2024|now|news|matters|first|watch|today|live|talk|facts|week|day|update|alert|nation|usa|"
    "life|reform|crisis|plan|fail|win|hour|vote|tv|pol|chat|daily"
)
_SYLLABLES = _words(
    "ka|lo|mi|ta|ren|vo|sa|li|mar|to|ne|ra|bel|do|fi|gu|ha|jo|ku|ly|mo|nu|pe|qui|ro|si|tu|ve|wa|"
    "zo|cor|dan|el|fen|gar|hol|ist|jun|kel|lum"
)
_DOMAIN_HEADS = _words(
    "daily|global|metro|city|the|free|true|real|open|first|national|local|capital|morning|evening|"
    "world|civic|public|liberty|heartland|coastal|valley|prairie|northern|southern|example"
)
_DOMAIN_TAILS = _words(
    "news|post|times|herald|wire|report|journal|tribune|gazette|ledger|today|watch|insider|voice|"
    "record|observer|sentinel|dispatch|monitor|bulletin"
)
_TLDS = [".com", ".com", ".com", ".net", ".org", ".info", ".news", ".co.uk"]
_SECTIONS = _words("a|politics|world|local|opinion|video|business|story|news")
_NAME_WORDS = _words(
    "alex|sam|jo|kim|lee|max|ray|dana|chris|pat|robin|taylor|jordan|casey|morgan|riley|jamie|drew|"
    "blake|quinn|sky|river|stone|wolf|fox|bear|hawk|star|moon|sun|rain|storm|cedar|maple|oak|pine|"
    "rose|lily|ivy|sage|true|real|just|the|mr|ms|dr|its|daily|news|patriot|citizen|voter|local|"
    "mom|dad|guy|gal|fan|life|world|city|coast|north|south|east|west|blue|red|green|gold|silver|"
    "happy|lucky|quiet|proud"
)

# Local hour of day (0-23) posting weights: quiet nights, busy evenings.
HOUR_W = np.array(
    [2.0, 1.1, 0.6, 0.4, 0.3, 0.4, 1.0, 2.2, 3.6, 4.4, 4.8, 5.0,
     5.4, 5.2, 5.0, 5.0, 5.1, 5.4, 5.9, 6.4, 6.7, 6.3, 5.0, 3.4]
)  # fmt: skip


@dataclass(frozen=True)
class Vocab:
    arrays: dict[str, pa.Array]  # vocabulary key -> all languages' strings
    offsets: dict[str, np.ndarray]  # key -> first index per language
    sizes: dict[str, np.ndarray]  # key -> count per language
    with_empty: dict[str, pa.Array]  # arrays plus a last entry ""


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    arrays, offsets, sizes = {}, {}, {}
    for key, by_lang in _WORDS.items():
        lists = [by_lang[lang] for lang in LANGS]
        size = np.array([len(words) for words in lists], dtype=np.int32)
        arrays[key] = pa.array([w for words in lists for w in words], pa.string())
        offsets[key] = (np.cumsum(size) - size).astype(np.int32)
        sizes[key] = size
    with_empty = {k: pa.concat_arrays([a, pa.array([""])]) for k, a in arrays.items()}
    return Vocab(arrays, offsets, sizes, with_empty)


# -- random helpers ---------------------------------------------------------------------------


def weighted_choice(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with probability proportional to ``weights`` (zero weight: never)."""
    cdf = np.cumsum(weights, dtype=np.float64)
    u = rng.random(size) * cdf[-1]
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)


def zipf_cdf(n: int, exponent: float, shift: float = 0.0) -> np.ndarray:
    """Cumulative probabilities of ranks 1..n under 1 / (rank + shift) ** exponent."""
    cdf = np.cumsum(1.0 / (np.arange(1, n + 1, dtype=np.float64) + shift) ** exponent)
    return cdf / cdf[-1]


def zipf_draw(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    """Ranks 0..len(cdf)-1 from a truncated Zipf law given by its cdf."""
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)


def lognormal_seconds(
    rng: np.random.Generator, median: float, sigma: float, size: int, minimum: int = 1
) -> np.ndarray:
    return np.maximum(np.rint(rng.lognormal(np.log(median), sigma, size)), minimum).astype(np.int64)


def sample_words(rng: np.random.Generator, lang: np.ndarray) -> np.ndarray:
    """Word-slot indices, shape (NSLOT, n), -1 where a slot is empty; common words first."""
    v = vocab()
    n = len(lang)
    out = np.full((NSLOT, n), -1, dtype=np.int16)
    second = rng.random(n, dtype=np.float32) < _SLOT_P[SUBJ2]
    for slot, key in enumerate(SLOT_VOCAB):
        size = v.sizes[key][lang]
        rank = (size * rng.random(n, dtype=np.float32) ** 1.6).astype(np.int32)
        index = v.offsets[key][lang] + np.minimum(rank, size - 1)
        if slot in _SECOND:
            present = second
        elif _SLOT_P[slot] < 1:
            present = rng.random(n, dtype=np.float32) < _SLOT_P[slot]
        else:
            out[slot] = index
            continue
        out[slot] = np.where(present, index, -1)
    return out


def change_word(rng: np.random.Generator, words: np.ndarray, lang: np.ndarray) -> np.ndarray:
    """A copy of ``words`` (NSLOT, n) with one of subject / verb / object swapped per column."""
    v = vocab()
    out = words.copy()
    n = words.shape[1]
    slot = rng.choice(np.array([SUBJ, VERB, OBJ]), n)
    for s in (SUBJ, VERB, OBJ):
        cols = np.flatnonzero(slot == s)
        if not len(cols):
            continue
        key = SLOT_VOCAB[s]
        size = v.sizes[key][lang[cols]]
        old = out[s, cols].astype(np.int32) - v.offsets[key][lang[cols]]
        new = (old + rng.integers(1, 1 << 20, len(cols)) % np.maximum(size - 1, 1) + 1) % size
        out[s, cols] = v.offsets[key][lang[cols]] + new
    return out


def diurnal_times(
    rng: np.random.Generator,
    tz: np.ndarray,
    start: int,
    day_weights: np.ndarray,
    hour_weights: np.ndarray = HOUR_W,
) -> np.ndarray:
    """Epoch seconds: a day by ``day_weights``, a local hour by ``hour_weights``, shifted by tz."""
    n = len(tz)
    day = weighted_choice(rng, day_weights, n).astype(np.int64)
    hour = weighted_choice(rng, hour_weights, n).astype(np.int64)
    utc_hour = (hour - tz) % 24
    return start + day * DAY + utc_hour * 3600 + rng.integers(0, 3600, n)


def day_weights(rng: np.random.Generator, start: int, days: int, weekend: float) -> np.ndarray:
    """Relative activity per day: weekday rhythm, a mild upward trend, daily noise."""
    weekday = (start // DAY + np.arange(days) + 3) % 7  # 1970-01-01 was a Thursday
    w = np.where(weekday >= 5, weekend, 1.0) * (1 + 0.4 * np.arange(days) / max(days, 1))
    return w * rng.lognormal(0, 0.12, days)


# -- accounts and object pools ----------------------------------------------------------------


@dataclass
class Accounts:
    ids: pa.Array  # numeric strings, unique
    names: pa.Array  # lower-case screen names, unique
    activity: np.ndarray  # relative posting rate (lognormal: heavy-tailed)
    popularity: np.ndarray  # how much others reshare, reply to and mention them
    tz: np.ndarray  # UTC offset in hours
    lang: np.ndarray  # index into LANGS
    propensity: np.ndarray  # (4, n): relative use of post, reshare, reply, quote

    @property
    def n(self) -> int:
        return len(self.activity)


_TZ_BY_LANG = {
    0: ([-8, -7, -6, -5, 0, 1, 2, 5, 8, 10], [0.12, 0.06, 0.16, 0.32, 0.12, 0.08, 0.03, 0.04, 0.03, 0.04]),
    1: ([-6, -5, -4, -3, 1], [0.3, 0.2, 0.1, 0.15, 0.25]),
    2: ([1, -5, 0], [0.85, 0.1, 0.05]),
    3: ([1, 2], [0.9, 0.1]),
}  # fmt: skip


def make_accounts(rng: np.random.Generator, n: int) -> Accounts:
    activity = rng.lognormal(0.0, 1.8, n)
    popularity = np.exp(0.5 * np.log(activity) + rng.normal(0.0, 1.6, n))
    lang = weighted_choice(rng, LANG_P, n).astype(np.int8)
    tz = np.zeros(n, dtype=np.int64)
    for code, (zones, probs) in _TZ_BY_LANG.items():
        members = np.flatnonzero(lang == code)
        tz[members] = np.array(zones)[weighted_choice(rng, np.array(probs), len(members))]
    propensity = np.vstack(
        [
            rng.beta(2.5, 2.0, n),  # own posts
            rng.beta(2.0, 2.5, n),  # reshares
            rng.beta(1.2, 5.0, n),  # replies
            rng.beta(1.0, 12.0, n),  # quotes
        ]
    )
    # Unique ids and names: a shuffled increasing sequence, and a word plus a unique number.
    raw_ids = 10**9 + np.cumsum(rng.integers(1, 40_000, n, dtype=np.int64))
    ids = pa.array(rng.permutation(raw_ids)).cast(pa.string())
    number = pa.array(rng.permutation(n).astype(np.int64) + 10).cast(pa.string())
    words = pc.take(pa.array(_NAME_WORDS), pa.array(rng.integers(0, len(_NAME_WORDS), n)))
    sep = pc.take(pa.array(["", "_", ""]), pa.array(rng.integers(0, 3, n)))
    names = pc.binary_join_element_wise(words, sep, number, "")
    return Accounts(ids, names, activity, popularity, tz, lang, propensity)


class Pools:
    """Hashtags and URLs that posts point to, by index; planted groups append their own."""

    def __init__(self, rng: np.random.Generator, n_posts: int, n_accounts: int, days: int):
        self.days = days
        # Hashtags: recognisable stems first (they are the most popular), then compounds.
        stems = list(rng.permutation(_TAG_STEMS))
        compounds = [s + x for s in _TAG_STEMS for x in _TAG_SUFFIXES]
        compounds = list(dict.fromkeys(rng.permutation(compounds)))
        n_tags = int(np.clip(n_accounts // 4, 200, 40_000))
        extra = max(0, n_tags - len(stems) - len(compounds))
        syll = np.array(_SYLLABLES)
        made = [
            a + b + c
            for a, b, c in zip(
                syll[rng.integers(0, len(syll), extra * 2)],
                syll[rng.integers(0, len(syll), extra * 2)],
                syll[rng.integers(0, len(syll), extra * 2)],
                strict=True,
            )
        ]
        pool = list(dict.fromkeys(stems + [t for t in compounds if t not in set(stems)] + made))
        self.n_organic_tags = min(n_tags, len(pool))
        self._tags = [pa.array(pool[: self.n_organic_tags], pa.string())]
        self.tag_cdf = zipf_cdf(self.n_organic_tags, 1.0, 2.5)
        self._n_tags = self.n_organic_tags
        self._used_tags = set(pool[: self.n_organic_tags])

        # Domains (Zipf popularity) and URLs: per publication day, plus evergreen pages.
        combos = [h + sep + t for h in _DOMAIN_HEADS for t in _DOMAIN_TAILS for sep in ("", "-")]
        picks = rng.choice(len(combos), size=min(300, len(combos)), replace=False)
        self.domains = [
            combos[i] + _TLDS[j]
            for i, j in zip(picks, rng.integers(0, len(_TLDS), len(picks)), strict=True)
        ]
        url_posts = 0.15 * n_posts
        self.per_day = int(max(20, url_posts * 0.85 / (days + 7) / 6))
        self.evergreen = int(max(50, url_posts * 0.15 / 40))
        self.url_days = days + 7  # URLs published up to a week before the window
        n_urls = self.evergreen + self.url_days * self.per_day
        domain = zipf_draw(rng, zipf_cdf(len(self.domains), 1.0), n_urls)
        self._urls = [self._url_strings(rng, np.array(self.domains), domain, 0)]
        self._n_urls = n_urls
        self.evergreen_cdf = zipf_cdf(self.evergreen, 1.0)
        self.day_cdf = zipf_cdf(self.per_day, 1.1)

    def _url_strings(
        self, rng: np.random.Generator, domains: np.ndarray, which: np.ndarray, base: int
    ) -> pa.Array:
        n = len(which)
        section = pc.take(pa.array(_SECTIONS), pa.array(rng.integers(0, len(_SECTIONS), n)))
        number = pa.array(
            100_000 + (base + np.arange(n, dtype=np.int64)) * 7 + rng.integers(0, 7, n)
        )
        return pc.binary_join_element_wise(
            "https://", pc.take(pa.array(domains), pa.array(which)), "/", section, "/",
            number.cast(pa.string()), "",
        )  # fmt: skip

    def add_tags(self, tags: list[str]) -> np.ndarray:
        """Append new hashtags; their indices."""
        base = self._n_tags
        self._tags.append(pa.array(tags, pa.string()))
        self._n_tags += len(tags)
        self._used_tags.update(tags)
        return np.arange(base, self._n_tags, dtype=np.int32)

    def fresh_tag_names(self, candidates: list[str]) -> list[str]:
        return [t for t in dict.fromkeys(candidates) if t not in self._used_tags]

    def add_urls(
        self, rng: np.random.Generator, domains: list[str], which: np.ndarray
    ) -> np.ndarray:
        """Append one new URL per entry of ``which`` (an index into ``domains``); their indices."""
        base = self._n_urls
        self._urls.append(self._url_strings(rng, np.array(domains), which, base))
        self._n_urls += len(which)
        return np.arange(base, self._n_urls, dtype=np.int32)

    def draw_tags(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return zipf_draw(rng, self.tag_cdf, size).astype(np.int32)

    def draw_urls(self, rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
        """URLs shared on ``day`` (0-based): mostly published that day or just before."""
        n = len(day)
        age = weighted_choice(rng, np.array([0.62, 0.2, 0.08, 0.04, 0.03, 0.02, 0.01]), n)
        pub = np.clip(day - age + 7, 0, self.url_days - 1)
        fresh = self.evergreen + pub * self.per_day + zipf_draw(rng, self.day_cdf, n)
        old = zipf_draw(rng, self.evergreen_cdf, n)
        return np.where(rng.random(n) < 0.15, old, fresh).astype(np.int32)

    def tags(self) -> pa.Array:
        return pa.concat_arrays(self._tags)

    def urls(self) -> pa.Array:
        return pa.concat_arrays(self._urls)


# -- the skeleton -----------------------------------------------------------------------------


@dataclass
class Skeleton:
    acct: np.ndarray  # int32 account index
    t: np.ndarray  # int64 epoch seconds
    kind: np.ndarray  # int8: POST, RESHARE, REPLY, QUOTE
    target: np.ndarray  # int64 row index of the reshared / replied / quoted post, -1
    lang: np.ndarray  # int8 index into LANGS
    words: np.ndarray  # int16 (NSLOT, n), -1 = empty slot
    slogan: np.ndarray  # int16 index into SLOGANS, -1
    tags: np.ndarray  # int32 (4, n), -1
    urls: np.ndarray  # int32 (2, n), -1
    ments: np.ndarray  # int32 (2, n) account indices mentioned, -1
    emoji: np.ndarray  # int8 index into EMOJI, -1

    @classmethod
    def empty(cls, n: int) -> Skeleton:
        return cls(
            acct=np.zeros(n, np.int32),
            t=np.zeros(n, np.int64),
            kind=np.zeros(n, np.int8),
            target=np.full(n, -1, np.int64),
            lang=np.zeros(n, np.int8),
            words=np.full((NSLOT, n), -1, np.int16),
            slogan=np.full(n, -1, np.int16),
            tags=np.full((4, n), -1, np.int32),
            urls=np.full((2, n), -1, np.int32),
            ments=np.full((2, n), -1, np.int32),
            emoji=np.full(n, -1, np.int8),
        )

    def __len__(self) -> int:
        return len(self.acct)

    @classmethod
    def concat(cls, parts: list[Skeleton]) -> Skeleton:
        out = {}
        for f in fields(cls):
            arrays = [getattr(p, f.name) for p in parts]
            out[f.name] = np.concatenate(arrays, axis=arrays[0].ndim - 1)
        return cls(**out)

    def reorder(self, order: np.ndarray) -> None:
        """Rows in ``order`` (in place, one column at a time); targets follow their rows."""
        for f in fields(self):
            a = getattr(self, f.name)
            setattr(self, f.name, a[..., order])
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        has = self.target >= 0
        self.target[has] = position[self.target[has]]

    def copy_into_reshares(self) -> None:
        """A reshare carries its original's content (text, links, hashtags, mentions)."""
        rows = np.flatnonzero(self.kind == RESHARE)
        src = self.target[rows]
        for name in ("lang", "slogan", "emoji"):
            a = getattr(self, name)
            a[rows] = a[src]
        for name in ("words", "tags", "urls", "ments"):
            a = getattr(self, name)
            a[:, rows] = a[:, src]


def add_urls(
    rng: np.random.Generator,
    sk: Skeleton,
    rows: np.ndarray,
    pools: Pools,
    start: int,
    p_one: float,
    p_two: float = 0.06,
) -> None:
    has = rows[rng.random(len(rows)) < p_one]
    day = (sk.t[has] - start) // DAY
    sk.urls[0, has] = pools.draw_urls(rng, day)
    two = np.flatnonzero(rng.random(len(has)) < p_two)
    second = pools.draw_urls(rng, day[two])
    second[second == sk.urls[0, has[two]]] = -1  # links are distinct within a post
    sk.urls[1, has[two]] = second


def add_content(
    rng: np.random.Generator,
    sk: Skeleton,
    rows: np.ndarray,
    pools: Pools,
    lang: np.ndarray,
    start: int,
    *,
    p_tags: tuple[float, ...] = (0.66, 0.2, 0.09, 0.05),
    p_url: float = 0.3,
    p_emoji: float = 0.12,
    p_slogan: float = 0.0,
) -> None:
    """Organic-looking words, hashtags (0-3), links and emoji for ``rows`` (times set first)."""
    n = len(rows)
    sk.lang[rows] = lang
    sk.words[:, rows] = sample_words(rng, lang)
    n_tags = weighted_choice(rng, np.array(p_tags), n)
    for slot in range(1, len(p_tags)):
        has = np.flatnonzero(n_tags >= slot)
        sk.tags[slot - 1, rows[has]] = pools.draw_tags(rng, len(has))
    emoji = rng.random(n) < p_emoji
    sk.emoji[rows[emoji]] = rng.integers(0, len(EMOJI), int(emoji.sum()))
    if p_slogan:
        slogan = rows[rng.random(n) < p_slogan]
        sk.slogan[slogan] = zipf_draw(rng, zipf_cdf(len(SLOGANS), 1.2), len(slogan))
        sk.words[:, slogan] = -1
        sk.lang[slogan] = 0
    if p_url:
        add_urls(rng, sk, rows, pools, start, p_url)


# -- organic activity -------------------------------------------------------------------------


def organic(
    rng: np.random.Generator,
    acc: Accounts,
    pools: Pools,
    n: int,
    start: int,
    days: int,
) -> Skeleton:
    """``n`` organic posts: originals on a daily rhythm, cascades of reshares/replies/quotes."""
    end = start + days * DAY
    n_reshare = int(round(0.40 * n))
    n_reply = int(round(0.11 * n))
    n_quote = int(round(0.04 * n))
    n_post = n - n_reshare - n_reply - n_quote
    sk = Skeleton.empty(n)
    kinds = np.repeat(
        np.array([POST, QUOTE, REPLY, RESHARE], np.int8), [n_post, n_quote, n_reply, n_reshare]
    )
    sk.kind[:] = kinds
    posts = np.arange(n_post)
    quotes = np.arange(n_post, n_post + n_quote)
    replies = np.arange(n_post + n_quote, n_post + n_quote + n_reply)
    reshares = np.arange(n_post + n_quote + n_reply, n)

    # Own posts: who (heavy-tailed activity), when (daily rhythm in the author's time zone).
    sk.acct[posts] = weighted_choice(rng, acc.activity * acc.propensity[0], n_post)
    tz = acc.tz[sk.acct[posts]]
    t = diurnal_times(rng, tz, start, day_weights(rng, start, days, 0.85))
    # Sessions: a third of posts follow the same account's previous post within minutes.
    order = np.lexsort((t, sk.acct[posts]))
    ts, who = t[order], sk.acct[posts][order]
    follow = np.flatnonzero((who[1:] == who[:-1]) & (rng.random(n_post - 1) < 0.33)) + 1
    ts[follow] = ts[follow - 1] + 5 + rng.exponential(420.0, len(follow)).astype(np.int64)
    t[order] = ts
    sk.t[posts] = np.minimum(t, end - 1)
    add_content(rng, sk, posts, pools, acc.lang[sk.acct[posts]], start, p_slogan=0.006)
    mention = posts[rng.random(n_post) < 0.07]
    sk.ments[0, mention] = weighted_choice(rng, acc.popularity, len(mention))
    boost = _events(rng, sk, posts, pools, start, days)

    # Appeal of each post: its author's popularity, the post's own luck, events.
    appeal = acc.popularity[sk.acct[posts]] * rng.lognormal(0.0, 1.0, n_post) * boost
    appeal[sk.t[posts] >= end - 1] = 0.0

    # Quotes: comment on an earlier post.
    _cascade(rng, sk, quotes, posts, appeal, acc, acc.propensity[3], end, 3600.0, 1.8)
    add_content(
        rng, sk, quotes, pools, acc.lang[sk.acct[quotes]], start, p_tags=(0.8, 0.15, 0.05),
        p_url=0.05,
    )  # fmt: skip
    originals = np.concatenate([posts, quotes])
    q_appeal = acc.popularity[sk.acct[quotes]] * rng.lognormal(0.0, 1.0, n_quote) * 0.5
    q_appeal[sk.t[quotes] >= end - 1] = 0.0
    appeal = np.concatenate([appeal, q_appeal])

    # Replies: mostly to popular accounts, within minutes to hours.
    _cascade(rng, sk, replies, originals, appeal, acc, acc.propensity[2], end, 900.0, 1.6)
    add_content(
        rng, sk, replies, pools, acc.lang[sk.acct[replies]], start, p_tags=(0.88, 0.1, 0.02),
        p_url=0.04, p_emoji=0.2,
    )  # fmt: skip
    sk.ments[0, replies] = sk.acct[sk.target[replies]]
    extra = replies[rng.random(n_reply) < 0.08]
    sk.ments[1, extra] = weighted_choice(rng, acc.popularity, len(extra))

    # Reshares: heavy-tailed popularity and delays (minutes to days); content copied later.
    _cascade(rng, sk, reshares, originals, appeal, acc, acc.propensity[1], end, 2400.0, 2.0)
    return sk


def _cascade(
    rng: np.random.Generator,
    sk: Skeleton,
    rows: np.ndarray,
    candidates: np.ndarray,
    appeal: np.ndarray,
    acc: Accounts,
    propensity: np.ndarray,
    end: int,
    median_delay: float,
    sigma: float,
) -> None:
    """Point ``rows`` at earlier ``candidates`` (by appeal), after a lognormal delay.

    Responders keep their own daily rhythm: mostly accounts awake at that moment
    respond; a response that would still come at night comes in the morning.
    """
    n = len(rows)
    if not n:
        return
    target = candidates[weighted_choice(rng, appeal, n)]
    sk.target[rows] = target
    t0 = sk.t[target]
    delay = lognormal_seconds(rng, median_delay, sigma, n)
    # Who responds: by activity, among accounts awake at that moment (a few draws);
    # whoever would still respond in their night does so in their morning.
    weights = acc.activity * propensity
    who = weighted_choice(rng, weights, n).astype(np.int32)
    sleepy = np.clip(1 - HOUR_W / 4.0, 0, 1)
    redo = np.arange(n)
    for last in (False, False, False, True):
        local = ((t0[redo] + delay[redo]) // 3600 + acc.tz[who[redo]]) % 24
        redo = redo[rng.random(len(redo)) < sleepy[local]]
        if last:
            local = ((t0[redo] + delay[redo]) // 3600 + acc.tz[who[redo]]) % 24
            wait = (7 - local) % 24 * 3600 - (t0[redo] + delay[redo]) % 3600
            delay[redo] += np.maximum(wait, 0) + rng.integers(0, 4 * 3600, len(redo))
        else:
            who[redo] = weighted_choice(rng, weights, len(redo))
    self_ = who == sk.acct[target]
    who[self_] = (who[self_] + 1) % acc.n
    sk.acct[rows] = who
    late = t0 + delay > end - 1
    room = np.maximum(end - 1 - t0[late], 1)
    delay[late] = 1 + (rng.random(int(late.sum())) * room).astype(np.int64) % room
    sk.t[rows] = t0 + delay


def _events(
    rng: np.random.Generator,
    sk: Skeleton,
    posts: np.ndarray,
    pools: Pools,
    start: int,
    days: int,
) -> np.ndarray:
    """Organic bursts: many unrelated accounts post one hashtag / link within about an hour.

    Returns the appeal multiplier of each post (event posts get reshared more).
    """
    boost = np.ones(len(posts))
    n_events = max(3, days // 4)
    share = rng.lognormal(0.0, 0.8, n_events)
    sizes = np.maximum(2, (0.03 * len(posts) * share / share.sum()).astype(np.int64))
    if sizes.sum() > len(posts) // 2:
        return boost
    chosen = rng.choice(len(posts), size=int(sizes.sum()), replace=False)
    words = ["debate", "rally", "storm", "vote", "leak", "speech", "strike", "hearing", "fire"]
    places = [(h + t).lower() for h in _PLACE_HEADS for t in _PLACE_TAILS]
    names = [
        places[i] + words[j]
        for i, j in zip(
            rng.integers(0, len(places), 3 * n_events), rng.integers(0, len(words), 3 * n_events),
            strict=True,
        )
    ]  # fmt: skip
    tags = pools.add_tags(pools.fresh_tag_names(names)[:n_events])
    top = min(10, len(pools.domains))
    span = max(days * DAY - 2 * DAY, DAY)
    position = 0
    for e, size in enumerate(sizes):
        rows = posts[chosen[position : position + size]]
        local = chosen[position : position + size]
        position += size
        t_event = start + DAY + int(rng.integers(0, span))
        delay = lognormal_seconds(rng, 900.0, 1.0, len(rows))
        sk.t[rows] = np.minimum(t_event + delay, start + days * DAY - 1)
        n_links = int(rng.integers(1, 4))
        links = pools.add_urls(rng, pools.domains, rng.integers(0, top, n_links))
        has_tag = rng.random(len(rows)) < 0.75
        has_link = (rng.random(len(rows)) < 0.5) | ~has_tag
        if e < len(tags):
            r = rows[has_tag]
            sk.tags[1:, r] = sk.tags[:-1, r]
            sk.tags[0, r] = tags[e]
        else:
            has_link[:] = True
        r = rows[has_link]
        sk.urls[0, r] = links[rng.integers(0, n_links, len(r))]
        sk.urls[1, r] = -1
        boost[local] = 4.0
    return boost


# -- rendering --------------------------------------------------------------------------------


def join(arrays: list[pa.Array], sep: str) -> pa.Array:
    """Join strings row by row, skipping nulls (all null: empty string).

    pyarrow 26's ``binary_join_element_wise(..., null_handling="skip")`` drops rows
    whose inputs are all null; callers make sure every row has a value, and if one
    does not, a leading empty column keeps every row.
    """
    joined = pc.binary_join_element_wise(*arrays, sep, null_handling="skip")
    if len(joined) == len(arrays[0]):
        return joined
    lead = pa.repeat("", len(arrays[0])).cast(pa.string())
    joined = pc.binary_join_element_wise(lead, *arrays, sep, null_handling="skip")
    return pc.utf8_slice_codeunits(joined, len(sep)) if sep else joined


def _masked(index: np.ndarray) -> pa.Array:
    return pa.array(index.astype(np.int64, copy=False), mask=index < 0)


def _lists(index: np.ndarray, values: pa.Array) -> pa.ListArray:
    """A list per column of ``index`` (slots, n): the non-negative slots, in slot order."""
    valid = index >= 0
    offsets = np.zeros(index.shape[1] + 1, dtype=np.int32)
    np.cumsum(valid.sum(axis=0), out=offsets[1:])
    flat = index.T[valid.T]
    return pa.ListArray.from_arrays(pa.array(offsets), pc.take(values, pa.array(flat)))


@dataclass(frozen=True)
class Lookup:
    """String tables that rendering indexes into."""

    names: pa.Array
    at_names: pa.Array  # "@name"
    rt_prefix: pa.Array  # "RT @name:"
    tags: pa.Array
    hash_tags: pa.Array  # "#tag"
    urls: pa.Array

    @classmethod
    def build(cls, acc: Accounts, pools: Pools) -> Lookup:
        tags = pools.tags()
        return cls(
            names=acc.names,
            at_names=pc.binary_join_element_wise("@", acc.names, ""),
            rt_prefix=pc.binary_join_element_wise("RT @", acc.names, ":", ""),
            tags=tags,
            hash_tags=pc.binary_join_element_wise("#", tags, ""),
            urls=pools.urls(),
        )


def render(sk: Skeleton, rows: slice, lookup: Lookup) -> dict[str, pa.Array]:
    """Text, hashtags, urls and mentions of ``rows`` (a slice of the final, time-sorted skeleton)."""
    v = vocab()
    kind = sk.kind[rows]
    target = sk.target[rows]
    words = sk.words[:, rows]
    rt_author = np.where(kind == RESHARE, sk.acct[np.maximum(target, 0)], -1)

    def slot(s: int) -> pa.Array:
        return pc.take(v.arrays[SLOT_VOCAB[s]], _masked(words[s]))

    def sentence(slots: tuple[int, ...], punct: int, key: int) -> pa.Array:
        # The key slot is never null here ("" if absent), so no row is all null.
        present = words[key] >= 0
        empty = len(v.arrays[SLOT_VOCAB[key]])
        filled = pc.take(
            v.with_empty[SLOT_VOCAB[key]], pa.array(np.where(present, words[key], empty))
        )
        body = join([filled if s == key else slot(s) for s in slots], " ")
        text = join([body, slot(punct)], "")
        return pc.if_else(pa.array(present), text, pa.nulls(len(kind), pa.string()))

    pieces = [
        pc.take(lookup.rt_prefix, _masked(rt_author)),
        pc.take(lookup.at_names, _masked(sk.ments[0, rows])),
        pc.take(lookup.at_names, _masked(sk.ments[1, rows])),
        sentence((OPEN, SUBJ, VERB, OBJ, TAIL, PLACE), PUNCT, SUBJ),
        sentence((SUBJ2, VERB2, OBJ2), PUNCT2, SUBJ2),
        slot(CLOSE),
        pc.take(pa.array(SLOGANS), _masked(sk.slogan[rows])),
        *[pc.take(lookup.hash_tags, _masked(sk.tags[i, rows])) for i in range(4)],
        *[pc.take(lookup.urls, _masked(sk.urls[i, rows])) for i in range(2)],
        pc.take(pa.array(EMOJI), _masked(sk.emoji[rows])),
    ]
    text = join(pieces, " ")
    mentions = np.vstack([rt_author[None, :], sk.ments[:, rows]])
    return {
        "text": text,
        "hashtags": _lists(sk.tags[:, rows], lookup.tags),
        "urls": _lists(sk.urls[:, rows], lookup.urls),
        "mentions": _lists(mentions, lookup.names),
    }
