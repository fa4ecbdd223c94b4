"""helper-to-experiment: polyaxon_helper calls become the seeds' v0 ``Experiment`` tracking API.

Replaces these polyaxon-helper 0.5.0 names (also imported from ``polyaxon_helper_compat``, stage ``compat``):
``send_metrics(**m)`` -> ``experiment.log_metrics(**m)``, on one ``experiment = Experiment()`` made after the import,
and the attribute ``experiment`` -> that instance; ``get_cluster_def``, ``get_task_info``, ``get_tf_config``,
``get_experiment_info``, ``get_params``, ``get_declarations`` -> ``Experiment.<name>``; ``get_job_info`` ->
``Job.get_job_info``; ``get_outputs_path``, ``get_outputs_refs_paths``, ``get_data_paths``, ``get_log_level`` -> the
same functions of the tracking module. A name also bound elsewhere in its scope (I6, C11) stays bound
(``send_metrics = experiment.log_metrics``). What cannot be converted safely is left as it is and reported.
"""
from __future__ import annotations

import argparse
from typing import ClassVar

import libcst as cst
from libcst.codemod import CodemodContext

from codemods import _helpers as h

UNKNOWN = "{!r} is not in the polyaxon_helper 0.5.0 API{}; left unchanged"
I17 = " (get_data_path is the January-2018 name; 0.5.0 has get_data_paths, which returns a dict)"
AS_VALUE = "{} is used without being called; left unchanged (its import is kept)"
MODULE_VALUE = "the polyaxon_helper module is used as a value, its attributes cannot be resolved; left unchanged"
FALLBACK = "the module name is also bound elsewhere in this scope (a fallback?); its uses are left unchanged"
UNUSED = "the module is imported but never used (an availability probe?); left unchanged"
STAR = "star import: the names it binds cannot be resolved; left unchanged"
SUITE = "import in a one-line compound statement: split the line, then run the codemod again"
PER_CALL = "a new Experiment() is created on every call of {}(): consider one module-level instance"


class HelperToExperimentCommand(h.LegacyImportCommand):
    """Rewrite helper calls to ``Experiment``/``Job``/functions of ``tracking_module`` (see the module doc)."""

    DESCRIPTION = "Rewrite polyaxon_helper calls to the v0 Experiment tracking API (seeds)."
    LEGACY_MODULES = (h.LEGACY_MODULE, h.COMPAT_MODULE)
    #: Where ``Experiment``, ``Job`` and the path getters come from (the other choice: ``polyaxon_client.tracking``).
    TRACKING_MODULE: ClassVar[str] = "polyaxon_helper_compat.tracking"

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
            self.report_manual(node, AS_VALUE.format(name) if kind else UNKNOWN.format(name, ""))
            return False
        new = self._member(kind, name, needs)
        if not (isinstance(node, cst.Name) and isinstance(new, cst.Name) and new.value == node.value):
            self.replace_node(node, new)
        return True

    def plan(self, found: h.Found) -> None:
        """Plan each legacy import (in source order) and the rewrite of every use it binds."""
        self._found, self._names, instances = found, dict[str, str](), list[h.ImportSite]()
        for site in (s for s in found.imports if not s.type_checking):
            needs, node = h.Needs(), site.node
            if site.line is None:
                self.report_manual(node, SUITE)
                continue
            keep = self._plan_from(node, needs) if isinstance(node, cst.ImportFrom) else self._plan_module(node, needs)
            if keep is None or not needs:
                continue
            tracking = [h.alias("Experiment", self._name("Experiment"))] if needs.experiment else []
            tracking += [h.alias("Job", self._name("Job"))] if needs.job else []
            new = node.with_changes(names=h.with_aliases(node.names, keep)) if keep else None
            lines = [h.import_from_line(self.tracking_module, [*tracking, *needs.functions.values()])]
            if isinstance(node, cst.ImportFrom) and not keep:  # rewrite in place, keeping the layout
                new, lines = node.with_changes(module=h.dotted(self.tracking_module), names=h.with_aliases(
                    node.names, list(needs.functions.values()), tracking)), []
            if needs.instance and self.first_binding(site, instances, PER_CALL):
                lines.append(h.assign_line(self._name("instance"), cst.Call(cst.Name(self._name("Experiment")))))
            self.replace_statement(node, new, lines + needs.binding_lines())

    def _plan_from(self, node: cst.ImportFrom, needs: h.Needs) -> list[cst.ImportAlias] | None:
        if h.full_name(node.module) not in self.LEGACY_MODULES:  # a submodule, reported by the base class
            return None
        if isinstance(node.names, cst.ImportStar):
            self.report_manual(node, STAR)
            return None
        keep = []
        for alias in node.names:
            name, bound = h.full_name(alias.name), h.bound_name(alias)
            kind = h.LEGACY_API.get(name)
            if kind is None:
                self.report_manual(alias, UNKNOWN.format(name, I17 * (name == "get_data_path")))
                keep.append(alias)
            elif kind == "function":  # the same function, from the tracking module
                needs.functions[bound] = alias
            if kind in (None, "function"):
                continue
            binding, conditional = self.binding(node, bound, self._found)
            if conditional:  # I6/C11: keep the name bound, to its replacement
                needs.bindings.append((bound, self._member(kind, name, needs)))
            elif not binding.references:  # I11: only map the import, add no instance
                needs.experiment, needs.job = needs.experiment or kind != "job", needs.job or kind == "job"
            elif not all([self._use(name, ref, needs) for ref in self.uses(binding)]):
                keep.append(alias)
        return keep

    def _plan_module(self, node: cst.Import, needs: h.Needs) -> list[cst.ImportAlias] | None:
        keep = []
        for alias in node.names:
            if h.full_name(alias.name) not in self.LEGACY_MODULES:  # another module, or a submodule (reported)
                keep.append(alias)
                continue
            binding, conditional = self.binding(node, h.bound_name(alias), self._found)
            converted = not conditional and bool(binding.references)  # else a fallback, or an availability probe
            if not converted:
                self.report_manual(alias, FALLBACK if conditional else UNUSED)
            for ref in self.uses(binding) if converted else []:
                attribute = self._found.attribute_of.get(id(ref))
                if attribute is None:
                    self.report_manual(ref, MODULE_VALUE)
                converted &= attribute is not None and self._use(attribute.attr.value, attribute, needs)
            keep += [] if converted else [alias]
        return keep
