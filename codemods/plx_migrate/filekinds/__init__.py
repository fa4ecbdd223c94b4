"""Files other than Python modules that carry Polyaxon v0: notebooks, dependency lists, images, polyaxonfiles.

One module per kind (its name is the kind's id), each with ``KIND``, ``PATTERNS`` (globs on the file name) and
a pure ``migrate(text, stage, *, path) -> FileResult``, the same contract as the codemods' ``run_stage``: the new
text, ``changed`` from the kind's own record of its edits, the changes and manual-attention sites (``codemods``'
``Change``/``ManualSite``, with a rule id as ``codemod``), or an ``error``. Every kind edits the original text
surgically (never re-serialises a document), so what it does not rewrite stays byte for byte, and a file it
does not change comes back identical.

==================  ==================================================  ===========================================
kind                files                                               what is migrated
==================  ==================================================  ===========================================
``notebook``        ``*.ipynb``                                         code cells, with the stage's codemods
``requirements``    ``*requirements*.txt``/``.in``, ``*constraints*``  v0 requirements
``setup_py``        ``setup.py``                                        ``install_requires``/``extras_require``
                                                                        literals, then the stage's codemods
``setup_cfg``       ``setup.cfg``                                       ``install_requires``/``extras_require``
``pyproject``       ``pyproject.toml``                                  ``[project]`` (optional-)dependencies,
                                                                        ``[dependency-groups]``
``pipfile``         ``Pipfile``                                         simple package lines
``environment_yml`` ``environment*.yml``, ``conda*.yml``               the ``pip:`` requirements
``dockerfile``      ``Dockerfile``, ``*.Dockerfile``, ``Containerfile``  ``RUN pip install`` requirements
``polyaxonfile``    ``*.yml``/``*.yaml`` with Polyaxon v0 keys          ``build_steps``/``run.cmd`` pip installs
``shell``           ``*.sh``, ``*.bash``                                ``pip install`` requirements
==================  ==================================================  ===========================================

What each v0 requirement becomes at each stage is ``_deps``' package-name policy. These modules are used by the
CLI only: the runtime (``polyaxon_helper_compat`` and what it imports) never imports them.
"""
from __future__ import annotations

from plx_migrate.filekinds._cli import cell_diff, handlers, migrate_path
from plx_migrate.filekinds._registry import FileKind, get_kinds, kind_for, migrate_text, patterns
from plx_migrate.filekinds._result import CellDiff, FileError, FileResult

__all__ = [
    "CellDiff",
    "FileError",
    "FileKind",
    "FileResult",
    "cell_diff",
    "get_kinds",
    "handlers",
    "kind_for",
    "migrate_path",
    "migrate_text",
    "patterns",
]
