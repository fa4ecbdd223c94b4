"""The ``run_env`` document sent when an experiment starts (polyaxon-client 0.5.0 ``tracking/utils/env.py``).

Same keys and values as the original: ``pid``, ``hostname``, ``os``, ``system``,
``python_version_verbose``, ``python_version``, ``user``, ``client_version``, ``sys.argv``,
``is_notebook``, ``filename``, ``module_path``, ``packages``. Two values keep the original's quirks on
purpose, since servers and dashboards were built on them: ``filename`` is ``"env.py"`` (the original took
the basename of its own module file) and ``module_path`` is the working directory. ``client_version`` is
this package's version and ``packages`` lists installed distributions as ``name==version`` (sorted).
"""
from __future__ import annotations

import getpass
import os
import platform
import socket
import sys
from typing import Any

__all__ = ["get_run_env"]


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("polyaxon-helper-compat")
    except Exception:  # not installed as a distribution (e.g. run from a source tree)
        return ""


def _packages() -> list[str]:
    try:
        from importlib.metadata import distributions

        names = {"%s==%s" % (d.metadata["Name"].lower().replace("_", "-"), d.version)
                 for d in distributions() if d.metadata["Name"]}
        return sorted(names)
    except Exception:
        return []


def get_run_env() -> dict[str, Any]:
    """Return the run environment as a JSON-able dict (see the module docstring for the keys)."""
    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown"
    return {
        "pid": os.getpid(),
        "hostname": socket.gethostname(),
        "os": platform.platform(aliased=True),
        "system": platform.system(),
        "python_version_verbose": sys.version,
        "python_version": platform.python_version(),
        "user": user,
        "client_version": _version(),
        "sys.argv": sys.argv,
        "is_notebook": "ipykernel" in sys.modules,
        "filename": "notebook" if "ipykernel" in sys.modules else "env.py",
        "module_path": os.path.dirname(os.path.realpath("__file__")),
        "packages": _packages(),
    }
