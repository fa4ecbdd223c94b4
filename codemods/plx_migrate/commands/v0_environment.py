"""v0-environment: report code that reads Polyaxon v0 environment variables itself (X1); nothing is rewritten.

polyaxon-helper 0.5.0 (through polyaxon-client) read ``POLYAXON_RUN_OUTPUTS_PATH``, ``POLYAXON_RUN_DATA_PATHS``,
``POLYAXON_PARAMS``, ``POLYAXON_IN_CLUSTER``... (``_helpers.V0_ENVIRONMENT``), and some scripts read them from
``os.environ`` directly, e.g. to decide whether they run on Polyaxon. The compat getters read the same variables, so
stages 1-2 keep those scripts working on a v0 cluster; but Polyaxon v2 sets none of them (shared research, headline 1),
so such a test silently never passes there. A rewrite of imports and calls cannot see these reads: stage
``experiment`` reports every string literal naming one of them, saying whether it reads or sets the variable (through
``os.environ[...]``, ``os.environ.get``, ``os.getenv``, ``in os.environ``: resolved by qualified name, so
``from os import environ`` counts and a dict called ``environ`` does not) or only names it.
"""
from __future__ import annotations

from libcst.metadata import PositionProvider, QualifiedNameProvider, ScopeProvider

from plx_migrate import _helpers as h

READS = "reads a v0 environment variable directly ({}: Polyaxon v2 does not set it); left unchanged"
SETS = "sets a v0 environment variable directly ({}: Polyaxon v2 does not read it); left unchanged"
NAMES = "names a v0 environment variable ({}: Polyaxon v2 does not set it); check how it is used"
#: Qualified names through which a string key reads (or, for the second set, writes) the environment.
READERS = frozenset(("os.environ", "os.getenv", "os.environ.get", "os.environ.pop", "os.environ.__getitem__"))
WRITERS = frozenset(("os.environ.setdefault", "os.putenv", "os.unsetenv"))


class V0EnvironmentCommand(h.LegacyImportCommand):
    """Report each string literal naming a Polyaxon v0 environment variable (reads, writes, other uses)."""

    DESCRIPTION = "Report direct reads of Polyaxon v0 environment variables (POLYAXON_RUN_OUTPUTS_PATH...)."
    METADATA_DEPENDENCIES = (PositionProvider, ScopeProvider, QualifiedNameProvider)
    LEGACY_MODULES = SUBMODULE_PARENTS = ()

    @classmethod
    def mentions(cls, source: str) -> bool:
        """Cheap text pre-filter: every variable of ``V0_ENVIRONMENT`` starts with ``POLYAXON_``."""
        return "POLYAXON_" in source

    def relevant(self, found: h.Found) -> bool:
        """Something to report: a string naming a v0 variable (this codemod has no imports to look for)."""
        return bool(found.environment)

    def plan(self, found: h.Found) -> None:
        """Report every string of ``found.environment``, in source order, as a read, a write or a mention."""
        for string in self.in_order(found.environment):
            name = string.evaluated_value
            target, owner = found.string_context.get(id(string), (None, None))
            qualified = {q.name for q in self.get_metadata(QualifiedNameProvider, target, set())} if target else set()
            if qualified & WRITERS or qualified & READERS and id(owner) in found.stored:
                self.report_manual(string, SETS.format(name))
            else:
                self.report_manual(string, READS.format(name) if qualified & READERS else NAMES.format(name))
