"""Conda ``environment.yml``: the requirements of the ``pip:`` section of ``dependencies``.

Each ``pip:`` item is read as a requirements-file line (``-r``, ``-e`` and options as pip reads them); the
items of one file form one list for the package-name policy. A rewritten item keeps its quoting and comment
(the YAML text is edited, never re-serialised); a duplicate (D3) loses its line. A conda package (not under
``pip:``) that mentions polyaxon is reported: there is no conda package of the new stack to name. When the
file installs ``polyaxon-helper``/``polyaxon-client`` and pins ``python`` older than what
``polyaxon-helper-compat`` supports (3.9), the ``python`` item is reported (rule ``old-python-image``).
The new text must load to the same data, with exactly the expected pip items.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from plx_migrate.filekinds import _yaml
from plx_migrate.filekinds._deps import (
    Item,
    lists_helper,
    mentions_polyaxon,
    old_python_reason,
    plan,
    target,
)
from plx_migrate.filekinds._result import FileError, FileResult, Recorder
from plx_migrate.filekinds._text import Edit
from plx_migrate.filekinds.requirements import parse_line

__all__ = ["KIND", "PATTERNS", "is_environment", "migrate"]

KIND = "environment_yml"
PATTERNS = ("environment*.yml", "environment*.yaml", "conda*.yml", "conda*.yaml")

_CONDA_PYTHON = re.compile(r"(?:[\w.-]+::)?python(?:\s*==?\s*|\s+)(\d+)\.(\d+)")
_V0_RULES = frozenset({"replace-v0-requirement", "merge-v0-requirement", "v0-extras", "v0-url", "v0-hashes",
                       "v0-marker", "client-without-helper"})


def is_environment(root: yaml.Node) -> bool:
    """Whether a YAML document looks like a conda environment (a ``dependencies`` list and no ``kind``)."""
    return isinstance(_yaml.get(root, "dependencies"), yaml.SequenceNode) and _yaml.get(root, "kind") is None


def _yaml_error(text: str, exc: yaml.YAMLError) -> FileResult:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    return FileResult(text=text, error=FileError(f"cannot parse: {problem}", line, column))


def migrate(text: str, stage: str, *, path: str = "environment.yml") -> FileResult:
    """Rewrite the pip requirements of one conda environment file's ``text`` (see the module docstring)."""
    target(stage)
    if not mentions_polyaxon(text):
        return FileResult(text=text)
    try:
        docs = _yaml.compose(text)
    except yaml.YAMLError as exc:
        return _yaml_error(text, exc)
    record = Recorder(text)
    helper_listed = lists_helper(text)
    expected: list[tuple[int, int, int, str | None]] = []  # (document, dependency, pip item, new value or None)
    for doc_index, root in enumerate(docs):
        dependencies = _yaml.get(root, "dependencies")
        if not isinstance(dependencies, yaml.SequenceNode):
            continue
        python: tuple[tuple[int, int], yaml.ScalarNode] | None = None
        where: list[tuple[int, int, yaml.ScalarNode, int, int]] = []
        items: list[Item] = []
        for dep_index, dependency in enumerate(dependencies.value):
            if isinstance(dependency, yaml.ScalarNode):
                pinned = _CONDA_PYTHON.match(dependency.value.strip())
                if pinned:
                    python = ((int(pinned.group(1)), int(pinned.group(2))), dependency)
                elif mentions_polyaxon(dependency.value):
                    record.report(dependency.start_mark.index, "a conda package that mentions polyaxon: the new"
                                  f" stack is on PyPI only, install {target(stage).requirement} under pip:",
                                  "unparsed-requirement")
                continue
            pip = _yaml.get(dependency, "pip")
            if not isinstance(pip, yaml.SequenceNode):
                continue
            for pip_index, node in enumerate(pip.value):
                found = parse_line(node.value) if isinstance(node, yaml.ScalarNode) else None
                if found is not None and isinstance(node, yaml.ScalarNode):
                    items.append(Item(node.value[found.start:found.end], editable=found.editable,
                                      hashed=found.hashed))
                    where.append((dep_index, pip_index, node, found.start, found.end))
        installs_v0 = False
        for action in plan(items, stage, helper_listed=helper_listed):
            dep_index, pip_index, node, start, end = where[action.index]
            installs_v0 |= action.rule in _V0_RULES
            if action.kind == "manual":
                record.report(_yaml.text_offset(text, node, start), action.reason, action.rule)
                continue
            if action.kind == "remove":
                line = record.index.line(node.start_mark.index)
                raw = text[node.start_mark.index:node.end_mark.index]
                if re.fullmatch(r"\s*-\s*" + re.escape(raw) + r"\s*(#.*)?", record.index.line_text(line)):
                    record.edit(*record.index.removal(line, line), "", action.rule)
                    expected.append((doc_index, dep_index, pip_index, None))
                else:
                    record.report(node.start_mark.index, "a duplicate of the new requirement: remove this pip item"
                                  " by hand", action.rule)
                continue
            value_edit = Edit(start, end, action.new)
            edits = _yaml.scalar_edits(text, node, [value_edit])
            if edits is None:
                record.report(node.start_mark.index, f"rewrite this pip item by hand: {action.new}", action.rule)
                continue
            for edit in edits:
                record.edit(edit.start, edit.end, edit.new, action.rule)
            expected.append((doc_index, dep_index, pip_index, _yaml.value_with(node, [value_edit])))
        if installs_v0 and python is not None:
            reason = old_python_reason(python[0], "environment", stage)
            if reason is not None:
                record.report(python[1].start_mark.index, reason, "old-python-image")
    result = record.result()
    if result.changed and not _check(text, result.text, expected):
        return FileResult(text=text, error=FileError("not rewritten, the edited YAML did not check out"))
    return result


def _check(old: str, new: str, expected: list[tuple[int, int, int, str | None]]) -> bool:
    """Whether ``new`` loads to ``old``'s data with the ``expected`` pip items replaced or removed."""
    try:
        want: list[Any] = list(yaml.safe_load_all(old))
        have: list[Any] = list(yaml.safe_load_all(new))
        for doc_index, dep_index, pip_index, value in sorted(expected, key=lambda e: (e[0], e[1], -e[2])):
            pip = want[doc_index]["dependencies"][dep_index]["pip"]
            if value is None:
                del pip[pip_index]
            else:
                pip[pip_index] = value
    except (yaml.YAMLError, LookupError, TypeError):
        return False
    return want == have
