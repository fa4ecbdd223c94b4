"""``pyproject.toml``: ``[project] dependencies``, ``[project.optional-dependencies]`` and ``[dependency-groups]``.

The document is edited with ``tomlkit``, which keeps formatting, comments and key order: only the string
items the package-name policy rewrites are replaced (in the same kind of TOML string, basic or literal), and
duplicates (D3) are removed from their array. Each array is one list. Every change is then checked: the new
text must parse, and every array must hold exactly the expected values. Poetry's dependency tables
(``[tool.poetry.dependencies]``, ``dev-dependencies``, ``group.*.dependencies``) name packages as keys, with
version constraints in Poetry's own syntax: a v0 package there is reported, not rewritten.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import tomlkit
from packaging.utils import canonicalize_name
from tomlkit.exceptions import ParseError, TOMLKitError
from tomlkit.items import Array, String
from tomlkit.toml_document import TOMLDocument

from plx_migrate._api import Change
from plx_migrate.filekinds._deps import V0_PACKAGES, Action, Item, lists_helper, mentions_polyaxon, plan
from plx_migrate.filekinds._deps import target as stage_target
from plx_migrate.filekinds._result import FileError, FileResult, Recorder

__all__ = ["KIND", "PATTERNS", "migrate"]

KIND = "pyproject"
PATTERNS = ("pyproject.toml",)

ArrayPath = tuple[str, ...]


@dataclass(frozen=True)
class _Edit:
    path: ArrayPath
    position: int  # index of the item in the array
    action: Action


def _arrays(doc: TOMLDocument) -> Iterator[tuple[ArrayPath, Array]]:
    project = doc.get("project")
    if isinstance(project, dict):
        if isinstance(project.get("dependencies"), Array):
            yield ("project", "dependencies"), project["dependencies"]
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for name, value in optional.items():
                if isinstance(value, Array):
                    yield ("project", "optional-dependencies", str(name)), value
    groups = doc.get("dependency-groups")
    if isinstance(groups, dict):
        for name, value in groups.items():
            if isinstance(value, Array):
                yield ("dependency-groups", str(name)), value


def _array(doc: TOMLDocument, path: ArrayPath) -> Array:
    node: object = doc
    for key in path:
        assert isinstance(node, dict)
        node = node[key]
    assert isinstance(node, Array)
    return node


def _apply(doc: TOMLDocument, edits: list[_Edit]) -> None:
    """Apply ``edits`` to ``doc`` (removals last, from the end, so positions stay valid)."""
    for edit in edits:
        if edit.action.kind == "replace":
            array = _array(doc, edit.path)
            old = array[edit.position]
            assert isinstance(old, String)
            array[edit.position] = String.from_raw(edit.action.new, type_=old.type)
    for edit in sorted((e for e in edits if e.action.kind == "remove"), key=lambda e: -e.position):
        del _array(doc, edit.path)[edit.position]


def _first_changed_line(old: str, new: str) -> int:
    for number, (a, b) in enumerate(zip(old.splitlines(), new.splitlines()), 1):
        if a != b:
            return number
    return min(len(old.splitlines()), len(new.splitlines())) + 1


def _item_line(text: str, path: ArrayPath, position: int) -> int:
    """The line of item ``position`` of the array at ``path``: found by removing it from a fresh parse."""
    doc = tomlkit.parse(text)
    del _array(doc, path)[position]
    return _first_changed_line(text, tomlkit.dumps(doc))


def _poetry_sites(text: str, doc: TOMLDocument, stage: str, record: Recorder) -> None:
    poetry = doc.get("tool", {}).get("poetry", {})
    if not isinstance(poetry, dict):
        return
    tables = [("dependencies", poetry.get("dependencies")), ("dev-dependencies", poetry.get("dev-dependencies"))]
    groups = poetry.get("group", {})
    if isinstance(groups, dict):
        tables += [(f"group.{name}.dependencies", group.get("dependencies"))
                   for name, group in groups.items() if isinstance(group, dict)]
    for table_name, table in tables:
        if not isinstance(table, dict):
            continue
        for key in table:
            if canonicalize_name(str(key)) not in V0_PACKAGES:
                continue
            header = re.search(r"^\s*\[tool\.poetry\." + re.escape(table_name) + r"\]", text, re.MULTILINE)
            found = re.compile(r"^[ \t]*[\"']?" + re.escape(str(key)) + r"[\"']?[ \t]*=", re.MULTILINE).search(
                text, header.end() if header else 0)
            record.report(found.start() if found else 0, f"Poetry dependency {key}: replace it by hand with"
                          f" {stage_target(stage).requirement} (Poetry's constraint syntax is not rewritten)",
                          "v0-poetry")


def migrate(text: str, stage: str, *, path: str = "pyproject.toml") -> FileResult:
    """Rewrite the dependency arrays of one ``pyproject.toml``'s ``text`` for ``stage`` (see the module docstring)."""
    stage_target(stage)
    if not mentions_polyaxon(text):
        return FileResult(text=text)
    try:
        doc = tomlkit.parse(text)
    except ParseError as exc:
        return FileResult(text=text, error=FileError(f"cannot parse: {exc}", exc.line, exc.col + 1))
    except TOMLKitError as exc:
        return FileResult(text=text, error=FileError(f"cannot parse: {exc}"))
    record = Recorder(text)
    helper_listed = lists_helper(text)
    edits: list[_Edit] = []
    expected: dict[ArrayPath, list[object]] = {}
    for path_keys, array in _arrays(doc):
        positions = [k for k, item in enumerate(array) if isinstance(item, String)]
        items = [Item(str(array[k])) for k in positions]
        values: list[object] = [str(item) if isinstance(item, String) else item for item in array]
        removed: set[int] = set()
        for action in plan(items, stage, helper_listed=helper_listed):
            position = positions[action.index]
            line = _item_line(text, path_keys, position)
            if action.kind == "manual":
                record.report(record.index.line_start(line), action.reason, action.rule)
                continue
            edits.append(_Edit(path_keys, position, action))
            if action.kind == "replace":
                values[position] = action.new
            else:
                removed.add(position)
        expected[path_keys] = [value for k, value in enumerate(values) if k not in removed]
    _poetry_sites(text, doc, stage, record)
    if not edits:
        return record.result()
    try:
        _apply(doc, edits)
        new_text = tomlkit.dumps(doc)
        check = tomlkit.parse(new_text)
        ok = all([str(v) if isinstance(v, String) else v for v in _array(check, p)] == want
                 for p, want in expected.items())
    except (TOMLKitError, AssertionError, KeyError):
        ok = False
    if not ok:
        return FileResult(text=text, error=FileError("not rewritten, the edited document did not check out"))
    by_line: dict[int, list[_Edit]] = {}
    for edit in edits:
        by_line.setdefault(_item_line(text, edit.path, edit.position), []).append(edit)
    changes = []
    old_lines = text.splitlines()
    for line, group in sorted(by_line.items()):
        single = tomlkit.parse(text)
        _apply(single, group)
        new_lines = tomlkit.dumps(single).splitlines()
        new_line = new_lines[line - 1] if len(new_lines) == len(old_lines) else ""
        changes.append(Change(line, old_lines[line - 1].strip(), new_line.strip(), group[0].action.rule))
    return FileResult(new_text, True, changes, record.result().manual)
