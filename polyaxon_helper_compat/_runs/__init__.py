"""``plx-runs``: look at the runs the local backend recorded, and push them into a Polyaxon v2 deployment.

- :mod:`~polyaxon_helper_compat._runs.store` reads run folders (``run.json``, ``params.json``,
  ``metrics.jsonl``, ``outputs/``, ``pushed.json``) tolerantly: a last line cut by a kill, unknown extra fields
  and a run still marked ``running`` whose process is gone are all expected;
- :mod:`~polyaxon_helper_compat._runs.view` turns runs into the tables and JSON documents of ``list``,
  ``show`` and ``compare``;
- :mod:`~polyaxon_helper_compat._runs.push` creates Polyaxon v2 runs with polyaxon's own client (imported
  there only, when ``push`` runs);
- :mod:`~polyaxon_helper_compat._runs.cli` is the click command.

Nothing here is imported by ``import polyaxon_helper``; nothing here imports the migration toolkit.
"""
from __future__ import annotations

__all__: list[str] = []
