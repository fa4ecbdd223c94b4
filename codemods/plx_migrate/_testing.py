"""Assertions for codemod tests, after django-upgrade's ``tests/fixers/tools.py`` and LibCST's ``CodemodTest``.

Bind a stage once per test module::

    check_transformed = functools.partial(_testing.check_transformed, stage="compat")
    check_noop = functools.partial(_testing.check_noop, stage="compat")

Sources are dedented (``textwrap.dedent``) so tests can indent them. Failures raise ``AssertionError`` with a
unified diff; both helpers return the :class:`~plx_migrate._api.StageResult` for further checks (manual sites).

Both also check module slicing (:mod:`plx_migrate._slice`) on every case: the source with unrelated functions put
after each of its top-level statements (so a slice is worth making) must give the same result, sliced or not.
"""
from __future__ import annotations

import ast
import difflib
import textwrap

from plx_migrate._api import StageResult, run_stage
from plx_migrate._outcome import stray_line
from plx_migrate._slice import groups_of

__all__ = ["check_noop", "check_same_sliced", "check_transformed", "padded"]

#: Code no codemod cares about, put between a test case's statements by :func:`padded`.
FILLER = """\


def _unrelated_{n}(values, scale=2):
    \"\"\"Unrelated code.\"\"\"
    total = 0
    for value in values:
        total += value * scale
    return total


"""


def padded(source: str) -> str | None:
    """``source`` with :data:`FILLER` after each top-level statement (``None`` if Python cannot parse it)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    line = 0
    for n, (_, last) in enumerate(groups_of(tree)):
        out += lines[line:last]
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n"
        out.append(FILLER.format(n=n))
        line = last
    out += lines[line:]
    return "".join(out)


def check_same_sliced(source: str, *, stage: str, path: str = "example.py") -> None:
    """Assert that ``stage`` gives the same :class:`StageResult` on ``source`` with and without slicing.

    One difference is allowed: where libcst cannot print the whole module back exactly (it drops blank lines
    before an indented comment at the end of a file, say), the whole-module result alters lines no codemod
    rewrote (``plx-migrate`` refuses to write it), while the slice, whose left-out code libcst never prints,
    keeps them. Then the edits and reports must still be the same, and the sliced text must alter nothing else.
    """
    sliced = run_stage(source, stage, path=path)
    whole = run_stage(source, stage, path=path, _slice=False)
    if (sliced != whole and (sliced.changes, sliced.manual, sliced.error) == (whole.changes, whole.manual, whole.error)
            and stray_line(source, whole.code, whole.changes) is not None
            and stray_line(source, sliced.code, sliced.changes) is None):
        return
    if sliced != whole:
        raise AssertionError(f"slicing changed the result:\n{_diff(whole.code, sliced.code)}\n"
                             f"sliced: {sliced.changes} {sliced.manual} {sliced.error}\n"
                             f"whole: {whole.changes} {whole.manual} {whole.error}")


def _check_padded(source: str, stage: str, path: str) -> None:
    more = padded(source)
    if more is not None:
        check_same_sliced(more, stage=stage, path=path)


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
    _check_padded(before, stage, path)
    return result


def check_noop(source: str, *, stage: str, path: str = "example.py") -> StageResult:
    """Assert that ``stage`` leaves ``source`` alone: no change recorded and the very same text returned."""
    source = textwrap.dedent(source)
    result = run_stage(source, stage, path=path)
    if result.changed or result.changes or result.code is not source:
        raise AssertionError("expected no change:\n" + _diff(source, result.code))
    _check_padded(source, stage, path)
    return result
