"""Package namespaces that import a name's module only when the name is first used, so
that ``import infoops`` and ``infoops --help`` stay fast while numba, scipy, pandas and
the encoders load only in the commands that need them (the pattern of SPEC 1)."""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing itself is not imported: it is most of 'import infoops'
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def attach(package: str, exports: dict[str, list[str]]) -> tuple[Callable, Callable, list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` for ``package``, whose public names are
    ``exports``: relative module name -> names it defines."""
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name], package), name)
        importlib.import_module(package).__dict__[name] = value  # found directly next time
        return value

    def __dir__() -> list[str]:
        return sorted(where)

    return __getattr__, __dir__, sorted(where)
