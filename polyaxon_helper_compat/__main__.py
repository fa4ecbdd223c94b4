"""``python -m polyaxon_helper_compat``: the ``plx-migrate`` command."""
from __future__ import annotations

from polyaxon_helper_compat.cli import main

raise SystemExit(main())
