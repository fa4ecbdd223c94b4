"""Resolving names with libcst's scope metadata: where a name is bound, who uses it, whether a new name is free.

:class:`NameResolver` is the part of every codemod's base class (:class:`~plx_migrate._command.LegacyImportCommand`)
that answers questions about names from ``ScopeProvider`` and ``PositionProvider``: the binding an import makes and
whether it is conditional (a fallback, ``global``, ``__all__``), the uses of a module name and of a class and its
instances, the names a star import may bind, whether a binding already exists where a new one would go, and which
name to give a new binding. What cannot be resolved safely is reported as a manual site, with one of the reasons
below.
"""
from __future__ import annotations

import itertools
from abc import abstractmethod
from collections.abc import Callable, Collection, Container, Iterator, Sequence
from typing import ClassVar, cast

import libcst as cst
from libcst import CSTNodeT
from libcst.codemod import VisitorBasedCodemodCommand
from libcst.metadata import (
    BaseAssignment, ClassScope, CodePosition, FunctionScope, PositionProvider, Scope, ScopeProvider,
)
from libcst.metadata.base_provider import ProviderT

from plx_migrate._find_imports import Found, ImportSite
from plx_migrate._nodes import ImportNode, bound_name, full_name

__all__ = [
    "FALLBACK", "MODULE_VALUE", "STAR", "STARS", "UNUSED", "NameResolver", "dominates", "imports_name",
    "name_candidates",
]

MODULE_VALUE = "the {} module is used as a value, its attributes cannot be resolved; left unchanged"
FALLBACK = "the module name is also bound elsewhere in this scope (a fallback?); its uses are left unchanged"
UNUSED = "the module is imported but never used (an availability probe?); left unchanged"
STAR = ("{!r} is bound nowhere in this module, so it may come from `from {} import *`, whose replacement does not "
        "provide it; the star import is left unchanged")
STARS = "star import next to another star import: which one binds a name cannot be known; left unchanged"


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


def dominates(earlier: ImportSite, earlier_scope: Scope, site: ImportSite, scope: Scope) -> bool:
    """Whether a binding made right after ``earlier`` always exists when ``site`` (later in the source) runs.

    True when ``site`` is in the block of ``earlier`` or nested in it (not across a class body, whose names
    methods cannot see), or when ``earlier`` stands directly in the module body.
    """
    if earlier_scope is scope.globals and len(earlier.blocks) == 1:
        return True
    nested = any(earlier.blocks[-1] is block for block in site.blocks)
    return nested and (earlier_scope is scope or not isinstance(earlier_scope, ClassScope))


def _key(position: CodePosition) -> tuple[int, int]:
    """``(line, column)``, to compare positions."""
    return position.line, position.column


class NameResolver(VisitorBasedCodemodCommand):
    """Questions about names, answered from scope and position metadata (see the module docstring).

    The state it keeps per module (the scopes, the names reserved, the uses a star import binds) is reset by
    :meth:`_reset_names`; :meth:`report_manual` is the command's own.
    """

    METADATA_DEPENDENCIES: ClassVar[Collection[ProviderT]] = (PositionProvider, ScopeProvider)

    def _reset_names(self) -> None:
        """Forget what was resolved in the previous module."""
        self._scopes: list[Scope] | None = None
        self._taken: set[str] = set()
        self._ignored: set[int] = set()  # accesses is_free does not count (unbound uses a star import binds)

    @abstractmethod
    def report_manual(self, node: cst.CSTNode, reason: str) -> None:
        """Record ``node`` as a site left unchanged for ``reason`` (implemented by the command)."""

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
