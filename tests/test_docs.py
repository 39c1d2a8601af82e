"""Every command and format is documented, and the CLI reference is current."""

from __future__ import annotations

from pathlib import Path

from typer.main import get_command

from infoops.cli import app
from infoops.ingest import FORMATS

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _commands(group=None, prefix=()):
    """(words after infoops, command) for every command and sub-command."""
    group = group or get_command(app)
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        yield " ".join((*prefix, name)), command
        if hasattr(command, "list_commands"):
            yield from _commands(command, (*prefix, name))


def test_cli_reference_covers_every_command_and_option():
    reference = (DOCS / "cli.md").read_text()
    for name, command in _commands():
        assert f"## infoops {name}" in reference, "run python docs/generate_cli_reference.py"
        for param in (p for p in command.params if not getattr(p, "hidden", False)):
            for flag in param.opts:
                if flag.startswith("--"):
                    assert flag in reference, f"{flag} of {name} missing: regenerate docs/cli.md"


def test_every_command_has_help_with_an_example():
    for name, command in _commands():
        assert command.help and len(command.help) > 40, name
        if name != "formats":
            assert "Example:" in command.help, f"'infoops {name}' help has no Example block"


def test_every_format_is_documented():
    ingest_doc = (DOCS / "ingest.md").read_text()
    readme = (DOCS.parent / "README.md").read_text()
    for fmt in FORMATS:
        assert f"`{fmt.name}`" in ingest_doc, f"format {fmt.name} missing from docs/ingest.md"
        assert f"`{fmt.name}`" in readme, f"format {fmt.name} missing from README.md"


def test_readme_starts_with_setup_and_test_commands():
    lines = [line.strip() for line in (DOCS.parent / "README.md").read_text().splitlines()]
    commands = [line for line in lines if line.startswith(("python3 -m venv", "pytest"))]
    assert commands[0].startswith("python3 -m venv") and "infoops" in commands[0]
    assert commands[1] == "pytest -q"
