"""Charts for the briefing, drawn with matplotlib as inline SVG (no script, no network).

Only numbers, dates and campaign ids reach a chart, never post text. Fixed SVG
ids and no date metadata keep the page byte-for-byte reproducible.
"""

from __future__ import annotations

import io
import random
import warnings
from datetime import date

import igraph
import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

matplotlib.rcParams.update({"svg.hashsalt": "infoops", "svg.fonttype": "none", "font.size": 9})
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#7f7f7f")  # fmt: skip


def _dates(axis) -> None:
    locator = mdates.AutoDateLocator(maxticks=8)
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _svg(figure) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():  # short spans: the locator falls back to a fine interval
        warnings.filterwarnings("ignore", "AutoDateLocator was unable", UserWarning)
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prologue: the SVG sits inside HTML


def volume_chart(
    periods: list[date], total: list[int], in_campaigns: list[int], days: int = 7
) -> str:
    """Posts per period of ``days`` days: all posts, and those of campaign accounts."""
    figure, axis = plt.subplots(figsize=(8, 2.4))
    axis.bar(periods, total, width=days, align="edge", color="#c7c7c7", label="all posts")
    axis.bar(periods, in_campaigns, width=days, align="edge", color="#d62728", alpha=0.8,
             label="posts by campaign accounts")  # fmt: skip
    axis.set_ylabel("posts per day" if days == 1 else f"posts per {days} days"
                    if days != 7 else "posts per week")  # fmt: skip
    _dates(axis)
    axis.legend(loc="upper left", frameon=False)
    axis.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def timeline_chart(days: list[date], posts: list[int], colour: str) -> str:
    """One campaign's posts per day."""
    figure, axis = plt.subplots(figsize=(7, 1.6))
    axis.bar(days, posts, width=1.0, color=colour)
    axis.set_ylabel("posts per day")
    _dates(axis)
    axis.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def network_chart(
    accounts: list[str], campaign_of: dict[str, str], edges: list[tuple[str, str, float]]
) -> str:
    """Campaign accounts and the fused edges between them, coloured by campaign."""
    index = {account: i for i, account in enumerate(accounts)}
    graph = igraph.Graph(n=len(accounts), edges=[(index[a], index[b]) for a, b, _ in edges])
    state = random.getstate()
    random.seed(42)  # igraph draws from Python's generator: the same picture on every run
    try:
        layout = graph.layout_fruchterman_reingold(weights=[w for *_, w in edges] or None)
    finally:
        random.setstate(state)
    campaigns = sorted(set(campaign_of.values()))
    colour = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(campaigns)}
    figure, axis = plt.subplots(figsize=(7, 5))
    for a, b, _ in edges:
        (x1, y1), (x2, y2) = layout[index[a]], layout[index[b]]
        axis.plot([x1, x2], [y1, y2], color="#999999", linewidth=0.4, zorder=1)
    shown = campaigns[: len(PALETTE) - 1]  # the rest share one grey
    groups = [(c, [index[a] for a in accounts if campaign_of[a] == c]) for c in shown]
    rest = [index[a] for a in accounts if campaign_of[a] not in shown]
    if rest:
        groups.append(("other campaigns", rest))
    for label, members in groups:
        axis.scatter([layout[i][0] for i in members], [layout[i][1] for i in members], s=14,
                     color=colour.get(label, "#7f7f7f"), label=label, zorder=2)  # fmt: skip
    axis.axis("off")
    axis.legend(loc="center left", bbox_to_anchor=(1, 0.5), frameon=False, title="campaign")
    return _svg(figure)
