"""What the codemods share: finding legacy imports, resolving names, applying and recording edits.

A codemod subclasses :class:`LegacyImportCommand` and only *plans*. A cheap pre-pass (:func:`collect`) finds the
statements importing a legacy module; when there is none, the module is returned as it is, without computing any
metadata. Otherwise :meth:`LegacyImportCommand.plan` resolves uses with libcst scope metadata and registers
replacements (:meth:`~LegacyImportCommand.replace_node`, :meth:`~LegacyImportCommand.replace_statement`) and sites that
need a human (:meth:`~LegacyImportCommand.report_manual`). One transform pass then applies the plan and records every
real edit as a :class:`~codemods._api.Change`, so ``changed`` never depends on comparing texts. A codemod may name a
``PRELUDE`` of codemods run first on the same module (helper-to-experiment runs v0-environment and client-to-compat).

Also here: the tables of what the compat package provides (``LEGACY_API``, ``CLIENT_MODULES``, ``CLASS_ATTRIBUTES``),
the v0 environment variables, and the resolution of star imports (:meth:`~LegacyImportCommand.star_uses`). The
layout of rewritten import lists is in :mod:`codemods._layout`.
"""
from __future__ import annotations

import itertools
import threading
from abc import abstractmethod
from collections.abc import Callable, Collection, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar, Union, cast

import libcst as cst
from libcst import CSTNodeT
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    BaseAssignment, ClassScope, CodePosition, FunctionScope, MetadataWrapper, PositionProvider, Scope, ScopeProvider,
)
from libcst.metadata.base_provider import ProviderT

from codemods._api import Change, ManualSite
from codemods._layout import realign, relayout

__all__ = [
    "CLASS_ATTRIBUTES", "CLIENT_MODULE", "CLIENT_MODULES", "COMPAT_MODULE", "COMPAT_NAMES", "COMPAT_SUBMODULES",
    "FALLBACK", "Found", "ImportNode", "ImportSite", "Kept", "LEGACY_API", "LEGACY_MODULE", "LegacyImportCommand",
    "MISSING", "MODULE_VALUE", "NOT_PROVIDED", "Needs", "STARS", "SUITE", "UNUSED", "V01_API", "V0_ENVIRONMENT",
    "alias", "assign_line", "back", "bound_name", "client_missing", "client_target", "collect", "dominates", "dotted",
    "full_name", "import_from_line", "imports_name", "line_map", "name_candidates",
]

#: The module of polyaxon-helper 0.5.0, and the drop-in replacement exposing the same names.
LEGACY_MODULE = "polyaxon_helper"
COMPAT_MODULE = "polyaxon_helper_compat"
SUBMODULE = "polyaxon_helper 0.5.0 has no submodules to map (nor has polyaxon_helper_compat); left unchanged"
MODULE_VALUE = "the {} module is used as a value, its attributes cannot be resolved; left unchanged"
SUITE = "import in a one-line compound statement: split the line, then run the codemod again"
FALLBACK = "the module name is also bound elsewhere in this scope (a fallback?); its uses are left unchanged"
UNUSED = "the module is imported but never used (an availability probe?); left unchanged"
STAR = ("{!r} is bound nowhere in this module, so it may come from `from {} import *`, whose replacement does not "
        "provide it; the star import is left unchanged")
STARS = "star import next to another star import: which one binds a name cannot be known; left unchanged"
V1_FALLBACK = ("version-compat code: another branch of this try imports Polyaxon v1 (polyaxon); the v0 import is "
               "left unchanged")

#: The polyaxon-helper 0.5.0 API by kind: ``log`` (send_metrics), ``instance`` (the module attribute experiment),
#: ``static`` (static getters of the v0 ``Experiment``), ``job`` (``Job.get_job_info``), ``function`` (functions of
#: ``polyaxon_client.tracking`` that the helper re-exported).
LEGACY_API: dict[str, str] = {
    "send_metrics": "log", "experiment": "instance", "get_job_info": "job",
    **dict.fromkeys(("get_cluster_def", "get_task_info", "get_tf_config", "get_experiment_info", "get_params",
                     "get_declarations"), "static"),
    **dict.fromkeys(("get_outputs_path", "get_outputs_refs_paths", "get_data_paths", "get_log_level"), "function"),
}
#: The polyaxon-helper 0.1.x names that 0.5.0 dropped: ``polyaxon_helper_compat`` provides them (same behaviour as
#: 0.1.9); they have no ``Experiment`` or Polyaxon v2 equivalent, so later stages keep them and say why.
V01_API: dict[str, str] = {
    "get_api": "'get_api' is a polyaxon-helper 0.1.x name (the v0.1 API's URL, from POLYAXON_API) with no "
               "Experiment or Polyaxon v2 equivalent; left unchanged (polyaxon_helper_compat provides it)",
    "get_internal_token": "'get_internal_token' is a polyaxon-helper 0.1.x name (POLYAXON_INTERNAL_SECRET_TOKEN) "
                          "with no Experiment or Polyaxon v2 equivalent; left unchanged (polyaxon_helper_compat "
                          "provides it)",
}
#: What ``import polyaxon_helper_compat`` offers in place of ``polyaxon_helper`` (0.5.0 and 0.1.x names).
COMPAT_NAMES = frozenset(LEGACY_API) | frozenset(V01_API)
NOT_PROVIDED = ("{!r} is neither a polyaxon-helper 0.5.0 nor a 0.1.x name: polyaxon_helper_compat does not provide "
                "it either (it fails as it did before); the module is rewritten, this name needs a decision")

#: polyaxon-client (0.5/0.6, which polyaxon-helper 0.5.0 pins) and what of it ``polyaxon_helper_compat`` provides:
#: client module -> (compat module, the names it provides). Read from the ``__all__`` of ``polyaxon_helper_compat``'s
#: ``tracking.py``, ``exceptions.py`` and ``client.py``, never imported; ``tests/codemods`` checks they still agree.
CLIENT_MODULE = "polyaxon_client"
_PATHS = frozenset(("get_base_outputs_path", "get_data_paths", "get_log_level", "get_outputs_path",
                    "get_outputs_refs_paths"))
CLIENT_MODULES: dict[str, tuple[str, frozenset[str]]] = {
    "polyaxon_client.tracking": ("polyaxon_helper_compat.tracking", _PATHS | {"Experiment", "Group", "Job"}),
    "polyaxon_client.tracking.paths": ("polyaxon_helper_compat.tracking", _PATHS),
    **{f"polyaxon_client.tracking.{name.lower()}": ("polyaxon_helper_compat.tracking", frozenset((name,)))
       for name in ("Experiment", "Group", "Job")},
    "polyaxon_client.exceptions": ("polyaxon_helper_compat.exceptions", frozenset((
        "ERRORS_MAPPING", "AuthenticationError", "AuthorizationError", "BadGatewayError", "BadRequestError",
        "GatewayTimeoutError", "NotFoundError", "OverLimitError", "PolyaxonClientException", "PolyaxonHTTPError",
        "PolyaxonShouldExitError", "SSLHandshakeError", "ServerError", "ServiceUnavailableError"))),
    "polyaxon_client": ("polyaxon_helper_compat.client", frozenset(("PolyaxonClient",))),
    "polyaxon_client.client": ("polyaxon_helper_compat.client", frozenset(("PolyaxonClient",))),
    "polyaxon_client.api_config": ("polyaxon_helper_compat.client", frozenset(("ApiConfig",))),
}
COMPAT_SUBMODULES = frozenset(target for target, _ in CLIENT_MODULES.values())
_TRACKER = frozenset((
    "client", "end", "failed", "get_data_paths", "get_log_level", "get_outputs_path", "get_outputs_refs_paths",
    "last_status", "log_artifact", "log_artifacts", "log_backend", "log_code_ref", "log_data_ref", "log_failed",
    "log_output", "log_outputs", "log_params", "log_run_env", "log_status", "log_stopped", "log_succeeded", "log_tags",
    "outputs_store", "project", "project_name", "set_description", "set_name", "set_outputs_store", "start", "stop",
    "succeeded", "track_code", "track_env", "track_logs", "username", "create",
))
#: Public attributes of the compat ``Experiment``/``Job``/``Group`` (class and instances): what client code may use.
CLASS_ATTRIBUTES: dict[str, frozenset[str]] = {
    "Experiment": _TRACKER | {"experiment", "experiment_id", "get_cluster_def", "get_declarations",
                              "get_experiment_info", "get_params", "get_task_info", "get_tf_config", "group_id",
                              "log_framework", "log_metrics"},
    "Job": _TRACKER | {"get_job_info", "job", "job_id", "job_type"},
    "Group": _TRACKER | {"base_outputs_path", "create_experiment", "group", "group_id"},
}

def client_target(parts: Sequence[str]) -> tuple[int, str] | None:
    """Where the client name ``parts`` (``["polyaxon_client", "tracking", "Experiment", ...]``) lives in compat.

    Returns ``(i, module)`` when ``parts[:i]`` is a module of :data:`CLIENT_MODULES` whose compat ``module``
    provides ``parts[i]``, else ``None`` (settings, contrib, ``Group``...: nothing to point at).
    """
    for i in range(1, len(parts)):
        target = CLIENT_MODULES.get(".".join(parts[:i]))
        if target is not None and parts[i] in target[1]:
            return i, target[0]
    return None


MISSING = "{} is not provided by polyaxon_helper_compat{}; left unchanged"
_HINTS = {"polyaxon_client.settings": " (E9: test the environment, e.g. POLYAXON_IS_MANAGED, explicitly)",
          "polyaxon_client.tracking.contrib": " (E8: framework callbacks need a manual migration)"}


def client_missing(name: str) -> str:
    """The manual-site reason for client name ``name`` (dotted) that compat lacks, with a hint for E8/E9."""
    hint = next((text for prefix, text in _HINTS.items() if name == prefix or name.startswith(prefix + ".")), "")
    return MISSING.format(name, hint)


#: Environment variables only Polyaxon v0 sets (polyaxon-client 0.6.1 ``settings.py``/``tracking/paths.py`` and
#: polyaxon-helper 0.1.9); none of them exists in Polyaxon v2 (shared research, headline 1).
V0_ENVIRONMENT = frozenset("POLYAXON_" + name for name in (
    "CLUSTER", "TASK_INFO", "PARAMS", "DECLARATIONS", "EXPERIMENT_INFO", "JOB_INFO", "RUN_OUTPUTS_PATH",
    "RUN_DATA_PATHS", "REFS_OUTPUTS_PATHS", "IN_CLUSTER", "API_HOST", "DATA_PATHS",
))

ImportNode = Union[cst.Import, cst.ImportFrom]
Kept = list[list[cst.ImportAlias]]  # per alias of an import: what stays in its place
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


def _cache_visitor_methods() -> None:
    """Make libcst's ``BatchableCSTVisitor.get_visitors`` find a class's visitor methods once, not per instance.

    libcst builds every batchable metadata provider (``ExpressionContextProvider``, which ``ScopeProvider`` needs)
    anew per module and lists its ``visit_*``/``leave_*`` methods with ``inspect.getmembers``, which scans every
    attribute of the class: about a fifth of the codemods' time on a small module. The names found for the first
    instance of a class are kept (the original method decides them, so the filter is libcst's), and later
    instances get the same names bound to themselves. Installed once per process; a class that overrides
    ``get_visitors`` is not affected.
    """
    from libcst._batched_visitor import BatchableCSTVisitor

    original = BatchableCSTVisitor.get_visitors
    if getattr(original, "cached_per_class", False):
        return
    names: dict[type, tuple[str, ...]] = {}

    def get_visitors(self: BatchableCSTVisitor) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        known = names.get(type(self))
        if known is None:
            methods = original(self)
            names[type(self)] = tuple(methods)
            return dict(methods)
        return {name: getattr(self, name) for name in known}

    get_visitors.cached_per_class = True  # type: ignore[attr-defined]
    get_visitors.__doc__ = original.__doc__
    BatchableCSTVisitor.get_visitors = get_visitors  # type: ignore[method-assign]  # the patch itself


_cache_visitor_methods()


def _key(position: CodePosition) -> tuple[int, int]:
    """``(line, column)``, to compare positions."""
    return position.line, position.column


def _line(body: list[cst.BaseSmallStatement], ends_line: bool) -> cst.SimpleStatementLine:
    """A line of small statements; the last one loses its ``;`` unless it also ended the original line."""
    last = body[-1] if ends_line else body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    return cst.SimpleStatementLine(body=[*body[:-1], last])


class LegacyImportCommand(VisitorBasedCodemodCommand):
    """Base of every codemod: pre-pass, metadata without a deep copy, plan application and edit records.

    Subclasses set ``LEGACY_MODULES`` (and ``SUBMODULE_PARENTS``, whose submodule imports are collected too) and
    implement :meth:`plan`. Imports of ``polyaxon_helper.x`` submodules, and legacy imports in version-compat ``try``
    blocks (I16), are reported here and never reach :meth:`plan` (nor, unless ``IN_SUITES``, those in one-line
    compound statements). After :meth:`transform_module`, ``changes`` and ``manual`` hold what was edited and what
    was left for a human (warnings are also sent to ``self.warn``), in source order.
    """

    METADATA_DEPENDENCIES: ClassVar[Collection[ProviderT]] = (PositionProvider, ScopeProvider)
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
        self._scopes: list[Scope] | None = None
        self._taken: set[str] = set()
        self._source_lines: list[str] | None = None
        self._ignored: set[int] = set()  # accesses is_free does not count (unbound uses a star import binds)

    @classmethod
    def mentions(cls, source: str) -> bool:
        """Cheap text pre-filter: could ``source`` import one of ``LEGACY_MODULES`` at all (or interest a prelude)?"""
        return any(module in source for module in cls.LEGACY_MODULES) or any(
            command.mentions(source) for command in cls._prelude_classes())

    @classmethod
    def _prelude_classes(cls) -> list[type[LegacyImportCommand]]:
        """The command classes of ``PRELUDE`` (raises ``KeyError`` for an id that is not registered)."""
        from codemods._registry import get_registry  # the registry imports the codemod modules

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
        """Whether ``name`` is neither bound (except by ``allowed`` assignments) nor used unbound in any scope.

        Unbound uses registered in ``self._ignored`` (those a star import being rewritten binds) do not count.
        """
        return all(
            all(allowed(a) for a in scope.assignments[name])
            and all(r.referents or id(r.node) in self._ignored for r in scope.accesses[name])
            for scope in self.scopes()
        )

    def scopes(self) -> list[Scope]:
        """Every scope of the module (computed once per module)."""
        if self._scopes is None:
            unique = {id(s): s for s in self.metadata[ScopeProvider].values() if isinstance(s, Scope)}
            self._scopes = list(unique.values())
        return self._scopes

    def unbound(self) -> dict[str, list[cst.Name]]:
        """Names used but bound nowhere (not as builtins, not dunders such as ``__file__``), with their uses in source
        order: what a star import may bind."""
        uses: dict[str, list[cst.Name]] = {}
        for scope in self.scopes():
            for access in scope.accesses:
                name = access.node.value if isinstance(access.node, cst.Name) else "__"
                if not access.referents and not (name.startswith("__") and name.endswith("__")):
                    uses.setdefault(name, []).append(cast(cst.Name, access.node))
        return {name: self.in_order(nodes) for name, nodes in sorted(uses.items())}

    def module_uses(
        self, node: ImportNode, at: cst.ImportAlias, found: Found
    ) -> list[cst.Attribute | cst.Name] | None:
        """The uses of the module name bound by alias ``at`` of ``node``: ``<name>.<attribute>`` nodes, and bare names
        (the module used as a value, reported). ``None`` (reported) when the name is also bound some other way in its
        scope (a fallback) or never used (an availability probe)."""
        binding, conditional = self.binding(node, bound_name(at), found)
        if conditional or not binding.references:
            self.report_manual(at, FALLBACK if conditional else UNUSED)
            return None
        uses: list[cst.Attribute | cst.Name] = []
        for use in self.uses(binding):
            attribute = found.attribute_of.get(id(use))
            if attribute is None:
                self.report_manual(use, MODULE_VALUE.format(full_name(at.name)))
            uses.append(attribute if attribute is not None else cast(cst.Name, use))
        return uses

    def class_attributes(self, node: cst.CSTNode, found: Found) -> list[cst.Attribute]:
        """The attributes used on class ``node`` (``Experiment.get_params``) and on the instances made by calling it:
        ``Experiment().log_metrics`` and, following the binding rather than a variable name (E4), ``exp.create``
        after ``exp = Experiment(...)``. Instances stored elsewhere (``self.exp``, arguments: E6) are not followed."""
        attributes = [found.attribute_of.get(id(node))]
        call = found.call_funcs.get(id(node))
        if call is not None:
            attributes.append(found.attribute_of.get(id(call)))
            target = found.assigned.get(id(call))
            bindings = self.scope_of(target).assignments[target.value] if target is not None else ()
            attributes += [found.attribute_of.get(id(use)) for binding in bindings
                           if getattr(binding, "node", None) is target for use in self.uses(binding)]
        return [a for a in attributes if a is not None]

    def star_uses(self, node: cst.ImportFrom, found: Found, known: Container[str]) -> dict[str, list[cst.Name]] | None:
        """The names that star import ``node`` may bind and the module uses (bound nowhere), with their uses.

        ``None`` (and reported) when one of them is not in ``known`` or another star import may bind them too. The
        uses returned no longer count for :meth:`is_free`, since the rewrite binds them explicitly.
        """
        if found.stars > 1:
            self.report_manual(node, STARS)
            return None
        used = self.unbound()
        unknown = [name for name in used if name not in known]
        for name in unknown:
            self.report_manual(used[name][0], STAR.format(name, full_name(node.module)))
        if unknown:
            return None
        self._ignored.update(id(use) for uses in used.values() for use in uses)
        return used

    def in_order(self, nodes: Sequence[CSTNodeT]) -> list[CSTNodeT]:
        """``nodes`` sorted by their position in the source."""
        positions = {id(node): self.get_metadata(PositionProvider, node).start for node in nodes}
        return sorted(nodes, key=lambda node: (positions[id(node)].line, positions[id(node)].column))

    def chain(self, node: cst.CSTNode, found: Found) -> list[cst.BaseExpression]:
        """``node`` and the attribute accesses built on it: ``[a, a.b, a.b.c]`` for the ``a`` of ``a.b.c``."""
        nodes = [cast(cst.BaseExpression, node)]
        while id(nodes[-1]) in found.attribute_of:
            nodes.append(found.attribute_of[id(nodes[-1])])
        return nodes

    def rebound_before_use(self, node: ImportNode, name: str, bound: str, found: Found, modules: Sequence[str]) -> bool:
        """Whether a later ``from <one of modules> import <name> [as <bound>]`` in the block of ``node`` binds ``bound``
        again before any use of it (I14): then the binding made by ``node`` is never seen and can be dropped."""
        scope, block = self.scope_of(node), found.import_blocks.get(id(node))
        position = self.get_metadata(PositionProvider, node).end
        for assignment in scope.assignments[bound]:
            other = getattr(assignment, "node", None)
            if not (isinstance(other, cst.ImportFrom) and other is not node
                    and found.import_blocks.get(id(other)) is block
                    and not isinstance(other.names, cst.ImportStar) and full_name(other.module) in modules
                    and any(full_name(a.name) == name and bound_name(a) == bound for a in other.names)
                    and _key(self.get_metadata(PositionProvider, other).start) > _key(position)):
                continue
            end = _key(self.get_metadata(PositionProvider, other).end)
            uses = [r.node for a in scope.assignments[bound] for r in a.references]
            return all(_key(self.get_metadata(PositionProvider, use).start) > end for use in uses)
        return False

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
        return self.in_order([access.node for access in assignment.references])

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

    def bound_before(self, node: ImportNode, module: str, name: str, found: Found) -> bool:
        """Whether ``from <module> import <name>``, standing in the module body before ``node`` and the only binding
        of ``name`` in the module scope, already binds what ``node`` would import (I15: bind each name once)."""
        assignments = list(self.scope_of(node).globals.assignments[name])
        if len(assignments) != 1 or not imports_name(assignments[0], (module,), name):
            return False
        other = cast(cst.ImportFrom, getattr(assignments[0], "node"))
        return isinstance(found.import_blocks.get(id(other)), cst.Module) and _key(
            self.get_metadata(PositionProvider, other).start) < _key(self.get_metadata(PositionProvider, node).start)

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
