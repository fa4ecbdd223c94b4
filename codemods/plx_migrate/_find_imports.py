"""Finding the statements that import a legacy module: the codemods' pre-pass, before any metadata.

:func:`collect` visits a module once and returns a :class:`Found`: the legacy imports (each an :class:`ImportSite`,
with the blocks it stands in, whether it is under ``if TYPE_CHECKING`` or in a version-compat ``try`` that imports
Polyaxon v1), and the syntactic facts the planners need (calls, attribute accesses, assignments, ``global`` names,
``__all__``, strings naming v0 environment variables). When a module has no legacy import, a codemod stops there,
without computing any metadata.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import libcst as cst

from plx_migrate._legacy_api import LEGACY_MODULE, V0_ENVIRONMENT
from plx_migrate._nodes import ImportNode, full_name

__all__ = ["Found", "ImportSite", "collect"]


@dataclass(frozen=True)
class ImportSite:
    """A statement importing a legacy module (or a submodule of it), with where it stands.

    ``line`` is ``None`` inside a one-line compound statement (``if x: import ...``); ``blocks`` are the enclosing
    statement blocks (``Module``, ``IndentedBlock``, suite), outermost first; ``v1_fallback`` is true when another
    branch of an enclosing ``try`` imports Polyaxon v1 (I16: version-compat code, left alone).
    """

    node: ImportNode
    line: cst.SimpleStatementLine | None
    blocks: tuple[cst.CSTNode, ...]
    type_checking: bool
    v1_fallback: bool = False


@dataclass
class Found:
    """What the pre-pass found: legacy imports (source order) and the syntactic facts the planners need."""

    imports: list[ImportSite] = field(default_factory=list)
    call_funcs: dict[int, cst.Call] = field(default_factory=dict)  # id() of every Call.func node -> the Call
    attribute_of: dict[int, cst.Attribute] = field(default_factory=dict)  # id(node) -> the Attribute it is the value of
    assigned: dict[int, cst.Name] = field(default_factory=dict)  # id(value) -> the name of `name = value`
    stored: set[int] = field(default_factory=set)  # id() of subscripts assigned to or deleted (`x[k] = v`)
    global_names: set[str] = field(default_factory=set)  # names in global/nonlocal statements
    exported: set[str] = field(default_factory=set)  # strings listed in an `__all__` assignment
    stars: int = 0  # star imports of any module
    import_blocks: dict[int, cst.CSTNode] = field(default_factory=dict)  # id() of every import -> its block
    environment: list[cst.SimpleString] = field(default_factory=list)  # strings naming a V0_ENVIRONMENT variable
    #: id() of a string that is a subscript, the first argument or the left of ``in`` -> (the subscripted object, the
    #: called function or the right of ``in``; the subscript, call or comparison)
    string_context: dict[int, tuple[cst.BaseExpression, cst.CSTNode]] = field(default_factory=dict)


def _imports_v1(block: cst.CSTNode) -> bool:
    """Whether ``block`` (a ``try`` body or handler) imports ``polyaxon`` (v1/v2) somewhere."""
    found: list[cst.CSTNode] = []

    class Finder(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> None:
            found.extend(a for a in node.names if full_name(a.name).split(".")[0] == "polyaxon")

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            found.extend([node] if not node.relative and full_name(node.module).split(".")[0] == "polyaxon" else [])

    block.visit(Finder())
    return bool(found)


class _Collector(cst.CSTVisitor):
    """One plain visit (``visit_<Type>`` dispatch is much cheaper than an ``isinstance`` chain on every node).

    Records every import (with the module names it imports) in ``sites``; :func:`collect` keeps those of the
    modules a codemod asks for, so the codemods of a stage share one visit of an unchanged tree.
    """

    def __init__(self) -> None:
        super().__init__()
        self.found = Found()
        self.sites: list[tuple[ImportSite, list[str]]] = []
        self.blocks: list[cst.CSTNode] = []
        self.line: cst.SimpleStatementLine | None = None
        self.type_checking: set[int] = set()
        self.v1_blocks: set[int] = set()  # try bodies and handlers whose other branch imports polyaxon v1

    def _record(self, node: ImportNode, names: list[str]) -> None:
        in_tc = any(id(b) in self.type_checking for b in self.blocks)
        v1 = any(id(b) in self.v1_blocks for b in self.blocks)
        self.sites.append((ImportSite(node, self.line, tuple(self.blocks), in_tc, v1), names))

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

    def visit_Try(self, node: cst.Try) -> None:
        handlers_v1 = any(_imports_v1(h.body) for h in node.handlers)
        if handlers_v1:
            self.v1_blocks.add(id(node.body))
        if _imports_v1(node.body):
            self.v1_blocks.update(id(h.body) for h in node.handlers)

    def visit_Import(self, node: cst.Import) -> None:
        self.found.import_blocks[id(node)] = self.blocks[-1]
        self._record(node, [full_name(a.name) for a in node.names])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.found.stars += isinstance(node.names, cst.ImportStar)
        self.found.import_blocks[id(node)] = self.blocks[-1]
        if not node.relative:
            self._record(node, [full_name(node.module)])

    def visit_Call(self, node: cst.Call) -> None:
        self.found.call_funcs[id(node.func)] = node
        if node.args and isinstance(node.args[0].value, cst.SimpleString):
            self.found.string_context[id(node.args[0].value)] = node.func, node

    def visit_Subscript(self, node: cst.Subscript) -> None:
        for element in node.slice:
            if isinstance(element.slice, cst.Index) and isinstance(element.slice.value, cst.SimpleString):
                self.found.string_context[id(element.slice.value)] = node.value, node

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if isinstance(node.left, cst.SimpleString) and isinstance(node.comparisons[0].operator, (cst.In, cst.NotIn)):
            self.found.string_context[id(node.left)] = node.comparisons[0].comparator, node

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.found.attribute_of[id(node.value)] = node

    def visit_Global(self, node: cst.Global) -> None:
        self.found.global_names.update(n.name.value for n in node.names)

    visit_Nonlocal = visit_Global  # type: ignore[assignment]

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if "POLYAXON_" in node.value and node.evaluated_value in V0_ENVIRONMENT:
            self.found.environment.append(node)

    def visit_Del(self, node: cst.Del) -> None:
        self.found.stored.add(id(node.target))

    def _exports(self, targets: Sequence[cst.BaseExpression], value: cst.BaseExpression | None) -> None:
        self.found.stored.update(id(t) for t in targets if isinstance(t, cst.Subscript))
        if "__all__" in {full_name(t) for t in targets} and isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            for element in value.elements:
                if isinstance(element.value, cst.SimpleString) and isinstance(element.value.evaluated_value, str):
                    self.found.exported.add(element.value.evaluated_value)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._exports([t.target for t in node.targets], node.value)
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self.found.assigned[id(node.value)] = node.targets[0].target

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._exports([node.target], node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._exports([node.target], node.value)


#: The last tree visited by :func:`collect` and its collector, per thread: the codemods of a stage (a codemod and
#: its ``PRELUDE``) visit the same tree object until one of them changes it.
_collected = threading.local()


def collect(tree: cst.Module, modules: Sequence[str], parents: Sequence[str] = (LEGACY_MODULE,)) -> Found:
    """Find the statements importing ``modules`` or a submodule of ``parents``; no metadata needed.

    The returned :class:`Found` is the caller's own (its ``imports`` list), but its other fields are shared with
    other callers given the same tree: they must not be changed.
    """
    last = getattr(_collected, "last", None)
    if last is None or last[0] is not tree:
        collector = _Collector()
        tree.visit(collector)
        _collected.last = last = (tree, collector)
    collector = last[1]
    prefixes = tuple(p + "." for p in parents)
    imports = [site for site, names in collector.sites
               if any(name in modules or name.startswith(prefixes) for name in names)]
    return replace(collector.found, imports=imports)
