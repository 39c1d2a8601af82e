"""How a long computation tells its caller how far it is, without printing anything.

A detector takes ``on_progress(unit, done, total, step)``: ``unit`` names what is
counted ("words", "texts", "posts", "sentences"), or is "steps" when ``done`` counts
the named parts of a stage and ``step`` names the part starting. The pipeline turns
each call into an event and the command line each event into a bar.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, unit: str, done: int, total: int, step: str = "") -> None: ...


def no_progress(unit: str, done: int, total: int, step: str = "") -> None:
    """The default: a notebook call that passes no listener reports to no one."""


def steps(on_progress: Progress, names: tuple[str, ...]):
    """A function that reports the start of each named part: ``start("topics")``."""

    def start(name: str) -> None:
        on_progress("steps", names.index(name), len(names), name)

    return start
