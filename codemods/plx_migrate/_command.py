"""The base class of every codemod: a pre-pass, a plan, one transform pass that applies it and records each edit.

A codemod subclasses :class:`LegacyImportCommand` and only *plans*. A cheap pre-pass
(:func:`~plx_migrate._find_imports.collect`) finds the statements importing a legacy module; when there is none, the
module is returned as it is, without computing any metadata. Otherwise :meth:`LegacyImportCommand.plan` resolves uses
with libcst scope metadata (:class:`~plx_migrate._resolve.NameResolver`) and registers replacements
(:meth:`~LegacyImportCommand.replace_node`, :meth:`~LegacyImportCommand.replace_statement`) and sites that need a human
(:meth:`~LegacyImportCommand.report_manual`). One transform pass then applies the plan and records every real edit as
a :class:`~plx_migrate._records.Change`, so ``changed`` never depends on comparing texts. A codemod may name a
``PRELUDE`` of codemods run first on the same module (helper-to-experiment runs v0-environment and client-to-compat).
The layout of rewritten import lists is in :mod:`plx_migrate._layout`.
"""
from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar, Union, cast

import libcst as cst
from libcst import CSTNodeT
from libcst.codemod import CodemodContext
from libcst.metadata import MetadataWrapper, PositionProvider

from plx_migrate._find_imports import Found, collect
from plx_migrate._layout import realign, relayout
from plx_migrate._legacy_api import LEGACY_MODULE
from plx_migrate._libcst_patch import cache_visitor_methods
from plx_migrate._nodes import ImportNode, alias, assign_line, bound_name, dotted, full_name, import_from_line
from plx_migrate._records import Change, ManualSite
from plx_migrate._resolve import NameResolver

__all__ = ["SUITE", "Kept", "LegacyImportCommand", "Needs", "back", "line_map"]

SUBMODULE = "polyaxon_helper 0.5.0 has no submodules to map (nor has polyaxon_helper_compat); left unchanged"
SUITE = "import in a one-line compound statement: split the line, then run the codemod again"
V1_FALLBACK = ("version-compat code: another branch of this try imports Polyaxon v1 (polyaxon); the v0 import is "
               "left unchanged")

Kept = list[list[cst.ImportAlias]]  # per alias of an import: what stays in its place
Replacement = tuple[Union[cst.BaseSmallStatement, None], list[cst.SimpleStatementLine]]


@dataclass
class Needs:
    """What one rewritten import must bind: classes, the instance, functions and re-bound legacy names."""

    experiment: bool = False
    job: bool = False
    instance: bool = False
    functions: dict[str, cst.ImportAlias] = field(default_factory=dict)  # bound name -> alias to import
    bindings: list[tuple[str, cst.BaseExpression]] = field(default_factory=list)  # `name = expression` lines

    def __bool__(self) -> bool:
        return self.experiment or self.job or bool(self.functions or self.bindings)

    def binding_lines(self) -> list[cst.SimpleStatementLine]:
        """The ``name = expression`` lines, without the useless ``name = name``."""
        return [assign_line(name, value) for name, value in self.bindings
                if not (isinstance(value, cst.Name) and value.value == name)]


def line_map(changes: Sequence[Change]) -> Callable[[int], int]:
    """Map a line of a codemod's output back to its input, from the codemod's ``changes`` (input lines, old/new text).

    A line inside a rewritten statement maps to that statement's line (or to the old statement's last line).
    """
    spans = sorted({(c.line, c.old.count("\n") + 1, c.new.count("\n") + 1) for c in changes})

    def to_input(line: int) -> int:
        shift = 0
        for start, old, new in spans:
            if line < start + shift:
                break
            if line < start + shift + new:
                return start + min(line - start - shift, old - 1)
            shift += new - old
        return line - shift

    return to_input


def back(line: int, maps: Sequence[Callable[[int], int]]) -> int:
    """``line`` of the output of the last of several codemods run in a row, in the first one's input (``maps`` are
    their :func:`line_map` in order)."""
    for to_input in reversed(maps):
        line = to_input(line)
    return line


cache_visitor_methods()  # the codemods' metadata visits find libcst's visitor methods once per class


def _line(body: list[cst.BaseSmallStatement], ends_line: bool) -> cst.SimpleStatementLine:
    """A line of small statements; the last one loses its ``;`` unless it also ended the original line."""
    last = body[-1] if ends_line else body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    return cst.SimpleStatementLine(body=[*body[:-1], last])


class LegacyImportCommand(NameResolver):
    """Base of every codemod: pre-pass, metadata without a deep copy, plan application and edit records.

    Subclasses set ``LEGACY_MODULES`` (and ``SUBMODULE_PARENTS``, whose submodule imports are collected too) and
    implement :meth:`plan`. Imports of ``polyaxon_helper.x`` submodules, and legacy imports in version-compat ``try``
    blocks (I16), are reported here and never reach :meth:`plan` (nor, unless ``IN_SUITES``, those in one-line
    compound statements). After :meth:`transform_module`, ``changes`` and ``manual`` hold what was edited and what
    was left for a human (warnings are also sent to ``self.warn``), in source order.
    """

    LEGACY_MODULES: ClassVar[tuple[str, ...]] = (LEGACY_MODULE,)
    SUBMODULE_PARENTS: ClassVar[tuple[str, ...]] = (LEGACY_MODULE,)
    #: Whether :meth:`plan` handles imports in one-line compound statements (``if x: import y``); if not, they are
    #: reported (the codemod adds lines after the import) and never reach it.
    IN_SUITES: ClassVar[bool] = True
    #: Ids of codemods that :meth:`transform_module` runs first, each on the previous one's output (one stage step
    #: for ``plx-migrate`` and for ``python -m libcst.tool codemod`` alike); their edits and reports are this one's.
    PRELUDE: ClassVar[tuple[str, ...]] = ()

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._reset()

    def _reset(self) -> None:
        self.changes: list[Change] = []
        self.manual: list[ManualSite] = []
        self._nodes: dict[int, cst.BaseExpression] = {}
        self._statements: dict[int, Replacement] = {}
        self._edits = 0
        self._line_marks: list[int] = []
        self._source_lines: list[str] | None = None
        self._reset_names()

    @classmethod
    def mentions(cls, source: str) -> bool:
        """Cheap text pre-filter: could ``source`` import one of ``LEGACY_MODULES`` at all (or interest a prelude)?"""
        return any(module in source for module in cls.LEGACY_MODULES) or any(
            command.mentions(source) for command in cls._prelude_classes())

    @classmethod
    def _prelude_classes(cls) -> list[type[LegacyImportCommand]]:
        """The command classes of ``PRELUDE`` (raises ``KeyError`` for an id that is not registered)."""
        from plx_migrate._registry import get_registry  # the registry imports the codemod modules

        registry = get_registry() if cls.PRELUDE else {}
        return [cast("type[LegacyImportCommand]", registry[codemod_id]) for codemod_id in cls.PRELUDE]

    @property
    def codemod_id(self) -> str:
        """The registry id: the module name with ``_`` replaced by ``-`` (``helper-to-compat``)."""
        return type(self).__module__.rsplit(".", 1)[-1].replace("_", "-")

    @abstractmethod
    def plan(self, found: Found) -> None:
        """Register the replacements and manual sites for the legacy imports in ``found`` (metadata available)."""

    def relevant(self, found: Found) -> bool:
        """Whether ``found`` gives this codemod anything to do (default: a legacy import); else no metadata is built."""
        return bool(found.imports)

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """Run the ``PRELUDE`` codemods then this one on ``tree``; returns ``tree`` itself when nothing changed.

        Afterwards ``changes`` and ``manual`` list all their edits and reports, with lines of ``tree``.
        """
        if not self.PRELUDE:
            return self._transform(tree)
        if getattr(self, "_preludes", None) is None:  # built once: making a command costs about 10 ms
            self._preludes = [command(self.context) for command in self._prelude_classes()]
        changes, manual, maps = list[Change](), list[ManualSite](), list[Callable[[int], int]]()
        for command in [*self._preludes, self]:
            command.context = self.context  # the same warnings list, for libcst.tool
            new = command._transform(tree)
            changes += [replace(c, line=back(c.line, maps)) for c in command.changes]
            manual += [replace(m, line=back(m.line, maps)) for m in command.manual]
            if command.changes and command is not self:  # the next one needs metadata of a fresh tree
                tree, maps = cst.parse_module(new.code), [*maps, line_map(command.changes)]
        self.changes, self.manual = changes, manual
        return new

    def _transform(self, tree: cst.Module) -> cst.Module:
        """This codemod alone on ``tree`` (``changes`` and ``manual`` sorted by position)."""
        self._reset()
        found = collect(tree, self.LEGACY_MODULES, self.SUBMODULE_PARENTS)
        if not self.relevant(found):
            return tree
        wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)  # a freshly parsed tree: no shared nodes
        outer = self.context.wrapper
        with self.resolve(wrapper):
            self.context = replace(self.context, wrapper=wrapper)
            try:
                self._report_submodules(found)
                for site in (s for s in found.imports if s.v1_fallback):
                    self.report_manual(site.node, V1_FALLBACK)
                for site in (s for s in found.imports if s.line is None and not self.IN_SUITES and not s.type_checking):
                    self.report_manual(site.node, SUITE)
                found.imports = [s for s in found.imports if not s.v1_fallback and (s.line or self.IN_SUITES)]
                self.plan(found)
                return tree.visit(self) if (self._nodes or self._statements) else tree
            finally:
                self.context = replace(self.context, wrapper=outer)
                self.changes.sort(key=lambda change: change.line)
                self.manual.sort(key=lambda site: (site.line, site.column))

    def _report_submodules(self, found: Found) -> None:
        """Report ``polyaxon_helper.x`` imports; ``from polyaxon_helper.x import y`` sites are then forgotten."""
        if LEGACY_MODULE not in self.SUBMODULE_PARENTS:
            return
        for site in found.imports:
            names = [site.node.module] if isinstance(site.node, cst.ImportFrom) else [a.name for a in site.node.names]
            for name in names:
                if name is not None and full_name(name).startswith(LEGACY_MODULE + "."):
                    self.report_manual(name, SUBMODULE)
        found.imports = [s for s in found.imports if not (
            isinstance(s.node, cst.ImportFrom) and full_name(s.node.module).startswith(LEGACY_MODULE + "."))]

    # -- planning API -------------------------------------------------------------------------------------
    def replace_node(self, node: cst.Name | cst.Attribute, new: cst.BaseExpression) -> None:
        """Replace the expression ``node`` (an original node) by ``new``, keeping its parentheses (a name replaced by
        the same name is no edit)."""
        if not (isinstance(node, cst.Name) and isinstance(new, cst.Name) and new.value == node.value):
            self._nodes[id(node)] = new

    def replace_statement(
        self, node: cst.BaseSmallStatement, new: cst.BaseSmallStatement | None,
        lines: Sequence[cst.SimpleStatementLine] = (),
    ) -> None:
        """Replace the small statement ``node`` by ``new`` (``None``: drop it) and insert ``lines`` after its line."""
        self._statements[id(node)] = (new, list(lines))

    def report_manual(self, node: cst.CSTNode, reason: str) -> None:
        """Record a site left unchanged (and warn, so ``python -m libcst.tool codemod`` shows it)."""
        start = self.get_metadata(PositionProvider, node).start
        if self._source_lines is None:
            self._source_lines = self.module.code.splitlines()
        site = ManualSite(start.line, start.column, self._source_lines[start.line - 1].strip(), reason, self.codemod_id)
        if site not in self.manual:
            self.manual.append(site)
            self.warn(f"{start.line}:{start.column}: {reason}")

    def layout_import(
        self, node: ImportNode, kept: Kept, module: str, added: Sequence[cst.ImportAlias] = (),
        moved: Sequence[tuple[cst.ImportAlias, cst.ImportAlias]] = (),
    ) -> tuple[ImportNode | None, list[cst.SimpleStatementLine]]:
        """The rewrite of import ``node`` (``None``: dropped) and the lines to add after it.

        ``kept`` gives, per original alias, what stays from the original module; ``moved`` pairs an original alias
        with the alias now imported from ``module`` in its place; ``added`` are new aliases from ``module``. When
        nothing stays, a ``from`` import is rewritten in place (its layout and comments kept, ``added`` in the place
        of the first name that goes, continuation lines re-aligned); otherwise the kept names stay and a new line
        imports the rest.
        """
        if any(kept) or not isinstance(node, cst.ImportFrom):
            fresh = [*added, *(alias(full_name(new.name), bound_name(new)) for _, new in moved)]
            lines = [import_from_line(module, fresh)] if fresh else []
            return (relayout(node, kept) if any(kept) else None), lines  # type: ignore[type-var]
        replacements = {id(old): new for old, new in moved}
        slots = [[replacements[id(a)]] if id(a) in replacements else []
                 for a in cast(Sequence[cst.ImportAlias], node.names)]
        if not (added or moved):  # nothing left to import: the statement goes (its lines take its place)
            return None, []
        first = next((i for i, slot in enumerate(slots) if not slot), 0)  # in the place of the first name that goes
        slots[first] = [*added, *slots[first]]
        new = relayout(node.with_changes(module=dotted(module)), slots)
        if node.lpar is None:  # nothing to re-align (and `from x import *` made explicit has no positions)
            return new, []
        column = (self.get_metadata(PositionProvider, cast(Sequence[cst.ImportAlias], node.names)[0]).start.column
                  - self.get_metadata(PositionProvider, node).start.column)
        return realign(new, column, len(module) - len(full_name(node.module))), []

    # -- applying the plan ----------------------------------------------------------------------------------
    # The plan is applied with CSTTransformer's plain dispatch: the matcher machinery of ContextAwareTransformer
    # makes a visit about 7 times slower, and these codemods use no matcher decorators.
    def on_visit(self, node: cst.CSTNode) -> bool:
        return cst.CSTTransformer.on_visit(self, node)

    def on_leave(  # type: ignore[override]  # CSTTransformer's signature (the matcher one omits FlattenSentinel)
        self, original_node: CSTNodeT, updated_node: CSTNodeT
    ) -> CSTNodeT | cst.RemovalSentinel | cst.FlattenSentinel[CSTNodeT]:
        return cst.CSTTransformer.on_leave(self, original_node, updated_node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        cst.CSTTransformer.on_visit_attribute(self, node, attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        cst.CSTTransformer.on_leave_attribute(self, original_node, attribute)

    def _text(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node).rstrip("\r\n").replace("\r\n", "\n")

    def _swap(self, original: cst.Name | cst.Attribute, updated: cst.BaseExpression) -> cst.BaseExpression:
        new = self._nodes.get(id(original))
        if new is None:
            return updated
        new = new.with_changes(lpar=original.lpar, rpar=original.rpar)
        self._edits += 1
        if not self._line_marks:  # not inside a statement line (e.g. an `if` test): record the expression
            line = self.get_metadata(PositionProvider, original).start.line
            self.changes.append(Change(line, self._text(original), self._text(new), self.codemod_id))
        return new

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._swap(original_node, updated_node)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return self._swap(original_node, updated_node)

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        body = list(updated_node.body)
        for i, small in enumerate(original_node.body):
            new = self._statements.get(id(small), (None, []))[0]
            if new is not None:  # planners never drop or add statements in a suite
                body[i] = new
                self._edits += 1
                line = self.get_metadata(PositionProvider, small).start.line
                self.changes.append(Change(line, self._text(small), self._text(new), self.codemod_id))
        return updated_node.with_changes(body=body)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        self._line_marks.append(self._edits)
        return True

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        mark = self._line_marks.pop()
        planned = [self._statements.get(id(small)) for small in original_node.body]
        if self._edits == mark and not any(planned):
            return updated_node
        result: list[cst.SimpleStatementLine] = []
        body: list[cst.BaseSmallStatement] = []
        for small, plan in zip(updated_node.body, planned):
            new, lines = plan if plan is not None else (small, [])
            body += [new] if new is not None else []
            if lines:  # new lines go right after the statement they replace, before what follows it on the line
                result += ([_line(body, body[-1] is updated_node.body[-1])] if body else []) + lines
                body = []
        result += [_line(body, body[-1] is updated_node.body[-1])] if body else []
        result[0] = result[0].with_changes(leading_lines=updated_node.leading_lines,
                                           trailing_whitespace=updated_node.trailing_whitespace)
        self._edits += 1
        line = self.get_metadata(PositionProvider, original_node).start.line
        old, new_text = self._text(original_node.with_changes(leading_lines=())), "\n".join(
            self._text(r.with_changes(leading_lines=())) for r in result)
        self.changes.append(Change(line, old, new_text, self.codemod_id))
        return cst.FlattenSentinel(result) if len(result) > 1 else result[0]
