"""The codemod registry, derived from the package :mod:`plx_migrate.commands`: one public module, one codemod.

It lives in a private module (re-exported by ``plx_migrate/__init__.py``) so that ``run_stage`` can reach it by a
submodule import. The command modules are found by listing the folder, without importing them.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from libcst.codemod import Codemod

__all__ = ["codemod_modules", "get_registry"]

PACKAGE = "plx_migrate.commands"
FOLDER = Path(__file__).parent / "commands"


def codemod_modules() -> list[str]:
    """The dotted names of the codemod modules (the package's public modules, sorted), found without importing
    them (nor libcst): what ``plx-migrate``'s fork server preloads."""
    return [f"{PACKAGE}.{info.name}" for info in sorted(pkgutil.iter_modules([str(FOLDER)]),
                                                          key=lambda info: info.name)
            if not info.name.startswith("_")]


@lru_cache(maxsize=None)
def _registry() -> tuple[tuple[str, type[Codemod]], ...]:
    from libcst.codemod import Codemod  # imported lazily: `import plx_migrate._api` stays cheap for the CLI

    entries = []
    for name in codemod_modules():
        module = importlib.import_module(name)
        commands = [
            obj for obj in vars(module).values()
            # not inspect.isclass: on Python 3.9/3.10 it is true for aliases such as ``list[str]``
            if isinstance(obj, type) and not isinstance(obj, types.GenericAlias)
            and issubclass(obj, Codemod) and not inspect.isabstract(obj)
            and obj.__module__ == module.__name__
        ]
        if len(commands) != 1:
            raise RuntimeError(f"codemod module {module.__name__} must define exactly one command, not {commands}")
        entries.append((name.rsplit(".", 1)[-1].replace("_", "-"), commands[0]))
    return tuple(entries)


def get_registry() -> dict[str, type[Codemod]]:
    """Map each codemod id (``"helper-to-compat"``) to its command class, from the package's public modules.

    The id is the module name with ``_`` replaced by ``-``. Returns a new dict each time (the scan itself is
    cached). Raises ``RuntimeError`` if a codemod module does not define exactly one concrete command class.
    """
    return dict(_registry())
