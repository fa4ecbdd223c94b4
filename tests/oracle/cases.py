"""Where the oracle cases' scripts and env files live, and the one rule for running a case.

Shared by scripts/record_oracle.py (golden recordings, original polyaxon-helper) and test_parity.py (ours),
so that both sides run a script the same way: the script's folder is copied to a fresh temp dir, which
becomes the cwd, and the script is started by its bare file name (the original reports sys.argv and
the cwd in run_env, and scripts such as train.py write next to the cwd).

Recording files are named ``<script>__<env>[__<variant>].json``. A script may have routes
(``routes/<script>.json``, see recorder.py ``--routes``): the server answers some of its requests with other
statuses and bodies, on both sides.
"""
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterable, Optional, Tuple

from . import recorder
from .normalize import normalize_with_context

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
ENVS = HERE / "envs"
ROUTES = HERE / "routes"
RECORDINGS = REPO / "tests" / "recordings"
SCRIPT_DIRS = (HERE / "scripts", REPO / "tests" / "fixtures" / "legacy_project")


def locate_script(name: str) -> Path:
    """tests/oracle/scripts/<name>.py, else the fixture project's <name>.py."""
    for d in SCRIPT_DIRS:
        p = d / (name + ".py")
        if p.is_file():
            return p
    raise FileNotFoundError("no oracle script named %r in %s" % (name, ", ".join(map(str, SCRIPT_DIRS))))


def env_file(env_name: str) -> Path:
    return ENVS / (env_name + ".json")


def routes_for(script: str) -> list:
    """The routes of ``script`` (``routes/<script>.json``), an empty list when it has none."""
    path = ROUTES / (script + ".json")
    return recorder.load_routes(path) if path.is_file() else []


def recording_name(script: str, env_name: str, variant: str = "") -> str:
    return "%s__%s%s.json" % (script, env_name, "__" + variant if variant else "")


def parse_recording_name(filename: str) -> Tuple[str, str, str]:
    """'metrics_loop__v0-incluster__status500.json' -> ('metrics_loop', 'v0-incluster', 'status500')."""
    parts = Path(filename).stem.split("__")
    if len(parts) not in (2, 3):
        raise ValueError("not a recording name: %s" % filename)
    return parts[0], parts[1], parts[2] if len(parts) == 3 else ""


def prepare_cwd(script: str, parent: Optional[str] = None) -> Tuple[Path, str]:
    """Copy the script's folder to a fresh temp dir; returns (cwd, the script's file name)."""
    src = locate_script(script)
    base = Path(tempfile.mkdtemp(prefix="plx-case-", dir=parent))
    cwd = base / src.parent.name
    shutil.copytree(src.parent, cwd, ignore=shutil.ignore_patterns("__pycache__", ".polyaxon-compat"))
    return cwd, src.name


def run_case(python: str, script: str, env_name: str, *, parent: Optional[str] = None, cleanup: bool = True,
             paths: Iterable[Tuple[str, str]] = (), **kwargs: Any) -> Tuple[Dict[str, Any], Dict[str, Any], Dict[str, Any]]:
    """Run one case; returns (normalised recording, raw recording, context).

    kwargs go to recorder.record_with_context (status, fail_first, grace, timeout, args, pythonpath);
    paths: extra (path, placeholder) pairs for normalize.
    The cwd copy and the {TMP} dir live in one temp dir (under `parent`), removed afterwards unless
    cleanup=False (then see context["cwd"] and context["tmp"]).
    """
    cwd, filename = prepare_cwd(script, parent)
    try:
        kwargs.setdefault("routes", routes_for(script))
        raw, ctx = recorder.record_with_context(python, filename, env_file(env_name), cwd=str(cwd),
                                                tmp_parent=str(cwd.parent), **kwargs)
        return normalize_with_context(raw, ctx, paths), raw, ctx
    finally:
        if cleanup:
            shutil.rmtree(cwd.parent, ignore_errors=True)
