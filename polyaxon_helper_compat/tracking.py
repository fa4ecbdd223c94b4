"""The v0 tracking API (``polyaxon_client.tracking``) on modern Python: ``Experiment``, ``Job``, ``Group`` and
the module functions ``get_outputs_path``, ``get_data_paths``, ``get_log_level``, ``get_outputs_refs_paths``.

Signatures, request paths and bodies match polyaxon-client 0.6.1 ``tracking/{base,experiment,job,group}.py``
(verified against recordings of the original, ``tests/recordings/*__client061.json``). Where calls go:

- in a v0 cluster, ``Experiment()`` is the running experiment (``POLYAXON_EXPERIMENT_INFO``) and shares the
  process's backend (:mod:`polyaxon_helper_compat._run`) with the helper functions; ``Job()`` is the running
  job (``POLYAXON_JOB_INFO``) with its own connection to ``.../jobs/{id}/``;
- against a v0 server from outside a cluster (``POLYAXON_API_HOST`` [+ ``POLYAXON_HTTP_PORT``,
  ``POLYAXON_USE_HTTPS``] + ``POLYAXON_SECRET_USER_TOKEN``, or ``client=PolyaxonClient(host=..., token=...)``),
  ``Experiment(project="user/project")`` authenticates (``GET /api/v1/users/``), ``create()`` creates the
  experiment (``POST .../experiments/``) and every later call goes to that experiment, with its own
  connection (the process's default backend is untouched); ``experiment_id=`` addresses an existing one;
- otherwise (outside any cluster, nothing configured) the local run store: ``Experiment()`` and the first
  ``create()`` of the process record in the process's local run; a further ``create()`` gets a run of its
  own (``./.polyaxon-compat/runs/<id>/``);
- under ``POLYAXON_NO_OP`` nothing is sent, written or run (not even ``git``).

Unlike the original: transport errors never reach the caller (the backends retry, spool and report); a
create the server refuses, or answers without an id, is reported on stderr and recorded locally instead of
raising; creating an ``Experiment`` outside a cluster without a project records locally instead of raising;
an uncaught exception marks every started run failed (the original's hook marked only the last one and
replaced ``sys.excepthook``: ours chains to the hook in place).
"""
from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import shutil
import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from polyaxon_helper_compat import _getters, _run, _settings
from polyaxon_helper_compat._getters import (
    get_base_outputs_path,
    get_data_paths,
    get_log_level,
    get_outputs_path,
    get_outputs_refs_paths,
)
from polyaxon_helper_compat._metrics import validate_metrics
from polyaxon_helper_compat.backends.base import Backend
from polyaxon_helper_compat.exceptions import PolyaxonClientException, describe

if TYPE_CHECKING:
    from polyaxon_helper_compat.client import PolyaxonClient

__all__ = [
    "Experiment",
    "Group",
    "Job",
    "get_base_outputs_path",
    "get_data_paths",
    "get_log_level",
    "get_outputs_path",
    "get_outputs_refs_paths",
]

logger = logging.getLogger(__name__)

#: ``POLYAXON_HASH_LENGTH`` default of polyaxon-client 0.5.0/0.6.1.
HASH_LENGTH = 12
#: ``tracking/utils/backend.py`` ``OTHER_BACKEND``: the ``backend`` of a run created by the tracking API.
OTHER_BACKEND = "other"
_FINAL = ("succeeded", "failed", "stopped")
#: ids of process backends already given to a ``create()`` (the next create gets a run of its own).
_claimed: set[int] = set()


def _validate_tags(tags: str | Iterable[str] | None) -> list[str] | None:
    """Tags as polyaxon-client 0.5.0 ``validate_tags``: a comma-separated string or a list of strings."""
    if not tags:
        return None
    if isinstance(tags, str):
        tags = [tag.strip() for tag in tags.split(",")]
    tags = list(tags)
    for tag in tags:
        if not (tag and isinstance(tag, str)):
            raise PolyaxonClientException(
                "Received an invalid tag {}. Please make sure that the tags are list of strings, "
                "or a string containing comma separated values.".format(tag))
    return tags


def _create_config(name: str | None, tags: str | Iterable[str] | None, backend: str | None,
                   description: str | None, build_id: int | str | None, content: Any,
                   framework: str | None = None) -> dict[str, Any]:
    """The body polyaxon-client 0.6.1 ``create`` builds (keys in its order, empty values left out, ``backend``
    ``"other"`` by default, ``is_managed`` from the context). Raises ``PolyaxonClientException`` for bad tags."""
    config: dict[str, Any] = {}
    if name:
        config["name"] = name
    valid_tags = _validate_tags(tags)
    if valid_tags:
        config["tags"] = valid_tags
    if framework:
        config["framework"] = framework
    config["backend"] = backend or OTHER_BACKEND
    if description:
        config["description"] = description
    if build_id:
        config["build_job"] = str(build_id)
    config["is_managed"] = _run.context().is_managed
    if content:
        config["content"] = _content(content)
    return config


def _no_op() -> bool:
    return _run.context().kind == _settings.NO_OP


def _project_info(current_user: str | None, project: str) -> tuple[str | None, str]:
    """``"alice/mnist"`` or ``"alice.mnist"`` -> ``("alice", "mnist")``; ``"mnist"`` -> ``(current_user,
    "mnist")`` (polyaxon-client 0.6.1 ``get_project_info``)."""
    parts = project.replace(".", "/").split("/")
    if len(parts) == 2:
        return parts[0], parts[1]
    return current_user, project


def _content(content: Any) -> Any:
    """polyaxon-client 0.6.1 ``validate_content``: a mapping is sent as its ``str()``, a string as is."""
    if isinstance(content, Mapping):
        return "{}".format(dict(content))
    to_dict = getattr(content, "to_dict", None)
    if callable(to_dict):
        return "{}".format(to_dict())
    return content


def _number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        return default


def _copy_into(path: str, folder: str) -> None:
    """Copy file or folder ``path`` to ``folder/<basename>`` (``OSError`` when ``path`` cannot be read)."""
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, os.path.basename(path.rstrip(os.sep)))
    if os.path.isdir(path):
        shutil.copytree(path, target, dirs_exist_ok=True)
    elif os.path.abspath(path) != os.path.abspath(target):
        shutil.copy2(path, target)


class _Tracker:
    """What ``Experiment``, ``Job`` and ``Group`` share (polyaxon-client 0.6.1 ``BaseTracker``).

    Attributes as the original's: ``project``, ``username``, ``project_name``, ``client``, ``last_status``
    (``None``, ``"created"``, ``"running"``, then a final status), ``track_logs``, ``track_code``,
    ``track_env``, ``outputs_store``.
    """

    #: URL segment of this kind of run (``/{user}/{project}/{_ENTITY}/{id}/``) and its name in messages.
    _ENTITY = "experiments"
    _KIND = "experiment"

    def __init__(self, project: str | None = None, client: PolyaxonClient | None = None, track_logs: bool = True,
                 track_code: bool = True, track_env: bool = True, outputs_store: Any = None) -> None:
        self.project = project
        self.username: str | None = None
        self.project_name: str | None = None
        self.track_logs = track_logs
        self.track_code = track_code
        self.track_env = track_env
        self.outputs_store = outputs_store
        self.last_status: str | None = None
        self._client = client
        #: the client of the API this tracker's own runs live on (``None``: the process's run / local).
        self._api: PolyaxonClient | None = None
        #: this tracker's own backend; ``None`` uses :meth:`_default_backend`.
        self._backend: Backend | None = None
        self._outputs_path: str | None = None
        #: the server's answer to ``create`` (``None`` locally).
        self._created: Any = None
        #: ``True`` when ``create`` recorded in the process's local run (started and watched by ``_run``).
        self._process_run = False
        self._owner = os.getpid()

    # -- where calls go ---------------------------------------------------------------------------
    @property
    def client(self) -> PolyaxonClient | None:
        """The authenticated v0 REST client (:class:`polyaxon_helper_compat.client.PolyaxonClient`): the one
        given, else one built from the environment (in a v0 cluster, or with ``POLYAXON_API_HOST``), else
        ``None`` (outside any cluster with nothing configured, and under no-op). Built on first access."""
        if self._client is None and not _no_op():
            ctx = _run.context()
            from polyaxon_helper_compat.client import PolyaxonClient, api_configured

            if ctx.kind == _settings.V0 or api_configured():
                try:
                    self._client = PolyaxonClient()
                except PolyaxonClientException:
                    return None
        return self._client

    @client.setter
    def client(self, client: PolyaxonClient | None) -> None:
        self._client = client

    def _default_backend(self) -> Backend:
        return _run.get_backend()

    def _be(self) -> Backend:
        return self._backend if self._backend is not None else self._default_backend()

    def _server_client(self) -> PolyaxonClient | None:
        """The client to create and address runs with, or ``None`` to record in the process's run / locally."""
        ctx = _run.context()
        forced = os.environ.get("POLYAXON_COMPAT_BACKEND", "").strip().lower()
        if ctx.kind in (_settings.NO_OP, _settings.V01) or forced in ("local", "no-op"):
            return None
        if ctx.kind == _settings.V0 and ctx.backend != "http-v0":
            return None
        if self.client is None:
            return None
        from polyaxon_helper_compat.client import as_compat_client

        return as_compat_client(self.client)

    def _connect(self, project: str) -> None:
        """Set ``username``/``project_name`` from ``project`` and, when a v0 API is available, authenticate
        as polyaxon-client 0.6.1 does outside a cluster (``GET /api/v1/users/`` for the user's name; in a
        cluster a project without ``user/`` belongs to the running experiment's owner). On failure one line
        on stderr says so and this tracker records locally. Raises ``TypeError`` for a ``client`` that is
        not a ``PolyaxonClient``."""
        client = self._server_client()
        current_user = None
        if _run.context().is_managed:  # the running experiment's (or job's) owner
            info = _settings.read_json_env("POLYAXON_EXPERIMENT_INFO", "experiment info") or \
                _settings.read_json_env("POLYAXON_JOB_INFO", "experiment info")
            name = info.get("project_name") if isinstance(info, dict) else None
            current_user = str(name).split(".")[0] if name else None
        elif client is not None:
            try:
                user = client.auth.get_user()
                current_user = user.get("username") if isinstance(user, dict) else None
            except PolyaxonClientException as exc:
                self._say("could not authenticate with the Polyaxon API (%s)" % describe(exc))
                client = None
        self.username, self.project_name = _project_info(current_user, project)
        if client is not None and not self.username:
            self._say("the Polyaxon API did not tell the user's name, and project %r has no 'user/' part" % project)
            client = None
        self._api = client

    def _say(self, what: str, where: str | None = None) -> None:
        print("polyaxon-helper-compat: %s; recording this %s locally%s"
              % (what, self._KIND, " in %s" % where if where else ""), file=sys.stderr)

    def _http_backend(self, run_id: Any, heartbeat: bool) -> Backend:
        """An :class:`HttpV0Backend` for ``/{username}/{project_name}/{_ENTITY}/{run_id}/`` on ``self._api``."""
        from polyaxon_helper_compat.backends.http_v0 import HttpV0Backend

        assert self._api is not None and self.username and self.project_name
        config = self._api.api_config
        return HttpV0Backend(config.http_host or "", self.username, self.project_name, str(run_id), config.headers(),
                             entity=self._ENTITY, interval=_number("POLYAXON_INTERVAL", 1.0),
                             heartbeat_interval=_number("HEALTH_CHECK_INTERVAL", 60.0) if heartbeat else 0.0,
                             flush_timeout=_number("POLYAXON_COMPAT_FLUSH_TIMEOUT", _number("POLYAXON_TIMEOUT", 20.0)))

    def _local_run(self, announce: bool = True) -> tuple[Backend, bool]:
        """The process's local run when no ``create()`` took it yet (``(backend, True)``), else a new local
        run of this tracker's own (``(backend, False)``; ``announce``: say where on stderr)."""
        backend = _run.get_backend()
        if backend.name == "local" and id(backend) not in _claimed:
            _claimed.add(id(backend))
            return backend, True
        from polyaxon_helper_compat.backends.local import LocalBackend

        return LocalBackend(announce=announce), False

    def _create_run(self, config: dict[str, Any], server_config: dict[str, Any] | None = None,
                    group: Any = None) -> Any:
        """Create this run on the API (``POST /{user}/{project}/{_ENTITY}/``, body: every schema field, as
        polyaxon-client 0.6.1) or locally; return its id and set the backend and ``last_status``.

        ``config`` is recorded locally; ``server_config`` (default ``config``) is what the API receives.
        The run is started (``running``, succeeded at exit, failed on an uncaught exception) outside a
        cluster, as the original's ``_start``; a local run taken from the process is already started.
        """
        from polyaxon_helper_compat.client import entity_body

        run_id: Any = None
        answer: Any = None
        local: Backend | None = None
        if self._api is not None:
            body = entity_body(self._ENTITY, config if server_config is None else server_config)
            if group:
                body["experiment_group"] = group
            url = self._api.project.url(self.username, self.project_name, self._ENTITY)
            try:
                answer = self._api.transport.request_json("POST", url, json_data=body)
                run_id = answer.get("id") if isinstance(answer, dict) else None
                reason = "POST %s answered without an id: %s" % (url, json.dumps(answer)[:200])
            except PolyaxonClientException as exc:
                reason = describe(exc)
            if run_id is None:
                local, self._process_run = self._local_run(announce=False)
                self._say("could not create the %s on the Polyaxon API (%s)" % (self._KIND, reason),
                          getattr(local, "path", None))
                self._api = None
            else:
                self._backend = self._http_backend(run_id, heartbeat=True)
        else:
            local, self._process_run = self._local_run()
        if local is not None:
            local.update(dict(config))
            run_id = getattr(local, "run_id", None)
            self._backend = local
        self.last_status = "created"
        self._created = answer
        return run_id

    def _after_create(self) -> None:
        if self.track_code:
            self.log_code_ref()
        if _run.context().is_managed:
            return
        if self._process_run:
            self.last_status = "running"  # the process's local run: already running and watched (_run)
            return
        self._start()

    def _start(self) -> None:
        """Mark the run running, succeeded at a normal exit and failed on an uncaught exception (polyaxon-client
        0.6.1 ``BaseTracker._start``), chaining to the ``sys.excepthook`` in place instead of replacing it."""
        self.start()
        atexit.register(self._end)
        previous = sys.excepthook

        def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
            if os.getpid() == self._owner:
                try:
                    self.log_failed(message="Type: {}, Value: {}".format(exc_type, exc))
                except Exception:  # tracking never hides the user's traceback
                    logger.debug("could not record the failed status", exc_info=True)
            previous(exc_type, exc, tb)

        sys.excepthook = excepthook

    def _end(self) -> None:
        if os.getpid() == self._owner:
            self.log_succeeded()

    # -- statuses ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Record the ``running`` status (polyaxon-client 0.6.1 ``start``)."""
        if _no_op():
            return
        self.log_status("running")
        self.last_status = "running"

    def log_status(self, status: str, message: str | None = None, traceback: str | None = None) -> None:
        """Record ``status`` (``"running"``, ``"succeeded"``, ``"failed"``, ``"stopped"``, ...) with an optional
        message and traceback: ``POST .../statuses/`` with ``{"status", "message"?, "traceback"?}``."""
        if _no_op():
            return
        self._be().log_status(status, message=message, traceback=traceback)

    def end(self, status: str, message: str | None = None, traceback: str | None = None) -> None:
        """Record a final status once; later calls after a final status are ignored (as the original)."""
        if _no_op() or self.last_status in _FINAL:
            return
        self.log_status(status, message=message, traceback=traceback)
        self.last_status = status

    def log_succeeded(self) -> None:
        """Mark the run succeeded (once, see :meth:`end`)."""
        self.end("succeeded")

    def log_stopped(self) -> None:
        """Mark the run stopped (once, see :meth:`end`)."""
        self.end("stopped")

    def log_failed(self, message: str | None = None, traceback: str | None = None) -> None:
        """Mark the run failed, with an optional message and traceback (once, see :meth:`end`)."""
        self.end("failed", message=message, traceback=traceback)

    def succeeded(self) -> None:
        """Deprecated name of :meth:`log_succeeded` (kept for old scripts)."""
        self.log_succeeded()

    def stop(self) -> None:
        """Deprecated name of :meth:`log_stopped` (kept for old scripts)."""
        self.log_stopped()

    def failed(self, message: str | None = None, traceback: str | None = None) -> None:
        """Deprecated name of :meth:`log_failed` (kept for old scripts)."""
        self.log_failed(message=message, traceback=traceback)

    # -- run updates (PATCH .../{id}/) -----------------------------------------------------------------
    def _update(self, patch: dict[str, Any]) -> None:
        if _no_op():
            return
        self._be().update(patch)

    def log_run_env(self) -> None:
        """Send the run environment ``{"run_env": {pid, hostname, os, python_version, packages, ...}}``."""
        if _no_op():
            return
        from polyaxon_helper_compat._env import get_run_env

        self._update({"run_env": get_run_env()})

    def log_code_ref(self) -> None:
        """Send the git code reference of the working directory: ``POST .../coderef/`` with
        ``{"commit", "head", "branch", "git_url", "is_dirty"}`` (no body outside a git work tree), as
        polyaxon-client 0.6.1; locally ``code_ref`` in ``run.json``. ``git`` missing is not an error."""
        if _no_op():
            return
        from polyaxon_helper_compat._coderef import get_code_reference

        self._be().log_code_ref(get_code_reference())

    def log_tags(self, tags: str | Iterable[str], reset: bool = False) -> None:
        """Add ``tags`` (list of str or ``"a, b"``); ``reset=True`` replaces the run's tags.

        Raises :class:`PolyaxonClientException` for an empty or non-string tag (as the original).
        """
        if _no_op():
            return
        patch: dict[str, Any] = {"tags": _validate_tags(tags)}
        if reset is False:
            patch["merge"] = True
        self._update(patch)

    def log_params(self, reset: bool = False, **params: Any) -> None:
        """Record params (merged into the run's params unless ``reset=True``)."""
        patch: dict[str, Any] = {"params": params}
        if reset is False:
            patch["merge"] = True
        self._update(patch)

    def set_name(self, name: str) -> None:
        """Rename the run."""
        self._update({"name": name})

    def set_description(self, description: str) -> None:
        """Set the run's description."""
        self._update({"description": description})

    def log_backend(self, backend: str) -> None:
        """Record the run's backend (e.g. ``"native"``)."""
        self._update({"backend": backend})

    def log_data_ref(self, data: Any, data_name: str = "data", reset: bool = False) -> None:
        """Record a data reference: ``{data_name: md5(str(data))[:12]}`` (polyaxon-client ``hash_value``).

        As the original, a ``data`` whose ``str()`` fails is logged (warning) and not recorded.
        """
        try:
            digest = hashlib.md5(str(data).encode("utf-8")).hexdigest()[:HASH_LENGTH]
        except Exception as exc:
            logger.warning("Could create data hash %s", exc)
            return
        patch: dict[str, Any] = {"data_refs": {data_name: digest}}
        if reset is False:
            patch["merge"] = True
        self._update(patch)

    # -- outputs ------------------------------------------------------------------------------------
    def set_outputs_store(self, outputs_store: Any = None, outputs_path: str | None = None,
                          set_env_vars: bool = False) -> None:
        """Keep ``outputs_store`` (any object; kept for old scripts) or use ``outputs_path`` as this run's
        outputs folder. Raises :class:`PolyaxonClientException` when neither is given (as the original)."""
        if _no_op():
            return
        if not (outputs_store or outputs_path):
            raise PolyaxonClientException("An Store instance or and outputs path is required.")
        self.outputs_store = outputs_store
        if outputs_path:
            self._outputs_path = outputs_path

    def get_outputs_path(self) -> str | None:
        """Return the run's outputs path.

        In a cluster: ``POLYAXON_RUN_OUTPUTS_PATH`` (as the original). A run created against a v0 server from
        outside a cluster: ``<base outputs path>/<user>/<project>/[<group>/]<id>`` when a base outputs path
        was given to ``create()`` or set in ``POLYAXON_BASE_OUTPUTS_PATH``, else the process's local run's
        ``outputs/``. A local run: its ``outputs/`` folder. Under no-op: ``None``.
        """
        if _no_op():
            return None
        if _settings.in_cluster():
            return get_outputs_path()
        if self._outputs_path:
            return self._outputs_path
        own = self._backend.outputs_path() if self._backend is not None else None
        return own or get_outputs_path()

    def get_log_level(self) -> str | None:
        """Return ``POLYAXON_LOG_LEVEL`` in a cluster, else ``None``."""
        return get_log_level()

    def log_artifact(self, file_path: str) -> None:
        """Keep file ``file_path`` with the run's outputs.

        In a cluster nothing is copied (the outputs path is the mounted volume the script writes to; the
        original's local store did nothing either). Elsewhere the file is copied into
        :meth:`get_outputs_path`. Raises ``OSError`` when ``file_path`` cannot be read.
        """
        if _no_op():
            return
        backend = self._be()
        if _settings.in_cluster() or (backend.outputs_path() and not self._outputs_path):
            backend.log_artifact(file_path)
            return
        outputs = self.get_outputs_path()
        if outputs:
            _copy_into(file_path, outputs)

    def log_artifacts(self, dir_path: str) -> None:
        """Keep folder ``dir_path`` with the run's outputs (see :meth:`log_artifact`)."""
        self.log_artifact(dir_path)

    def log_output(self, filename: str, **kwargs: Any) -> None:
        """Deprecated name of :meth:`log_artifact` (kept for old scripts)."""
        self.log_artifact(filename)

    def log_outputs(self, dirname: str, **kwargs: Any) -> None:
        """Deprecated name of :meth:`log_artifacts` (kept for old scripts)."""
        self.log_artifacts(dirname)

    get_data_paths = staticmethod(get_data_paths)
    get_outputs_refs_paths = staticmethod(get_outputs_refs_paths)

    def _outputs_under(self, base_outputs_path: str | None, *parts: Any) -> None:
        base = base_outputs_path or get_base_outputs_path()
        if base and self.outputs_store is None and self._api is not None:
            self._outputs_path = "/".join([base, str(self.username), str(self.project_name)]
                                          + [str(p) for p in parts])


class Experiment(_Tracker):
    """A v0 experiment, as ``polyaxon_client.tracking.Experiment`` (polyaxon-client 0.6.1).

    ``Experiment()`` in a v0 cluster is the running experiment (project and id from
    ``POLYAXON_EXPERIMENT_INFO``; creating it sends ``run_env`` once per process); outside a cluster it is
    the process's local run. ``Experiment(project="alice/mnist")`` (or ``"mnist"`` in the authenticated
    user's namespace) with a v0 API configured (``client=`` or ``POLYAXON_API_HOST`` + token) addresses that
    project: ``create(...)`` creates an experiment there, ``experiment_id=`` an existing one (see the module
    docstring). ``group_id`` puts a created experiment in that experiment group. Until ``create()`` (without
    ``experiment_id``) there is no experiment on the server: calls go to the process's run.

    ``experiment.client`` is an authenticated :class:`polyaxon_helper_compat.client.PolyaxonClient` for the
    v0 REST API (``None`` when no API is configured), polyaxon-client 0.6.1's with every handler (``auth``,
    ``project``, ``experiment``, ``job``, ``experiment_group``, ``experiment_job``, ``build_job``, ``cluster``,
    ``version``, ``user``, ``bookmark``; see that module).

    Attributes as the original's: ``username``, ``project_name``, ``experiment_id`` (a string in a cluster),
    ``group_id``, ``experiment`` (the server's answer to ``create``), ``last_status``.
    """

    def __init__(self, project: str | None = None, experiment_id: int | str | None = None,
                 group_id: int | str | None = None, client: PolyaxonClient | None = None, track_logs: bool = True,
                 track_code: bool = True, track_env: bool = True, outputs_store: Any = None) -> None:
        super().__init__(project=project, client=client, track_logs=track_logs, track_code=track_code,
                         track_env=track_env, outputs_store=outputs_store)
        self.experiment_id = experiment_id
        self.group_id = group_id
        self.experiment: Any = None
        ctx = _run.context()
        if ctx.kind == _settings.NO_OP:
            return
        if project is None and ctx.kind == _settings.V0:
            path = _run.experiment_path()
            if path is not None:
                self.username, self.project_name, self.experiment_id = path
                self.project = "%s.%s" % (self.username, self.project_name)
        if project is None or self._is_process_experiment(project, experiment_id):
            if ctx.backend != "local":  # the local run starts on first use (see _run._local_backend)
                self._backend = _run.get_backend()
                if track_env and ctx.is_managed:
                    _run.send_run_env_once()
            return
        self._connect(project)
        if self._api is not None and experiment_id is not None:
            self._backend = self._http_backend(experiment_id, heartbeat=ctx.is_managed)
            if ctx.is_managed and track_env:  # as the original, for any experiment created in a cluster
                self.log_run_env()

    def _is_process_experiment(self, project: str, experiment_id: int | str | None) -> bool:
        """``True`` in a v0 cluster when ``project``/``experiment_id`` name the running experiment."""
        path = _run.experiment_path() if _run.context().kind == _settings.V0 else None
        if path is None or experiment_id is None:
            return False
        return _project_info(None, project) == (path[0], path[1]) and str(experiment_id) == path[2]

    def create(self, name: str | None = None, framework: str | None = None, backend: str | None = None,
               tags: str | Iterable[str] | None = None, description: str | None = None, content: Any = None,
               build_id: int | str | None = None, base_outputs_path: str | None = None) -> Experiment:
        """Create a new experiment and make this object track it; returns ``self``.

        Matches polyaxon-client 0.6.1 ``Experiment.create``: against a v0 API, ``POST
        /{user}/{project}/experiments/`` with ``{"run_env" (when track_env), "name", "tags", "framework",
        "backend" ("other" by default), "description", "build_job", "is_managed", "content",
        "experiment_group"}`` plus every other field of the original's schema as ``null``; then, with
        ``track_code``, ``POST .../{id}/coderef/``; outside a cluster ``POST .../{id}/statuses/``
        ``{"status": "running"}``, heartbeats, ``succeeded`` at exit and ``failed`` on an uncaught exception.
        Without an API (or when the server refuses, or answers without an id: one stderr line) the same
        fields, code reference and statuses are recorded in a local run. ``experiment_id`` becomes the
        server's id (the local run's id locally). Raises :class:`PolyaxonClientException` for invalid tags.
        Under no-op returns ``self`` and does nothing (the original returned ``None``).
        """
        if _no_op():
            return self
        from polyaxon_helper_compat._env import get_run_env

        config: dict[str, Any] = {"run_env": get_run_env()} if self.track_env else {}
        config.update(_create_config(name, tags, backend, description, build_id, content, framework=framework))
        self.experiment_id = self._create_run(config, group=self.group_id)
        self.experiment = self._created
        if self.group_id:
            self._outputs_under(base_outputs_path, self.group_id, self.experiment_id)
        else:
            self._outputs_under(base_outputs_path, self.experiment_id)
        self._after_create()
        return self

    def log_metrics(self, **metrics: Any) -> None:
        """Record one row of metrics (name -> number) at the current UTC time.

        Matches polyaxon-client 0.6.1 ``Experiment.log_metrics`` (rows batched in ``POST .../metrics/``).
        Raises ``TypeError`` naming a metric whose value is not a number (the original raised
        ``PolyaxonClientException``). Never raises for delivery problems.
        """
        if _no_op():
            return
        values = validate_metrics(metrics)
        self._be().log_metrics(values, time.time())  # formatted as created_at on the worker thread

    def log_framework(self, framework: str) -> None:
        """Record the framework (e.g. ``"tensorflow"``): ``PATCH`` ``{"framework": ...}``."""
        self._update({"framework": framework})

    get_cluster_def = staticmethod(_getters.get_cluster_def)
    get_task_info = staticmethod(_getters.get_task_info)
    get_experiment_info = staticmethod(_getters.get_experiment_info)
    get_params = staticmethod(_getters.get_params)
    get_declarations = staticmethod(_getters.get_params)

    @classmethod
    def get_tf_config(cls, envvar: str | None = "TF_CONFIG") -> dict[str, Any] | None:
        """Return (and export in ``os.environ[envvar]``) the TF_CONFIG; see ``_getters.get_tf_config``."""
        return _getters.get_tf_config(envvar)


class Job(_Tracker):
    """A v0 job, as ``polyaxon_client.tracking.Job`` (polyaxon-client 0.6.1): statuses, params, tags, name,
    description, data refs, run env and code reference of ``/{user}/{project}/jobs/{id}/`` (a job has no
    metrics), its outputs path and :meth:`get_job_info`.

    ``Job()`` in a v0 cluster is the running job (``POLYAXON_JOB_INFO``: ``job_name`` ``"alice.mnist.jobs.5"``
    -> ``job_id`` ``"5"``, ``job_type`` ``"jobs"``); it has its own connection to the API (the process's
    experiment backend is not involved) and, as the original, sends no ``run_env`` and no heartbeat on its
    own. ``Job(project=..., job_id=...)`` / ``create(...)`` against a v0 API work as for ``Experiment``;
    outside a cluster with nothing configured a job records in the local run store.
    """

    _ENTITY = "jobs"
    _KIND = "job"

    def __init__(self, project: str | None = None, job_id: int | str | None = None,
                 client: PolyaxonClient | None = None, track_logs: bool = True, track_code: bool = True,
                 track_env: bool = True, outputs_store: Any = None) -> None:
        super().__init__(project=project, client=client, track_logs=track_logs, track_code=track_code,
                         track_env=track_env, outputs_store=outputs_store)
        self.job_id = job_id
        self.job_type: str | None = "jobs"
        self.job: Any = None
        ctx = _run.context()
        if ctx.kind == _settings.NO_OP:
            return
        if project is None and ctx.kind == _settings.V0:
            info = _settings.read_json_env("POLYAXON_JOB_INFO", "experiment info")
            try:
                project = str(info["project_name"])
                parts = str(info["job_name"]).split(".")
                self.job_id, self.job_type = parts[-1], parts[-2]
            except (TypeError, KeyError, IndexError):
                project = None
            if project is None or self.job_type != "jobs":
                print("polyaxon-helper-compat: POLYAXON_JOB_INFO is missing, invalid or not a job's; "
                      "recording this job locally", file=sys.stderr)
                from polyaxon_helper_compat.backends.local import LocalBackend

                self._backend = LocalBackend()
                return
            self.project = project
        if project is None:
            self._backend = _run.get_backend()
            return
        self._connect(project)
        if self._api is not None and self.job_id is not None:
            self._backend = self._http_backend(self.job_id, heartbeat=False)

    def create(self, name: str | None = None, backend: str | None = None, tags: str | Iterable[str] | None = None,
               description: str | None = None, content: Any = None, build_id: int | str | None = None,
               base_outputs_path: str | None = None) -> Job:
        """Create a new job and make this object track it; returns ``self``.

        Matches polyaxon-client 0.6.1 ``Job.create``: ``POST /{user}/{project}/jobs/`` with ``{"name",
        "tags", "backend" ("other"), "description", "build_job", "is_managed", "content"}`` plus the other
        schema fields as ``null``, then code reference and statuses as :meth:`Experiment.create`. The
        original also put ``run_env`` in the body when ``track_env`` and then failed (its job schema has no
        such field): the API does not receive it, the local run store does. Under no-op returns ``self``.
        """
        if _no_op():
            return self
        from polyaxon_helper_compat._env import get_run_env

        config = _create_config(name, tags, backend, description, build_id, content)
        local = dict(config, run_env=get_run_env()) if self.track_env else config
        self.job_id = self._create_run(local, server_config=config)
        self.job = self._created
        self._outputs_under(base_outputs_path, "jobs", self.job_id)
        self._after_create()
        return self

    @staticmethod
    def get_job_info() -> dict[str, Any] | None:
        """Return ``POLYAXON_JOB_INFO`` decoded (project_name, job_name, uuids, role, type, app), or ``None``.

        Matches polyaxon-client 0.6.1 ``Job.get_job_info``; ``None`` outside a cluster and under no-op.
        """
        return _getters.get_job_info()


class Group(_Tracker):
    """A v0 experiment group, as ``polyaxon_client.tracking.Group`` (polyaxon-client 0.6.1): ``create`` it,
    then ``create_experiment`` for each trial; statuses and updates go to ``/{user}/{project}/groups/{id}/``.

    Without a v0 API (or when the server does not create the group) a group has nothing of its own to record:
    its statuses and updates are ignored, and ``create_experiment`` creates local experiments.
    """

    _ENTITY = "groups"
    _KIND = "group"

    def __init__(self, project: str | None = None, group_id: int | str | None = None,
                 client: PolyaxonClient | None = None, track_logs: bool = True, track_code: bool = True,
                 track_env: bool = True, outputs_store: Any = None) -> None:
        super().__init__(project=project, client=client, track_logs=track_logs, track_code=track_code,
                         track_env=track_env, outputs_store=outputs_store)
        self.group_id = group_id
        self.group: Any = None
        self.base_outputs_path: str | None = None
        if _no_op():
            return
        if project is None and _run.context().kind == _settings.V0:
            path = _run.experiment_path()
            if path is not None:
                project = self.project = "%s.%s" % (path[0], path[1])
        if project is None:
            return
        self._connect(project)
        if self._api is not None and group_id is not None:
            self._backend = self._http_backend(group_id, heartbeat=False)

    def _default_backend(self) -> Backend:
        from polyaxon_helper_compat.backends.noop import NoOpBackend

        return NoOpBackend()

    def _say(self, what: str, where: str | None = None) -> None:
        print("polyaxon-helper-compat: %s; this group's experiments are recorded without it" % what,
              file=sys.stderr)

    def create(self, name: str | None = None, tags: str | Iterable[str] | None = None,
               description: str | None = None, content: Any = None,
               base_outputs_path: str | None = None) -> Group:
        """Create a new experiment group and make this object track it; returns ``self``.

        Matches polyaxon-client 0.6.1 ``Group.create``: ``POST /{user}/{project}/groups/`` with ``{"name",
        "tags", "description", "content"}`` plus the other schema fields as ``null``; outside a cluster
        ``POST .../groups/{id}/statuses/`` ``{"status": "running"}``, ``succeeded`` at exit, ``failed`` on an
        uncaught exception (no heartbeat, no code reference). When the server does not answer with an id the
        original went on addressing ``.../groups/statuses/``; we report it on stderr and send nothing more
        for the group. Under no-op returns ``self``.
        """
        if _no_op():
            return self
        config: dict[str, Any] = {}
        if name:
            config["name"] = name
        valid_tags = _validate_tags(tags)
        if valid_tags:
            config["tags"] = valid_tags
        if description:
            config["description"] = description
        if content:
            config["content"] = _content(content)
        self.last_status = "created"
        self.base_outputs_path = base_outputs_path or get_base_outputs_path()
        if self._api is None:
            return self
        from polyaxon_helper_compat.client import entity_body

        url = self._api.project.url(self.username, self.project_name, "groups")
        try:
            answer = self._api.transport.request_json("POST", url, json_data=entity_body("groups", config))
            self.group_id = answer.get("id") if isinstance(answer, dict) else None
            reason = "POST %s answered without an id: %s" % (url, json.dumps(answer)[:200])
        except PolyaxonClientException as exc:
            answer, reason = None, describe(exc)
        self.group = answer
        if self.group_id is None:
            self._say("could not create the group on the Polyaxon API (%s)" % reason)
            return self
        self._backend = self._http_backend(self.group_id, heartbeat=False)
        if not _run.context().is_managed:
            self._start()
        return self

    def create_experiment(self, name: str | None = None, framework: str | None = None,
                          tags: str | Iterable[str] | None = None, description: str | None = None,
                          content: Any = None) -> Experiment:
        """Create an experiment in this group and return it (polyaxon-client 0.6.1
        ``Group.create_experiment``): ``Experiment(project, group_id=..., client=...).create(...)``."""
        experiment = Experiment(project=self.project, group_id=self.group_id, client=self._client,
                                track_logs=self.track_logs, track_code=self.track_code, track_env=self.track_env,
                                outputs_store=self.outputs_store)
        experiment.create(name=name, framework=framework, tags=tags, description=description, content=content,
                          base_outputs_path=self.base_outputs_path)
        return experiment

    def log_status(self, status: str, message: str | None = None, traceback: str | None = None) -> None:
        """Record ``status`` with an optional message: ``POST .../groups/{id}/statuses/`` with ``{"status",
        "message"?}`` (a group status has no traceback, as the original)."""
        super().log_status(status, message=message)
