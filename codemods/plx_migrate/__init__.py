"""plx-migrate: the migration toolkit of polyaxon-helper-compat (libcst codemods, other file kinds, the CLI).

The codemods live in :mod:`plx_migrate.commands`, one per module; the module name is the codemod id
(``helper_to_compat`` -> ``helper-to-compat``) and :func:`get_registry` derives the registry from that package, so
adding a module adds a codemod. Each module holds one command class, also usable as
``python -m libcst.tool codemod helper_to_compat.HelperToCompatCommand PATH`` (with ``plx_migrate.commands`` in the
``modules`` of ``.libcst.codemod.yaml``). :func:`run_stage` runs a stage's codemods on one module's source; the
``plx-migrate`` command (:mod:`plx_migrate.cli`) runs it over files and folders, with :mod:`plx_migrate.filekinds`
for the files that are not Python modules.
"""
from __future__ import annotations

from plx_migrate._api import STAGES, Change, ManualSite, StageResult, run_stage
from plx_migrate._registry import get_registry

__all__ = ["STAGES", "Change", "ManualSite", "StageResult", "get_registry", "run_stage"]
