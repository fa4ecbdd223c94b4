"""``python -m polyaxon_helper_compat``: the ``plx-migrate`` command (kept from the first releases).

An entry point only: no training job imports this module. It is the one place where the runtime package names the
migration toolkit, declared as such in the import contracts (``pyproject.toml``, ``[tool.importlinter]``).
"""
from __future__ import annotations

from plx_migrate.cli import main

raise SystemExit(main())
