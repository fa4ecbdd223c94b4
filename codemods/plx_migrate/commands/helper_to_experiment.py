"""helper-to-experiment: polyaxon_helper calls become the seeds' v0 ``Experiment`` tracking API.

Replaces these polyaxon-helper 0.5.0 names (also imported from ``polyaxon_helper_compat``, stage ``compat``):
``send_metrics(**m)`` -> ``experiment.log_metrics(**m)``, on one ``experiment = Experiment()`` made after the import,
and the attribute ``experiment`` -> that instance; ``get_cluster_def``, ``get_task_info``, ``get_tf_config``,
``get_experiment_info``, ``get_params``, ``get_declarations`` -> ``Experiment.<name>``; ``get_job_info`` ->
``Job.get_job_info``; ``get_outputs_path``, ``get_outputs_refs_paths``, ``get_data_paths``, ``get_log_level`` -> the
same functions of the tracking module. A name also bound elsewhere in its scope (I6, C11) stays bound
(``send_metrics = experiment.log_metrics``); a name bound again by a later import before any use is dropped (I14); a
star import imports the names the module uses. Its PRELUDE runs v0-environment and client-to-compat first. Unsafe
sites are left as they are and reported, as are the 0.1.x ``get_api``/``get_internal_token`` (kept: compat has them)."""
from __future__ import annotations

import argparse
from typing import ClassVar

import libcst as cst
from libcst.codemod import CodemodContext

from plx_migrate import _helpers as h

UNKNOWN = "{!r} is not in the polyaxon_helper 0.5.0 API{}; left unchanged"
I17 = " (get_data_path is the January-2018 name; 0.5.0 has get_data_paths, which returns a dict)"
AS_VALUE = "{} is used without being called; left unchanged (its import is kept)"
PER_CALL = "a new Experiment() is created on every call of {}(): consider one module-level instance"


class HelperToExperimentCommand(h.LegacyImportCommand):
    """Rewrite helper calls to ``Experiment``/``Job``/functions of ``tracking_module`` (see the module doc)."""

    DESCRIPTION = "Rewrite polyaxon_helper calls to the v0 Experiment tracking API (seeds)."
    LEGACY_MODULES, IN_SUITES = (h.LEGACY_MODULE, h.COMPAT_MODULE), False
    PRELUDE = ("v0-environment", "client-to-compat")  # X1 reports; polyaxon_client imports moved to compat first
    TRACKING_MODULE: ClassVar[str] = "polyaxon_helper_compat.tracking"  # or polyaxon_client.tracking (option)

    def __init__(self, context: CodemodContext, tracking_module: str | None = None) -> None:
        super().__init__(context)
        self.tracking_module = tracking_module or self.TRACKING_MODULE

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        """Add ``--tracking-module`` (default ``polyaxon_helper_compat.tracking``) for ``libcst.tool``."""
        arg_parser.add_argument("--tracking-module", dest="tracking_module", default=None,
                                help="module providing Experiment and Job (e.g. polyaxon_client.tracking)")

    def _name(self, role: str) -> str:
        """The module-wide name of ``Experiment``, ``Job``, ``instance`` or a tracking function (chosen once)."""
        if role == "instance" and role not in self._names:  # free, or bound only by what the instance replaces:
            direct = {id(s.node) for s in self._found.imports if s.line and not s.type_checking}  # a plain import
            self._names[role] = self.choose_name("experiment", "plx_", lambda a: id(getattr(a, "node", 0)) in direct
                                                 and h.imports_name(a, self.LEGACY_MODULES, "experiment", sole=True))
        elif role not in self._names:
            self._names[role] = self.choose_name(role, "Plx" if role[0].isupper() else "plx_",
                                                 lambda a: h.imports_name(a, (self.tracking_module,), role))
        return self._names[role]

    def _member(self, kind: str, name: str, needs: h.Needs) -> cst.BaseExpression:
        """The replacement of legacy ``name`` (of ``kind``), noting what the import must now provide."""
        needs.experiment |= kind in ("log", "instance", "static")
        needs.instance |= kind in ("log", "instance")
        needs.job |= kind == "job"
        if kind == "function":
            needs.functions.setdefault(self._name(name), h.alias(name, self._name(name)))
        if kind in ("function", "instance"):
            return cst.Name(self._name(name if kind == "function" else "instance"))
        targets = {"log": ("instance", "log_metrics"), "job": ("Job", "get_job_info"), "static": ("Experiment", name)}
        owner, attr = targets[kind]
        return cst.Attribute(cst.Name(self._name(owner)), cst.Name(attr))

    def _use(self, name: str, node: cst.CSTNode, needs: h.Needs) -> bool:
        """Plan the rewrite of one use of legacy ``name``; ``False`` (and reported) when it must stay as it is."""
        kind = h.LEGACY_API.get(name)
        if kind is None or not isinstance(node, (cst.Name, cst.Attribute)) or (
                kind in ("log", "static", "job") and id(node) not in self._found.call_funcs):
            self.report_manual(node, AS_VALUE.format(name) if kind else h.V01_API.get(name) or UNKNOWN.format(name, ""))
            return False
        self.replace_node(node, self._member(kind, name, needs))
        return True

    def plan(self, found: h.Found) -> None:
        """Plan each legacy import (in source order) and the rewrite of every use it binds."""
        self._found, self._names, instances = found, dict[str, str](), list[h.ImportSite]()
        for site in (s for s in found.imports if not s.type_checking):
            needs, node = h.Needs(), site.node
            plan = self._plan_from if isinstance(node, cst.ImportFrom) else self._plan_module
            star = isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar)
            node, kept = self._plan_star(node, needs) if star else (node, plan(node, needs))  # type: ignore[arg-type]
            if kept is None or not needs:
                continue
            extra = [h.assign_line(self._name("instance"), cst.Call(cst.Name(self._name("Experiment"))))] * bool(
                needs.instance and self.first_binding(site, instances, PER_CALL)) + needs.binding_lines()
            other = extra or needs.functions or any(kept)  # then a class imported before needs no import here (I15)
            classes = [h.alias(c, self._name(c)) for c, need in (("Experiment", needs.experiment), ("Job", needs.job))
                       if need and not (other and self.bound_before(site.node, self.tracking_module, c, found))]
            new, lines = self.layout_import(node, kept, self.tracking_module, classes,
                                            [(a, a) for a in needs.functions.values()])
            self.replace_statement(site.node, new, lines + extra)

    def _plan_from(self, node: cst.ImportFrom, needs: h.Needs) -> h.Kept:
        kept, rebound = [], dict[str, cst.ImportAlias]()
        for alias in node.names:  # type: ignore[union-attr]
            name, bound = h.full_name(alias.name), h.bound_name(alias)
            kind = h.LEGACY_API.get(name)
            keep = kind is None  # unknown, or a compat module (`from polyaxon_helper_compat import tracking`)
            if kind is None:
                if f"{h.full_name(node.module)}.{name}" not in h.COMPAT_SUBMODULES:
                    reason = h.V01_API.get(name) or UNKNOWN.format(name, I17 * (name == "get_data_path"))
                    self.report_manual(alias, reason)
            elif kind == "function":  # the same function, from the tracking module; I14: unless bound again before use
                modules = (self.tracking_module, *self.LEGACY_MODULES)
                later = self.rebound_before_use(node, name, bound, self._found, modules)
                (rebound if later else needs.functions)[bound] = alias
            elif (binding := self.binding(node, bound, self._found))[1]:  # I6/C11: keep the name bound
                needs.bindings.append((bound, self._member(kind, name, needs)))
            elif not binding[0].references:  # I11: only map the import, add no instance
                needs.experiment, needs.job = needs.experiment or kind != "job", needs.job or kind == "job"
            else:
                keep = not all([self._use(name, ref, needs) for ref in self.uses(binding[0])])
            kept.append([alias] if keep else [])
        if rebound and not (needs or any(kept)):  # the statement would bind nothing: keep binding them
            needs.functions.update(rebound)
        return kept

    def _plan_module(self, node: cst.Import, needs: h.Needs) -> h.Kept:
        kept = []
        for alias in node.names:
            if h.full_name(alias.name) not in self.LEGACY_MODULES:  # another module, or a submodule (reported)
                kept.append([alias])
                continue
            uses = self.module_uses(node, alias, self._found)  # None: reported, left as it is
            converted = uses is not None and all([
                isinstance(use, cst.Attribute) and self._use(use.attr.value, use, needs) for use in uses])
            kept.append([] if converted else [alias])
        return kept

    def _plan_star(self, node: cst.ImportFrom, needs: h.Needs) -> tuple[cst.ImportFrom, h.Kept | None]:
        """``from <helper> import *`` as an explicit import of the helper names the module uses (bound nowhere)."""
        used = self.star_uses(node, self._found, h.LEGACY_API)
        if not used and used is not None and h.full_name(node.module) == h.LEGACY_MODULE:  # nothing used: the same
            self.replace_statement(node, node.with_changes(module=cst.Name(h.COMPAT_MODULE)))  # names from compat
        if not used:
            return node, None
        explicit = node.with_changes(names=[h.alias(name) for name in used])
        kept = []
        for alias, (name, uses) in zip(explicit.names, used.items()):  # type: ignore[arg-type]
            kind = h.LEGACY_API[name]
            if kind == "function":
                needs.functions[name] = alias
            kept.append([] if kind == "function" or all([self._use(name, use, needs) for use in uses]) else [alias])
        return explicit, kept
