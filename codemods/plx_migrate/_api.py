"""The contract between the codemods and their callers (``plx-migrate``, tests, benchmarks).

``run_stage(source, stage, path=...)`` runs every codemod of a migration stage on one module's source
text and returns a :class:`StageResult`. It never raises for user input: a parse error is returned as
``StageResult.error``. Callers decide whether to write; this module never touches the file system.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from plx_migrate._records import Change, ManualSite

__all__ = ["STAGES", "Change", "ManualSite", "StageResult", "run_stage"]

#: Stage name (``plx-migrate --to``) -> codemod ids applied in order (``helper-to-experiment`` runs its prelude,
#: ``v0-environment`` and ``client-to-compat``, first).
STAGES: dict[str, tuple[str, ...]] = {
    "compat": ("helper-to-compat",),
    "experiment": ("helper-to-experiment",),
    "polyaxon-v2": ("to-polyaxon-v2",),
}


@dataclass
class StageResult:
    """Outcome of one stage on one source text.

    ``code`` is the new source (equal to the input when ``changed`` is false); ``changed`` comes from the
    transformers' own record of their edits, not from comparing texts; ``error`` is ``"<line>:<column>: <reason>"``
    when the source could not be parsed (then ``code`` is the input, unchanged). ``changes`` and ``manual``
    are in source order per codemod.
    """

    code: str
    changed: bool = False
    changes: list[Change] = field(default_factory=list)
    manual: list[ManualSite] = field(default_factory=list)
    error: str | None = None


#: One command instance per codemod class and thread: building one costs about 10 ms (libcst's matcher set-up
#: inspects the class), and an instance is reusable (``transform_module`` starts from a clean state).
_commands = threading.local()


def _command(command_class: Any, path: str) -> Any:
    from libcst.codemod import CodemodContext

    cache: dict[Any, Any] = _commands.__dict__.setdefault("by_class", {})
    if command_class not in cache:
        cache[command_class] = command_class(CodemodContext(filename=path))
    command = cache[command_class]
    command.context = CodemodContext(filename=path)
    return command


def _describe_syntax_error(code: str, path: str, exc: Exception) -> str:
    """``"<line>:<column>: <reason>"`` for a source libcst cannot parse (``exc``, a ``ParserSyntaxError``).

    libcst's native parser often points past the faulty token, so Python's own parser, which gives the exact
    place and a better reason (``Missing parentheses in call to 'print'``), is asked first; libcst's position
    is the fallback when Python accepts what libcst refuses.
    """
    import ast

    try:
        compile(code, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as syntax_error:
        return f"{syntax_error.lineno}:{syntax_error.offset}: {syntax_error.msg}"
    except ValueError:  # e.g. a NUL byte; keep libcst's description
        pass
    line, column = getattr(exc, "editor_line", 1), getattr(exc, "editor_column", 1)
    return f"{line}:{column}: {getattr(exc, 'message', str(exc))}"


def _keep_untouched(source: str, round_trip: str, new: str) -> str:
    """``new`` with each line it shares with ``round_trip`` (the unchanged tree printed again) taken from ``source``.

    libcst does not print every source back byte for byte (``except ValueError :`` loses its space): when the
    round trip differs from ``source`` line by line only, the lines no codemod touched are restored exactly.
    """
    import difflib

    source_lines, round_lines = source.splitlines(keepends=True), round_trip.splitlines(keepends=True)
    if len(source_lines) != len(round_lines):  # not a line-for-line difference: keep libcst's output
        return new
    new_lines = new.splitlines(keepends=True)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, round_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        out += source_lines[i1:i2] if tag == "equal" else new_lines[j1:j2]
    return "".join(out)


def run_stage(
    source: str, stage: str, *, path: str = "<string>", _prefilter: bool = True, _slice: bool = True
) -> StageResult:
    """Run the codemods of ``stage`` (a key of :data:`STAGES`) over ``source`` (a whole module, str).

    ``source`` is already decoded and may use CRLF newlines; they are kept. A codemod whose ``mentions(source)``
    is false (e.g. the text never says ``polyaxon_helper``) is skipped without parsing: the cheap pre-filter, so a
    file no codemod cares about is not parsed at all (and a syntax error in it is not reported). ``path`` is only
    used for messages and codemod contexts. Raises ``KeyError`` for an unknown stage. Parse errors
    (``libcst.ParserSyntaxError``) are reported in ``StageResult.error`` as ``"<line>:<column>: <reason>"``
    (1-based, as editors count) with ``code`` unchanged, never raised.

    Each codemod parses the previous one's output; the lines of its changes and manual sites are mapped back to
    ``source``. Lines no codemod rewrote come out byte-identical, even where libcst cannot print them back
    exactly (``except X :``, see :func:`_keep_untouched`). In a large module, the codemods run only on the
    top-level statements that can matter to them (:mod:`plx_migrate._slice`); the result is the same as a run on
    the whole module. ``_prefilter=False`` (private, for the tests that prove the pre-filter safe) parses and
    transforms the whole module with every codemod, whatever ``mentions`` says; ``_slice=False`` (private, for
    the tests that prove slicing safe) only turns slicing off.
    """
    from plx_migrate._registry import get_registry

    codemods = [get_registry()[codemod_id] for codemod_id in STAGES[stage]]
    bom = "\ufeff" if source.startswith("\ufeff") else ""  # libcst drops a BOM character when it regenerates code
    code = source[len(bom):]
    if _prefilter and not any(getattr(c, "mentions", lambda source: True)(code) for c in codemods):
        return StageResult(code=source)
    if _prefilter and _slice:
        from plx_migrate._slice import plan_slice

        piece = plan_slice(code)
        if piece is not None:
            try:
                result = _run_codemods(piece.text, codemods, path, _prefilter, exact=True)
            except _Inexact:
                result = StageResult(code=code, error="inexact")
            restored = piece.restore(result.code) if result.changed and result.error is None else code
            if result.error is None and restored is not None:
                result.changes = [replace(c, line=piece.line(c.line)) for c in result.changes]
                result.manual = [replace(m, line=piece.line(m.line)) for m in result.manual]
                result.code = bom + restored if result.changed else source
                return result
    result = _run_codemods(code, codemods, path, _prefilter)
    result.code = bom + result.code if result.changed else source
    return result


class _Inexact(Exception):
    """libcst did not print a slice back exactly (see :func:`_run_codemods`)."""


def _run_codemods(code: str, codemods: list[Any], path: str, prefilter: bool, exact: bool = False) -> StageResult:
    """:func:`run_stage`'s work on ``code`` (no BOM): ``code`` of the result is the new text, or ``code``.

    With ``exact`` (a slice), raises :class:`_Inexact` as soon as libcst cannot print an unchanged tree back
    exactly: the whole module is then run instead, so that its own guard (:func:`_keep_untouched`) decides.
    """
    import libcst as cst  # imported lazily: importing the contract stays cheap

    from plx_migrate._command import LegacyImportCommand, back, line_map

    result = StageResult(code=code)
    maps: list[Callable[[int], int]] = []  # output line -> input line, for each codemod that changed the code
    for command_class in codemods:
        mentions = getattr(command_class, "mentions", None)
        if prefilter and mentions is not None and not mentions(code):
            continue
        try:
            tree = cst.parse_module(code)
        except cst.ParserSyntaxError as exc:
            return StageResult(code=code, error=_describe_syntax_error(code, path, exc))
        command = _command(command_class, path)
        if not isinstance(command, LegacyImportCommand):  # only they keep a record of their edits
            raise TypeError(f"{command_class.__name__} does not record its edits")
        new_tree = command.transform_module(tree)
        result.changes.extend(replace(c, line=back(c.line, maps)) for c in command.changes)
        result.manual.extend(replace(m, line=back(m.line, maps)) for m in command.manual)
        if command.changes:  # the transformer's own record of real edits, never `new != old`
            new_code, round_trip = new_tree.code, tree.code
            if exact and round_trip != code:
                raise _Inexact
            code = new_code if round_trip == code else _keep_untouched(code, round_trip, new_code)
            maps.append(line_map(command.changes))
    result.changed = bool(result.changes)
    result.code = code
    return result
