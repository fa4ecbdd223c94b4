"""The file-kind registry, derived from the package: one public module, one kind.

A kind module declares ``KIND`` (its id), ``PATTERNS`` (globs on the file name, matched case-sensitively as the
CLI does) and ``migrate(text, stage, *, path) -> FileResult``. Patterns are tried specific first: a glob that
is only ``*.<extension>`` comes after every other, so ``setup.py`` wins over the CLI's ``*.py`` and
``environment.yml`` over ``*.yml``.
"""
from __future__ import annotations

import fnmatch
import importlib
import os
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from plx_migrate.filekinds._result import FileResult

__all__ = ["FileKind", "get_kinds", "kind_for", "migrate_text", "patterns"]

PACKAGE = "plx_migrate.filekinds"
_GENERIC = re.compile(r"\*\.[^*?\[\]]+")


@dataclass(frozen=True)
class FileKind:
    """One kind of file: its id, the globs on file names it handles, and its ``migrate`` function."""

    id: str
    patterns: tuple[str, ...]
    migrate: Callable[..., FileResult]


@lru_cache(maxsize=None)
def get_kinds() -> tuple[FileKind, ...]:
    """Every kind, from the package's public modules, in module-name order.

    Raises ``RuntimeError`` when a public module lacks ``KIND``, ``PATTERNS`` or ``migrate``.
    """
    kinds = []
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda info: info.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{PACKAGE}.{info.name}")
        kind, globs, migrate = (getattr(module, name, None) for name in ("KIND", "PATTERNS", "migrate"))
        if not isinstance(kind, str) or not isinstance(globs, tuple) or not callable(migrate):
            raise RuntimeError(f"file kind module {module.__name__} must define KIND, PATTERNS and migrate")
        kinds.append(FileKind(kind, globs, migrate))
    return tuple(kinds)


@lru_cache(maxsize=None)
def patterns() -> tuple[tuple[str, FileKind], ...]:
    """``(glob, kind)`` pairs in the order they are tried (specific globs first, then ``*.<extension>`` ones)."""
    pairs = [(pattern, kind) for kind in get_kinds() for pattern in kind.patterns]
    return tuple(sorted(pairs, key=lambda pair: _GENERIC.fullmatch(pair[0]) is not None))


def kind_for(path: str) -> FileKind | None:
    """The kind handling the file name of ``path``, or ``None``."""
    name = os.path.basename(path)
    return next((kind for pattern, kind in patterns() if fnmatch.fnmatchcase(name, pattern)), None)


def migrate_text(text: str, stage: str, *, path: str) -> FileResult | None:
    """Migrate ``text`` as the kind of file ``path`` names; ``None`` when no kind handles that name."""
    kind = kind_for(path)
    return None if kind is None else kind.migrate(text, stage, path=path)
