"""Speakers: the words that name them, resolved within a document to one name, and a key
that is the same across spellings, titles and scripts.

"Russian Foreign Minister Sergey Lavrov", "Lavrov", "Russia's foreign minister" (when the
document gives that role to Lavrov), "he" (right after Lavrov spoke) and "Лавров" all
get the key ``lavrov``; a role is kept apart from the name, and the kind of speaker
(a state official, state media, anyone else) and their country are read from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from anyascii import anyascii

from . import _cues

_WORD = re.compile(r"\w+(?:[’'\-.]\w+)*\.?")
_POSSESSIVE = re.compile(r"[’']s$")
# Country words in a speaker's description, to the country they name.
COUNTRIES = {
    "Russia": r"russia|russian|kremlin|moscow|росси\w*|российск\w*|кремл\w*|москв\w*|"
    r"росі\w*|російськ\w*|russland|russisch\w*|russie|russe|rusia|ruso",
    "United States": r"u\.?s\.?|usa|america|american|white\s+house|pentagon|washington|"
    r"state\s+department|сша|американск\w*|американськ\w*|amerikanisch\w*|américain\w*|"
    r"estadounidense",
    "China": r"china|chinese|beijing|китай\w*|китайск\w*|китайськ\w*|chinesisch\w*|chinois\w*",
    "Ukraine": r"ukraine|ukrainian|kyiv|kiev|украин\w*|україн\w*|київ\w*|ukrainisch\w*|ukrainien\w*",
    "Iran": r"iran|iranian|tehran|иран\w*|іран\w*",
    "Belarus": r"belarus|belarusian|minsk|беларус\w*|білорус\w*",
    "Germany": r"germany|german|berlin|deutschland|deutsch\w*|bundes\w*|allemand\w*",
    "France": r"france|french|paris|élysée|frankreich|französisch\w*|français\w*",
    "United Kingdom": r"britain|british|u\.?k\.?|downing\s+street|london|britisch\w*|britannique",
    "European Union": r"eu|european\s+union|european\s+commission|brussels|eu-kommission",
    "NATO": r"nato|нато|otan",
}
_COUNTRY = [(name, re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE))
            for name, words in COUNTRIES.items()]  # fmt: skip
_OFFICIAL = re.compile(
    r"(?<!\w)(?:president|prime\s+minister|minister|ministry|secretary|spokes\w+|"
    r"government|kremlin|white\s+house|pentagon|embassy|ambassador|envoy|official|"
    r"officials|administration|department|readout|chancellor|foreign\s+office|"
    r"state\s+department|mfa|präsident\w*|minister\w*|regierung\w*|kanzler\w*|"
    r"sprecher\w*|ministre|gouvernement|porte-parole|президент\w*|министр\w*|"
    r"міністр\w*|правительств\w*|уряд\w*|кремл\w*|посол\w*|пресс-секретар\w*|"
    r"прес-секретар\w*|мид|мзс)(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Speaker:
    """A speaker as the document names them: ``name`` (a person or organisation, empty
    for a bare role), ``role`` (the words describing them), ``key`` for matching."""

    name: str
    role: str
    key: str
    kind: str  # official, state_media or other
    country: str


def split_mention(mention: str) -> tuple[str, str]:
    """(role, name): "White House deputy press secretary Hogan Gidley" gives the role
    and "Hogan Gidley"; "the White House" is all name (an organisation)."""
    words = [w for w in _WORD.findall(mention) if w.lower() not in _cues.DETERMINERS]
    last_role = max((i for i, w in enumerate(words) if _cues.ROLES.match(_bare(w))), default=-1)
    name_words = words[last_role + 1 :]
    if name_words and all(w[:1].isupper() for w in name_words):
        return " ".join(words[: last_role + 1]), " ".join(name_words)
    capitalised = [w for w in words if w[:1].isupper()]
    if capitalised and len(capitalised) >= len(words) - 1:
        return "", " ".join(_bare(w) for w in words)  # an organisation: "the White House"
    return " ".join(words), ""


def _bare(word: str) -> str:
    return _POSSESSIVE.sub("", word)


def name_key(name: str) -> str:
    """The same key for "Sergey Lavrov", "Sergei Lavrov" and "Сергей Лавров"; a person's
    key is the surname's, so that "Lavrov" alone matches."""
    words = [_skeleton(w) for w in _WORD.findall(name)]
    words = [w for w in words if w]
    if not words:
        return ""
    return words[-1] if _person_like(name) else " ".join(words)


def _person_like(name: str) -> bool:
    words = _WORD.findall(name)
    return 1 <= len(words) <= 4 and not any(_cues.ROLES.match(_bare(w)) for w in words)


def _skeleton(word: str) -> str:
    latin = anyascii(_bare(word)).lower()
    latin = re.sub(r"[^a-z]", "", latin)
    latin = latin.replace("kh", "h").replace("ph", "f").replace("w", "v")
    latin = re.sub(r"[yj]", "i", latin)
    return re.sub(r"(.)\1+", r"\1", latin)


def describe(name: str, role: str, state_media: dict[str, str]) -> tuple[str, str]:
    """(kind, country) of a speaker: ``state_media`` when the name is a registry outlet
    (outlet or asset name, lower-cased, to its country), ``official`` when the role or
    name is a government's."""
    outlet = state_media.get(name.lower())
    if outlet:
        return "state_media", outlet
    words = f"{role} {name}"
    country = next((c for c, pattern in _COUNTRY if pattern.search(words)), "")
    return ("official" if _OFFICIAL.search(words) else "other"), country


@dataclass
class Document:
    """What a document says about who is who: full names by surname and role aliases
    ("Russian Foreign Minister Sergey Lavrov", "Lavrov, Russia's foreign minister")."""

    full_names: dict[str, str]  # surname key -> the longest name seen
    roles: list[tuple[frozenset[str], str]]  # role words -> name

    @classmethod
    def read(cls, text: str) -> Document:
        full: dict[str, str] = {}
        roles: list[tuple[frozenset[str], str]] = []
        for match in _ROLE_THEN_NAME.finditer(text):
            role, name = split_mention(_from_role(match.group()))
            if name and role:
                roles.append((_role_words(role), name))
            if name:
                _keep_longest(full, name)
        for match in _NAME_THEN_ROLE.finditer(text):
            name, role = match.group("name"), match.group("role")
            if _cues.ROLES.search(role) or any(_cues.ROLES.match(_bare(w)) for w in role.split()):
                roles.append((_role_words(role), name))
            _keep_longest(full, name)
        for match in _FULL_NAME.finditer(text):
            if not any(w.lower() in _cues.NOT_NAMES for w in match.group().split()):
                _keep_longest(full, match.group())
        return cls(full, roles)

    def resolve(self, mention: str) -> tuple[str, str]:
        """(role, name) with the name completed from the document where it says so."""
        role, name = split_mention(mention)
        if name:
            if _person_like(name):
                return role or self._role_of(name), self.full_names.get(name_key(name), name)
            return role, name
        words = _role_words(role)
        for known, person in reversed(self.roles):
            if words and words <= known:
                return role, self.full_names.get(name_key(person), person)
        return role, ""

    def _role_of(self, name: str) -> str:
        key = name_key(name)
        for words, person in self.roles:
            if name_key(person) == key:
                return " ".join(sorted(words))
        return ""


_CAP = r"[A-ZА-ЯЁІЇЄҐ][\w’'\-]+"
_FULL_NAME = re.compile(rf"(?<!\w){_CAP}(?: {_CAP}){{1,2}}(?!\w)")
_ROLE_THEN_NAME = re.compile(
    rf"(?<!\w)(?:{_CAP} )?(?:(?:{_CAP}|[a-z]+) ){{0,4}}"
    rf"(?:[Mm]inister|[Ss]ecretary|[Pp]resident|[Ss]pokes\w+|[Aa]mbassador|[Cc]hancellor|"
    rf"[Dd]irector|[Cc]hief|[Hh]ead|[Ss]enator|[Gg]overnor|[Mm]ayor|[Ll]eader|[Aa]dviser|"
    rf"[Aa]dvisor|[Ee]nvoy) {_CAP}(?: {_CAP}){{0,2}}"
)
_NAME_THEN_ROLE = re.compile(
    rf"(?P<name>{_CAP}(?: {_CAP}){{1,2}}), (?P<role>(?:the\s+|a\s+|an\s+)?[\w’'\-\s]{{3,60}}?),"
)


def _from_role(phrase: str) -> str:
    """Drop leading words that are neither capitalised nor a role ("help in order")."""
    words = phrase.split(" ")
    while words and not (words[0][:1].isupper() or _cues.ROLES.match(_bare(words[0]))):
        words.pop(0)
    return " ".join(words)


def _role_words(role: str) -> frozenset[str]:
    words = set()
    for word in _WORD.findall(role.lower()):
        word = _bare(word)
        if word in _cues.DETERMINERS or word in ("of", "for"):
            continue
        country = next((c for c, pattern in _COUNTRY if pattern.fullmatch(word)), None)
        words.add(country.lower() if country else word)
    return frozenset(words)


def _keep_longest(names: dict[str, str], name: str) -> None:
    key = name_key(name)
    if key and len(name) > len(names.get(key, "")):
        names[key] = name
