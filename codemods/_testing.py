"""Assertions for codemod tests, after django-upgrade's ``tests/fixers/tools.py`` and LibCST's ``CodemodTest``.

Bind a stage once per test module::

    check_transformed = functools.partial(_testing.check_transformed, stage="compat")
    check_noop = functools.partial(_testing.check_noop, stage="compat")

Sources are dedented (``textwrap.dedent``) so tests can indent them. Failures raise ``AssertionError`` with a
unified diff; both helpers return the :class:`~codemods._api.StageResult` for further checks (manual sites).
"""
from __future__ import annotations

import difflib
import textwrap

from codemods._api import StageResult, run_stage

__all__ = ["check_noop", "check_transformed"]


def _diff(expected: str, actual: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True), actual.splitlines(keepends=True), "expected", "actual"
    )
    return "".join(lines)


def check_transformed(before: str, after: str, *, stage: str, path: str = "example.py") -> StageResult:
    """Assert that ``stage`` rewrites ``before`` into exactly ``after``, and that ``after`` is final.

    Checks: no parse error; ``changed`` is true; the output equals ``after``; ``after`` compiles; running the stage
    again on ``after`` reports no change and returns it unchanged. Returns the first run's result.
    """
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    result = run_stage(before, stage, path=path)
    if result.error is not None:
        raise AssertionError(f"could not parse the input: {result.error}")
    if not result.changed or not result.changes:
        raise AssertionError("expected a rewrite, but the stage recorded no change")
    if result.code != after:
        raise AssertionError("unexpected output:\n" + _diff(after, result.code))
    compile(after, path, "exec")
    again = run_stage(after, stage, path=path)
    if again.changed or again.code != after:
        raise AssertionError("not idempotent, the second run changed:\n" + _diff(after, again.code))
    return result


def check_noop(source: str, *, stage: str, path: str = "example.py") -> StageResult:
    """Assert that ``stage`` leaves ``source`` alone: no change recorded and the very same text returned."""
    source = textwrap.dedent(source)
    result = run_stage(source, stage, path=path)
    if result.changed or result.changes or result.code is not source:
        raise AssertionError("expected no change:\n" + _diff(source, result.code))
    return result
