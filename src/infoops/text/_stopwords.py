"""Words too common to name a narrative.

bm25s ships NLTK's stopword lists (no Ukrainian). Posts are informal and those lists
are not: on the IRA archive, narrative labels came out as "это, merkel, deutschland,
schon, flüchtlinge, gibt, afd, всё" and "weight, lose, like, i'm, people, workout".
``SUPPLEMENT`` adds, chosen by hand, the function words, contractions and fillers
among the 70 most frequent non-stopwords of a 300,000-post sample of that archive per
language, with their close forms (other contractions, inflections), and a short
Ukrainian list. Broader ready-made lists (stopwords-iso) were
not used: they hold words that do name topics ("россия", "world", "state").
"""

from __future__ import annotations

from functools import cache

SUPPLEMENT = {
    "en": """i'm i've i'll i'd you're you've you'll we're we've they're it's that's there's
             what's let's don't can't won't isn't aren't didn't doesn't wasn't im dont cant
             like really just get got gets one would could also know still even much yet
             well going gonna says said""",
    "ru": """это всё ещё из-за что-то кто-то очень просто также будут могут который которые
             которая которых котором свой своих своей свои пока почему никто""",
    "de": """schon gibt mehr immer beim geht wegen wer warum macht steht kommt gut gute mal
             wurde wurden worden sei seit bereits ganz""",
    "uk": """і й та в у на з із до що це як не за від по для але або ще вже так його її їх
             був була було були бути є також який яка які яке цей ця ці той ми ви він вона
             вони про при під над через тому щоб якщо коли де чи лише тільки все всі свій""",
}


@cache
def label_stopwords() -> frozenset[str]:
    """Every language's stopwords: a narrative's key terms may mix languages."""
    from bm25s import stopwords

    lists = [getattr(stopwords, name) for name in dir(stopwords) if name.startswith("STOPWORDS_")]
    extra = [w for words in SUPPLEMENT.values() for w in words.split()]
    return frozenset(w for words in lists for w in words) | set(extra) | {
        "rt", "amp", "via", "http", "https"
    }  # fmt: skip
