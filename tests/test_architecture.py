"""The layout is the architecture: each layer imports only from the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

import infoops

PACKAGE = Path(infoops.__file__).parent
# Bottom to top; a module may import from its own layer and the ones before it.
LAYERS = [
    {"errors", "_lazy", "__init__"},
    {"workspace"},
    {"ingest"},
    {"text"},
    {"detectors"},
    {"campaigns"},
    {"report"},
    {"pipeline"},
    {"dashboard", "cli", "__main__"},
]
ASIDE = {"simulate"}  # writes input files; imports nothing of the layers
# Documented conveniences that call upward at run time, inside a function.
ALLOWED = {("workspace", "ingest")}


def _layer(top: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if top in names)


def _imports(path: Path) -> list[str]:
    """Top-level infoops packages imported by a module (absolute or relative)."""
    module = path.relative_to(PACKAGE).with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                parts = (node.module or "").split(".")
                if parts[0] == "infoops" and len(parts) > 1:
                    found.append(parts[1])
            else:
                base = list(module[: len(module) - node.level])
                target = base + (node.module.split(".") if node.module else [])
                if target:
                    found.append(target[0])
                else:  # "from .. import x" at the package root
                    found += [alias.name for alias in node.names]
    return found


def test_no_layer_imports_from_a_layer_above_it():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        top = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        for imported in _imports(path):
            if imported in ("__version__", top) or (top, imported) in ALLOWED:
                continue
            if imported in ASIDE:  # only the command line runs the simulator
                assert top in ASIDE | LAYERS[-1], f"{path} imports {imported}"
                continue
            if top in ASIDE:
                assert imported in LAYERS[0], f"{path} imports {imported}"
                continue
            if _layer(imported) > _layer(top):
                upward.append(f"{path.relative_to(PACKAGE)} imports {imported}")
    assert upward == []
