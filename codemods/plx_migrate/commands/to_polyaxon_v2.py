"""to-polyaxon-v2: v0 ``Experiment`` usage and helper calls become Polyaxon v2 ``from polyaxon import tracking``.

Replaces polyaxon-helper 0.5.0 / polyaxon-client 0.6.1 ``tracking.Experiment`` usage (input of any earlier stage: the
prelude runs ``v0-environment``, ``client-to-compat`` and ``helper-to-experiment`` first, so helper calls arrive as
``experiment = Experiment()`` / ``experiment.log_metrics``): ``Experiment()`` -> ``tracking.init()`` (kept where it
was, so an init made after the helper import comes before module-level calls: C7), its methods -> the v2 functions of
``_v2map.METHODS`` (``log_params`` -> ``log_inputs``, ``log_data_ref(data, data_name)`` -> ``log_data_ref(name=,
content=)``, ``log_outputs(d)`` -> ``log_artifact(d, kind="dir")``, ``failed`` -> ``log_failed(message=)``...),
``get_outputs_path``/``get_log_level`` -> ``tracking.*`` (with one ``tracking.init()`` after the import when no
``Experiment()`` is converted). What v2 lacks (``_v2map.COMPAT_ONLY``, ``create``, an Experiment passed on, E5/E6) is
kept on ``polyaxon_helper_compat`` and reported.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import libcst as cst

from plx_migrate import _helpers as h
from plx_migrate._v2map import COMPAT_ONLY, FUNCTIONS, METHODS, REASONS, Rewrite, arg_rewrite, metric_note

TRACK = frozenset(("track_code", "track_env", "track_logs"))


class ToPolyaxonV2Command(h.LegacyImportCommand):
    """Rewrite ``polyaxon_helper_compat.tracking`` usage to ``polyaxon.tracking`` (see the module docstring)."""

    DESCRIPTION = "Rewrite v0 Experiment and helper usage to Polyaxon v2 polyaxon.tracking (tracking.init, ...)."
    LEGACY_MODULES, SUBMODULE_PARENTS, IN_SUITES = ("polyaxon_helper_compat.tracking",), (), False
    PRELUDE = ("v0-environment", "client-to-compat", "helper-to-experiment")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        rewrite = self._calls.get(id(original_node))  # the args of a converted method call (data_ref, dir...)
        self._edits += rewrite is not None
        return updated_node if rewrite is None else updated_node.with_changes(args=rewrite(updated_node.args))

    def plan(self, found: h.Found) -> None:
        """Convert each Experiment binding as a whole or not at all, then the tracking functions."""
        self._found, self._calls, self._t = found, dict[int, Rewrite](), ""
        self._inits = list[h.ImportSite]()  # import sites given a tracking.init() line
        plans: list[tuple[h.ImportSite, Sequence[cst.ImportAlias], dict[int, list[cst.CSTNode] | None]]] = []
        instances, kept_instance = list[cst.CSTNode](), False
        for site in (s for s in found.imports if not s.type_checking):
            if isinstance(site.node, cst.Import) or isinstance(site.node.names, cst.ImportStar):
                self.report_manual(site.node, REASONS["module"])
                continue
            names, uses = site.node.names, dict[int, "list[cst.CSTNode] | None"]()
            for alias in names:
                binding, conditional = self.binding(site.node, h.bound_name(alias), found)
                if conditional:
                    self.report_manual(alias, REASONS["rebound"].format(h.bound_name(alias)))
                uses[id(alias)] = None if conditional else self.uses(binding)
            plans.append((site, names, uses))
            for alias in names:
                if h.full_name(alias.name) == "Experiment" and uses[id(alias)]:
                    instances += [u for u in uses[id(alias)] or () if id(u) in found.call_funcs]
        done, converted = dict[int, bool](), set[int]()  # alias -> import can go; sites whose Experiment() converted
        for site, names, uses in plans:  # the Experiment first: a kept instance keeps the functions on compat (one run)
            for alias in (a for a in names if h.full_name(a.name) == "Experiment" and uses[id(a)]):
                done[id(alias)], init = self._experiment(uses[id(alias)] or [], instances)
                converted |= {id(site.node)} if init else set()
                kept_instance |= bool(instances) and not init
        for site, names, uses in plans:
            needs, inits = id(site.node) in converted, False
            for alias in names:
                name, alias_uses = h.full_name(alias.name), uses[id(alias)]
                if alias_uses is None or name == "Experiment":
                    continue
                if name in FUNCTIONS and not kept_instance and all(id(u) in found.call_funcs for u in alias_uses):
                    for use in alias_uses:
                        self.replace_node(cast(cst.Name, use), h.dotted(f"{self._tracking()}.{name}"))
                    done[id(alias)] = needs = inits = True
                elif alias_uses:
                    reason = REASONS["with_kept"] if name in FUNCTIONS and kept_instance else REASONS["unknown"]
                    self.report_manual(alias, COMPAT_ONLY.get(name) or reason.format(name))
            kept = [[] if done.get(id(a)) else [a] for a in names]
            if needs:
                new, lines = self.layout_import(site.node, kept, "polyaxon", [h.alias("tracking", self._tracking())])
                if inits and not instances and self.first_binding(site, self._inits):  # C7: before module-level uses
                    lines.append(cst.SimpleStatementLine([cst.Expr(cst.Call(h.dotted(f"{self._t}.init")))]))
                self.replace_statement(site.node, new, lines)

    def _tracking(self) -> str:
        if not self._t:
            self._t = self.choose_name("tracking", "plx_", lambda a: h.imports_name(a, ("polyaxon",), "tracking"))
        return self._t

    def _experiment(self, uses: list[cst.CSTNode], instances: list[cst.CSTNode]) -> tuple[bool, bool]:
        """``(the Experiment import can go, the instance was converted)`` for the uses of the ``Experiment`` name."""
        statics = [self._found.attribute_of[id(u)] for u in uses if id(u) in self._found.attribute_of]
        for attribute in statics:
            self.report_manual(attribute, COMPAT_ONLY.get(attribute.attr.value)
                               or REASONS["unknown"].format("Experiment." + attribute.attr.value))
        calls = [u for u in uses if id(u) in self._found.call_funcs]
        if not calls:
            return False, False
        if len(instances) > 1:
            for use in calls:
                self.report_manual(use, REASONS["several"])
            return False, False
        plan = self._instance(call := self._found.call_funcs[id(calls[0])])
        if plan is None:
            return False, False
        init = h.dotted(f"{self._tracking()}.init")
        chained = self._found.attribute_of.get(id(call))
        if chained is None:
            self.replace_node(calls[0], init)  # type: ignore[arg-type]
        for attribute, v2_name, rewrite in plan:  # `Experiment().m()` -> `tracking.init().m2()`: a v2 Run method
            self.replace_node(attribute, cst.Attribute(cst.Call(init, call.args), cst.Name(v2_name)) if chained
                              else h.dotted(f"{self._t}.{v2_name}"))
            if rewrite is not None:
                self._calls[id(self._found.call_funcs[id(attribute)])] = rewrite
        return not statics and len(calls) == len(uses), True

    def _instance(self, call: cst.Call) -> list[tuple[cst.Attribute, str, Rewrite | None]] | None:
        """The method calls of the instance made by ``call`` and their v2 rewrite; ``None`` (reported) if one fails."""
        if any(a.star or a.keyword is None or a.keyword.value not in TRACK for a in call.args):
            args = ", ".join(self._text(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for a in call.args)
            self.report_manual(call, REASONS["ctor"].format(args))
            return None
        target, chained = self._found.assigned.get(id(call)), self._found.attribute_of.get(id(call))
        if target is not None:
            bindings = self.scope_of(target).assignments[target.value]
            if len(bindings) != 1 or target.value in self._found.global_names:
                self.report_manual(call, REASONS["escapes"])
                return None
            uses = self.uses(next(iter(bindings)))
            attributes = [self._found.attribute_of.get(id(u)) for u in uses]
        elif chained is not None:
            uses, attributes = [call], [chained]
        else:
            self.report_manual(call, REASONS["unbound"])
            return None
        plan, ok = [], True
        for use, attribute in zip(uses, attributes):
            method = attribute.attr.value if attribute is not None else ""
            method_call = self._found.call_funcs.get(id(attribute))
            if attribute is None or method_call is None or method not in METHODS:
                self.report_manual(attribute or use, REASONS["method"].format(method) if method_call and method
                                   else REASONS["escapes"])
                ok = False
                continue
            v2_name, kind = METHODS[method]
            rewrite, reason = arg_rewrite(kind, method_call)
            ok = ok and reason is None
            for key in filter(None, (reason, metric_note(method_call) if method == "log_metrics" else None)):
                self.report_manual(method_call, REASONS[key])  # args v2 lacks, or what gets recorded differs (C1/C2)
            plan.append((attribute, v2_name, rewrite))
        return plan if ok else None
