"""Shell scripts (``*.sh``, ``*.bash``): the requirement words of ``pip install`` commands (D9).

The whole script is read as shell (see ``_shell``): every ``pip install`` command, in ``&&`` chains, after
``;`` and across backslash continuations, goes through the package-name policy on its own; only the
requirement word changes, the quoted specs next to it stay as they are.
"""
from __future__ import annotations

from plx_migrate.filekinds._deps import lists_helper, mentions_polyaxon, target
from plx_migrate.filekinds._result import FileResult, Recorder
from plx_migrate.filekinds._shell import plan_shell

__all__ = ["KIND", "PATTERNS", "migrate"]

KIND = "shell"
PATTERNS = ("*.sh", "*.bash")


def migrate(text: str, stage: str, *, path: str = "<string>") -> FileResult:
    """Rewrite the ``pip install`` requirements of one shell script's ``text`` for ``stage``."""
    target(stage)
    if not mentions_polyaxon(text):
        return FileResult(text=text)
    record = Recorder(text)
    plan = plan_shell(text, stage, helper_listed=lists_helper(text))
    for start, end, new, rule in plan.edits:
        record.edit(start, end, new, rule)
    for offset, reason, rule in plan.notes:
        record.report(offset, reason, rule)
    return record.result()
