"""An authenticated handle to the Polyaxon v0 REST API: ``PolyaxonClient`` (a subset of polyaxon-client 0.6.1).

``PolyaxonClient(host=..., token=...)`` (or ``PolyaxonClient()`` configured from the environment, as the
original) is what old scripts pass as ``Experiment(client=..., project="user/project")``, and what
``experiment.client`` returns. What it offers (every method synchronous, JSON answers as ``dict``)::

    client.auth.get_user(token=None)                                -> {"username": ...}
    client.project.get_project(username, project_name)
    client.project.create_project(project_config)                   POST /projects/
    client.project.update_project(username, project_name, patch_dict)
    client.project.create_experiment(username, project_name, experiment_config, group=None)
    client.project.create_experiment_group(username, project_name, experiment_group_config)
    client.project.create_job(username, project_name, job_config)
    client.experiment.get_experiment / update_experiment / get_statuses / create_status /
                      get_metrics / create_metric / get_code_reference / create_code_reference /
                      get_heartbeat_url                             (username, project_name, experiment_id, ...)
    client.job.get_job / update_job / get_statuses / create_status / create_code_reference / get_heartbeat_url
    client.experiment_group.get_experiment_group / update_experiment_group / get_statuses / create_status

URLs, bodies and the ``Authorization: <type> <token>`` header are those of polyaxon-client 0.6.1 (create
bodies carry every field of the original's schema, unset ones as ``null``). As in the original (with its
default ``reraise=False``), a method whose request fails logs it (logger ``polyaxon_helper_compat.client``,
debug/info level) and returns ``None``, except that an HTTP 401 answer, and any failure of ``auth.get_user``,
raises :class:`AuthenticationError`; with ``reraise=True`` every failure raises :class:`PolyaxonHTTPError`
(``requests`` errors are translated, ``raise ... from exc``). ``background=True``/``periodic=True`` are
accepted and the call is made at once. Not provided: listing, bookmarks, uploads/downloads, logs, the
websocket API, builds, tensorboards, ``schema_response`` (answers are always dicts) and the CLI's config
files (``~/.polyaxon``).

Configuration, as polyaxon-client 0.6.1 ``ApiConfig``: arguments first, then ``POLYAXON_API_HOST``,
``POLYAXON_HTTP_PORT``, ``POLYAXON_USE_HTTPS``, ``POLYAXON_VERIFY_SSL``, ``POLYAXON_SECRET_USER_TOKEN``,
``POLYAXON_AUTHENTICATION_TYPE``, ``POLYAXON_API_VERSION``; in a v0 cluster (``POLYAXON_IS_MANAGED``)
``POLYAXON_API_HTTP_HOST``, the internal header and ``POLYAXON_SECRET_INTERNAL_TOKEN``. ``requests`` is
imported on the first request, not with this module.
"""
from __future__ import annotations

import datetime
import logging
import os
import sys
from typing import Any, Callable, Mapping

from polyaxon_helper_compat import _settings
from polyaxon_helper_compat._metrics import validate_metrics
from polyaxon_helper_compat.exceptions import AuthenticationError, PolyaxonClientException, PolyaxonHTTPError

__all__ = ["ApiConfig", "AuthenticationError", "PolyaxonClient", "PolyaxonHTTPError", "api_configured",
           "as_compat_client", "entity_body"]

logger = logging.getLogger(__name__)

DEFAULT_HTTP_PORT = 80
DEFAULT_HTTPS_PORT = 443

#: Fields of polyaxon-client 0.6.1's schemas as ``to_dict()`` sends them in a create request (unset ->
#: ``None``, except these defaults). Recorded from the original (tests/recordings/experiment_server__*).
_EXPERIMENT_FIELDS = (
    "backend", "build_job", "content", "created_at", "description", "experiment_group", "finished_at",
    "framework", "has_tensorboard", "id", "is_clone", "is_managed", "jobs", "last_metric", "last_status", "name",
    "num_jobs", "params", "project", "resources", "run_env", "started_at", "tags", "total_run", "ttl",
    "unique_name", "updated_at", "user", "uuid")
_JOB_FIELDS = (
    "backend", "build_job", "content", "created_at", "definition", "description", "finished_at", "id", "is_clone",
    "is_managed", "last_status", "name", "pod_id", "project", "resources", "started_at", "tags", "total_run",
    "ttl", "unique_name", "updated_at", "user", "uuid")
_GROUP_FIELDS = (
    "backend", "concurrency", "content", "created_at", "description", "experiments", "finished_at", "group_type",
    "has_tensorboard", "id", "is_managed", "last_status", "name", "num_experiments", "num_failed_experiments",
    "num_pending_experiments", "num_running_experiments", "num_scheduled_experiments", "num_stopped_experiments",
    "num_succeeded_experiments", "project", "search_algorithm", "started_at", "tags", "unique_name", "updated_at",
    "user", "uuid")
_FIELDS = {"experiments": _EXPERIMENT_FIELDS, "jobs": _JOB_FIELDS, "groups": _GROUP_FIELDS}
_DEFAULTS: dict[str, dict[str, Any]] = {
    "experiments": {"has_tensorboard": False, "num_jobs": 0}, "jobs": {}, "groups": {"has_tensorboard": False}}


def entity_body(entity: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """Return the create body polyaxon-client 0.6.1 sends for ``config`` (``entity``: ``"experiments"``,
    ``"jobs"`` or ``"groups"``): every schema field, ``None`` when unset, plus any extra key of ``config``
    (the original rejected unknown keys with a ``ValidationError``)."""
    body: dict[str, Any] = {field: None for field in _FIELDS[entity]}
    body.update(_DEFAULTS[entity])
    body.update(config)
    return body


def _env_bool(name: str) -> bool | None:
    """``None`` when unset, else the boolean (``_settings.get_bool`` rules)."""
    if not os.environ.get(name, "").strip():
        return None
    return _settings.get_bool(name)


def _env_int(name: str) -> int | None:
    value = _env_number(name)
    return None if value is None else int(value)


def _env_number(name: str) -> float | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        print("polyaxon-helper-compat: ignoring %s=%r: not a number" % (name, raw), file=sys.stderr)
        return None


def api_configured() -> bool:
    """``True`` when the environment names a v0 API to talk to from outside a cluster (``POLYAXON_API_HOST``)."""
    return bool(os.environ.get("POLYAXON_API_HOST", "").strip())


class ApiConfig:
    """Where the API is and how to authenticate (polyaxon-client 0.6.1 ``ApiConfig``).

    Args (each defaults to its environment variable, see the module docstring):
        host: server name or address, e.g. ``"polyaxon.example.com"``; a full ``"https://host[:port]"`` is
            accepted too (its scheme and port win).
        port: HTTP port (sets ``http_port`` and ``ws_port``); http_port / ws_port: separately.
        token: the user's API token. authentication_type: ``"Token"`` by default.
        use_https, verify_ssl, is_managed, is_local: booleans. version: ``"v1"``.
        reraise: raise instead of logging and returning ``None`` (see :class:`PolyaxonClient`).
        timeout: seconds to wait for one answer (default ``POLYAXON_REQUEST_TIMEOUT``, else 25).

    Attributes: ``http_host`` (``"http://host:port"``), ``base_url`` (``http_host + "/api/v1"``), ``token``,
    ``authentication_type``, ``internal_header`` (``{name: service}`` in a cluster, else ``None``), ...

    Raises :class:`PolyaxonClientException` without a host outside a cluster (as the original).
    """

    PAGE_SIZE = 20
    BASE_URL = "{}/api/{}"

    def __init__(self, host: str | None = None, port: int | None = None, http_port: int | None = None,
                 ws_port: int | None = None, token: str | None = None, version: str | None = None,
                 authentication_type: str | None = None, use_https: bool | None = None,
                 verify_ssl: bool | None = None, is_managed: bool | None = None, is_local: bool | None = None,
                 schema_response: bool | None = None, reraise: bool = False, timeout: float | None = None,
                 interval: float | None = None) -> None:
        env = os.environ
        self.token = token or env.get("POLYAXON_SECRET_USER_TOKEN") or None
        self.host = host or env.get("POLYAXON_API_HOST") or None
        self.is_managed = is_managed if isinstance(is_managed, bool) else bool(_env_bool("POLYAXON_IS_MANAGED"))
        self.is_local = is_local if isinstance(is_local, bool) else bool(_env_bool("POLYAXON_IS_LOCAL"))
        self.use_https = use_https if isinstance(use_https, bool) else bool(_env_bool("POLYAXON_USE_HTTPS"))
        env_verify = _env_bool("POLYAXON_VERIFY_SSL")
        self.verify_ssl = verify_ssl if isinstance(verify_ssl, bool) else (True if env_verify is None else env_verify)
        if not self.host and not self.is_managed:
            raise PolyaxonClientException("Api config requires at least a host if not running in-cluster.")
        self.port = port
        explicit_port = port or http_port or _env_int("POLYAXON_HTTP_PORT")
        if self.host and "://" in self.host:  # a full URL: its scheme decides (the original expected a name)
            self.use_https = self.host.split("://", 1)[0].lower() == "https"
        self.http_port: int = explicit_port or (DEFAULT_HTTPS_PORT if self.use_https else DEFAULT_HTTP_PORT)
        self.ws_port: int = port or ws_port or _env_int("POLYAXON_WS_PORT") or self.http_port
        self.version = version or env.get("POLYAXON_API_VERSION") or "v1"
        self.internal_header: dict[str, str] | None = None
        if self.is_managed and not self.is_local:
            self.http_host = env.get("POLYAXON_API_HTTP_HOST") or ""
            if not self.http_host:  # the original's message (api_config.py)
                print("Could get api host info, please make sure this is running inside a polyaxon job.")
            header, service = env.get("POLYAXON_INTERNAL_HEADER"), env.get("POLYAXON_INTERNAL_HEADER_SERVICE")
            if header and service:
                self.internal_header = {header: service}
                if not self.token:
                    self.token = env.get("POLYAXON_SECRET_INTERNAL_TOKEN") or None
        else:
            self.http_host = self._http_host(str(self.host))
        self.base_url = self.BASE_URL.format(self.http_host, self.version)
        self.authentication_type = authentication_type or env.get("POLYAXON_AUTHENTICATION_TYPE") or "Token"
        self.schema_response = False
        self.reraise = reraise
        self.timeout = float(timeout if timeout is not None else (_env_number("POLYAXON_REQUEST_TIMEOUT") or 25))
        self.interval = float(interval if interval is not None else (_env_number("POLYAXON_INTERVAL") or 1))

    def _http_host(self, host: str) -> str:
        """``"{http|https}://{host}:{http_port}"``; a full URL keeps its scheme and its port, if any."""
        if "://" in host:
            scheme, rest = host.split("://", 1)
            rest = rest.rstrip("/")
            return "%s://%s" % (scheme, rest if ":" in rest else "%s:%d" % (rest, self.http_port))
        return "%s://%s:%d" % ("https" if self.use_https else "http", host, self.http_port)

    def headers(self) -> dict[str, str]:
        """Headers of every request: ``Authorization`` (when there is a token) and the internal header."""
        out: dict[str, str] = {}
        if self.token:
            out["Authorization"] = "%s %s" % (self.authentication_type, self.token)
        if self.internal_header:
            out.update(self.internal_header)
        return out


class Transport:
    """Synchronous HTTP over one ``requests.Session`` (imported on first use).

    :meth:`request` returns the decoded JSON answer (``None`` for an empty one) and raises
    :class:`PolyaxonHTTPError` for a connection error, a timeout or an HTTP status >= 300
    (:class:`AuthenticationError` for 401, as the original's ``ERRORS_MAPPING``).
    """

    def __init__(self, config: ApiConfig) -> None:
        self.config = config
        self._session: Any = None

    @property
    def session(self) -> Any:
        """The ``requests.Session`` (created on first access)."""
        if self._session is None:
            import requests

            self._session = requests.Session()
        return self._session

    def request(self, method: str, url: str, json_data: Any = None, params: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None) -> Any:
        """Send ``method url`` with ``json_data`` as the JSON body (none when ``None``, as the original)."""
        import requests

        request_headers = self.config.headers()
        request_headers.update(headers or {})
        try:
            response = self.session.request(method, url, json=json_data, params=params, headers=request_headers,
                                            timeout=self.config.timeout, verify=self.config.verify_ssl)
        except requests.RequestException as exc:
            raise PolyaxonHTTPError(url, None, "Error connecting to the Polyaxon server: %s"
                                    % type(exc).__name__) from exc
        if not 200 <= response.status_code < 300:
            logger.debug("Request to %s failed with status code %s. Reason: %s", url, response.status_code,
                         response.text)
            error = AuthenticationError if response.status_code == 401 else PolyaxonHTTPError
            raise error(url, response.status_code, response.text)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return response.text

    def get(self, url: str, **kwargs: Any) -> Any:
        """``request("GET", url, ...)``."""
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        """``request("POST", url, ...)``."""
        return self.request("POST", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Any:
        """``request("PATCH", url, ...)``."""
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Any:
        """``request("DELETE", url, ...)``."""
        return self.request("DELETE", url, **kwargs)


class BaseApi:
    """URL building and error handling shared by the API handlers (polyaxon-client 0.6.1 ``BaseApiHandler``)."""

    def __init__(self, transport: Transport, config: ApiConfig) -> None:
        self.transport = transport
        self.config = config

    @staticmethod
    def build_url(*parts: Any) -> str:
        """Join ``parts`` with ``/``, skipping empty ones, with a trailing ``/`` (as the original)."""
        url = ""
        for part in parts:
            part = part.strip("/") if isinstance(part, str) else part
            if part:
                url += "%s/" % (part,)
        return url

    def url(self, *parts: Any) -> str:
        """``build_url(base_url, *parts)``, e.g. ``url("alice", "mnist", "experiments", 7)``."""
        return self.build_url(self.config.base_url, *parts)

    def _call(self, what: str, fn: Callable[[], Any], default: Any = None) -> Any:
        try:
            return fn()
        except PolyaxonHTTPError as exc:
            if self.config.reraise or isinstance(exc, AuthenticationError):
                raise
            logger.info("Error while %s: %s", what, exc)
            return default


class AuthApi(BaseApi):
    """``client.auth``."""

    def get_user(self, token: str | None = None) -> Any:
        """``GET /api/v1/users/`` -> ``{"username": ...}``; raises :class:`AuthenticationError` when refused."""
        token = token or self.config.token
        headers = {"Authorization": "%s %s" % (self.config.authentication_type, token)}
        try:
            return self.transport.get(self.url("users"), headers=headers)
        except AuthenticationError:
            raise
        except PolyaxonHTTPError as exc:
            raise AuthenticationError(exc.endpoint, exc.status_code, "Login failed: %s" % exc.message) from exc


class ProjectApi(BaseApi):
    """``client.project``."""

    def get_project(self, username: str, project_name: str) -> Any:
        """``GET /{username}/{project_name}/``."""
        return self._call("retrieving project", lambda: self.transport.get(self.url(username, project_name)))

    def create_project(self, project_config: Mapping[str, Any]) -> Any:
        """``POST /projects/`` with ``project_config`` (``{"name", "description"?, "is_public"?, ...}``)."""
        return self._call("creating project",
                          lambda: self.transport.post(self.url("projects"), json_data=dict(project_config)))

    def update_project(self, username: str, project_name: str, patch_dict: Mapping[str, Any],
                       background: bool = False) -> Any:
        """``PATCH /{username}/{project_name}/``."""
        return self._call("updating project", lambda: self.transport.patch(
            self.url(username, project_name), json_data=dict(patch_dict)))

    def create_experiment(self, username: str, project_name: str, experiment_config: Mapping[str, Any],
                          group: int | str | None = None, background: bool = False) -> Any:
        """``POST /{username}/{project_name}/experiments/`` (``experiment_group`` = ``group`` when given)."""
        body = entity_body("experiments", experiment_config)
        if group:
            body["experiment_group"] = group
        return self._call("creating experiment", lambda: self.transport.post(
            self.url(username, project_name, "experiments"), json_data=body))

    def create_experiment_group(self, username: str, project_name: str,
                                experiment_group_config: Mapping[str, Any], background: bool = False) -> Any:
        """``POST /{username}/{project_name}/groups/``."""
        return self._call("creating experiment group", lambda: self.transport.post(
            self.url(username, project_name, "groups"), json_data=entity_body("groups", experiment_group_config)))

    def create_job(self, username: str, project_name: str, job_config: Mapping[str, Any],
                   background: bool = False) -> Any:
        """``POST /{username}/{project_name}/jobs/``."""
        return self._call("creating job", lambda: self.transport.post(
            self.url(username, project_name, "jobs"), json_data=entity_body("jobs", job_config)))


def _status_body(status: str, message: str | None, traceback: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status}
    if message:
        body["message"] = message
    if traceback:
        body["traceback"] = traceback
    return body


class _RunApi(BaseApi):
    """What ``client.experiment``, ``client.job`` and ``client.experiment_group`` share: requests under
    ``/{username}/{project_name}/{ENTITY}/{id}/``. Public methods keep the original's argument names."""

    ENTITY = "experiments"
    NAME = "experiment"

    def _url(self, username: str, project_name: str, run_id: int | str, *rest: str) -> str:
        return self.url(username, project_name, self.ENTITY, run_id, *rest)

    def _get(self, username: str, project_name: str, run_id: int | str, *rest: str, page: int = 1) -> Any:
        params = {"offset": (page - 1) * self.config.PAGE_SIZE} if page > 1 else None
        what = " ".join(("retrieving", self.NAME) + rest)
        return self._call(what, lambda: self.transport.get(self._url(username, project_name, run_id, *rest),
                                                           params=params))

    def _update(self, username: str, project_name: str, run_id: int | str, patch_dict: Mapping[str, Any]) -> Any:
        return self._call("updating " + self.NAME, lambda: self.transport.patch(
            self._url(username, project_name, run_id), json_data=dict(patch_dict)))

    def _status(self, username: str, project_name: str, run_id: int | str, body: dict[str, Any]) -> Any:
        return self._call("creating %s status" % self.NAME, lambda: self.transport.post(
            self._url(username, project_name, run_id, "statuses"), json_data=body))

    def _coderef(self, username: str, project_name: str, run_id: int | str,
                 coderef: Mapping[str, Any] | None) -> Any:
        body = None if coderef is None else dict(coderef)
        return self._call("creating %s coderef" % self.NAME, lambda: self.transport.post(
            self._url(username, project_name, run_id, "coderef"), json_data=body))


class ExperimentApi(_RunApi):
    """``client.experiment``: ``/{username}/{project_name}/experiments/{experiment_id}/...``."""

    def get_experiment(self, username: str, project_name: str, experiment_id: int | str) -> Any:
        """``GET .../experiments/{experiment_id}/``."""
        return self._get(username, project_name, experiment_id)

    def update_experiment(self, username: str, project_name: str, experiment_id: int | str,
                          patch_dict: Mapping[str, Any], background: bool = False) -> Any:
        """``PATCH .../experiments/{experiment_id}/`` with ``patch_dict``."""
        return self._update(username, project_name, experiment_id, patch_dict)

    def get_statuses(self, username: str, project_name: str, experiment_id: int | str, page: int = 1) -> Any:
        """``GET .../statuses/`` -> the server's page ``{"count", "results": [...], ...}``."""
        return self._get(username, project_name, experiment_id, "statuses", page=page)

    def create_status(self, username: str, project_name: str, experiment_id: int | str, status: str,
                      message: str | None = None, traceback: str | None = None, background: bool = False) -> Any:
        """``POST .../statuses/`` with ``{"status", "message"?, "traceback"?}``."""
        return self._status(username, project_name, experiment_id, _status_body(status, message, traceback))

    def get_metrics(self, username: str, project_name: str, experiment_id: int | str, page: int = 1) -> Any:
        """``GET .../metrics/`` -> the server's page."""
        return self._get(username, project_name, experiment_id, "metrics", page=page)

    def create_metric(self, username: str, project_name: str, experiment_id: int | str, values: Mapping[str, Any],
                      created_at: datetime.datetime | None = None, background: bool = False,
                      periodic: bool = False) -> Any:
        """``POST .../metrics/`` with ``{"values": {...}, "created_at"?: "... +00:00"}`` (a naive
        ``created_at`` is taken as UTC, as the original). Raises ``TypeError`` for a value that is not a number."""
        body: dict[str, Any] = {"values": validate_metrics(dict(values))}
        if created_at is not None:
            if created_at.tzinfo is None:
                created_at = created_at.replace(tzinfo=datetime.timezone.utc)
            body["created_at"] = str(created_at)
        return self._call("creating experiment metric", lambda: self.transport.post(
            self._url(username, project_name, experiment_id, "metrics"), json_data=body))

    def get_code_reference(self, username: str, project_name: str, experiment_id: int | str) -> Any:
        """``GET .../coderef/``."""
        return self._get(username, project_name, experiment_id, "coderef")

    def create_code_reference(self, username: str, project_name: str, experiment_id: int | str,
                              coderef: Mapping[str, Any] | None, background: bool = False) -> Any:
        """``POST .../coderef/`` with ``coderef`` (``{"commit", "head", "branch", "git_url", "is_dirty"}``)."""
        return self._coderef(username, project_name, experiment_id, coderef)

    def get_heartbeat_url(self, username: str, project_name: str, experiment_id: int | str) -> str:
        """Return ``.../_heartbeat/`` (POSTed periodically while the experiment runs)."""
        return self._url(username, project_name, experiment_id, "_heartbeat")


class JobApi(_RunApi):
    """``client.job``: ``/{username}/{project_name}/jobs/{job_id}/...``."""

    ENTITY = "jobs"
    NAME = "job"

    def get_job(self, username: str, project_name: str, job_id: int | str) -> Any:
        """``GET .../jobs/{job_id}/``."""
        return self._get(username, project_name, job_id)

    def update_job(self, username: str, project_name: str, job_id: int | str, patch_dict: Mapping[str, Any],
                   background: bool = False) -> Any:
        """``PATCH .../jobs/{job_id}/`` with ``patch_dict``."""
        return self._update(username, project_name, job_id, patch_dict)

    def get_statuses(self, username: str, project_name: str, job_id: int | str, page: int = 1) -> Any:
        """``GET .../statuses/``."""
        return self._get(username, project_name, job_id, "statuses", page=page)

    def create_status(self, username: str, project_name: str, job_id: int | str, status: str,
                      message: str | None = None, traceback: str | None = None, background: bool = False) -> Any:
        """``POST .../statuses/`` with ``{"status", "message"?, "traceback"?}``."""
        return self._status(username, project_name, job_id, _status_body(status, message, traceback))

    def get_code_reference(self, username: str, project_name: str, job_id: int | str) -> Any:
        """``GET .../coderef/``."""
        return self._get(username, project_name, job_id, "coderef")

    def create_code_reference(self, username: str, project_name: str, job_id: int | str,
                              coderef: Mapping[str, Any] | None, background: bool = False) -> Any:
        """``POST .../coderef/`` with ``coderef``."""
        return self._coderef(username, project_name, job_id, coderef)

    def get_heartbeat_url(self, username: str, project_name: str, job_id: int | str) -> str:
        """Return ``.../_heartbeat/``."""
        return self._url(username, project_name, job_id, "_heartbeat")


class ExperimentGroupApi(_RunApi):
    """``client.experiment_group``: ``/{username}/{project_name}/groups/{group_id}/...``."""

    ENTITY = "groups"
    NAME = "experiment group"

    def get_experiment_group(self, username: str, project_name: str, group_id: int | str) -> Any:
        """``GET .../groups/{group_id}/``."""
        return self._get(username, project_name, group_id)

    def update_experiment_group(self, username: str, project_name: str, group_id: int | str,
                                patch_dict: Mapping[str, Any], background: bool = False) -> Any:
        """``PATCH .../groups/{group_id}/`` with ``patch_dict``."""
        return self._update(username, project_name, group_id, patch_dict)

    def get_statuses(self, username: str, project_name: str, group_id: int | str, page: int = 1) -> Any:
        """``GET .../statuses/``."""
        return self._get(username, project_name, group_id, "statuses", page=page)

    def create_status(self, username: str, project_name: str, group_id: int | str, status: str,
                      message: str | None = None, background: bool = False) -> Any:
        """``POST .../statuses/`` with ``{"status", "message"?}`` (no traceback for a group, as the original)."""
        return self._status(username, project_name, group_id, _status_body(status, message, None))


class PolyaxonClient:
    """An authenticated handle to a Polyaxon v0 API (polyaxon-client 0.6.1 ``PolyaxonClient``, a subset).

    ``PolyaxonClient(host="polyaxon.example.com", token="...")``; every argument of the original is
    accepted (see :class:`ApiConfig`), or pass a ready ``api_config``. Handlers: ``auth``, ``project``,
    ``experiment``, ``job``, ``experiment_group`` (methods in the module docstring); ``transport`` sends
    raw requests. Raises :class:`PolyaxonClientException` without a host outside a cluster.
    """

    def __init__(self, api_config: ApiConfig | None = None, host: str | None = None, token: str | None = None,
                 port: int | None = None, http_port: int | None = None, ws_port: int | None = None,
                 use_https: bool | None = None, verify_ssl: bool | None = None, is_managed: bool | None = None,
                 authentication_type: str | None = None, api_version: str | None = None, reraise: bool = False,
                 schema_response: bool | None = None, timeout: float | None = None) -> None:
        self._api_config = api_config or ApiConfig(
            host=host, port=port, http_port=http_port, ws_port=ws_port, token=token,
            authentication_type=authentication_type, version=api_version, use_https=use_https,
            verify_ssl=verify_ssl, is_managed=is_managed, schema_response=schema_response, reraise=reraise,
            timeout=timeout)
        self._transport: Transport | None = None

    @property
    def api_config(self) -> ApiConfig:
        """The :class:`ApiConfig`."""
        return self._api_config

    @property
    def host(self) -> str | None:
        """The configured host."""
        return self._api_config.host

    @property
    def token(self) -> str | None:
        """The token sent in ``Authorization``."""
        return self._api_config.token

    def set_token(self, token: str) -> None:
        """Use ``token`` from now on."""
        self._api_config.token = token

    @property
    def transport(self) -> Transport:
        """The :class:`Transport` (one ``requests`` session per client)."""
        if self._transport is None:
            self._transport = Transport(self._api_config)
        return self._transport

    @property
    def auth(self) -> AuthApi:
        """``get_user``."""
        return AuthApi(self.transport, self._api_config)

    @property
    def project(self) -> ProjectApi:
        """Projects, and creating experiments, groups and jobs in a project."""
        return ProjectApi(self.transport, self._api_config)

    @property
    def experiment(self) -> ExperimentApi:
        """One experiment: get, update, statuses, metrics, code reference."""
        return ExperimentApi(self.transport, self._api_config)

    @property
    def job(self) -> JobApi:
        """One job: get, update, statuses, code reference."""
        return JobApi(self.transport, self._api_config)

    @property
    def experiment_group(self) -> ExperimentGroupApi:
        """One experiment group: get, update, statuses."""
        return ExperimentGroupApi(self.transport, self._api_config)


def as_compat_client(client: Any) -> PolyaxonClient:
    """Return ``client`` when it is a :class:`PolyaxonClient`, else an equivalent one built from its
    ``api_config`` (host, ports, token, https, ...), e.g. an original polyaxon-client ``PolyaxonClient``
    passed as ``Experiment(client=...)`` on a Python where it still imports.

    Raises ``TypeError`` for an object without a usable ``api_config``.
    """
    if isinstance(client, PolyaxonClient):
        return client
    config = getattr(client, "api_config", None)
    if config is None or not (getattr(config, "host", None) or getattr(config, "is_managed", False)):
        raise TypeError("client must be a polyaxon_helper_compat.client.PolyaxonClient (or have its api_config), "
                        "not %s" % type(client).__name__)

    def get(name: str) -> Any:
        return getattr(config, name, None)

    return PolyaxonClient(host=get("host"), http_port=get("http_port"), token=get("token"),
                          use_https=get("use_https"), verify_ssl=get("verify_ssl"), is_managed=get("is_managed"),
                          authentication_type=get("authentication_type"), api_version=get("version"))
