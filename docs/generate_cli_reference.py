"""Write docs/cli.md from the commands' own --help, so the reference cannot drift.

Run: python docs/generate_cli_reference.py
"""

from __future__ import annotations

import os
from pathlib import Path

from typer.main import get_command
from typer.testing import CliRunner

from infoops.cli import app


def _help(runner: CliRunner, args: list[str]) -> str:
    output = runner.invoke(app, [*args, "--help"], prog_name="infoops").output
    return "\n".join(line.rstrip() for line in output.strip("\n").splitlines())


def reference() -> str:
    os.environ["COLUMNS"] = "100"
    os.environ["TERM"] = "dumb"
    runner = CliRunner()
    group = get_command(app)
    parts = [
        "# Command line reference",
        "",
        "Generated from `--help` by `docs/generate_cli_reference.py`.",
        "",
    ]
    parts += ["## infoops", "", "```", _help(runner, []), "```", ""]
    for path in command_paths(group):
        text = _help(runner, path)
        parts += [f"## infoops {' '.join(path)}", "", "```", text, "```", ""]
    return "\n".join(parts)


def command_paths(group, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    """Every command and sub-command, as the words after ``infoops``."""
    paths = []
    for name in group.list_commands(None):  # type: ignore[arg-type]
        command = group.get_command(None, name)  # type: ignore[arg-type]
        paths.append([*prefix, name])
        if hasattr(command, "list_commands"):
            paths += command_paths(command, (*prefix, name))
    return paths


if __name__ == "__main__":
    target = Path(__file__).with_name("cli.md")
    target.write_text(reference())
    print(f"wrote {target}")
