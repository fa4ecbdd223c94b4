"""The code reference of a run: git commit, branch, remote and dirty flag of the working directory.

Matches polyaxon-client 0.6.1 ``tracking/utils/code_reference.py`` ``get_code_reference``: the same ``git``
commands, run in ``path``, give ``{"commit", "head", "branch", "git_url", "is_dirty"}``, and ``None`` when
``path`` is not inside a git work tree. Unlike the original (which needed ``psutil`` and raised when ``git``
was not installed), a missing ``git`` executable, a command that hangs (timeout) or any other ``OSError``
gives ``None`` too: recording a code reference never stops a training script.
"""
from __future__ import annotations

import os
import subprocess
from typing import Any

__all__ = ["get_code_reference"]

#: Seconds one ``git`` command may take (a network file system can be slow; ``git`` needs no network here).
GIT_TIMEOUT = 10.0


class _NoGit(Exception):
    """``git`` could not be run (not installed, timed out, ...)."""


def _git(path: str, *args: str) -> str:
    """Return the stdout of ``git args...`` run in ``path`` (stderr dropped, exit status ignored, as the
    original's ``run_command``). Raises :class:`_NoGit` when ``git`` cannot be run."""
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    try:
        proc = subprocess.run(["git", *args], cwd=path, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=GIT_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as exc:
        raise _NoGit(str(exc)) from exc
    return proc.stdout.decode("utf-8", "replace")


def get_code_reference(path: str = ".") -> dict[str, Any] | None:
    """Return the code reference of the git work tree containing ``path``, or ``None``.

    Keys (values as the original's commands print them):

    - ``commit``: first word of ``git --no-pager log --pretty=oneline -1`` (the full hash; ``""`` before
      the first commit);
    - ``head``: ``git rev-parse HEAD``;
    - ``branch``: ``git rev-parse --abbrev-ref HEAD`` (``"HEAD"`` when detached);
    - ``git_url``: ``git config --get remote.origin.url`` (``""`` without an ``origin`` remote);
    - ``is_dirty``: ``True`` when ``git diff --stat`` shows unstaged changes to tracked files (untracked
      and staged-only changes do not count, as in the original).

    ``None`` when ``path`` is not in a git work tree, does not exist, or ``git`` cannot be run. Never raises.
    """
    if not os.path.isdir(path):
        return None
    try:
        if _git(path, "rev-parse", "--is-inside-work-tree").split("\n")[0].strip() != "true":
            return None
        return {
            "commit": _git(path, "--no-pager", "log", "--pretty=oneline", "-1").split(" ")[0],
            "head": _git(path, "rev-parse", "HEAD").split("\n")[0],
            "branch": _git(path, "rev-parse", "--abbrev-ref", "HEAD").split("\n")[0],
            "git_url": _git(path, "config", "--get", "remote.origin.url").split("\n")[0],
            "is_dirty": bool(_git(path, "diff", "--stat")),
        }
    except _NoGit:
        return None
