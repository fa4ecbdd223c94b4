"""libcst codemods migrating Polyaxon v0 ``polyaxon_helper`` code, one codemod per module.

The module name is the codemod id (``helper_to_compat`` -> ``helper-to-compat``); :func:`get_registry` derives the
registry from the package, so adding a module adds a codemod. Each module holds one command class, also usable as
``python -m libcst.tool codemod helper_to_compat.HelperToCompatCommand PATH`` (with ``codemods`` in the ``modules``
of ``.libcst.codemod.yaml``). :func:`run_stage` is the entry point of ``plx-migrate``.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import lru_cache
from typing import TYPE_CHECKING

from codemods._api import STAGES, Change, ManualSite, StageResult, run_stage

if TYPE_CHECKING:
    from libcst.codemod import Codemod

__all__ = ["STAGES", "Change", "ManualSite", "StageResult", "get_registry", "run_stage"]


@lru_cache(maxsize=None)
def _registry() -> tuple[tuple[str, type[Codemod]], ...]:
    from libcst.codemod import Codemod  # imported lazily: `import codemods._api` stays cheap for the CLI

    entries = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        commands = [
            obj for obj in vars(module).values()
            if inspect.isclass(obj) and issubclass(obj, Codemod) and not inspect.isabstract(obj)
            and obj.__module__ == module.__name__
        ]
        if len(commands) != 1:
            raise RuntimeError(f"codemod module {module.__name__} must define exactly one command, not {commands}")
        entries.append((info.name.replace("_", "-"), commands[0]))
    return tuple(entries)


def get_registry() -> dict[str, type[Codemod]]:
    """Map each codemod id (``"helper-to-compat"``) to its command class, from the package's public modules.

    Returns a new dict each time (the scan itself is cached). Raises ``RuntimeError`` if a codemod module does
    not define exactly one concrete command class.
    """
    return dict(_registry())
