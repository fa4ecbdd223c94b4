"""The contract between the codemods and their callers (``plx-migrate``, tests, benchmarks).

``run_stage(source, stage, path=...)`` runs every codemod of a migration stage on one module's source
text and returns a :class:`StageResult`. It never raises for user input: a parse error is returned as
``StageResult.error``. Callers decide whether to write; this module never touches the file system.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["STAGES", "Change", "ManualSite", "StageResult", "run_stage"]

#: Stage name (``plx-migrate --to``) -> codemod ids applied in order.
STAGES: dict[str, tuple[str, ...]] = {
    "compat": ("helper-to-compat",),
    "experiment": ("helper-to-experiment",),
}


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


@dataclass
class StageResult:
    """Outcome of one stage on one source text.

    ``code`` is the new source (equal to the input when ``changed`` is false); ``changed`` comes from the
    transformers' own record of their edits, not from comparing texts; ``error`` is ``"<line>: <reason>"``
    when the source could not be parsed (then ``code`` is the input, unchanged).
    """

    code: str
    changed: bool = False
    changes: list[Change] = field(default_factory=list)
    manual: list[ManualSite] = field(default_factory=list)
    error: str | None = None


def run_stage(source: str, stage: str, *, path: str = "<string>") -> StageResult:
    """Run the codemods of ``stage`` (a key of :data:`STAGES`) over ``source`` (a whole module, str).

    Raises ``KeyError`` for an unknown stage. Parse errors are reported in the result, never raised.
    """
    raise NotImplementedError  # implemented by the codemods package
