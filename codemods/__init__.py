"""libcst codemods migrating Polyaxon v0 ``polyaxon_helper`` code, one codemod per module.

The module name is the codemod id (``helper_to_compat`` -> ``helper-to-compat``); :func:`get_registry` derives the
registry from the package, so adding a module adds a codemod. Each module holds one command class, also usable as
``python -m libcst.tool codemod helper_to_compat.HelperToCompatCommand PATH`` (with ``codemods`` in the ``modules``
of ``.libcst.codemod.yaml``). :func:`run_stage` is the entry point of ``plx-migrate``.
"""
from __future__ import annotations

from codemods._api import STAGES, Change, ManualSite, StageResult, run_stage
from codemods._registry import get_registry

__all__ = ["STAGES", "Change", "ManualSite", "StageResult", "get_registry", "run_stage"]
