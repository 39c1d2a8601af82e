"""Builders of realistic test data shared by the tests (kept here, not in a test module,
so that no test file imports another)."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

from infoops import Workspace

HEADER = [
    "tweetid", "userid", "user_screen_name", "tweet_time", "tweet_text", "is_retweet",
    "retweet_tweetid", "retweet_userid", "in_reply_to_tweetid", "in_reply_to_userid",
    "quoted_tweet_tweetid", "hashtags", "urls",
]  # fmt: skip
START = datetime(2024, 10, 1, 12, 0, 0)


class Posts:
    """Rows of an X information-operations archive CSV, written by the tests."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []

    def add(self, account, at, text="", *, retweet_of=None, tags=(), urls=()):
        number = len(self.rows) + 1
        when = (START + timedelta(seconds=at)).strftime("%Y-%m-%d %H:%M:%S")
        self.rows.append(
            [str(number), account, account, when, text, "true" if retweet_of else "false",
             retweet_of or "", "origin" if retweet_of else "", "", "", "",
             "[" + ", ".join(tags) + "]", "[" + ", ".join(urls) + "]"]
        )  # fmt: skip

    def workspace(self, folder: Path) -> Workspace:
        path = folder / "posts.csv"
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(HEADER)
            writer.writerows(self.rows)
        ws = Workspace(memory=True)
        (report,) = ws.ingest([path]).files
        assert report.posts_added == len(self.rows) and report.quarantined == 0
        return ws
