"""client-to-compat: imports of the v0 tracking API ``polyaxon_client`` point at ``polyaxon_helper_compat``.

polyaxon-helper 0.5.0 pins polyaxon-client 0.5.0, which cannot be imported on Python >= 3.10: scripts using its v0
tracking API fail like helper scripts. Stage ``experiment`` runs this codemod before helper-to-experiment:

- ``from polyaxon_client.tracking import Experiment, get_outputs_path`` -> ``from polyaxon_helper_compat.tracking
  import Experiment, get_outputs_path`` in place (also ``tracking.paths`` and ``exceptions``);
- ``import polyaxon_client.tracking as t``, ``from polyaxon_client import tracking as t`` -> the compat module as
  ``t``; ``import polyaxon_client[.tracking]`` -> ``import polyaxon_helper_compat.tracking`` (uses renamed); a star
  import -> the compat module's. Only what compat provides moves (``_helpers.CLIENT_MODULES``): ``settings.IN_CLUSTER``
  (E9), ``tracking.contrib`` (E8), ``Group`` and the methods compat classes lack (``create``, E3) are reported.
"""
from __future__ import annotations

import libcst as cst

from plx_migrate import _helpers as h
from plx_migrate._layout import relayout

TAKEN = "polyaxon_helper_compat names something else in this module; left unchanged"
MIXED = "one import for several polyaxon_helper_compat modules: import each one, then run the codemod again"


class ClientToCompatCommand(h.LegacyImportCommand):
    """Move ``polyaxon_client`` imports to ``polyaxon_helper_compat`` where it provides the names used."""

    DESCRIPTION = "Import polyaxon_helper_compat.tracking instead of polyaxon_client.tracking (v0 Experiment API)."
    LEGACY_MODULES = SUBMODULE_PARENTS = (h.CLIENT_MODULE,)

    def plan(self, found: h.Found) -> None:
        """Plan the move of each ``polyaxon_client`` import whose uses compat provides; report the rest."""
        self._found = found
        for site in found.imports:
            if isinstance(site.node, cst.Import):
                slots = [self._module_alias(site.node, a) for a in site.node.names]
                if any(slot != [a] for slot, a in zip(slots, site.node.names)):
                    self.replace_statement(site.node, relayout(site.node, slots))
            elif isinstance(site.node.names, cst.ImportStar):
                self._star(site.node)
            else:
                self._from(site, site.node)

    def _class_ok(self, name: str, node: cst.CSTNode) -> bool:
        """Whether class ``name`` used at ``node`` is one compat has, with every attribute used on it or on the
        instances it makes (E4, E7); what is missing is reported."""
        provided = h.CLASS_ATTRIBUTES.get(name)
        attributes = self.class_attributes(node, self._found) if provided is not None else []
        missing = [a for a in attributes if a.attr.value not in (provided or ())]
        for attribute in missing:
            self.report_manual(attribute, h.client_missing(f"polyaxon_client.tracking.{name}.{attribute.attr.value}"))
        return not missing

    def _resolve(self, use: cst.CSTNode, prefix: list[str]) -> tuple[cst.BaseExpression, str] | None:
        """For ``use`` of a client module bound as ``prefix``: the node naming the client module and its compat
        module; ``None`` (reported) when compat lacks what it names."""
        chain = self.chain(use, self._found)
        parts = prefix + [c.attr.value for c in chain[1:] if isinstance(c, cst.Attribute)]
        target = h.client_target(parts)
        if target is None or target[0] < len(prefix):
            self.report_manual(chain[-1], h.client_missing(".".join(parts)))
            return None
        i, module = target
        user = chain[i - len(prefix) + 1]  # the class or function used, e.g. `t.Experiment`
        return (chain[i - len(prefix)], module) if self._class_ok(parts[i], user) else None

    def _bound_module(self, node: h.ImportNode, alias: cst.ImportAlias, module: str) -> str | None:
        """The compat module to bind to the name of ``alias`` (bound to client ``module``), every use of which is
        ``<name>.<what compat provides>``; ``None`` (reported) otherwise."""
        uses = self.module_uses(node, alias, self._found)
        resolved = [self._resolve(u.value, module.split(".")) for u in uses or [] if isinstance(u, cst.Attribute)]
        targets = {target for _, target in filter(None, resolved)}
        if len(targets) > 1:  # `import polyaxon_client as p` used as `p.tracking.x` and `p.exceptions.y`
            self.report_manual(alias, MIXED)
        if uses is None or len(resolved) < len(uses) or None in resolved or len(targets) != 1:
            return None
        for module_node, _ in filter(None, resolved):
            self.replace_node(module_node, cst.Name(h.bound_name(alias)))  # type: ignore[arg-type]
        return targets.pop()

    def _module_alias(self, node: cst.Import, alias: cst.ImportAlias) -> list[cst.ImportAlias]:
        """What replaces ``alias`` of ``import polyaxon_client...``: the compat module(s), or ``alias`` itself."""
        name = h.full_name(alias.name)
        if name.split(".")[0] != h.CLIENT_MODULE:
            return [alias]
        if alias.asname is None:
            return self._dotted(node, alias)
        target = self._bound_module(node, alias, name)
        return [alias] if target is None else [alias.with_changes(name=h.dotted(target))]

    def _dotted(self, node: cst.Import, alias: cst.ImportAlias) -> list[cst.ImportAlias]:
        """``import polyaxon_client[.x]``: every ``polyaxon_client.x.y`` use becomes ``polyaxon_helper_compat...``."""
        scope, names = self.scope_of(node), h.full_name(alias.name).split(".")
        bindings = [a for i in range(len(names)) for a in scope.assignments[".".join(names[:i + 1])]
                    if getattr(a, "node", None) is node]
        others = [a for a in scope.assignments[h.CLIENT_MODULE] if not isinstance(getattr(a, "node", None), cst.Import)]
        uses = [use for binding in bindings for use in self.uses(binding)]
        if others or not uses or h.CLIENT_MODULE in self._found.global_names | self._found.exported:
            self.report_manual(alias, h.FALLBACK if others or uses else h.UNUSED)
            return [alias]
        resolved = [self._resolve(use, h.full_name(use).split(".")) for use in uses]
        if None in resolved:
            return [alias]
        if not self.is_free(h.COMPAT_MODULE, lambda a: isinstance(getattr(a, "node", None), cst.Import) and any(
                h.bound_name(x) == h.full_name(x.name) for x in a.node.names)):  # type: ignore[attr-defined]
            self.report_manual(alias, TAKEN)
            return [alias]
        for module_node, module in filter(None, resolved):
            self.replace_node(module_node, h.dotted(module))  # type: ignore[arg-type]
        return [h.alias(module) for module in sorted({module for _, module in filter(None, resolved)})]

    def _from(self, site: h.ImportSite, node: cst.ImportFrom) -> None:
        """``from polyaxon_client[.x] import a, b as c``: move what compat provides, keep and report the rest."""
        module = h.full_name(node.module)
        moved, kept, targets = list[tuple[cst.ImportAlias, cst.ImportAlias]](), h.Kept(), set[str]()
        for alias in node.names:  # type: ignore[union-attr]
            name, bound, new = h.full_name(alias.name), h.bound_name(alias), None
            found = h.client_target([*module.split("."), name])
            if f"{module}.{name}" in h.CLIENT_MODULES:  # a module: `from polyaxon_client import tracking as t`
                target = self._bound_module(node, alias, f"{module}.{name}")
                parent, _, last = (target or "").rpartition(".")
                new, targets = (h.alias(last, bound), targets | {parent}) if target else (None, targets)
            elif found is not None and found[0] == len(module.split(".")):  # a name compat provides
                uses = self.uses(self.binding(node, bound, self._found)[0])
                ok = all([self._class_ok(name, use) for use in uses])
                new, targets = (alias, targets | {found[1]}) if ok else (None, targets)
            else:
                self.report_manual(alias, h.client_missing(f"{module}.{name}"))
            moved += [(alias, new)] if new is not None else []
            kept.append([] if new is not None else [alias])
        if len(targets) > 1 or (site.line is None and any(kept) and moved):
            self.report_manual(node, h.SUITE if len(targets) == 1 else MIXED)
        elif moved:
            self.replace_statement(node, *self.layout_import(node, kept, targets.pop(), moved=moved))

    def _star(self, node: cst.ImportFrom) -> None:
        """``from polyaxon_client.tracking import *``: the compat module's, if it binds every name used here."""
        target = h.CLIENT_MODULES.get(h.full_name(node.module))
        if target is None:
            self.report_manual(node, h.client_missing(h.full_name(node.module) + ".*"))
            return
        used = self.star_uses(node, self._found, target[1])
        if used is not None and all([self._class_ok(name, use) for name, uses in used.items() for use in uses]):
            self.replace_statement(node, node.with_changes(module=h.dotted(target[0])))
