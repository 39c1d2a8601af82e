"""Planted coordinated groups: the ground truth a coordination detector should find.

Four kinds, each with its usual operational signature:

- ``retweet_ring``: members reshare the same posts (a leader's seed post, or an
  organic post they amplify), usually within 10-60 s of each other;
- ``link_network``: members post the same fresh URL from a few dedicated
  domains within a minute or two;
- ``copy_paste``: members post identical or near-identical text (an added
  emoji, one changed word, a dropped closing remark) within minutes;
- ``hashtag_campaign``: members post the same sequence of 2-4 hashtags within
  minutes, with otherwise varied text.

Episodes follow the operators' office hours in the group's time zone. Members
keep ordinary activity too (set in the organic model), so they are not trivially
separable; their coordinated volume is comparable to an ordinary active account.
Python loops run per group; everything per post is vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._organic import (
    CLOSE,
    DAY,
    EMOJI,
    POST,
    QUOTE,
    RESHARE,
    SLOT_VOCAB,
    Accounts,
    Pools,
    Skeleton,
    add_content,
    change_word,
    day_weights,
    diurnal_times,
    lognormal_seconds,
    sample_words,
    vocab,
)

KINDS = ("retweet_ring", "link_network", "copy_paste", "hashtag_campaign")
MIN_SIZE, MAX_SIZE = 5, 50

# Operators work office hours (local), less at night.
_OFFICE_HOURS = np.array(
    [0.05, 0.03, 0.02, 0.02, 0.02, 0.05, 0.2, 0.5, 1.0, 1.0, 1.0, 1.0,
     0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.4, 0.3, 0.2, 0.1, 0.08]
)  # fmt: skip
_GROUP_TZ = np.array([3, 3, 8, 4, 1, 2, -5])
# Within this many seconds of each other (before stragglers), per kind.
SPREAD = {
    "retweet_ring": (10, 60),
    "link_network": (30, 120),
    "copy_paste": (60, 600),
    "hashtag_campaign": (60, 300),
}
_CAMPAIGN_VERBS = "stop save defend expose protect no end fight reject trust back free fix unite"
_CAMPAIGN_NOUNS = (
    "thelies ourvote ourkids thesteal democracy freedom thetruth thefuture ourborders "
    "thefarmers ourwater thecourts media elites taxes jobs pensions ourtown thenation"
)
_SITE_HEADS = "real patriot truth alt people freedom nation liberty insight voice frontline"
_SITE_TAILS = "-daily -report -news -times -today -press -wire -24 -now -post -info"
_SITE_TLDS = ".com .net .info .online .site .news .org"


@dataclass
class Group:
    group_id: str
    kind: str
    members: np.ndarray  # account indices
    tz: int  # the operators' UTC offset
    lang: int  # index into LANGS


@dataclass
class Pending:
    """Retweet-ring episodes that amplify an organic post, chosen once organic posts exist."""

    rows: np.ndarray  # planted rows (reshares)
    episode: np.ndarray  # per row: index into t0
    t0: np.ndarray  # per episode: the earliest reshare may come at t0


def plan_groups(rng: np.random.Generator, acc: Accounts, share: float = 0.015) -> list[Group]:
    """Groups of 5-50 accounts, about ``share`` of all accounts, every kind at least once.

    Members' ordinary (organic) activity is set to that of a fairly active account.
    """
    n = acc.n
    if n < 100:
        raise ValueError(f"planted groups need at least 100 accounts (got {n})")
    budget = max(int(round(share * n)), len(KINDS) * MIN_SIZE)
    sizes: list[int] = []
    while budget - sum(sizes) >= MIN_SIZE:
        left = budget - sum(sizes)
        size = int(np.clip(round(np.exp(rng.uniform(np.log(MIN_SIZE), np.log(MAX_SIZE)))), 5, 50))
        if len(sizes) < len(KINDS):  # keep room for one group of every kind
            size = min(size, left - (len(KINDS) - 1 - len(sizes)) * MIN_SIZE)
        size = min(size, left)
        if left - size < MIN_SIZE and left <= MAX_SIZE:
            size = left
        sizes.append(size)
    members = rng.choice(n, size=sum(sizes), replace=False)
    rest = [KINDS[i % len(KINDS)] for i in range(len(sizes) - len(KINDS))]
    kinds = list(KINDS) + [rest[i] for i in rng.permutation(len(rest))]
    groups = []
    counter = dict.fromkeys(KINDS, 0)
    position = 0
    for size, kind in zip(sizes, kinds, strict=True):
        counter[kind] += 1
        groups.append(
            Group(
                group_id=f"{kind}-{counter[kind]:02d}",
                kind=kind,
                members=members[position : position + size].astype(np.int32),
                tz=int(rng.choice(_GROUP_TZ)),
                lang=0 if rng.random() < 0.8 else int(rng.integers(1, 4)),
            )
        )
        position += size
    # Ordinary activity of a fairly active account (80th-93rd percentile), not 100x.
    quantiles = np.quantile(acc.activity, rng.uniform(0.8, 0.93, len(members)))
    acc.activity[members] = quantiles
    return groups


def _participation(
    rng: np.random.Generator, n_ep: int, m: int, p: float, exclude: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(episode, member column) of every participation: each member with chance p, at least 2."""
    part = rng.random((n_ep, m)) < p
    if exclude is not None:
        has = exclude >= 0
        part[np.flatnonzero(has), exclude[has]] = False
    few = np.flatnonzero(part.sum(axis=1) < 2)
    if len(few):
        score = rng.random((len(few), m))
        if exclude is not None:
            bad = exclude[few] >= 0
            score[np.flatnonzero(bad), exclude[few][bad]] = -1.0
        top = np.argsort(-score, axis=1)[:, :2]
        part[few[:, None], top] = True
    return np.nonzero(part)


def _offsets(rng: np.random.Generator, kind: str, episode: np.ndarray, n_ep: int) -> np.ndarray:
    """Seconds after the episode anchor: within the kind's spread, a few stragglers later."""
    low, high = SPREAD[kind]
    spread = rng.uniform(low, high, n_ep)[episode]
    offset = (rng.random(len(episode)) * spread).astype(np.int64)
    late = rng.random(len(episode)) < 0.07
    offset[late] += lognormal_seconds(rng, 300.0, 1.0, int(late.sum()))
    return offset


def planted_posts(
    rng: np.random.Generator,
    groups: list[Group],
    acc: Accounts,
    pools: Pools,
    n_posts: int,
    start: int,
    days: int,
) -> tuple[Skeleton, Pending]:
    """All coordinated posts of all groups, and the ring reshares still needing a target."""
    if not groups:
        return Skeleton.empty(0), Pending(*(np.zeros(0, np.int64) for _ in range(3)))
    end = start + days * DAY
    mean = n_posts / acc.n
    n_members = sum(len(g.members) for g in groups)
    per_member = float(np.clip(0.8 * mean, 6, 400))
    per_member = min(per_member, 0.15 * n_posts / n_members)  # never most of the data
    weights = day_weights(rng, start, days, 0.35)
    parts: list[Skeleton] = []
    pend_rows, pend_ep, pend_t0 = [], [], []
    base = 0
    campaign = [
        v + noun + suffix
        for suffix in ("", "now", "2024", "today")
        for v in _CAMPAIGN_VERBS.split()
        for noun in _CAMPAIGN_NOUNS.split()
    ]
    campaign = pools.fresh_tag_names(list(rng.permutation(campaign)))
    sites = [
        h + t + d
        for h in _SITE_HEADS.split()
        for t in _SITE_TAILS.split()
        for d in _SITE_TLDS.split()
    ]
    sites = [s for s in rng.permutation(sites) if s not in set(pools.domains)]
    for g in groups:
        m = len(g.members)
        p = float(rng.uniform(0.55, 0.9))
        n_ep = max(3, int(np.ceil(per_member / p)))
        t0 = diurnal_times(rng, np.full(n_ep, g.tz), start, weights, _OFFICE_HOURS)
        t0 = np.clip(t0, start + 3600, end - 3 * 3600)
        lang_ep = np.full(n_ep, g.lang, dtype=np.int8)
        seeds = np.zeros(0, np.int64)
        exclude = None
        if g.kind == "retweet_ring":
            n_lead = 1 if m < 10 else 2
            seeded = np.flatnonzero(rng.random(n_ep) < 0.5)
            seeds = seeded
            exclude = np.full(n_ep, -1, np.int64)
            exclude[seeded] = rng.integers(0, n_lead, len(seeded))
        episode, column = _participation(rng, n_ep, m, p, exclude)
        k = len(episode)
        sk = Skeleton.empty(k + len(seeds))
        rows = np.arange(k)
        sk.acct[rows] = g.members[column]
        sk.t[rows] = np.minimum(t0[episode] + _offsets(rng, g.kind, episode, n_ep), end - 1)
        lang = lang_ep[episode]

        if g.kind == "retweet_ring":
            sk.kind[rows] = RESHARE
            # Seed posts by a leader, minutes before the ring reshares them.
            seed_rows = np.arange(k, k + len(seeds))
            sk.acct[seed_rows] = g.members[exclude[seeds]]
            lead = lognormal_seconds(rng, 240.0, 0.8, len(seeds))
            sk.t[seed_rows] = np.maximum(t0[seeds] - 5 - lead, start)
            add_content(
                rng, sk, seed_rows, pools, lang_ep[seeds], start, p_tags=(0.5, 0.35, 0.15),
                p_url=0.35,
            )  # fmt: skip
            seed_of_episode = np.full(n_ep, -1, np.int64)
            seed_of_episode[seeds] = seed_rows + base
            local = seed_of_episode[episode]
            sk.target[rows] = local  # planted-local for now; shifted when concatenated
            organic_rows = rows[local < 0]
            pend_rows.append(organic_rows + base)
            pend_ep.append(episode[local < 0] + sum(len(x) for x in pend_t0))
            pend_t0.append(t0)
        elif g.kind == "link_network":
            n_sites = int(rng.integers(1, 4))
            domains, sites = sites[:n_sites], sites[n_sites:]
            which = np.minimum(rng.geometric(0.6, n_ep) - 1, n_sites - 1)
            links = pools.add_urls(rng, domains, which)
            add_content(rng, sk, rows, pools, lang, start, p_tags=(0.7, 0.22, 0.08), p_url=0)
            sk.urls[0, rows] = links[episode]
        elif g.kind == "copy_paste":
            template = sample_words(rng, lang_ep)
            tag = np.where(rng.random(n_ep) < 0.5, pools.draw_tags(rng, n_ep), -1)
            link = np.where(rng.random(n_ep) < 0.3, pools.draw_urls(rng, (t0 - start) // DAY), -1)
            emoji = np.where(rng.random(n_ep) < 0.25, rng.integers(0, len(EMOJI), n_ep), -1)
            sk.lang[rows] = lang
            sk.words[:, rows] = template[:, episode]
            sk.tags[0, rows] = tag[episode]
            sk.urls[0, rows] = link[episode]
            sk.emoji[rows] = emoji[episode]
            _small_edits(rng, sk, rows, lang)
        else:  # hashtag_campaign
            n_tags = int(rng.integers(3, 7))
            names, campaign = campaign[:n_tags], campaign[n_tags:]
            own = pools.add_tags(names) if len(names) >= 2 else pools.draw_tags(rng, n_tags)
            n_tags = len(own)
            keys = rng.random((n_ep, max(n_tags, 4)))
            keys[:, n_tags:] += 2.0  # padding sorts last
            order = np.argsort(keys, axis=1)[:, :4]
            sequence = np.append(own, -1)[np.minimum(order, n_tags)].T.copy()  # (4, n_ep)
            length = rng.integers(2, min(4, n_tags) + 1, n_ep)
            sequence[np.arange(4)[:, None] >= length[None, :]] = -1
            popular = rng.random(n_ep) < 0.3  # sometimes a trending tag rides along
            sequence[length[popular] - 1, np.flatnonzero(popular)] = pools.draw_tags(
                rng, int(popular.sum())
            )
            add_content(rng, sk, rows, pools, lang, start, p_tags=(1.0,), p_url=0.1)
            sk.tags[:, rows] = sequence[:, episode]
        parts.append(sk)
        base += len(sk)
    planted = Skeleton.concat(parts)
    pending = Pending(
        rows=np.concatenate(pend_rows) if pend_rows else np.zeros(0, np.int64),
        episode=np.concatenate(pend_ep) if pend_ep else np.zeros(0, np.int64),
        t0=np.concatenate(pend_t0) if pend_t0 else np.zeros(0, np.int64),
    )
    return planted, pending


def _small_edits(rng: np.random.Generator, sk: Skeleton, rows: np.ndarray, lang: np.ndarray):
    """Near-duplicates: about half the copies get an emoji, a changed word or a dropped remark."""
    r = rng.random(len(rows))
    emoji = rows[(r >= 0.5) & (r < 0.72)]
    sk.emoji[emoji] = (sk.emoji[emoji] + rng.integers(2, len(EMOJI), len(emoji))) % len(EMOJI)
    word = (r >= 0.72) & (r < 0.9)
    sk.words[:, rows[word]] = change_word(rng, sk.words[:, rows[word]], lang[word])
    close = rows[r >= 0.9]
    v = vocab()
    key = SLOT_VOCAB[CLOSE]
    had = sk.words[CLOSE, close] >= 0
    fresh = (
        v.offsets[key][sk.lang[close]]
        + rng.integers(0, 1 << 20, len(close)) % (v.sizes[key][sk.lang[close]])
    )
    sk.words[CLOSE, close] = np.where(had, -1, fresh)


def attach_targets(
    rng: np.random.Generator, planted: Skeleton, pending: Pending, organic: Skeleton
) -> None:
    """Point ring reshares without a seed at an organic post from the hours before.

    Targets that are planted seeds become global indices (planted rows follow the
    organic ones).
    """
    n_org = len(organic)
    local = (planted.kind == RESHARE) & (planted.target >= 0)
    planted.target[local] += n_org
    if not len(pending.rows):
        return
    originals = np.flatnonzero((organic.kind == POST) | (organic.kind == QUOTE))
    order = np.argsort(organic.t[originals], kind="stable")
    originals, times = originals[order], organic.t[originals][order]
    t0 = pending.t0
    hi = np.searchsorted(times, t0 - 5, side="right")
    lo = np.searchsorted(times, t0 - 6 * 3600, side="left")
    pick = np.where(hi > lo, lo + (rng.random(len(t0)) * (hi - lo)).astype(np.int64), hi - 1)
    none = pick < 0  # nothing earlier: amplify the first post, and wait for it
    pick[none] = 0
    target_t = times[pick]
    shift = np.where(none, target_t + 5 - t0, 0)
    rows = pending.rows
    planted.target[rows] = originals[pick][pending.episode]
    planted.t[rows] += shift[pending.episode]
