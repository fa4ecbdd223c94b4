"""What a codemod module imports, in one place: the base class and the helpers codemods are written with.

Nothing is defined here: each name lives in the module of its concept and is re-exported, so that a codemod stays one
short file that imports ``from plx_migrate import _helpers as h`` (STYLE practice 2). Where things are:

* :mod:`plx_migrate._command`: the base class :class:`LegacyImportCommand` (pre-pass, plan, one transform pass that
  records each edit), the plan types ``Kept`` and ``Needs``, the ``SUITE`` manual-site reason;
* :mod:`plx_migrate._find_imports`: the pre-pass and what it finds, :class:`Found` and :class:`ImportSite`;
* :mod:`plx_migrate._resolve`: resolving names with libcst's scope metadata (``NameResolver``, whose methods every
  command has), ``imports_name``, the ``FALLBACK`` and ``UNUSED`` reasons;
* :mod:`plx_migrate._nodes`: reading and building nodes (``full_name``, ``bound_name``, ``dotted``, ``alias``,
  ``assign_line``);
* :mod:`plx_migrate._legacy_api`: the tables of the legacy APIs and of what ``polyaxon_helper_compat`` provides;
* :mod:`plx_migrate._libcst_patch`: the patch of libcst the base class installs.

Shared code goes in the module of its concept, and is re-exported here only when codemods use it.
"""
from __future__ import annotations

from plx_migrate._command import SUITE, Kept, LegacyImportCommand, Needs
from plx_migrate._find_imports import Found, ImportSite
from plx_migrate._legacy_api import (
    CLASS_ATTRIBUTES, CLIENT_MODULE, CLIENT_MODULES, COMPAT_MODULE, COMPAT_NAMES, COMPAT_SUBMODULES, LEGACY_API,
    LEGACY_MODULE, NOT_PROVIDED, V01_API, client_missing, client_target,
)
from plx_migrate._nodes import ImportNode, alias, assign_line, bound_name, dotted, full_name
from plx_migrate._resolve import FALLBACK, UNUSED, imports_name

__all__ = [
    "CLASS_ATTRIBUTES", "CLIENT_MODULE", "CLIENT_MODULES", "COMPAT_MODULE", "COMPAT_NAMES", "COMPAT_SUBMODULES",
    "FALLBACK", "LEGACY_API", "LEGACY_MODULE", "NOT_PROVIDED", "SUITE", "V01_API", "UNUSED", "Found", "ImportNode", "ImportSite", "Kept",
    "LegacyImportCommand", "Needs", "alias", "assign_line", "bound_name", "client_missing", "client_target", "dotted",
    "full_name", "imports_name",
]
