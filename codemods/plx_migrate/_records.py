"""What the codemods record: a :class:`Change` per rewritten statement, a :class:`ManualSite` per site left as it was.

Plain data (they cross process boundaries in ``plx-migrate``'s results and are written to its JSON report), made by
the codemods' base class and the file kinds, re-exported by :mod:`plx_migrate._api`.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Change", "ManualSite"]


@dataclass(frozen=True)
class Change:
    """One rewritten statement: 1-based ``line`` in the *original* source, old and new text, codemod id."""

    line: int
    old: str
    new: str
    codemod: str


@dataclass(frozen=True)
class ManualSite:
    """A site left as it was because it cannot be converted safely (1-based line, 0-based column)."""

    line: int
    column: int
    code: str
    reason: str
    codemod: str
