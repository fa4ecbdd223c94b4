"""``python -m polyaxon_helper_compat._runs``: the ``plx-runs`` command."""
from __future__ import annotations

from polyaxon_helper_compat._runs.cli import main

raise SystemExit(main())
