"""What the codemods share: finding legacy imports, resolving names, applying and recording edits.

A codemod subclasses :class:`LegacyImportCommand` and only *plans*. A cheap pre-pass (:func:`collect`) finds the
statements importing a legacy module; when there is none, the module is returned as it is, without computing any
metadata. Otherwise :meth:`LegacyImportCommand.plan` resolves uses with libcst scope metadata and registers
replacements (:meth:`~LegacyImportCommand.replace_node`, :meth:`~LegacyImportCommand.replace_statement`) and sites that
need a human (:meth:`~LegacyImportCommand.report_manual`). One transform pass then applies the plan and records every
real edit as a :class:`~codemods._api.Change`, so ``changed`` never depends on comparing texts.
"""
from __future__ import annotations

import itertools
from abc import abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar, Union

import libcst as cst
from libcst import CSTNodeT
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    BaseAssignment, ClassScope, FunctionScope, MetadataWrapper, PositionProvider, Scope, ScopeProvider,
)

from codemods._api import Change, ManualSite

__all__ = [
    "COMPAT_MODULE", "LEGACY_API", "LEGACY_MODULE", "Found", "ImportSite", "LegacyImportCommand", "Needs", "alias",
    "assign_line", "bound_name", "collect", "dominates", "dotted", "full_name", "import_from_line", "imports_name",
    "name_candidates", "with_aliases",
]

#: The module of polyaxon-helper 0.5.0, and the drop-in replacement exposing the same names.
LEGACY_MODULE = "polyaxon_helper"
COMPAT_MODULE = "polyaxon_helper_compat"
SUBMODULE = "polyaxon_helper 0.5.0 has no submodules to map (nor has polyaxon_helper_compat); left unchanged"

#: The polyaxon-helper 0.5.0 API by kind: ``log`` (send_metrics), ``instance`` (the module attribute experiment),
#: ``static`` (static getters of the v0 ``Experiment``), ``job`` (``Job.get_job_info``), ``function`` (functions of
#: ``polyaxon_client.tracking`` that the helper re-exported).
LEGACY_API: dict[str, str] = {
    "send_metrics": "log", "experiment": "instance", "get_job_info": "job",
    **dict.fromkeys(("get_cluster_def", "get_task_info", "get_tf_config", "get_experiment_info", "get_params",
                     "get_declarations"), "static"),
    **dict.fromkeys(("get_outputs_path", "get_outputs_refs_paths", "get_data_paths", "get_log_level"), "function"),
}

ImportNode = Union[cst.Import, cst.ImportFrom]
Replacement = tuple[Union[cst.BaseSmallStatement, None], list[cst.SimpleStatementLine]]


def full_name(node: cst.CSTNode | None) -> str:
    """Dotted name of a ``Name``/``Attribute`` node (``""`` for anything else, e.g. ``None``)."""
    return (get_full_name_for_node(node) or "") if node is not None else ""


def bound_name(alias: cst.ImportAlias) -> str:
    """The name an import alias binds: ``c`` for ``b as c``, ``b`` for ``b``, ``a.b`` for ``import a.b``."""
    return full_name(alias.asname.name) if alias.asname else full_name(alias.name)


def dotted(name: str) -> cst.Attribute | cst.Name:
    """The expression node for a dotted name such as ``"polyaxon_helper_compat.tracking"``."""
    first, *rest = name.split(".")
    node: cst.Attribute | cst.Name = cst.Name(first)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def alias(name: str, bound: str | None = None) -> cst.ImportAlias:
    """``name`` or ``name as bound`` (no ``as`` when ``bound`` is ``None`` or equal to ``name``)."""
    asname = cst.AsName(name=cst.Name(bound)) if bound and bound != name else None
    return cst.ImportAlias(name=dotted(name), asname=asname)


def import_from_line(module: str, aliases: Sequence[cst.ImportAlias]) -> cst.SimpleStatementLine:
    """A new ``from <module> import <aliases>`` line (separators reset to ``, ``)."""
    names = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in aliases]
    return cst.SimpleStatementLine(body=[cst.ImportFrom(module=dotted(module), names=names)])


def assign_line(target: str, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    """A new ``<target> = <value>`` line; its newline is the module's own (CRLF files stay CRLF)."""
    return cst.SimpleStatementLine(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(target))], value=value)])


def imports_name(assignment: BaseAssignment, modules: Sequence[str], name: str, sole: bool = False) -> bool:
    """Whether ``assignment`` is ``from <one of modules> import <name>`` (without ``as``).

    With ``sole``, it must also be the only binding of ``name`` in its scope.
    """
    node = getattr(assignment, "node", None)
    if sole and len(assignment.scope.assignments[name]) != 1:
        return False
    return (
        isinstance(node, cst.ImportFrom) and not node.relative and full_name(node.module) in modules
        and not isinstance(node.names, cst.ImportStar)
        and any(full_name(a.name) == name and a.asname is None for a in node.names)
    )


def name_candidates(first: str, prefix: str) -> Iterator[str]:
    """``first``, then ``<prefix><first>``, ``<prefix><first>_2``, ``_3``... (e.g. experiment, plx_experiment)."""
    yield first
    yield prefix + first
    for n in itertools.count(2):
        yield f"{prefix}{first}_{n}"


def with_aliases(
    names: Sequence[cst.ImportAlias] | cst.ImportStar, keep: Sequence[cst.ImportAlias],
    prepend: Sequence[cst.ImportAlias] = (),
) -> list[cst.ImportAlias]:
    """The aliases ``prepend + keep`` laid out like ``names`` (the original list, ``keep`` a sub-list of it).

    Kept aliases keep their own separator and comment; the last one takes the original trailing comma (so a
    parenthesized list stays valid: no empty ``()``, no dangling comma); inserted ones copy the first separator.
    Raises ``TypeError`` for a star import, which has no aliases.
    """
    if isinstance(names, cst.ImportStar):
        raise TypeError("a star import has no aliases")
    first = names[0].comma if len(names) > 1 else cst.MaybeSentinel.DEFAULT
    sep = first if isinstance(first, cst.Comma) else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if isinstance(sep.whitespace_after, cst.ParenthesizedWhitespace):
        sep = sep.with_changes(whitespace_after=sep.whitespace_after.with_changes(first_line=cst.TrailingWhitespace()))
    result = [*prepend, *keep]
    out = []
    for i, node in enumerate(result):
        kept = any(node is k for k in keep)
        comma = names[-1].comma if i == len(result) - 1 else (node.comma if kept else sep)
        out.append(node.with_changes(comma=comma))
    return out


@dataclass(frozen=True)
class ImportSite:
    """A statement importing a legacy module (or a submodule of it), with where it stands.

    ``line`` is ``None`` inside a one-line compound statement (``if x: import ...``); ``blocks`` are the enclosing
    statement blocks (``Module``, ``IndentedBlock``, suite), outermost first.
    """

    node: ImportNode
    line: cst.SimpleStatementLine | None
    blocks: tuple[cst.CSTNode, ...]
    type_checking: bool


def dominates(earlier: ImportSite, earlier_scope: Scope, site: ImportSite, scope: Scope) -> bool:
    """Whether a binding made right after ``earlier`` always exists when ``site`` (later in the source) runs.

    True when ``site`` is in the block of ``earlier`` or nested in it (not across a class body, whose names
    methods cannot see), or when ``earlier`` stands directly in the module body.
    """
    if earlier_scope is scope.globals and len(earlier.blocks) == 1:
        return True
    nested = any(earlier.blocks[-1] is block for block in site.blocks)
    return nested and (earlier_scope is scope or not isinstance(earlier_scope, ClassScope))


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


@dataclass
class Found:
    """What the pre-pass found: legacy imports (source order) and the syntactic facts the planners need."""

    imports: list[ImportSite] = field(default_factory=list)
    call_funcs: set[int] = field(default_factory=set)  # id() of every Call.func node
    attribute_of: dict[int, cst.Attribute] = field(default_factory=dict)  # id(Name) -> the Attribute it starts
    global_names: set[str] = field(default_factory=set)  # names in global/nonlocal statements
    exported: set[str] = field(default_factory=set)  # strings listed in an `__all__` assignment


class _Collector(cst.CSTVisitor):
    """One plain visit (``visit_<Type>`` dispatch is much cheaper than an ``isinstance`` chain on every node)."""

    def __init__(self, modules: Sequence[str]) -> None:
        super().__init__()
        self.modules, self.found = tuple(modules), Found()
        self.blocks: list[cst.CSTNode] = []
        self.line: cst.SimpleStatementLine | None = None
        self.type_checking: set[int] = set()

    def _matches(self, name: str) -> bool:  # a legacy module, or a submodule of polyaxon_helper (reported)
        return name in self.modules or name.startswith(LEGACY_MODULE + ".")

    def _record(self, node: ImportNode) -> None:
        in_tc = any(id(b) in self.type_checking for b in self.blocks)
        self.found.imports.append(ImportSite(node, self.line, tuple(self.blocks), in_tc))

    def _enter(self, node: cst.CSTNode) -> None:
        self.blocks.append(node)

    def _exit(self, original_node: cst.CSTNode) -> None:
        self.blocks.pop()

    visit_Module = visit_IndentedBlock = visit_SimpleStatementSuite = _enter
    leave_Module = leave_IndentedBlock = leave_SimpleStatementSuite = _exit

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.line = node

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self.line = None

    def visit_If(self, node: cst.If) -> None:
        if full_name(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            self.type_checking.add(id(node.body))

    def visit_Import(self, node: cst.Import) -> None:
        if any(self._matches(full_name(a.name)) for a in node.names):
            self._record(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not node.relative and self._matches(full_name(node.module)):
            self._record(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.found.call_funcs.add(id(node.func))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name):
            self.found.attribute_of[id(node.value)] = node

    def visit_Global(self, node: cst.Global) -> None:
        self.found.global_names.update(n.name.value for n in node.names)

    visit_Nonlocal = visit_Global  # type: ignore[assignment]

    def _exports(self, targets: Sequence[cst.BaseExpression], value: cst.BaseExpression | None) -> None:
        if "__all__" in {full_name(t) for t in targets} and isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            for element in value.elements:
                if isinstance(element.value, cst.SimpleString) and isinstance(element.value.evaluated_value, str):
                    self.found.exported.add(element.value.evaluated_value)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._exports([t.target for t in node.targets], node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._exports([node.target], node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._exports([node.target], node.value)


def collect(tree: cst.Module, modules: Sequence[str]) -> Found:
    """Find the statements importing ``modules`` or a ``polyaxon_helper.x`` submodule; no metadata needed."""
    collector = _Collector(modules)
    tree.visit(collector)
    return collector.found


def _line(body: list[cst.BaseSmallStatement], ends_line: bool) -> cst.SimpleStatementLine:
    """A line of small statements; the last one loses its ``;`` unless it also ended the original line."""
    last = body[-1] if ends_line else body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    return cst.SimpleStatementLine(body=[*body[:-1], last])


class LegacyImportCommand(VisitorBasedCodemodCommand):
    """Base of every codemod: pre-pass, metadata without a deep copy, plan application and edit records.

    Subclasses set ``LEGACY_MODULES`` and implement :meth:`plan` (imports of ``polyaxon_helper.x`` submodules are
    reported here and must be left alone). After :meth:`transform_module`, ``changes`` and
    ``manual`` hold what was edited and what was left for a human (warnings are also sent to ``self.warn``).
    """

    METADATA_DEPENDENCIES = (PositionProvider, ScopeProvider)
    LEGACY_MODULES: ClassVar[tuple[str, ...]] = (LEGACY_MODULE,)

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
        self._scopes: list[Scope] | None = None
        self._taken: set[str] = set()
        self._source_lines: list[str] | None = None

    @classmethod
    def mentions(cls, source: str) -> bool:
        """Cheap text pre-filter: could ``source`` import one of ``LEGACY_MODULES`` at all?"""
        return any(module in source for module in cls.LEGACY_MODULES)

    @property
    def codemod_id(self) -> str:
        """The registry id: the module name with ``_`` replaced by ``-`` (``helper-to-compat``)."""
        return type(self).__module__.rsplit(".", 1)[-1].replace("_", "-")

    @abstractmethod
    def plan(self, found: Found) -> None:
        """Register the replacements and manual sites for the legacy imports in ``found`` (metadata available)."""

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """Run the codemod on ``tree``; returns ``tree`` itself when there is nothing to do."""
        self._reset()
        found = collect(tree, self.LEGACY_MODULES)
        if not found.imports:
            return tree
        wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)  # a freshly parsed tree: no shared nodes
        outer = self.context.wrapper
        with self.resolve(wrapper):
            self.context = replace(self.context, wrapper=wrapper)
            try:
                self._report_submodules(found)
                self.plan(found)
                return tree.visit(self) if (self._nodes or self._statements) else tree
            finally:
                self.context = replace(self.context, wrapper=outer)

    def _report_submodules(self, found: Found) -> None:
        for site in found.imports:
            names = [site.node.module] if isinstance(site.node, cst.ImportFrom) else [a.name for a in site.node.names]
            for name in names:
                if name is not None and full_name(name).startswith(LEGACY_MODULE + "."):
                    self.report_manual(name, SUBMODULE)

    # -- planning API -------------------------------------------------------------------------------------
    def replace_node(self, node: cst.Name | cst.Attribute, new: cst.BaseExpression) -> None:
        """Replace the expression ``node`` (an original node) by ``new``, keeping its parentheses."""
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

    def scope_of(self, node: cst.CSTNode) -> Scope:
        """The scope ``node`` stands in (raises ``LookupError`` for a node outside any scope)."""
        scope = self.get_metadata(ScopeProvider, node)
        if scope is None:
            raise LookupError(f"no scope for {type(node).__name__}")
        return scope

    def binding(self, node: ImportNode, name: str, found: Found) -> tuple[BaseAssignment, bool]:
        """The assignment of ``name`` made by import ``node``, and whether the name is bound conditionally.

        Conditional: the scope binds the name elsewhere too (``except ImportError: name = ...``, I6/C11), a
        ``global``/``nonlocal`` names it, ``__all__`` exports it, or one of its uses may see another binding: in
        all these cases the name itself must stay bound.
        """
        scope = self.scope_of(node)
        while not (mine := [a for a in scope.assignments[name] if getattr(a, "node", None) is node]):
            if scope is scope.globals:  # pragma: no cover - an import always binds its names somewhere
                raise LookupError(f"{name} is not bound by this import")
            scope = scope.parent  # `global`/`nonlocal` names bind in an enclosing scope
        assignments = scope.assignments[name]
        conditional = len(assignments) > 1 or name in found.global_names | found.exported
        return mine[0], conditional or any(len(access.referents) > 1 for access in mine[0].references)

    def is_free(self, name: str, allowed: Callable[[BaseAssignment], bool] = lambda a: False) -> bool:
        """Whether ``name`` is neither bound (except by ``allowed`` assignments) nor used unbound in any scope."""
        if self._scopes is None:
            unique = {id(s): s for s in self.metadata[ScopeProvider].values() if isinstance(s, Scope)}
            self._scopes = list(unique.values())
        return all(
            all(allowed(a) for a in scope.assignments[name]) and all(r.referents for r in scope.accesses[name])
            for scope in self._scopes
        )

    def first_binding(self, site: ImportSite, done: list[ImportSite], per_call: str = "") -> bool:
        """Whether a binding placed after ``site`` is needed: no site in ``done`` :func:`dominates` it.

        ``done`` lists the sites already given that binding (in source order); ``site`` is added when True, and
        if it is in a function, ``per_call`` (formatted with the function's name) is reported as a manual site.
        """
        scope = self.scope_of(site.node)
        if any(dominates(d, self.scope_of(d.node), site, scope) for d in done):
            return False
        done.append(site)
        if per_call and isinstance(scope, FunctionScope) and isinstance(scope.node, cst.FunctionDef):
            self.report_manual(site.node, per_call.format(scope.node.name.value))
        return True

    def uses(self, assignment: BaseAssignment) -> list[cst.CSTNode]:
        """The nodes using ``assignment`` (names, or strings for string annotations), in source order."""
        nodes = [access.node for access in assignment.references]
        positions = {id(node): self.get_metadata(PositionProvider, node).start for node in nodes}
        return sorted(nodes, key=lambda node: (positions[id(node)].line, positions[id(node)].column))

    def choose_name(self, first: str, prefix: str, allowed: Callable[[BaseAssignment], bool]) -> str:
        """Reserve the first free name of :func:`name_candidates` (see :meth:`is_free`) not reserved before."""
        name = next(n for n in name_candidates(first, prefix) if n not in self._taken and self.is_free(n, allowed))
        self._taken.add(name)
        return name

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
