"""Narratives: one story told in several languages is one narrative; runs repeat exactly."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

from builders import Posts

from infoops.detectors.narratives import NarrativeConfig, find_narratives
from infoops.report import write_narratives

# Three stories, each told in English, Russian and German by different accounts.
STORIES = {
    "fraud": {
        "en": (["The election was stolen", "Thousands of ballots were faked",
                "Dead people voted in this election", "The vote count was falsified"],
               ["in Michigan", "by the officials", "again this year", "and nobody cares"]),
        "ru": (["Выборы были украдены", "Тысячи бюллетеней подделали",
                "На этих выборах голосовали мертвые", "Подсчет голосов сфальсифицировали"],
               ["в Мичигане", "чиновниками", "снова в этом году", "и всем все равно"]),
        "de": (["Die Wahl wurde gestohlen", "Tausende Stimmzettel wurden gefälscht",
                "Bei dieser Wahl haben Tote gewählt", "Die Stimmenzählung wurde gefälscht"],
               ["in Michigan", "von den Beamten", "auch dieses Jahr", "und niemand kümmert sich"]),
    },
    "football": {
        "en": (["Our football team won the match", "The striker scored two goals",
                "The coach praised the players", "Fans celebrated the victory in the stadium"],
               ["last night", "in the final", "against the champions", "after a great game"]),
        "ru": (["Наша футбольная команда выиграла матч", "Нападающий забил два гола",
                "Тренер похвалил игроков", "Болельщики праздновали победу на стадионе"],
               ["вчера вечером", "в финале", "против чемпионов", "после отличной игры"]),
        "de": (["Unsere Fußballmannschaft hat das Spiel gewonnen", "Der Stürmer schoss zwei Tore",
                "Der Trainer lobte die Spieler", "Die Fans feierten den Sieg im Stadion"],
               ["gestern Abend", "im Finale", "gegen den Meister", "nach einem tollen Spiel"]),
    },
    "weather": {
        "en": (["Heavy rain and strong wind are expected", "A storm warning was issued",
                "Snow will fall in the mountains", "Temperatures drop below zero"],
               ["tomorrow morning", "for the whole region", "this weekend", "across the north"]),
        "ru": (["Ожидаются сильный дождь и ветер", "Объявлено штормовое предупреждение",
                "В горах выпадет снег", "Температура опустится ниже нуля"],
               ["завтра утром", "по всему региону", "в эти выходные", "на севере"]),
        "de": (["Starker Regen und Wind werden erwartet", "Eine Sturmwarnung wurde ausgegeben",
                "In den Bergen fällt Schnee", "Die Temperaturen fallen unter null"],
               ["morgen früh", "für die ganze Region", "an diesem Wochenende", "im Norden"]),
    },
}  # fmt: skip


def _workspace(tmp_path, openers: dict[str, str] | None = None):
    """Every story in every language; ``openers`` starts each post of a language."""
    posts = Posts()
    at = 0
    for story, languages in STORIES.items():
        for lang, (heads, tails) in languages.items():
            opener = (openers or {}).get(lang, "")
            for n, (head, tail) in enumerate(itertools.product(heads, tails)):
                at += 3600
                posts.add(f"{story}-{lang}-{n % 4}", at, f"{opener} {head} {tail}".strip())
    return posts.workspace(tmp_path)


CONFIG = NarrativeConfig(min_posts=5, min_accounts=2)


def test_a_story_in_three_languages_is_one_narrative(tmp_path):
    ws = _workspace(tmp_path)
    assert find_narratives(ws.con, CONFIG) >= 3
    rows = ws.sql(
        """SELECT n.narrative, p.account_id FROM text_narratives n JOIN posts p USING (text_key)"""
    ).fetchall()
    assert len(rows) >= 0.75 * 144  # few posts left out as noise or loose chatter
    story_of = Counter()
    languages_of: dict[int, set[str]] = {}
    for narrative, account in rows:
        story, lang, _ = account.split("-")
        story_of[(narrative, story)] += 1
        languages_of.setdefault(narrative, set()).add(lang)
    # Purity: each narrative is (almost) one story...
    for narrative in languages_of:
        sizes = [n for (m, _), n in story_of.items() if m == narrative]
        assert max(sizes) >= 0.9 * sum(sizes)
    # ...and most stories' narratives mix languages rather than split by them.
    assert sum(len(langs) >= 2 for langs in languages_of.values()) >= 2


def test_narratives_repeat_exactly_and_are_described(tmp_path):
    ws = _workspace(tmp_path)
    find_narratives(ws.con, CONFIG)
    first = ws.sql("SELECT * FROM text_narratives ORDER BY text_key").fetchall()
    terms = ws.sql("SELECT * FROM narrative_terms ORDER BY narrative").fetchall()
    find_narratives(ws.con, CONFIG)
    assert ws.sql("SELECT * FROM text_narratives ORDER BY text_key").fetchall() == first
    assert ws.sql("SELECT * FROM narrative_terms ORDER BY narrative").fetchall() == terms
    files = write_narratives(ws.con, tmp_path)
    header = (tmp_path / "narratives.csv").read_text().splitlines()[0]
    assert header == ("narrative,label,key_terms,language,posts,accounts,articles,first_post,last_post,"
                      "peak_week,languages,campaigns,cohesion,npmi,examples")  # fmt: skip
    assert files["narratives.csv"] == len(terms) and files["narrative_volume.csv"] >= len(terms)
    for _, label, key_terms, _, examples, cohesion, _ in terms:
        assert label and key_terms and examples and 0 < cohesion <= 1


# Informal function words that NLTK's lists lack; on the IRA archive they named narratives.
FILLERS = {
    "en": "Really, I'm just like, you know:",
    "ru": "Это всё ещё так:",
    "de": "Es gibt schon mehr:",
}


def test_key_terms_skip_informal_function_words(tmp_path):
    ws = _workspace(tmp_path, FILLERS)
    find_narratives(ws.con, CONFIG)
    labels = [terms.split(", ") for (terms,) in ws.sql("SELECT key_terms FROM narrative_terms")
              .fetchall()]  # fmt: skip
    fillers = {w.strip(",:").lower() for text in FILLERS.values() for w in text.split()}
    assert labels and not fillers & {t for label in labels for t in label}
    assert any({"election", "выборы", "wahl"} & set(label) for label in labels)


# A planted story: a small set of accounts pushing one claim, worded many ways.
PLANTED_HEADS = [
    "Secret biolabs in Ukraine make weapons",
    "The Pentagon funds secret biolabs",
    "Why does nobody report the secret biolabs?",
    "Secret biolabs near the border",
    "Leaked papers show the secret biolabs",
    "Ukraine hides secret biolabs",
]
PLANTED_TAILS = ["#biolabs", "share before they delete it #biolabs", "wake up people",
                 "the media stays silent #biolabs", "ask your senator"]  # fmt: skip


def _with_planted_story(sim_posts):
    """The simulated posts plus 300 posts of the planted story by 25 accounts."""
    import pyarrow as pa

    first = sim_posts.column("created_at")[0].as_py()
    rows = []
    for i in range(300):
        head = PLANTED_HEADS[i % len(PLANTED_HEADS)]
        tail = PLANTED_TAILS[(i // len(PLANTED_HEADS)) % len(PLANTED_TAILS)]
        rows.append(sim_posts.slice(0, 1).to_pylist()[0] | {
            "post_id": f"planted-{i}", "account_id": f"planted-{i % 25}",
            "account_name": f"planted_{i % 25}", "created_at": first + timedelta(hours=i),
            "text": f"{head} {tail} ({i % 7})", "lang": "en", "post_type": "post",
            "reshare_of_post": None, "reshare_of_account": None, "urls": [], "mentions": [],
            "hashtags": ["biolabs"] if "#biolabs" in tail else []})  # fmt: skip
    return pa.concat_tables([sim_posts, pa.Table.from_pylist(rows, schema=sim_posts.schema)])


def test_a_planted_narrative_is_recovered_with_its_label():
    from infoops import Workspace
    from infoops.simulate import simulate

    ws = Workspace(memory=True)
    ws.ingest_table(_with_planted_story(simulate(6_000, seed=3).posts), "simulation")
    assert find_narratives(ws.con) >= 1
    found = ws.sql(
        """SELECT n.narrative, count(*) FILTER (p.account_id LIKE 'planted-%'), count(*)
           FROM text_narratives n JOIN posts p USING (text_key) GROUP BY 1 ORDER BY 2 DESC"""
    ).fetchall()
    narrative, planted, size = found[0]
    # The story is one main narrative that holds little else (its wordings that share
    # fewest words with the rest split off as smaller narratives)...
    assert planted >= 0.5 * 300 and planted >= 0.9 * size
    # ...and none of it is lost as chatter.
    assert sum(n for _, n, _ in found) >= 0.9 * 300
    label, terms = ws.sql(
        "SELECT label, key_terms FROM narrative_terms WHERE narrative = ?", [narrative]
    ).fetchall()[0]
    assert "biolabs" in label and "biolabs" in terms.split(", ")
