"""The process's run: one backend per process, chosen from the context.

A training process is one run, as it is in a Polyaxon cluster: the helper functions, the module-level
``tracking`` functions and every ``Experiment()`` created without an explicit project share it, so that a
script's metrics and its outputs land in the same place.

When the run's context (and so its backend) is chosen: :func:`context` reads the environment the first
time the process needs its run, and the run keeps that context until the process ends. That is at
``import polyaxon_helper`` in a v0.2+ experiment's pod (``POLYAXON_IS_MANAGED``/``POLYAXON_IN_CLUSTER`` with
``POLYAXON_EXPERIMENT_INFO``, as polyaxon-helper 0.5.0 created its ``experiment`` at import); elsewhere at
the first ``send_metrics``, the first use of the module attribute ``experiment``, the first
``Experiment()``/``Job()``/``Group()``, or the first getter that reads the run itself (``get_outputs_path()``
outside a cluster, the getters of a v2 run). Getters otherwise never fix it: they read the environment at every
call (:mod:`polyaxon_helper_compat._getters`).
"""
from __future__ import annotations

import atexit
import os
import sys
import threading
from types import TracebackType


from polyaxon_helper_compat import _settings
from polyaxon_helper_compat.backends.base import Backend

__all__ = ["context", "experiment_path", "get_backend", "reset", "send_run_env_once", "set_backend"]

_backend: Backend | None = None
_context: _settings.Context | None = None
_lock = threading.RLock()
_run_env_sent = False


def experiment_path() -> tuple[str, str, str] | None:
    """Return ``(username, project_name, experiment_id)`` from ``POLYAXON_EXPERIMENT_INFO``, or ``None``.

    Matches polyaxon-client 0.5.0: ``project_name`` ``"alice.mnist"`` -> ``("alice", "mnist")``, the id is
    the last dot-separated part of ``experiment_name`` (``"alice.mnist.7"`` -> ``"7"``).
    """
    info = _settings.read_json_env("POLYAXON_EXPERIMENT_INFO", "experiment info")
    try:
        username, project = info["project_name"].split(".", 1)
        return username, project, str(info["experiment_name"]).split(".")[-1]
    except (TypeError, KeyError, ValueError, AttributeError):
        return None


def _http_v0_backend() -> Backend | None:
    from polyaxon_helper_compat.backends.http_v0 import HttpV0Backend

    path = experiment_path()
    if path is None:
        return None
    env = os.environ
    host = env.get("POLYAXON_API_HTTP_HOST") or env.get("POLYAXON_API")  # v0.1's name as a fallback
    if not host:  # polyaxon-client 0.5.0 api_config.py prints the same line
        print("Could get api host info, please make sure this is running inside a polyaxon job.")
    headers: dict[str, str] = {}
    internal = env.get("POLYAXON_INTERNAL_HEADER"), env.get("POLYAXON_INTERNAL_HEADER_SERVICE")
    token = env.get("POLYAXON_SECRET_USER_TOKEN")
    if internal[0] and internal[1]:
        headers[internal[0]] = internal[1]
        token = token or env.get("POLYAXON_SECRET_INTERNAL_TOKEN")
    if token:
        headers["Authorization"] = "%s %s" % (env.get("POLYAXON_AUTHENTICATION_TYPE") or "Token", token)
    return HttpV0Backend(host, *path, headers=headers, interval=_number("POLYAXON_INTERVAL", 1.0),
                         heartbeat_interval=_number("HEALTH_CHECK_INTERVAL", 60.0),
                         flush_timeout=_number("POLYAXON_COMPAT_FLUSH_TIMEOUT", _number("POLYAXON_TIMEOUT", 20.0)),
                         max_queue=int(_number("POLYAXON_COMPAT_MAX_QUEUE", 100_000)))


def _http_v01_backend() -> Backend | None:
    """The polyaxon-helper 0.1.9 transport: ``POLYAXON_API``, ``Internaltoken`` auth, ``x-polyaxon-internal:
    helper``; user, project and id from ``experiment_name`` (``"alice.mnist.7"``), as 0.1.9 ``send_metrics``."""
    from polyaxon_helper_compat.backends.http_v0 import HttpV0Backend

    env = os.environ
    info = _settings.read_json_env("POLYAXON_EXPERIMENT_INFO", "experiment info")
    name = info.get("experiment_name") if isinstance(info, dict) else None
    token, api = env.get("POLYAXON_INTERNAL_SECRET_TOKEN"), env.get("POLYAXON_API")
    if not api:  # polyaxon-helper 0.1.9 get_api() prints the same line
        print("Could get api info, please make sure this is running inside a polyaxon job.")
    if not (name and token and api) or len(str(name).split(".")) < 3:
        print("Environment information not found, please make sure this is running inside a polyaxon job.")
        return None
    parts = str(name).split(".")
    headers = {"Authorization": "Internaltoken %s" % token, "x-polyaxon-internal": "helper"}
    return HttpV0Backend(api, parts[0], parts[1], parts[-1], headers, wire="v0.1",
                         interval=_number("POLYAXON_INTERVAL", 1.0), heartbeat_interval=0,
                         flush_timeout=_number("POLYAXON_COMPAT_FLUSH_TIMEOUT", 20.0),
                         max_queue=int(_number("POLYAXON_COMPAT_MAX_QUEUE", 100_000)))


def _number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        print("polyaxon-helper-compat: ignoring %s=%r: not a number" % (name, os.environ[name]), file=sys.stderr)
        return default


def _local_backend() -> Backend:
    from polyaxon_helper_compat.backends.local import LocalBackend

    global _run_env_sent
    backend = LocalBackend()
    backend.log_status("running")
    from polyaxon_helper_compat._env import get_run_env

    backend.update({"run_env": get_run_env()})  # the local run records its environment once, at start
    _run_env_sent = True
    _watch_exit(backend)
    return backend


def _watch_exit(backend: Backend) -> None:
    """Mark the run failed on an uncaught exception and succeeded at a normal exit (as polyaxon-client's
    ``BaseTracker._start``), chaining to the ``sys.excepthook`` in place instead of replacing it."""
    state = {"failed": False}
    previous = sys.excepthook
    owner = os.getpid()  # a forked child (e.g. a DataLoader worker) does not end the run

    def ended() -> bool:  # the script already recorded a final status (e.g. experiment.failed()): keep it
        run = getattr(backend, "run", None)
        return isinstance(run, dict) and run.get("status") in ("succeeded", "failed", "stopped")

    def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not state["failed"] and os.getpid() == owner and not ended():
            state["failed"] = True
            try:
                backend.log_status("failed", message="Type: %s, Value: %s" % (exc_type, exc))
            except Exception:  # tracking never hides the user's traceback
                pass
        previous(exc_type, exc, tb)

    def at_exit() -> None:
        if not state["failed"] and os.getpid() == owner and not ended():
            try:
                backend.log_status("succeeded")
            except OSError as exc:  # e.g. the run folder was removed while the script ran
                print("polyaxon-helper-compat: could not record the final status: %s" % exc, file=sys.stderr)

    sys.excepthook = excepthook
    atexit.register(at_exit)


def get_backend() -> Backend:
    """Return the process's backend, creating it on first call (thread-safe)."""
    global _backend
    if _backend is None:
        with _lock:
            if _backend is None:
                _backend = _create()
    return _backend


def context() -> _settings.Context:
    """Return the context of the process's run: the environment's (:func:`_settings.get_context`) the first
    time this is called, the same one afterwards (see the module docstring for when that is)."""
    global _context
    if _context is None:
        with _lock:
            if _context is None:
                _context = _settings.get_context()
    return _context


def _create() -> Backend:
    ctx = context()
    if ctx.backend == "no-op":
        from polyaxon_helper_compat.backends.noop import NoOpBackend

        return NoOpBackend()
    if ctx.backend == "http-v0":
        backend = _http_v01_backend() if ctx.kind == _settings.V01 else _http_v0_backend()
        if backend is not None:
            return backend
        print("polyaxon-helper-compat: the Polyaxon API or this experiment is not configured "
              "(POLYAXON_EXPERIMENT_INFO, API host, token); recording locally instead", file=sys.stderr)
    if ctx.backend == _settings.POLYAXON_V2:
        backend = _polyaxon_v2_backend()
        if backend is not None:
            return backend
    return _local_backend()


def _polyaxon_v2_backend() -> Backend | None:
    """The ``polyaxon-v2`` backend (imports polyaxon, calls ``tracking.init()`` once), or ``None`` with one
    stderr line saying why (polyaxon missing or too old, a boolean polyaxon refuses, init failed)."""
    from polyaxon_helper_compat.backends.polyaxon_v2 import PolyaxonV2Backend, V2Unavailable

    try:
        return PolyaxonV2Backend()
    except V2Unavailable as exc:
        print("polyaxon-helper-compat: cannot use Polyaxon v2 (%s); recording locally instead" % exc,
              file=sys.stderr)
        return None


def send_run_env_once() -> None:
    """Send the ``run_env`` patch once per process (the helper and ``Experiment()`` share one run)."""
    global _run_env_sent
    with _lock:
        if _run_env_sent:
            return
        _run_env_sent = True
    from polyaxon_helper_compat._env import get_run_env

    get_backend().update({"run_env": get_run_env()})


def set_backend(backend: Backend | None) -> Backend | None:
    """Replace the process's backend (tests, or a caller that builds its own); returns the previous one."""
    global _backend, _run_env_sent
    with _lock:
        previous, _backend = _backend, backend
        _run_env_sent = False
    return previous


def reset() -> None:
    """Forget the backend and the run's context (tests change the environment between cases)."""
    global _context
    set_backend(None)
    _context = None
    _settings.reset_context()


