"""Assertions for file-kind tests, after the codemods' ``check_transformed``/``check_noop``.

Bind a kind and a stage once per test module::

    check_transformed = functools.partial(tools.check_transformed, requirements.migrate, stage="compat")

Texts are dedented (``textwrap.dedent``) unless ``dedent=False``. ``check_transformed`` also runs the kind again
on its output, which must change nothing (idempotence); ``check_noop`` asserts the very same text comes back.
"""
from __future__ import annotations

import difflib
import importlib
import textwrap
from typing import Any, Callable

from plx_migrate.filekinds import FileResult

Migrate = Callable[..., FileResult]

#: nbformat (a test dependency) ships no type hints: used through ``Any`` so that mypy stays strict elsewhere.
nbformat: Any = importlib.import_module("nbformat")
v4: Any = importlib.import_module("nbformat.v4")


def _diff(expected: str, actual: str) -> str:
    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "expected", "actual"))


def check_transformed(migrate: Migrate, before: str, after: str, *, stage: str, path: str = "file",
                      dedent: bool = True) -> FileResult:
    """Assert that ``migrate`` turns ``before`` into exactly ``after`` and that ``after`` is left as it is."""
    if dedent:
        before, after = textwrap.dedent(before), textwrap.dedent(after)
    result = migrate(before, stage, path=path)
    assert result.error is None, result.error
    assert result.text == after, _diff(after, result.text)
    assert result.changed and result.changes
    again = migrate(after, stage, path=path)
    assert again.error is None and not again.changed and again.text == after, _diff(after, again.text)
    return result


def check_noop(migrate: Migrate, source: str, *, stage: str, path: str = "file", dedent: bool = True) -> FileResult:
    """Assert that ``migrate`` leaves ``source`` as it is (the same text, no change recorded, no error)."""
    if dedent:
        source = textwrap.dedent(source)
    result = migrate(source, stage, path=path)
    assert result.error is None, result.error
    assert not result.changed and not result.changes
    assert result.text == source, _diff(source, result.text)
    return result


def rules(result: FileResult) -> list[str]:
    """The rule ids of the manual sites of ``result``, in order."""
    return [site.codemod for site in result.manual]
