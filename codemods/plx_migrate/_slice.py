"""Module slicing: run the codemods on the top-level statements that matter, not on the whole module.

libcst costs about ten times Python's own parser per byte, and the codemods then walk the tree several times with
scope metadata. In a large module that uses the legacy APIs in a few places, nearly all of that is spent on code
no codemod can change. :func:`plan_slice` uses :mod:`ast` (C speed) to split a module into its top-level
statements and keeps only those a codemod's decisions can depend on; every other run of statements becomes one
placeholder line (``... # plx-migrate-slice N``), so the codemods see the same statement sequence, and
:meth:`Slice.restore` puts the original text back in their place afterwards, byte for byte.

Kept statements (a superset of what the codemods look at; "statement" means a top-level one, with everything
nested in it):

* *seeds*: statements whose text says ``polyaxon`` (any case: legacy, v1/v2 and compat imports, ``POLYAXON_``
  environment variables, ``PolyaxonClient``), or that bind or access in any scope a name a codemod may bind in the
  module and so tests for being free (:data:`CODEMOD_NAMES`, and any ``plx_...``/``Plx...`` name), counting the
  words of every string but docstrings (libcst reads some strings as type hints);
* *tainted*: statements that mention (as a word, strings and comments included) a name bound at module level by
  a kept statement, other than by an import of a non-Polyaxon module, to a fixed point: the uses of ``exp`` after
  ``exp = Experiment()``, of a legacy module alias, of a legacy function, ``global`` and ``__all__`` statements;
* *importers*: statements importing a name that a kept statement accesses (one level, not transitively):
  ``import os`` for ``os.environ["POLYAXON_..."]``, which a codemod resolves by qualified name;
* with a star import of a Polyaxon module, the only star import: every statement mentioning a name that the module
  accesses and binds nowhere (what the codemods make the star import bind explicitly; found with Python's symbol
  tables, plus the words of annotation strings, which libcst also reads as accesses), and every statement binding
  a name that a kept statement accesses (else it would look unbound). Any star import is kept (the codemods
  count them).

Runs of left-out statements become placeholders together with the indented comments that follow them (libcst
reads those as the end of the block before them, and does not print them back exactly after a placeholder). When
libcst does not print a slice back exactly, or cannot parse it, ``run_stage`` runs the whole module instead.

No slice is made (the caller runs on the whole module) when Python cannot parse or compile the module, on a lone
``\\r`` line end (lines would not be counted alike), a placeholder-like comment already, or when the slice would
leave out less than a quarter of the lines (:data:`MIN_SAVING`).
``tests/perf/test_slice.py`` and every codemod test case (``plx_migrate._testing``) check that a sliced run gives
exactly the whole-module run's result.
"""
from __future__ import annotations

import ast
import builtins
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = ["CODEMOD_NAMES", "Slice", "groups_of", "plan_slice"]

#: The names the codemods may bind in a module, so test for being free in every scope (``choose_name`` candidates:
#: ``helper-to-experiment``'s instance, classes and path functions, ``to-polyaxon-v2``'s ``tracking``; the
#: ``plx_``/``Plx`` fallbacks are matched by prefix). A statement binding or accessing one of them is kept.
CODEMOD_NAMES = (
    "experiment", "Experiment", "Job", "tracking", "get_outputs_path", "get_outputs_refs_paths", "get_data_paths",
    "get_log_level",
)
_POLYAXON = re.compile(r"(?i:polyaxon)")
_NAMES = re.compile(r"\b(?:plx_\w*|Plx\w*|" + "|".join(CODEMOD_NAMES) + r")\b")
_WORD = re.compile(r"[^\W\d]\w*")
_STAR = re.compile(r"\bimport\s*\(?\s*\*")
_MARK = "# plx-migrate-slice "
_BUILTINS = frozenset(dir(builtins))
_PLACEHOLDER = re.compile(r"\.\.\. # plx-migrate-slice (\d+)(\r?\n)?\Z")
#: Make no slice unless it leaves out at least this share of the module's lines.
MIN_SAVING = 0.25


def _lines(code: str) -> list[str]:
    """``code`` split after each ``\\n`` (``\\r\\n`` stays whole), the line ends kept (unlike ``splitlines``, form
    feeds and other Unicode line separators do not end a line: Python's tokenizer does not count them)."""
    parts = code.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _module_bindings(statement: ast.stmt, globals_: bool = True) -> tuple[set[str], set[str]]:
    """Names ``statement`` may bind in the module scope: ``(by imports, by anything else)``.

    A superset: assignment, ``for``/``with``/``except``/``match`` targets and walrus names outside function and
    class bodies, function and class names, import names, and ``global`` names at any depth (searched for only
    with ``globals_``: the caller knows whether the statement's text says ``global`` at all).
    """
    imported: set[str] = set()
    names: set[str] = set()
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            stack.extend(node.decorator_list)
            if isinstance(node, ast.ClassDef):
                stack.extend(node.bases)
                stack.extend(k.value for k in node.keywords)
            if globals_:
                names.update(n for inner in ast.walk(node) if isinstance(inner, ast.Global) for n in inner.names)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            # its targets are its own; only a walrus in it binds in the module (and what it reads does not bind)
            names.update(inner.target.id for inner in ast.walk(node)
                         if isinstance(inner, ast.NamedExpr) and isinstance(inner.target, ast.Name))
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imported.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):  # `del x` is an access (as in libcst)
            names.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        elif isinstance(node, ast.Global):
            names.update(node.names)
        stack.extend(ast.iter_child_nodes(node))
    return imported, names


def _identifiers(statements: Sequence[ast.stmt]) -> set[str]:
    """What ``statements`` may bind or access in any scope, in libcst's eyes: names (not attribute names),
    parameters, definitions, import names, ``global``/``nonlocal``, ``except``/``match`` captures, and the words of
    every string but docstrings (libcst reads some strings as type hints, under typing names of any spelling)."""
    names: set[str] = set()
    for statement in statements:
        docstrings = {id(node.value) for node in ast.walk(statement)
                      if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
        for node in ast.walk(statement):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.split(".")[0])
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                names.update(node.names)
            elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
                names.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                names.add(node.rest)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                names.update(_WORD.findall(node.value))
    return names


@dataclass
class Slice:
    """A module reduced to the statements that matter, and how to map it back.

    ``text`` is the sliced source; ``blocks[N]`` the original text placeholder ``N`` stands for; ``_starts`` and
    ``_shifts`` map a line of ``text`` to the original (see :meth:`line`).
    """

    text: str
    blocks: list[str]
    _starts: list[int]
    _shifts: list[int]

    def line(self, line: int) -> int:
        """The original line (1-based) of line ``line`` of :attr:`text` (a placeholder maps to its first line)."""
        i = bisect_right(self._starts, line) - 1
        return line + (self._shifts[i] if i >= 0 else 0)

    def restore(self, code: str) -> str | None:
        """``code`` (the codemods' output for :attr:`text`) with every placeholder line replaced by its original
        text; ``None`` when a placeholder is missing, repeated or no longer a whole line (then the slice is useless
        and the whole module must be run instead)."""
        out: list[str] = []
        seen: set[int] = set()
        for text in _lines(code):
            match = _PLACEHOLDER.match(text) if text.startswith("... #") else None
            if match is None:
                out.append(text)
                continue
            number = int(match.group(1))
            if number in seen or number >= len(self.blocks):
                return None
            seen.add(number)
            out.append(self.blocks[number])
        return "".join(out) if len(seen) == len(self.blocks) else None


def groups_of(tree: ast.Module) -> list[tuple[int, int]]:
    """``(first line, last line)`` (1-based) of the top-level statements of ``tree``, those sharing a line (``a = 1;
    b = 2``) as one; a decorated definition starts at its first decorator."""
    return [(first, last) for first, last, _ in _groups(tree)]


def _groups(tree: ast.Module) -> Iterator[tuple[int, int, list[ast.stmt]]]:
    """``(first line, last line, statements)`` of the top-level statements, those sharing a line grouped."""
    current: list[ast.stmt] = []
    first = last = 0
    for statement in tree.body:
        start = min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", ()))])
        end = statement.end_lineno or statement.lineno
        if current and start <= last:
            current.append(statement)
            last = max(last, end)
            continue
        if current:
            yield first, last, current
        current, first, last = [statement], start, end
    if current:
        yield first, last, current


def _annotation_words(statement: ast.stmt) -> set[str]:
    """Words of the strings that libcst's scope analysis may read as type hints in ``statement`` (a superset):
    strings in annotations (``x: "Foo"``, ``-> "Foo"``), in ``cast``/``TypeVar``/``NewType`` calls and in
    subscripts of capitalised or dotted names (``Optional["Foo"]``, ``typing.List["Foo"]``). libcst parses them
    and counts the names in them as uses."""
    roots: list[ast.AST] = []
    for node in ast.walk(statement):
        if isinstance(node, ast.arg) and node.annotation is not None:
            roots.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            roots.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
        elif isinstance(node, ast.Call):
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if func in ("cast", "TypeVar", "NewType"):
                roots.extend(node.args)
                roots.extend(k.value for k in node.keywords)
        elif isinstance(node, ast.Subscript) and (
                isinstance(node.value, ast.Attribute) or isinstance(node.value, ast.Name) and node.value.id[:1].isupper()):
            roots.append(node.slice)
    words: set[str] = set()
    for root in roots:
        for node in ast.walk(root):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                words.update(_WORD.findall(node.value))
    return words


def _uses(statements: Sequence[ast.stmt]) -> set[str]:
    """The names ``statements`` access (what libcst records as accesses): every ``Name`` loaded or deleted, and the
    words of annotation strings."""
    names: set[str] = set()
    for statement in statements:
        names.update(node.id for node in ast.walk(statement)
                     if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store))
        names |= _annotation_words(statement)
    return names


def _resolved_globally(code: str) -> set[str] | None:
    """Names that some scope of ``code`` reads from the module scope (or builtins), by Python's own symbol tables;
    ``None`` when the compiler refuses the code."""
    import symtable

    try:
        top = symtable.symtable(code, "<module>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    names: set[str] = set()
    stack = [top]
    while stack:
        table = stack.pop()
        module = table is top
        names.update(symbol.get_name() for symbol in table.get_symbols()
                     if symbol.is_referenced() and (module or symbol.is_global()))
        stack.extend(table.get_children())
    return names


def plan_slice(code: str) -> Slice | None:
    """The :class:`Slice` of module source ``code`` (str, no BOM), or ``None`` when no useful slice can be made.

    Never raises for bad input: a module Python cannot parse (``SyntaxError``, ``ValueError`` for NUL bytes, a
    ``RecursionError`` or ``MemoryError`` for pathological nesting) gives ``None``.
    """
    if _MARK in code or "\r" in code.replace("\r\n", ""):
        return None
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = _lines(code)
    groups = list(_groups(tree))
    if len(groups) < 2:
        return None
    texts = ["".join(lines[first - 1:last]) for first, last, _ in groups]
    words = [set(_WORD.findall(text)) for text in texts]
    bindings = [_bindings(statements, "global" in text) for (_, _, statements), text in zip(groups, texts)]
    binders: dict[str, list[int]] = {}  # name -> the groups binding it
    importers: dict[str, list[int]] = {}  # name -> the groups binding it by an import
    for i, (imported, names) in enumerate(bindings):
        for name in imported:
            importers.setdefault(name, []).append(i)
            binders.setdefault(name, []).append(i)
        for name in names - imported:
            binders.setdefault(name, []).append(i)

    kept = {i for i, text in enumerate(texts) if _POLYAXON.search(text) or _NAMES.search(text) and any(
        _NAMES.fullmatch(word) for word in _identifiers(groups[i][2]))}
    if not kept:
        return None
    mentions: dict[str, list[int]] = {}  # word -> the groups whose text has it
    for i, group_words in enumerate(words):
        for word in group_words:
            mentions.setdefault(word, []).append(i)
    tainted: set[str] = set()
    frontier = list(kept)
    while frontier:  # the uses of what kept statements bind, to a fixed point (each name followed once)
        new = set()
        for i in frontier:
            new |= bindings[i][1] | {name for name in bindings[i][0] if _tainting_import(groups[i][2], name)}
        new -= tainted
        tainted |= new
        frontier = [j for name in new for j in mentions.get(name, ()) if j not in kept]
        kept.update(frontier)
    star_groups = {i: _star_imports(groups[i][2]) for i, text in enumerate(texts) if _STAR.search(text)}
    stars = [module for modules in star_groups.values() for module in modules]
    kept |= {i for i, modules in star_groups.items() if modules}
    # The codemods rewrite a star import of a Polyaxon module into imports of what the module uses and binds
    # nowhere: keep every such use (found with Python's symbol tables). Next to another star import they leave it
    # alone (which one binds a name cannot be known), and nothing reads the unbound names of other star imports:
    # then only the count of star imports matters.
    star = len(stars) == 1 and "polyaxon" in stars[0].lower()
    if star:
        resolved = _resolved_globally(code)
        if resolved is None:
            return None
        unbound = {name for name in resolved.union(*map(_annotation_words, tree.body))
                   if name not in binders and name not in _BUILTINS and not name.startswith("__")}
        kept |= {i for i in range(len(groups)) if not words[i].isdisjoint(unbound)}
    # What kept statements access, bound elsewhere (one level). Without a star import only imports matter: the
    # codemods resolve qualified names (``os.environ``) through them; with one, any binding left out would make
    # a name look unbound, i.e. bound by the star import.
    for i in list(kept):
        for name in _uses(groups[i][2]):
            kept.update((binders if star else importers).get(name, ()))
    if len(kept) == len(groups):
        return None
    saved = sum(last - first + 1 for i, (first, last, _) in enumerate(groups) if i not in kept)
    if saved < MIN_SAVING * len(lines):
        return None
    return _build(lines, groups, kept)


def _bindings(statements: Sequence[ast.stmt], globals_: bool) -> tuple[set[str], set[str]]:
    """:func:`_module_bindings` of statements sharing lines, merged."""
    imported: set[str] = set()
    names: set[str] = set()
    for statement in statements:
        more_imported, more_names = _module_bindings(statement, globals_)
        imported |= more_imported
        names |= more_names
    return imported, names


def _star_imports(statements: Sequence[ast.stmt]) -> list[str]:
    """The modules of the ``from <module> import *`` among ``statements`` (only allowed at module level, maybe in
    an ``if`` or ``try``); a relative one as ``.module``."""
    return ["." * node.level + (node.module or "") for statement in statements for node in ast.walk(statement)
            if isinstance(node, ast.ImportFrom) and node.names[0].name == "*"]


def _tainting_import(statements: Sequence[ast.stmt], name: str) -> bool:
    """Whether ``name``, bound by an import among ``statements``, comes from a Polyaxon module (then its uses are
    kept: a legacy module alias, a legacy function)."""
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
                if any((a.asname or a.name.split(".")[0]) == name and "polyaxon" in f"{module} {a.name}".lower()
                       for a in node.names):
                    return True
    return False


def _build(lines: list[str], groups: list[tuple[int, int, list[ast.stmt]]], kept: set[int]) -> Slice:
    """The slice of ``lines``: each run of consecutive left-out groups (with the lines between them) becomes one
    placeholder line."""
    out: list[str] = []
    blocks: list[str] = []
    starts: list[int] = []
    shifts: list[int] = []
    line = 1  # next original line to copy
    i = 0
    while i < len(groups):
        if i in kept:
            i += 1
            continue
        first = groups[i][0]
        while i < len(groups) and i not in kept:
            last = groups[i][1]
            i += 1
        # Indented comments right after a block are the block's in libcst (its footer): they go with it.
        end = groups[i][0] - 1 if i < len(groups) else len(lines)
        last = max([last, *(n for n in range(last + 1, end + 1) if lines[n - 1][:1] in " \t"
                             and lines[n - 1].lstrip(" \t\f").startswith("#"))])
        out += lines[line - 1:first - 1]
        block = "".join(lines[first - 1:last])
        # The first line's ending: libcst takes a module's default newline from its first line end.
        head = lines[first - 1]
        ending = "" if not block.endswith("\n") else "\r\n" if head.endswith("\r\n") else "\n"
        out.append(f"... {_MARK}{len(blocks)}{ending}")
        blocks.append(block)
        # slice line numbers after this placeholder are (last - first) lines behind the original ones
        starts.append(len(out) + 1)
        shifts.append((shifts[-1] if shifts else 0) + (last - first))
        line = last + 1
    out += lines[line - 1:]
    return Slice("".join(out), blocks, starts, shifts)
