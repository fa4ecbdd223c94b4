"""helper-to-compat: import ``polyaxon_helper_compat`` wherever ``polyaxon_helper`` is imported.

The smallest safe step. It replaces the import of the polyaxon-helper 0.5.0 module, whose functions
``send_metrics``, ``get_cluster_def``, ``get_declarations``, ``get_experiment_info``, ``get_job_info``,
``get_task_info``, ``get_tf_config``, ``get_params``, ``get_outputs_path``, ``get_outputs_refs_paths``,
``get_data_paths``, ``get_log_level`` and attribute ``experiment`` are all offered under the same names by
``polyaxon_helper_compat``:

- ``from polyaxon_helper import a, b as c`` -> ``from polyaxon_helper_compat import a, b as c``;
- ``import polyaxon_helper as plx`` -> ``import polyaxon_helper_compat as plx``;
- ``import polyaxon_helper`` -> ``import polyaxon_helper_compat``, and every use of that binding (found by scope,
  not by text) is renamed. When the name is also bound some other way (``except ImportError: polyaxon_helper =
  None``, ``global``), the uses stay and the import becomes ``import polyaxon_helper_compat as polyaxon_helper``.

Imports in functions, ``if`` blocks and ``try`` blocks are rewritten where they stand. Submodules
(``polyaxon_helper.x``) have no counterpart: they are left as they are and reported. The polyaxon-helper 0.1.x
names ``get_api`` and ``get_internal_token`` are provided too; any other imported name (``from polyaxon_helper
import get_data_path``, ``polyaxon_helper.get_data_path()``) fails under compat as it failed before: its import is
rewritten all the same and the name is reported.
"""
from __future__ import annotations

import libcst as cst
from libcst.metadata import BaseAssignment

from plx_migrate._helpers import (
    COMPAT_MODULE, COMPAT_NAMES, LEGACY_MODULE, NOT_PROVIDED, Found, LegacyImportCommand, bound_name, full_name,
)


def _imports_module(assignment: BaseAssignment, module: str) -> bool:
    """Whether ``assignment`` is a plain ``import <module>`` (no ``as``)."""
    node = getattr(assignment, "node", None)
    return isinstance(node, cst.Import) and any(
        full_name(a.name) == module and a.asname is None for a in node.names
    )


class HelperToCompatCommand(LegacyImportCommand):
    """Point every ``polyaxon_helper`` import at ``polyaxon_helper_compat`` (names and behaviour unchanged)."""

    DESCRIPTION = "Import polyaxon_helper_compat instead of polyaxon_helper (same names, same behaviour)."

    def plan(self, found: Found) -> None:
        """Plan the new module name of each legacy import (submodules are reported by the base class)."""
        for site in found.imports:
            node = site.node
            if isinstance(node, cst.ImportFrom):
                if full_name(node.module) == LEGACY_MODULE:  # not a submodule (reported by the base class)
                    for alias in node.names if isinstance(node.names, (list, tuple)) else ():
                        if full_name(alias.name) not in COMPAT_NAMES:
                            self.report_manual(alias, NOT_PROVIDED.format(full_name(alias.name)))
                    self.replace_statement(node, node.with_changes(module=cst.Name(COMPAT_MODULE)))
                continue
            for alias in node.names:
                if full_name(alias.name) == LEGACY_MODULE:
                    self._report_unknown_attributes(node, bound_name(alias), found)
            names = [self._alias(a, node, found) for a in node.names]
            if any(new is not old for new, old in zip(names, node.names)):
                self.replace_statement(node, node.with_changes(names=names))

    def _report_unknown_attributes(self, node: cst.Import, bound: str, found: Found) -> None:
        """Report ``<module>.<name>`` uses, through this import's binding, of names compat does not provide."""
        for binding in self.scope_of(node).assignments[bound]:
            if getattr(binding, "node", None) is not node:
                continue
            for access in binding.references:
                attribute = found.attribute_of.get(id(access.node))
                if attribute is not None and attribute.attr.value not in COMPAT_NAMES:
                    self.report_manual(attribute, NOT_PROVIDED.format(attribute.attr.value))

    def _alias(self, alias: cst.ImportAlias, node: cst.Import, found: Found) -> cst.ImportAlias:
        if full_name(alias.name) != LEGACY_MODULE:  # another module, or a submodule (reported)
            return alias
        if alias.asname is not None:
            return alias.with_changes(name=cst.Name(COMPAT_MODULE))
        uses = self._renamable_uses(node, found)
        if uses is None:
            return alias.with_changes(name=cst.Name(COMPAT_MODULE), asname=cst.AsName(cst.Name(LEGACY_MODULE)))
        for use in uses:
            self.replace_node(use, cst.Name(COMPAT_MODULE))
        return alias.with_changes(name=cst.Name(COMPAT_MODULE))

    def _renamable_uses(self, node: cst.Import, found: Found) -> list[cst.Name] | None:
        """The uses of bare ``import polyaxon_helper`` if they can all be renamed, else ``None``.

        Renaming is safe when every binding of the name in that scope is such an import, every use is a plain
        name seeing only those imports, and ``polyaxon_helper_compat`` means nothing else in the module.
        """
        bindings = self.scope_of(node).assignments[LEGACY_MODULE]
        if LEGACY_MODULE in found.global_names | found.exported:  # the name itself must stay bound
            return None
        if not all(_imports_module(b, LEGACY_MODULE) for b in bindings):
            return None
        uses = [access for binding in bindings for access in binding.references]
        if not all(isinstance(u.node, cst.Name) and set(u.referents) <= set(bindings) for u in uses):
            return None
        if not self.is_free(COMPAT_MODULE, lambda a: _imports_module(a, COMPAT_MODULE)):
            return None
        return [u.node for u in uses if isinstance(u.node, cst.Name)]
