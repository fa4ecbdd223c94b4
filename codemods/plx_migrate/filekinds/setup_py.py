"""``setup.py``: requirement string literals edited in place (D8), then the stage's codemods as for any module.

The requirement lists are the literals given to ``install_requires``/``tests_require`` (lists, tuples, ``+``
concatenations) and the values of an ``extras_require`` dict, in any call, directly or through a module-level
name (``install_requires=REQUIREMENTS``). Each list goes through the package-name policy; a rewritten string
keeps its prefix and quotes (``'...'`` stays single-quoted) and everything around it, trailing commas included.
A literal that holds escapes or implicit concatenation is reported instead. A duplicate removed by D3 takes
its whole line when it stands alone on one, else only itself and one comma.

Then the file, being Python, gets the stage's codemods (``plx_migrate.run_stage``) like every ``.py`` file, and
the result must compile. The codemods run first, so their line numbers are the file's; the requirement edits
never move lines except when a duplicate line is removed.
"""
from __future__ import annotations

import ast
import re
import warnings

from plx_migrate._api import STAGES, run_stage
from plx_migrate._outcome import stray_line
from plx_migrate.filekinds._deps import Item, lists_helper, mentions_polyaxon, plan, target
from plx_migrate.filekinds._result import FileError, FileResult, Recorder
from plx_migrate.filekinds._text import LineIndex

__all__ = ["KIND", "PATTERNS", "migrate", "requirement_lists"]

KIND = "setup_py"
PATTERNS = ("setup.py",)

_LIST_KEYWORDS = frozenset({"install_requires", "tests_require"})
_LITERAL = re.compile(r"([rRuU]?)('''|\"\"\"|'|\")(.*)\2", re.DOTALL)


def requirement_lists(tree: ast.Module) -> list[list[ast.expr]]:
    """The requirement lists of a ``setup.py`` (each the elements of one list/tuple literal), in source order."""
    names: dict[str, ast.expr] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target_node = statement.targets[0]
            if isinstance(target_node, ast.Name):
                names[target_node.id] = statement.value
    result: list[list[ast.expr]] = []
    seen: set[int] = set()

    def add_list(node: ast.expr, depth: int = 0) -> None:
        if isinstance(node, ast.Name) and depth < 3 and node.id in names:
            add_list(names[node.id], depth + 1)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            add_list(node.left, depth)
            add_list(node.right, depth)
        elif isinstance(node, (ast.List, ast.Tuple)) and id(node) not in seen:
            seen.add(id(node))
            result.append(list(node.elts))

    def add_dict(node: ast.expr, depth: int = 0) -> None:
        if isinstance(node, ast.Name) and depth < 3 and node.id in names:
            add_dict(names[node.id], depth + 1)
        elif isinstance(node, ast.Dict):
            for value in node.values:
                add_list(value)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in _LIST_KEYWORDS:
                    add_list(keyword.value)
                elif keyword.arg == "extras_require":
                    add_dict(keyword.value)
    return sorted(result, key=lambda elements: (elements[0].lineno, elements[0].col_offset) if elements else (0, 0))


def _offset(index: LineIndex, line: int, byte_column: int) -> int:
    """The text offset of an ``ast`` position (1-based line, UTF-8 byte column)."""
    text = index.line_text(line)
    return index.line_start(line) + len(text.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore"))


def _span(index: LineIndex, node: ast.expr) -> tuple[int, int]:
    assert node.end_lineno is not None and node.end_col_offset is not None
    return _offset(index, node.lineno, node.col_offset), _offset(index, node.end_lineno, node.end_col_offset)


def _requirements(text: str, tree: ast.Module, stage: str, record: Recorder) -> None:
    index = record.index
    helper_listed = lists_helper(text)
    for elements in requirement_lists(tree):
        strings = [e for e in elements if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        items = [Item(str(e.value)) for e in strings if isinstance(e, ast.Constant)]
        for action in plan(items, stage, helper_listed=helper_listed):
            node = strings[action.index]
            start, end = _span(index, node)
            raw = text[start:end]
            if action.kind == "manual":
                record.report(start, action.reason, action.rule)
            elif action.kind == "replace":
                match = _LITERAL.fullmatch(raw)
                new = f"{match.group(1)}{match.group(2)}{action.new}{match.group(2)}" if match else None
                if match is None or match.group(3) != getattr(node, "value", None) or action.new.find(
                        match.group(2)) >= 0 or ast.literal_eval(new or "''") != action.new:
                    record.report(start, f"replace this string by hand with {action.new!r} (it holds escapes or"
                                  " concatenation)", "unparsed-requirement")
                else:
                    record.edit(start, end, new or "", action.rule)
            else:
                record.edit(*_removal(text, index, elements, node, start, end), "", action.rule)


def _removal(text: str, index: LineIndex, elements: list[ast.expr], node: ast.expr, start: int, end: int
             ) -> tuple[int, int]:
    """The span that removes ``node`` (at ``start:end``) from its list: its own line, or itself and one comma."""
    line = index.line(start)
    alone = re.fullmatch(r"\s*" + re.escape(text[start:end]) + r"\s*,?\s*(#.*)?", index.line_text(line))
    if alone and index.line(end) == line:
        return index.removal(line, line)
    position = elements.index(node)
    if position + 1 < len(elements):
        return start, _span(index, elements[position + 1])[0]
    return _span(index, elements[position - 1])[1], end


def migrate(text: str, stage: str, *, path: str = "setup.py") -> FileResult:
    """Rewrite one ``setup.py``'s requirements and run the stage's codemods on it (see the module docstring)."""
    target(stage)
    result = FileResult(text=text)
    if stage in STAGES:
        staged = run_stage(text, stage, path=path)
        if staged.error is not None:
            line, _, rest = staged.error.partition(":")
            column, _, reason = rest.partition(":")
            if line.isdigit() and column.strip().isdigit():
                return FileResult(text=text, error=FileError(f"cannot parse: {reason.strip()}", int(line), int(column)))
            return FileResult(text=text, error=FileError(f"cannot parse: {staged.error}"))
        result = FileResult(staged.code, staged.changed, list(staged.changes), list(staged.manual))
        if staged.changed:
            stray = stray_line(text, staged.code, staged.changes)  # the guard for Python files
            if stray is not None:
                return FileResult(text=text, manual=list(staged.manual), error=FileError(
                    "not rewritten, libcst would also change this line, which no codemod rewrote (it cannot reproduce"
                    " it exactly, e.g. `except X :`; reformat the line and run again)", stray))
    if mentions_polyaxon(result.text):
        try:
            tree = ast.parse(result.text, path)
        except SyntaxError as exc:
            return FileResult(text=text, error=FileError(f"cannot parse: {exc.msg}", exc.lineno, exc.offset))
        record = Recorder(result.text)
        _requirements(result.text, tree, stage, record)
        edited = record.result()
        result = FileResult(edited.text, result.changed or edited.changed, [*result.changes, *edited.changes],
                            [*result.manual, *edited.manual])
    if result.changed:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # SyntaxWarning and friends are the user's business
                compile(result.text, path, "exec", dont_inherit=True)
        except SyntaxError as exc:
            return FileResult(text=text, error=FileError(
                f"not rewritten, the new code does not compile: {exc.msg}", exc.lineno, exc.offset))
    return result
