"""``python -m plx_migrate``: the ``plx-migrate`` command."""
from __future__ import annotations

from plx_migrate.cli import main

raise SystemExit(main())
