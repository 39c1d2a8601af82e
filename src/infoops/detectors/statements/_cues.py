"""The words that introduce someone else's statement, per language, and the words a
speaker's name is made of: titles, roles, pronouns.

Reporting verbs are listed in the forms news writes them (past and present, third
person); each language's list is short on purpose: a verb that is often used for
something other than speech ("found", "asked", "called") is left out unless its
complement shows speech ("found that").
"""

from __future__ import annotations

import re

from ...text._negation import NEGATION_WORDS

# Reporting verbs that take a speaker as subject, or follow a quote before the speaker
# ("…," said Lavrov).
_VERBS = {
    "en": r"""said|says|say|told|tells|tell|added|adds|stated|states|claimed|claims|claim|
        declared|declares|announced|announces|denied|denies|deny|insisted|insists|argued|
        argues|explained|explains|noted|notes|wrote|writes|tweeted|tweets|posted|warned|
        warns|acknowledged|acknowledges|admitted|admits|confirmed|confirms|continued|
        replied|replies|responded|responds|suggested|suggests|alleged|alleges|asserted|
        asserts|maintained|maintains|stressed|stresses|emphasi[sz]ed|emphasi[sz]es|urged|
        urges|recalled|predicted|predicts|testified|reported|reports|promised|promises|
        vowed|pledged|threatened|accused|accuses|revealed|reveals|indicated|indicates|
        concluded|concludes|objected|countered|conceded|boasted|bragged|complained|
        complains|lamented|observed|remarked|cautioned|contended|contends|disputed|
        rejected|rejects|dismissed|dismisses|agreed|agrees|believes|believed|estimated|
        estimates|predicted|wondered|asked|asks|found that|finds that|pointed out|went on|
        told reporters|made clear""",
    "de": r"""sagte|sagten|sagt|sagen|erklärte|erklärten|erklärt|betonte|betont|betonten|
        berichtete|berichtet|berichteten|schrieb|schreibt|warnte|warnt|forderte|fordert|
        bestätigte|bestätigt|meinte|meint|teilte\s+mit|teilt\s+mit|räumte\s+ein|
        kündigte\s+an|behauptete|behauptet|dementierte|bestritt|bestreitet|fügte\s+hinzu|
        ergänzte|sprach|jubelte|lobte|kommentierte|resümierte|bilanzierte|mahnte|
        verkündete|hieß\s+es|heißt\s+es|twitterte|argumentierte|versicherte|
        kritisierte|unterstrich|stellte\s+klar|zufolge""",
    "fr": r"""a\s+déclaré|a\s+dit|a\s+affirmé|a\s+expliqué|a\s+indiqué|a\s+ajouté|a\s+assuré|
        a\s+souligné|a\s+annoncé|a\s+estimé|a\s+précisé|a\s+démenti|a\s+nié|a\s+écrit|
        a\s+tweeté|a\s+averti|a\s+reconnu|a\s+confirmé|déclare|dit|affirme|explique|
        indique|ajoute|assure|souligne|annonce|estime|précise|dément|écrit|
        a-t-il\s+\w+|a-t-elle\s+\w+|déclaré|affirmé|expliqué|ajouté|estimé|souligné|
        précisé|indiqué""",
    "es": r"""dijo|afirmó|declaró|aseguró|explicó|señaló|indicó|añadió|agregó|negó|
        denunció|advirtió|insistió|anunció|escribió|tuiteó|sostuvo|subrayó|destacó|
        reconoció|confirmó|dice|afirma|asegura|explica|señala|indica""",
    "ru": r"""сказал|сказала|сказали|заявил|заявила|заявили|заявляет|заявляют|сообщил|
        сообщила|сообщили|сообщает|отметил|отметила|отметили|подчеркнул|подчеркнула|
        добавил|добавила|написал|написала|написали|пояснил|пояснила|признал|признала|
        отрицал|отрицала|утверждает|утверждал|утверждала|предупредил|предупредила|
        считает|говорит|говорят|рассказал|рассказала|подтвердил|подтвердила|опроверг|
        уточнил|уточнила|объяснил|объяснила|указал|указала|заявило|сообщило|
        предупредило|предупредили|пояснили|подчеркнули|добавили|заявлял|заявляла|
        заявляли|говорил|говорила|считают|утверждают|рассказали|подтвердили""",
    "uk": r"""сказав|сказала|сказали|заявив|заявила|заявили|заявляє|повідомив|
        повідомила|повідомили|повідомляє|зазначив|зазначила|зазначили|наголосив|
        наголосила|підкреслив|підкреслила|додав|додала|написав|написала|пояснив|
        пояснила|визнав|визнала|заперечив|заперечила|стверджує|стверджував|попередив|
        попередила|вважає|говорить|розповів|розповіла|підтвердив|підтвердила|уточнив|
        уточнила|зауважив|зауважила|переконаний|переконана|пояснили|попередили|
        наголосили|підкреслили|додали|написали|заявило|повідомило|попередило|
        зазначило|наголосило|заявляв|заявляла|заявляли|говорив|говорила|казав|казала|
        кажуть|вважають|стверджують|повідомляють|розповіли|підтвердили|визнали""",
}
# "According to X": the speaker follows, and the statement is the rest of the sentence.
_ACCORDING = {
    "en": r"according\s+to|as\s+(?:reported|stated|claimed|announced)\s+by|in\s+the\s+words\s+of",
    "de": r"laut|nach\s+(?:Angaben|Aussage|Aussagen|Worten|Einschätzung)\s+(?:von|des|der)|"
    r"wie\s+\S+(?:\s+\S+){0,3}\s+(?:sagte|mitteilte|erklärte|berichtete)",
    "fr": r"selon|d['’]après|aux\s+dires\s+de",
    "es": r"según|de\s+acuerdo\s+con",
    "ru": r"по\s+словам|по\s+данным|по\s+мнению|как\s+сообщил[аи]?|как\s+заявил[аи]?",
    "uk": r"за\s+словами|за\s+даними|на\s+думку|як\s+повідомив|як\s+повідомила|як\s+заявив|"
    r"як\s+заявила|як\s+зазначив|як\s+зазначила",
}
# Participles whose speaker is the sentence's subject ("X made the announcement, saying …").
_PARTICIPLES = (
    r"saying|adding|claiming|arguing|noting|insisting|warning|stating|declaring|writing|telling"
)
# Reporting verbs that deny what follows: the statement's polarity is the opposite of its words.
DENIAL = re.compile(
    r"^(?:denied|denies|deny|rejected|rejects|dismissed|dismisses|disputed|refuted|"
    r"dementierte|bestritt|bestreitet|a\s+démenti|a\s+nié|dément|negó|"
    r"отрицал|отрицала|опроверг|заперечив|заперечила)$",
    re.IGNORECASE,
)


def _alternatives(source: str) -> str:
    return "|".join(part.strip() for part in source.split("|") if part.strip())


def _words_re(source: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + _alternatives(source) + r")(?![\w-])", flags)


_ING = "saying|tweeting|writing|adding|telling|declaring|stating|replying|responding|posting"
# German "…", so Glasner: "so" is a reporting word in German only.
VERBS = {lang: _words_re(f"{source}|{_VERBS['en']}|{_ING}" + ("|so" if lang == "de" else ""))
         for lang, source in _VERBS.items()}  # fmt: skip
ALL_VERBS = _words_re("|".join(_VERBS.values()) + "|" + _ING)
ACCORDING = _words_re("|".join(_ACCORDING.values()))
PARTICIPLES = _words_re(_PARTICIPLES)
# Verbs that must be followed by "that", a colon or a quote to report speech ("he asked
# them to leave" is not a statement; "the report found that…" is).
WEAK_VERBS = frozenset(
    [
        "asked",
        "asks",
        "believes",
        "believed",
        "estimated",
        "estimates",
        "agreed",
        "agrees",
        "wondered",
        "reported",
        "reports",
        "continued",
        "posted",
    ]
)
# Verbs that also name a thing ("notes", "claims", "reports", "states"): a verb only after
# a speaker, never as the first word after a determiner.
NOUN_LIKE = frozenset(
    ["notes", "claims", "claim", "reports", "states", "tweets", "say", "tell", "deny"]
)

PRONOUNS = frozenset(
    [
        "he",
        "she",
        "they",
        "we",
        "i",
        "it",
        "who",
        "er",
        "sie",
        "wir",
        "ich",
        "il",
        "elle",
        "ils",
        "elles",
        "nous",
        "je",
        "él",
        "ella",
        "ellos",
        "nosotros",
        "yo",
        "он",
        "она",
        "они",
        "мы",
        "я",
        "він",
        "вона",
        "вони",
        "ми",
    ]
)
# Words that stand in a speaker's description ("deputy press secretary Hogan Gidley",
# "Russia's foreign minister"), lower-case in English; other languages by stem.
ROLES = re.compile(
    r"^(?:president|vice|prime|minister|ministers|ministry|secretary|deputy|press|"
    r"spokes(?:man|woman|person|people)|official|officials|government|governments|"
    r"ambassador|envoy|senator|representative|congressman|congresswoman|lawmaker|"
    r"lawmakers|chancellor|chairman|chairwoman|chair|head|chief|director|advisor|adviser|"
    r"aide|aides|expert|experts|analyst|analysts|lawyer|attorney|general|commander|"
    r"officer|leader|leaders|mayor|governor|member|members|candidate|founder|ceo|"
    r"executive|agency|authorities|administration|foreign|defen[cs]e|interior|state|"
    r"national|security|intelligence|former|acting|then|top|senior|special|counsel|"
    r"council|committee|department|office|service|services|police|army|military|"
    r"court|prosecutor|prosecutors|investigators|judge|researchers?|scientists?|"
    r"economist|professor|report|readout|statement|study|survey|document|article|"
    r"indictment|source|sources|witness|witnesses|campaign|party|union|commission|"
    r"embassy|kremlin|pentagon|white|house|person|people|user|users|man|woman|resident|"
    r"residents|voter|voters|citizen|citizens|activist|activists|journalist|journalists|"
    r"reporter|reporters|blogger|bloggers|commentator|critic|critics|supporter|supporters|"
    r"fan|fans|observer|observers|media|social|"
    r"влад\w*|власт\w*|військов\w*|военн\w*|міністерств\w*|министерств\w*|"
    r"präsident\w*|minister\w*|sprecher\w*|kanzler\w*|regierung\w*|chef\w*|"
    r"experte\w*|bundes\w*|ministre|porte-parole|président\w*|gouvernement|"
    r"президент\w*|министр\w*|міністр\w*|прем['’]?ер\w*|представител\w*|"
    r"представник\w*|речни\w*|посол|посл\w*|глав\w*|голов\w*|керівник\w*|"
    r"руководител\w*|спікер\w*|пресс-секретар\w*|прес-секретар\w*|депутат\w*)$",
    re.IGNORECASE,
)
DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "another",
        "one",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "el",
        "los",
    ]
)
# Name-internal lower-case words ("Ministry of Defence", "Ursula von der Leyen").
NAME_LINKS = frozenset(
    [
        "of",
        "for",
        "on",
        "de",
        "von",
        "van",
        "der",
        "du",
        "da",
        "al",
        "bin",
        "di",
        "la",
        "le",
        "del",
        "y",
        "и",
    ]
)
# Capitalised words that begin a sentence or a time phrase, never a speaker.
NOT_NAMES = frozenset(
    [
        "the",
        "but",
        "and",
        "or",
        "so",
        "yet",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "to",
        "of",
        "as",
        "if",
        "when",
        "while",
        "after",
        "before",
        "since",
        "during",
        "however",
        "meanwhile",
        "earlier",
        "later",
        "last",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "then",
        "now",
        "also",
        "still",
        "even",
        "both",
        "all",
        "some",
        "many",
        "most",
        "several",
        "one",
        "two",
        "three",
        "some",
        "such",
        "what",
        "which",
        "who",
        "why",
        "how",
        "where",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "today",
        "yesterday",
        "tomorrow",
        "update",
        "mr",
        "mrs",
        "ms",
        "dr",
        "aber",
        "und",
        "oder",
        "doch",
        "dann",
        "auch",
        "noch",
        "heute",
        "gestern",
        "am",
        "im",
        "in",
        "mit",
        "nach",
        "vor",
        "seit",
        "während",
        "mais",
        "et",
        "ou",
        "puis",
        "aussi",
        "encore",
        "aujourd",
        "hier",
        "но",
        "и",
        "или",
        "а",
        "также",
        "еще",
        "сегодня",
        "вчера",
        "але",
        "та",
        "також",
        "ще",
        "сьогодні",
        "вчора",
    ]
)
# A whole token that negates (fullmatch); words that call a statement false are
# ``_conflicts._EVALUATIVE``.
NEGATIONS = re.compile("|".join(NEGATION_WORDS), re.IGNORECASE)
