"""Jupyter notebooks: code cells migrated with the stage's codemods, the JSON edited only where a cell changed.

**One module, not one module per cell.** Cells share one namespace: a name imported in cell 2 is used in cell
5, and the codemod's single module-level ``experiment = Experiment()`` must exist once, not once per cell. So
the code cells are joined, in order, into one module (each preceded by a marker statement ``__plx_cell_<n>__``),
the stage runs once on it (``plx_migrate.run_stage``), and the result is split back at the markers. Text the
codemods put before the first marker belongs to the first code cell. A marker missing or out of order leaves
the notebook untouched and reported, never half-written.

**IPython syntax.** A line at the start of a statement (not inside brackets, a string or a continuation) that
starts with ``!``, ``%``, ``?`` (or ``,``/``;``/``/`` autocall), ends with ``?`` (help), or assigns from ``!``/``%``
(``files = !ls``), is masked, with the lines it continues onto, as ``__plx_ipython_<n>__`` at its indentation,
and put back byte for byte afterwards. ``!pip install``/``%pip install`` lines, and the body of ``%%bash``,
``%%sh`` and ``%%script bash|sh`` cells, get the package-name policy as any shell command (``_shell``). Any other
``%%`` cell magic leaves its cell out of the module, and so does a cell that is still not Python once masked
(``compile`` refuses it); such a cell is reported when it mentions polyaxon or a name of the legacy API
(``send_metrics``, ``get_outputs_path``, ``Experiment``, ...).

**Byte-stable.** A notebook that never mentions polyaxon is returned as it is without being parsed (the same
pre-filter as for Python files). Otherwise the document is parsed (``json``) to validate it (nbformat 4 only; an
invalid one is an error, left untouched), then only the ``source``
values of changed cells are replaced in the JSON text, written in the same style (a list of lines or one
string, the same indentation and separators, ``\\uXXXX`` escapes when the file uses them); ids, outputs,
execution counts, metadata, key order and everything else are the original bytes, and a notebook with no change
is returned unchanged. The new text must load to the old document with exactly the new sources.

Positions of changes and manual sites are lines and columns of the ``.ipynb`` file (where that source line is
in the JSON), so an editor opens the right place; each record also carries its 1-based ``cell`` number (all
cells counted, markdown too), and manual reasons start with ``[cell N]``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from plx_migrate._api import STAGES, Change, ManualSite, run_stage
from plx_migrate._outcome import stray_line
from plx_migrate.filekinds._deps import lists_helper, mentions_polyaxon, target
from plx_migrate.filekinds._ipynb_json import Source, escapes_unicode, render_source, source_spans
from plx_migrate.filekinds._ipython import TOKEN_LINE, Masked, compiles, mask
from plx_migrate.filekinds._result import CellDiff, FileError, FileResult
from plx_migrate.filekinds._shell import ShellPlan, plan_shell
from plx_migrate.filekinds._text import Edit, LineIndex, apply_edits, split_lines

__all__ = ["KIND", "PATTERNS", "CellChange", "CellSite", "migrate"]

KIND = "notebook"
PATTERNS = ("*.ipynb",)

_MARKER = "__plx_cell_{}__"
_MARKER_LINE = re.compile(r"__plx_cell_(\d+)__\n")
_SHELL_CELL = re.compile(r"%%(?:bash|sh|script[ \t]+(?:ba)?sh)\b")
#: What makes a cell left out of the codemods worth reporting: polyaxon, or a name of the legacy API.
_LEGACY_WORD = re.compile(
    r"polyaxon|\b(?:send_metrics|get_(?:cluster_def|declarations|experiment_info|task_info|job_info|outputs_path"
    r"|outputs_refs_paths|data_paths?|log_level|tf_config|params)|Experiment)\b", re.IGNORECASE)


@dataclass(frozen=True)
class CellChange(Change):
    """A :class:`~plx_migrate._api.Change` in a notebook: ``line`` is the ``.ipynb`` line, ``cell`` 1-based."""

    cell: int = 0


@dataclass(frozen=True)
class CellSite(ManualSite):
    """A :class:`~plx_migrate._api.ManualSite` in a notebook: ``line``/``column`` in the ``.ipynb``, ``cell`` 1-based."""

    cell: int = 0


# ------------------------------------------------------------------------------------------- the cells


@dataclass
class _Cell:
    """One code cell on its way through: its number, source, masked form, and what happened to it."""

    index: int
    source: str
    masked: Masked
    python: bool
    new: str = ""
    changes: list[tuple[int, str, str, str]] = field(default_factory=list)  # (cell line, old, new, rule)
    manual: list[tuple[int, int, str, str, str]] = field(default_factory=list)  # (line, column, code, reason, rule)


def _shell_units(cell: _Cell, stage: str, helper_listed: bool) -> dict[int, str]:
    """Rewrite the ``!``/``%pip`` lines (and shell cell magic bodies) of ``cell``: token -> new unit text.

    Records the changes and manual sites on the cell (cell-relative lines).
    """
    lines = split_lines(cell.source)
    result: dict[int, str] = {}

    def rewrite(first: int, last: int, skip: int) -> str | None:
        unit = "".join(lines[first:last + 1])
        plan: ShellPlan = plan_shell(unit[skip:], stage, helper_listed=helper_listed)
        index = LineIndex(unit)
        for offset, reason, rule in plan.notes:
            line, column = index.position(skip + offset)
            cell.manual.append((first + line, column, index.line_text(line).strip(), reason, rule))
        if not plan.edits:
            return None
        new = apply_edits(unit, [Edit(skip + s, skip + e, n) for s, e, n, _ in plan.edits])
        cell.changes.append((first + 1, unit.strip(), new.strip(), plan.edits[0][3]))
        return new

    if cell.masked.cell_magic is not None:
        if _SHELL_CELL.match(cell.masked.cell_magic):
            start = next(k for k, line in enumerate(lines) if line.strip()) + 1
            if start < len(lines):
                new = rewrite(start, len(lines) - 1, 0)
                if new is not None:
                    result[-1] = "".join(lines[:start]) + new
        return result
    for token, (first, last) in cell.masked.units.items():
        stripped = lines[first].lstrip(" \t")
        skip = len(lines[first]) - len(stripped) + (2 if stripped.startswith("!!") else 1)
        if stripped.startswith("!") or re.match(r"%pip\b", stripped):
            new = rewrite(first, last, skip)
            if new is not None:
                result[token] = new
    return result


def _restore(code: str, units: dict[int, str], originals: dict[int, str]) -> str | None:
    """Put the IPython lines back in place of their tokens (each token's first line gets the whole unit)."""
    out: list[str] = []
    seen: set[int] = set()
    for line in split_lines(code):
        match = TOKEN_LINE.match(line.rstrip("\r\n"))
        if match is None:
            out.append(line)
            continue
        token = int(match.group(2))
        if token not in originals:
            return None
        if token not in seen:
            seen.add(token)
            unit = units.get(token, originals[token])
            ending = line[len(line.rstrip("\r\n")):]
            out.append(unit if unit.endswith(("\n", "\r")) or not ending else unit + ending)
    if seen != set(originals):
        return None
    return "".join(out)


def _run_codemods(cells: list[_Cell], stage: str, path: str) -> tuple[dict[int, str], list[Change],
                                                                      list[ManualSite], dict[int, int]] | str:
    """Run the stage on the joined Python cells. Returns new masked texts by cell index, the changes and manual
    sites (module lines), and each cell's first module line; or an error string."""
    python = [cell for cell in cells if cell.python]
    while True:
        parts: list[str] = []
        starts: dict[int, int] = {}
        line = 1
        for cell in python:
            text = cell.masked.text if cell.masked.text.endswith(("\n", "\r")) else cell.masked.text + "\n"
            parts.append(_MARKER.format(cell.index) + "\n" + text)
            starts[cell.index] = line + 1
            line += 1 + len(split_lines(text))
        module = "".join(parts)
        result = run_stage(module, stage, path=path)
        if result.error is None:
            break
        error_line = int(result.error.split(":")[0]) if result.error.split(":")[0].isdigit() else 0
        culprit = max((c for c in python if starts[c.index] <= error_line), key=lambda c: c.index, default=None)
        if culprit is None:
            return result.error
        culprit.python = False
        culprit.manual.append((error_line - starts[culprit.index] + 1, 0, "", "not valid Python for the codemods:"
                               f" {result.error.partition(':')[2].partition(':')[2].strip()}; cell left unchanged",
                               "unparsed-cell"))
        python = [cell for cell in python if cell.python]
    if not result.changed:
        return {}, [], list(result.manual), starts
    stray = stray_line(module, result.code, result.changes)  # the guard for Python files, applied to the cells
    if stray is not None:
        owner = max((c for c in python if starts[c.index] <= stray), key=lambda c: c.index)
        return (f"libcst would also change line {stray - starts[owner.index] + 1} of cell {owner.index + 1}, which no"
                " codemod rewrote (it cannot reproduce it exactly, e.g. `except X :`; reformat it and run again)")
    pieces: dict[int, list[str]] = {}
    current: int | None = python[0].index if python else None
    order: list[int] = []
    for text_line in split_lines(result.code):
        marker = _MARKER_LINE.fullmatch(text_line)
        if marker is not None:
            current = int(marker.group(1))
            order.append(current)
            pieces.setdefault(current, [])
        elif current is not None:
            pieces.setdefault(current, []).append(text_line)
    if order != [cell.index for cell in python]:
        return "cannot map the rewritten code back to the notebook's cells"
    return {index: "".join(lines) for index, lines in pieces.items()}, list(result.changes), list(result.manual), starts


def migrate(text: str, stage: str, *, path: str = "notebook.ipynb") -> FileResult:
    """Migrate the code cells of one notebook's JSON ``text`` for ``stage`` (see the module docstring)."""
    target(stage)
    if stage not in STAGES:
        raise KeyError(stage)
    if not mentions_polyaxon(text):  # the pre-filter, as for Python files: not even parsed
        return FileResult(text=text)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return FileResult(text=text, error=FileError(f"cannot parse: not a JSON document: {exc.msg}", exc.lineno,
                                                     exc.colno))
    problem = _invalid(doc)
    if problem is not None:
        return FileResult(text=text, error=FileError(f"cannot parse: {problem}"))
    if not _is_python(doc):
        return FileResult(text=text)
    sources = source_spans(text)
    counter = [0]
    cells: list[_Cell] = []
    for index, cell in enumerate(doc["cells"]):
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        masked = mask(source, counter)
        python = masked.cell_magic is None and compiles(masked.text) is None
        entry = _Cell(index, source, masked, python)
        legacy = _LEGACY_WORD.search(source) is not None
        if masked.cell_magic is not None and not _SHELL_CELL.match(masked.cell_magic) and legacy:
            entry.manual.append((1, 0, masked.cell_magic, f"cell magic {masked.cell_magic.split()[0]}: the cell is not"
                                 " migrated, check it by hand", "ipython-cell-magic"))
        elif not python and masked.cell_magic is None and legacy:
            entry.manual.append((1, 0, "", f"not valid Python once IPython lines are set aside"
                                 f" ({compiles(masked.text)}): cell left unchanged", "unparsed-cell"))
        cells.append(entry)
    helper_listed = lists_helper(text)
    shell_units = {cell.index: _shell_units(cell, stage, helper_listed) for cell in cells}
    outcome = _run_codemods(cells, stage, path) if any(c.python and mentions_polyaxon(c.source) for c in cells) \
        else ({}, [], [], {})
    if isinstance(outcome, str):
        return FileResult(text=text, error=FileError(f"not rewritten: {outcome}"))
    new_masked, changes, manual, starts = outcome
    _attribute(cells, starts, changes, manual)
    replaced: dict[int, str] = {}
    for cell in cells:
        units = shell_units[cell.index]
        if -1 in units:
            cell.new = units[-1]
        else:
            originals = {token: "".join(split_lines(cell.source)[first:last + 1])
                         for token, (first, last) in cell.masked.units.items()}
            code = new_masked.get(cell.index, cell.masked.text)
            if not cell.masked.text.endswith(("\n", "\r")) and code.endswith("\n") and cell.index in new_masked:
                code = code[:-1]
            restored = _restore(code, units, originals) if cell.masked.cell_magic is None else cell.source
            if restored is None:
                return FileResult(text=text, error=FileError("not rewritten: an IPython line could not be put back"))
            cell.new = restored
        if cell.changes and cell.new != cell.source:
            replaced[cell.index] = cell.new
    return _result(text, doc, sources, cells, replaced)


def _attribute(cells: list[_Cell], starts: dict[int, int], changes: list[Change], manual: list[ManualSite]) -> None:
    """Give each module-level change and manual site to its cell (cell-relative lines)."""
    by_index = {cell.index: cell for cell in cells}
    ordered = sorted(starts.items(), key=lambda item: item[1])

    def locate(line: int) -> tuple[_Cell, int] | None:
        owner = None
        for index, start in ordered:
            if start - 1 <= line:
                owner = (by_index[index], max(1, line - start + 1))
        return owner

    for change in changes:
        found = locate(change.line)
        if found is not None:
            found[0].changes.append((found[1], _unmask(change.old, found[0]), _unmask(change.new, found[0]),
                                     change.codemod))
    for site in manual:
        found = locate(site.line)
        if found is not None:
            found[0].manual.append((found[1], site.column, _unmask(site.code, found[0]), site.reason, site.codemod))


def _unmask(code: str, cell: _Cell) -> str:
    lines = split_lines(cell.source)
    return re.sub(r"__plx_ipython_(\d+)__", lambda m: "".join(
        lines[slice(cell.masked.units[int(m.group(1))][0], cell.masked.units[int(m.group(1))][1] + 1)]).strip()
        if int(m.group(1)) in cell.masked.units else m.group(0), code)


def _invalid(doc: Any) -> str | None:
    """Why ``doc`` is not a notebook this tool handles, or ``None``."""
    if not isinstance(doc, dict) or "nbformat" not in doc:
        return "not a Jupyter notebook (no nbformat)"
    if doc["nbformat"] != 4:
        return (f"nbformat {doc['nbformat']} notebooks are not supported, only 4 (convert it first: jupyter"
                " nbconvert --to notebook --nbformat 4)")
    cells = doc.get("cells")
    if not isinstance(cells, list):
        return "invalid notebook: no list of cells"
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or "source" not in cell:
            return f"invalid notebook: cell {number} has no source"
        source = cell["source"]
        if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(s, str) for s in source))):
            return f"invalid notebook: the source of cell {number} is not text"
    return None


def _is_python(doc: dict[str, Any]) -> bool:
    metadata = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    assert isinstance(metadata, dict)
    language = (metadata.get("kernelspec") or {}).get("language") or (metadata.get("language_info") or {}).get("name")
    return language is None or str(language).lower() == "python"


def _json_position(text: str, index: LineIndex, source: Source, value: str | list[str], cell_line: int,
                   column: int, ensure_ascii: bool) -> tuple[int, int]:
    """The ``.ipynb`` (line, 0-based column) of ``column`` on line ``cell_line`` of a cell's source."""
    lines = split_lines(value if isinstance(value, str) else "".join(value))
    offset = sum(len(line) for line in lines[:cell_line - 1]) + column
    if source.items is None or not isinstance(value, list):
        start, before = source.start, (value if isinstance(value, str) else "")[:offset]
    else:
        position = 0
        start, before = source.start, ""
        for k, ((item_start, _), item) in enumerate(zip(source.items, value)):
            if offset < position + len(item) or k == len(value) - 1:
                start, before = item_start, item[:max(0, offset - position)]
                break
            position += len(item)
    return index.position(start + len(json.dumps(before, ensure_ascii=ensure_ascii)) - 1)


def _result(text: str, doc: dict[str, Any], sources: dict[int, Source], cells: list[_Cell],
            replaced: dict[int, str]) -> FileResult:
    ensure_ascii = escapes_unicode(text)
    index = LineIndex(text)
    changes: list[Change] = []
    manual: list[ManualSite] = []
    for cell in cells:
        value = doc["cells"][cell.index]["source"]
        source = sources[cell.index]
        number = cell.index + 1
        if cell.index in replaced:
            for line, old, new, rule in cell.changes:
                json_line, _ = _json_position(text, index, source, value, line, 0, ensure_ascii)
                changes.append(CellChange(json_line, old, new, rule, cell=number))
        for line, column, code, reason, rule in cell.manual:
            json_line, json_column = _json_position(text, index, source, value, line, column, ensure_ascii)
            snippet = code or (split_lines(cell.source)[line - 1].strip() if line <= len(split_lines(cell.source))
                               else "")
            manual.append(CellSite(json_line, json_column, snippet, f"[cell {number}] {reason}", rule, cell=number))
    manual.sort(key=lambda site: (site.line, site.column))
    if not replaced:
        return FileResult(text=text, manual=manual)
    edits = []
    expected = json.loads(text)
    for cell_index, new in sorted(replaced.items()):
        source = sources[cell_index]
        lines = new.splitlines(keepends=True)
        edits.append(Edit(source.start, source.end, render_source(text, source, lines, ensure_ascii)))
        expected["cells"][cell_index]["source"] = lines if source.items is not None else new
    new_text = apply_edits(text, edits)
    try:
        if json.loads(new_text) != expected:
            raise ValueError
    except ValueError:
        return FileResult(text=text, error=FileError("not rewritten, the edited notebook did not check out"))
    diffs = [CellDiff(cell.index + 1, cell.source, replaced[cell.index]) for cell in cells if cell.index in replaced]
    return FileResult(new_text, True, changes, manual, cells=diffs)
