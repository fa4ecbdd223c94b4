"""The API handlers of the v0 REST client (``client.auth``, ``client.project``, ...): polyaxon-client 0.6.1
``api/*.py``, method by method: the same names and arguments, URLs, query parameters, bodies and answers.

What a method returns, as the original (with ``schema_response`` off: answers are always plain JSON):

- a read, create or update: the decoded JSON answer (a ``dict``);
- an action without a document to return (``delete_*``, ``stop``, ``bookmark``, ``send_logs``, ``logs``,
  tensorboards, notebooks, the ``user`` handler, ...): the ``requests.Response``;
- a list: 0.6.1's page ``{"count": int, "next": page + 1 or None, "previous": page - 1 or None, "results":
  [...]}`` (``next``/``previous`` are page numbers to pass back as ``page=``, not URLs; bookmarks list the
  ``content_object`` of each result); page ``n`` is requested with ``?offset=(n - 1) * 20``;
- with ``background=True``: ``None`` at once, the request is sent from the client's worker thread; with
  ``periodic=True`` (``create_metric``, ``send_logs``): ``None``, the body is batched (see ``_transport``).

A failed request is logged and the method returns its default (``None``; ``[]`` for most lists, as 0.6.1), unless
the client has ``reraise=True``, or the answer is a 401: then the error is raised (``NotFoundError``, ...,
see :mod:`polyaxon_helper_compat.exceptions`). The ``version`` handler and ``auth.get_user`` always raise, as the
original. Not provided (they raise ``NotImplementedError`` naming what to use): the websocket streams
(``resources``, ``logs(stream=True)``), file uploads and downloads (``upload_repo``, ``download_repo``,
``download_outputs``) and the in-cluster token exchanges (``login_*_token``).
"""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable

from polyaxon_helper_compat._metrics import validate_metrics
from polyaxon_helper_compat.exceptions import AuthenticationError, PolyaxonClientException, PolyaxonHTTPError

if TYPE_CHECKING:
    from polyaxon_helper_compat._transport import Transport
    from polyaxon_helper_compat._api_config import ApiConfig

__all__ = ["AuthApi", "BaseApi", "BookmarkApi", "BuildJobApi", "ClusterApi", "ExperimentApi", "ExperimentGroupApi",
           "ExperimentJobApi", "JobApi", "ProjectApi", "UserApi", "VersionApi", "entity_body"]


#: Fields of polyaxon-client 0.6.1's schemas as ``to_dict()`` sends them in a create request (unset ->
#: ``None``, except these defaults). Recorded from the original (tests/recordings/experiment_server__*,
#: client_api__*).
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
_FIELDS = {"experiments": _EXPERIMENT_FIELDS, "jobs": _JOB_FIELDS, "groups": _GROUP_FIELDS,
           "builds": tuple(sorted(_JOB_FIELDS + ("dockerfile",)))}
_DEFAULTS: dict[str, dict[str, Any]] = {
    "experiments": {"has_tensorboard": False, "num_jobs": 0}, "jobs": {}, "groups": {"has_tensorboard": False},
    "builds": {}}


def entity_body(entity: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """Return the create body polyaxon-client 0.6.1 sends for ``config`` (``entity``: ``"experiments"``,
    ``"jobs"``, ``"groups"`` or ``"builds"``): every schema field, ``None`` when unset, plus any extra key of
    ``config`` (the original rejected unknown keys with a ``ValidationError``)."""
    body: dict[str, Any] = {field: None for field in _FIELDS[entity]}
    body.update(_DEFAULTS[entity])
    body.update(config)
    return body


def _status_body(status: str, message: str | None, traceback: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status}
    if message:
        body["message"] = message
    if traceback:
        body["traceback"] = traceback
    return body


def _not_provided(what: str, instead: str) -> NotImplementedError:
    return NotImplementedError("%s is not provided by polyaxon-helper-compat (%s)" % (what, instead))


class BaseApi:
    """What every handler shares (polyaxon-client 0.6.1 ``BaseApiHandler``): URL building, pages, the error
    handling of the module docstring. ``transport`` sends, ``config`` is the client's ``ApiConfig``."""

    ENDPOINT: str | None = "/"
    HEARTBEAT = "_heartbeat"

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

    def _get_http_url(self, endpoint: str | None = None) -> str:
        """``build_url(base_url, endpoint or ENDPOINT)``."""
        endpoint = endpoint or self.ENDPOINT
        if endpoint is None:
            raise PolyaxonClientException("This function expects `ENDPOINT` attribute to be set, "
                                          "or an `endpoint` argument to be passed.")
        return self.build_url(self.config.base_url, endpoint)

    def _get_ws_url(self, endpoint: str | None = None) -> str:
        """``build_url(base_ws_url, endpoint or ENDPOINT)``."""
        return self.build_url(self.config.base_ws_url, endpoint or self.ENDPOINT or "")

    def url(self, *parts: Any) -> str:
        """``build_url(base_url, *parts)``, e.g. ``url("alice", "mnist", "experiments", 7)``."""
        return self.build_url(self.config.base_url, *parts)

    def get_page(self, page: int = 1) -> dict[str, Any]:
        """Query parameters of page ``page``: ``{}`` for the first, else ``{"offset": (page - 1) * 20}``."""
        if page <= 1:
            return {}
        return {"offset": (page - 1) * self.config.PAGE_SIZE}

    def prepare_list_results(self, response_json: Mapping[str, Any], current_page: int,
                             config: Any = None) -> dict[str, Any]:
        """0.6.1's page: ``{"count", "next": current_page + 1 or None, "previous": current_page - 1 or None,
        "results"}`` from the server's ``{"count", "next": url, "previous": url, "results"}``."""
        return {
            "count": response_json.get("count", 0),
            "next": current_page + 1 if response_json.get("next") else None,
            "previous": current_page - 1 if response_json.get("previous") else None,
            "results": response_json.get("results", []),
        }

    def prepare_results(self, response_json: Any, config: Any = None) -> Any:
        """The answer as it is (``schema_response`` objects are not provided: always JSON)."""
        return response_json

    @staticmethod
    def validate_content(content: Any) -> Any:
        """0.6.1 ``validate_content``: a mapping is sent as its ``str()``, a string as is, an object with
        ``to_dict()`` as the ``str()`` of that; raises :class:`PolyaxonClientException` for anything else."""
        if not content:
            return content
        if isinstance(content, Mapping):
            return "{}".format(dict(content))
        if isinstance(content, str):
            return content
        to_dict = getattr(content, "to_dict", None)
        if callable(to_dict):
            return "{}".format(to_dict())
        raw = getattr(content, "raw_data", None)
        if raw is not None:
            return raw
        raise PolyaxonClientException("Received an invalid content. "
                                      "Expects a Str, a Mapping or a valid instance of the entity config.")

    # -- the request shapes -------------------------------------------------------------------------------
    def _call(self, what: str, fn: Callable[[], Any], default: Callable[[], Any] = lambda: None) -> Any:
        try:
            return fn()
        except PolyaxonClientException as e:
            self.transport.handle_exception(e, "Error while " + what)
            return default()

    def _json(self, method: str, url: str, what: str, json_data: Any = None, background: bool = False) -> Any:
        """A request whose answer is returned decoded (``None`` with ``background``)."""
        if background:
            self._async(method, url, json_data)
            return None
        return self._call(what, lambda: self.transport.request(method, url, json=json_data).json())

    def _response(self, method: str, url: str, what: str, json_data: Any = None, background: bool = False,
                  default: Callable[[], Any] = lambda: None) -> Any:
        """A request whose ``requests.Response`` is returned (``None`` with ``background``)."""
        if background:
            self._async(method, url, json_data)
            return None
        return self._call(what, lambda: self.transport.request(method, url, json=json_data), default)

    def _list(self, url: str, what: str, page: int = 1, params: Mapping[str, Any] | None = None,
              default: Callable[[], Any] = list) -> Any:
        """``GET url?offset=...&<params>`` -> :meth:`prepare_list_results` (``default()`` on failure)."""
        query = self.get_page(page)
        query.update({k: v for k, v in (params or {}).items() if v})
        return self._call(what, lambda: self.prepare_list_results(
            self.transport.get(url, params=query).json(), page), default)

    def _async(self, method: str, url: str, json_data: Any = None) -> None:
        send = {"POST": self.transport.async_post, "PATCH": self.transport.async_patch,
                "PUT": self.transport.async_put, "DELETE": self.transport.async_delete}[method]
        send(url, json_data=json_data)

    def _logs(self, url: str, what: str, log_lines: Any, background: bool, periodic: bool) -> Any:
        if isinstance(log_lines, list):
            log_lines = "\n".join(log_lines)
        if periodic and not background:
            self.transport.periodic_post(url, json_data=log_lines)
            return None
        return self._response("POST", url, what, log_lines, background)


class AuthApi(BaseApi):
    """``client.auth`` (polyaxon-client 0.6.1 ``AuthApi``)."""

    ENDPOINT = "/users"

    def get_user(self, token: str | None = None) -> Any:
        """``GET /users/`` with ``Authorization: <type> <token>`` -> ``{"username": ...}``. Raises the error of
        the answer's status (as the original: ``AuthenticationError`` for 401, ``AuthorizationError`` for 403,
        ...) and :class:`AuthenticationError` for an answer that is not JSON."""
        token = token or self.config.token
        url = self._get_http_url()
        response = self.transport.get(url, headers={"Authorization": "{} {}".format(
            self.config.authentication_type, token)})
        try:
            return response.json()
        except ValueError:
            raise AuthenticationError(url, response.status_code, "Login failed.\nSee "
                                      "http://docs.polyaxon.com/faqs/authentication/ for help", response) from None

    def login(self, credentials: Mapping[str, Any], set_token: bool = False) -> Any:
        """``POST /users/token/`` with the form fields ``username`` and ``password``; returns the token and,
        with ``set_token``, uses it from now on. Raises :class:`AuthenticationError` ("Invalid credentials." for
        401/403, else "Login failed.") and :class:`PolyaxonHTTPError` ("Connection error.")."""
        import requests

        url = self.build_url(self._get_http_url(), "token")
        data = {key: credentials[key] for key in ("username", "password") if key in credentials}
        try:
            response = self.transport.session.post(url, data=data, timeout=self.config.timeout,
                                                   verify=self.config.verify_ssl)
        except requests.ConnectionError as exc:
            raise PolyaxonHTTPError(url, None, "Connection error.") from exc
        try:
            token = response.json().get("token")
            response.raise_for_status()
        except Exception:
            reason = "Invalid credentials." if response.status_code in (401, 403) else (
                "Login failed.\nSee http://docs.polyaxon.com/faqs/authentication/ for help")
            raise AuthenticationError(url, response.status_code, reason, response) from None
        if set_token:
            self.config.token = token
        return token

    def login_experiment_ephemeral_token(self, *args: Any, **kwargs: Any) -> Any:
        """Not provided (an in-cluster token exchange of polyaxon's own entrypoints): raises NotImplementedError."""
        raise _not_provided("auth.login_experiment_ephemeral_token", "the cluster's internal token is used")

    def login_experiment_impersonate_token(self, *args: Any, **kwargs: Any) -> Any:
        """Not provided: raises NotImplementedError (see :meth:`login_experiment_ephemeral_token`)."""
        raise _not_provided("auth.login_experiment_impersonate_token", "the cluster's internal token is used")

    def login_job_impersonate_token(self, *args: Any, **kwargs: Any) -> Any:
        """Not provided: raises NotImplementedError (see :meth:`login_experiment_ephemeral_token`)."""
        raise _not_provided("auth.login_job_impersonate_token", "the cluster's internal token is used")

    def login_build_impersonate_token(self, *args: Any, **kwargs: Any) -> Any:
        """Not provided: raises NotImplementedError (see :meth:`login_experiment_ephemeral_token`)."""
        raise _not_provided("auth.login_build_impersonate_token", "the cluster's internal token is used")

    def login_notebook_impersonate_token(self, *args: Any, **kwargs: Any) -> Any:
        """Not provided: raises NotImplementedError (see :meth:`login_experiment_ephemeral_token`)."""
        raise _not_provided("auth.login_notebook_impersonate_token", "the cluster's internal token is used")


class ClusterApi(BaseApi):
    """``client.cluster`` (polyaxon-client 0.6.1 ``ClusterApi``)."""

    ENDPOINT = "/cluster"
    ENDPOINT_NODES = "/nodes"

    def get_cluster(self) -> Any:
        """``GET /cluster/`` -> the cluster document; ``None`` on failure."""
        return self._json("GET", self._get_http_url(), "retrieving cluster")

    def get_node(self, node_sequence: Any) -> Any:
        """``GET /nodes/{node_sequence}/`` -> the node; ``None`` on failure."""
        return self._json("GET", self.build_url(self._get_http_url(self.ENDPOINT_NODES), node_sequence),
                          "retrieving node")


class VersionApi(BaseApi):
    """``client.version`` (polyaxon-client 0.6.1 ``VersionApi``): every failure raises, as the original."""

    ENDPOINT = "/versions/"

    def _version(self, *parts: str) -> Any:
        return self.transport.get(self.build_url(*parts)).json()

    def get_cli_version(self) -> Any:
        """``GET /versions/cli/`` -> ``{"latest_version", "min_version", ...}``."""
        return self._version(self._get_http_url(), "cli")

    def get_platform_version(self) -> Any:
        """``GET /versions/platform/``."""
        return self._version(self._get_http_url(), "platform")

    def get_lib_version(self) -> Any:
        """``GET /versions/lib/``."""
        return self._version(self._get_http_url(), "lib")

    def get_chart_version(self) -> Any:
        """``GET /versions/chart/``."""
        return self._version(self._get_http_url(), "chart")

    def get_log_handler(self) -> Any:
        """``GET /log_handler/``."""
        return self._version(self._get_http_url("/log_handler"))


class UserApi(BaseApi):
    """``client.user`` (polyaxon-client 0.6.1 ``UserApi``): each method returns the ``requests.Response``."""

    ENDPOINT = "/users"
    ENDPOINT_SUPERUSERS = "/superusers"

    def activate_user(self, username: str) -> Any:
        """``POST /users/activate/{username}/``."""
        return self._response("POST", self.build_url(self._get_http_url(), "activate", username),
                              "activating user.")

    def delete_user(self, username: str) -> Any:
        """``DELETE /users/delete/{username}/``."""
        return self._response("DELETE", self.build_url(self._get_http_url(), "delete", username),
                              "deleting user.")

    def grant_superuser(self, username: str) -> Any:
        """``POST /superusers/grant/{username}/``."""
        return self._response("POST", self.build_url(self._get_http_url(self.ENDPOINT_SUPERUSERS), "grant",
                                                     username), "grating superuser to user.")

    def revoke_superuser(self, username: str) -> Any:
        """``POST /superusers/revoke/{username}/``."""
        return self._response("POST", self.build_url(self._get_http_url(self.ENDPOINT_SUPERUSERS), "revoke",
                                                     username), "revoking superuser to user.")


class BookmarkApi(BaseApi):
    """``client.bookmark`` (polyaxon-client 0.6.1 ``BookmarkApi``): the user's bookmarks, as pages of the
    bookmarked objects (each result's ``content_object``); ``[]`` on failure."""

    ENDPOINT = "/bookmarks"

    def prepare_list_results(self, response_json: Mapping[str, Any], current_page: int,
                             config: Any = None) -> dict[str, Any]:
        """The page of :meth:`BaseApi.prepare_list_results` with each result's ``content_object``."""
        page = super().prepare_list_results(response_json, current_page)
        page["results"] = [obj.get("content_object") for obj in response_json.get("results", [])]
        return page

    def _bookmarks(self, username: str, kind: str, page: int) -> Any:
        return self._list(self.build_url(self._get_http_url(), username, kind),
                          "retrieving bookmarked %s." % kind, page)

    def builds(self, username: str, page: int = 1) -> Any:
        """``GET /bookmarks/{username}/builds/``."""
        return self._bookmarks(username, "builds", page)

    def jobs(self, username: str, page: int = 1) -> Any:
        """``GET /bookmarks/{username}/jobs/``."""
        return self._bookmarks(username, "jobs", page)

    def experiments(self, username: str, page: int = 1) -> Any:
        """``GET /bookmarks/{username}/experiments/``."""
        return self._bookmarks(username, "experiments", page)

    def groups(self, username: str, page: int = 1) -> Any:
        """``GET /bookmarks/{username}/groups/``."""
        return self._bookmarks(username, "groups", page)

    def projects(self, username: str, page: int = 1) -> Any:
        """``GET /bookmarks/{username}/projects/``."""
        return self._bookmarks(username, "projects", page)


class ProjectApi(BaseApi):
    """``client.project`` (polyaxon-client 0.6.1 ``ProjectApi``): ``/{username}/{project_name}/...``."""

    def _project(self, username: str, project_name: str, *rest: Any) -> str:
        return self.build_url(self._get_http_url(), username, project_name, *rest)

    def list_projects(self, username: str, page: int = 1) -> Any:
        """``GET /{username}/`` -> a page of projects."""
        return self._list(self.build_url(self._get_http_url(), username), "retrieving projects.", page)

    def get_project(self, username: str, project_name: str) -> Any:
        """``GET /{username}/{project_name}/``."""
        return self._json("GET", self._project(username, project_name), "retrieving project.")

    def create_project(self, project_config: Mapping[str, Any]) -> Any:
        """``POST /projects/`` with ``project_config`` (``{"name", "description"?, "is_public"?, ...}``)."""
        return self._json("POST", self._get_http_url("/projects"), "creating project.", dict(project_config))

    def update_project(self, username: str, project_name: str, patch_dict: Mapping[str, Any],
                       background: bool = False) -> Any:
        """``PATCH /{username}/{project_name}/`` with ``patch_dict``."""
        return self._json("PATCH", self._project(username, project_name), "updating project.", dict(patch_dict),
                          background)

    def delete_project(self, username: str, project_name: str, background: bool = False) -> Any:
        """``DELETE /{username}/{project_name}/`` -> the response."""
        return self._response("DELETE", self._project(username, project_name), "deleting project.",
                              background=background)

    def enable_ci(self, username: str, project_name: str, config: Any = None, background: bool = False) -> Any:
        """``POST .../ci/`` with ``{"config": config}`` (``{}`` without) -> the response."""
        return self._response("POST", self._project(username, project_name, "ci"), "enabling ci on project.",
                              {"config": config} if config else {}, background)

    def disable_ci(self, username: str, project_name: str, background: bool = False) -> Any:
        """``DELETE .../ci/`` -> the response."""
        return self._response("DELETE", self._project(username, project_name, "ci"), "disabling ci on project.",
                              background=background)

    def set_repo(self, username: str, project_name: str, git_url: str, is_public: bool = True,
                 background: bool = False) -> Any:
        """``POST .../repo/external/`` with ``{"git_url", "is_public"}`` -> the response."""
        return self._response("POST", self._project(username, project_name, "repo", "external"),
                              "setting external repo on project.", {"git_url": git_url, "is_public": is_public},
                              background)

    def sync_repo(self, username: str, project_name: str, background: bool = False) -> Any:
        """``POST .../repo/sync/`` -> the response."""
        return self._response("POST", self._project(username, project_name, "repo", "sync"),
                              "syncing external repo on project.", background=background)

    def upload_repo(self, *args: Any, **kwargs: Any) -> Any:
        """Not provided (a multipart upload of the code): raises NotImplementedError."""
        raise _not_provided("project.upload_repo", "upload with the polyaxon CLI")

    def download_repo(self, *args: Any, **kwargs: Any) -> Any:
        """Not provided (a file download): raises NotImplementedError."""
        raise _not_provided("project.download_repo", "download with the polyaxon CLI")

    def list_experiment_groups(self, username: str, project_name: str, query: str | None = None,
                               sort: str | None = None, page: int = 1) -> Any:
        """``GET .../groups/?query=&sort=`` -> a page of groups."""
        return self._list(self._project(username, project_name, "groups"), "retrieving experiment groups.", page,
                          {"query": query, "sort": sort})

    def create_experiment_group(self, username: str, project_name: str,
                                experiment_group_config: Mapping[str, Any], background: bool = False) -> Any:
        """``POST .../groups/`` with every field of the original's schema (unset ones ``null``)."""
        return self._json("POST", self._project(username, project_name, "groups"), "creating experiment group.",
                          entity_body("groups", experiment_group_config), background)

    def list_experiments(self, username: str, project_name: str, independent: Any = None, group: Any = None,
                         metrics: Any = None, params: Any = None, query: str | None = None, sort: str | None = None,
                         page: int = 1) -> Any:
        """``GET .../experiments/?independent=&group=&metrics=&params=&query=&sort=`` -> a page."""
        return self._list(self._project(username, project_name, "experiments"), "retrieving experiments.", page,
                          {"independent": independent, "group": group, "metrics": metrics, "params": params,
                           "query": query, "sort": sort})

    def create_experiment(self, username: str, project_name: str, experiment_config: Mapping[str, Any],
                          group: int | str | None = None, background: bool = False) -> Any:
        """``POST .../experiments/`` (``experiment_group`` = ``group`` when given), every schema field."""
        body = entity_body("experiments", experiment_config)
        if group:
            body["experiment_group"] = group
        return self._json("POST", self._project(username, project_name, "experiments"), "creating experiment.",
                          body, background)

    def list_jobs(self, username: str, project_name: str, query: str | None = None, sort: str | None = None,
                  page: int = 1) -> Any:
        """``GET .../jobs/`` -> a page."""
        return self._list(self._project(username, project_name, "jobs"), "retrieving jobs.", page,
                          {"query": query, "sort": sort})

    def create_job(self, username: str, project_name: str, job_config: Mapping[str, Any],
                   background: bool = False) -> Any:
        """``POST .../jobs/`` with every field of the original's job schema."""
        return self._json("POST", self._project(username, project_name, "jobs"), "creating job.",
                          entity_body("jobs", job_config), background)

    def list_builds(self, username: str, project_name: str, query: str | None = None, sort: str | None = None,
                    page: int = 1) -> Any:
        """``GET .../builds/`` -> a page."""
        return self._list(self._project(username, project_name, "builds"), "retrieving build jobs.", page,
                          {"query": query, "sort": sort})

    def invalidate_builds(self, username: str, project_name: str, background: bool = False) -> Any:
        """``POST .../builds/invalidate/`` -> the response."""
        return self._response("POST", self._project(username, project_name, "builds", "invalidate"),
                              "invalidating builds.", background=background)

    def create_build(self, username: str, project_name: str, build_config: Mapping[str, Any],
                     background: bool = False) -> Any:
        """``POST .../builds/`` with every field of the original's build schema."""
        return self._json("POST", self._project(username, project_name, "builds"), "creating build job.",
                          entity_body("builds", build_config), background)

    def list_tensorboards(self, username: str, project_name: str, query: str | None = None,
                          sort: str | None = None, page: int = 1) -> Any:
        """``GET .../tensorboards/`` -> a page."""
        return self._list(self._project(username, project_name, "tensorboards"), "retrieving tensorboard jobs.",
                          page, {"query": query, "sort": sort})

    def start_tensorboard(self, username: str, project_name: str, content: Any = None, is_managed: bool = True,
                          background: bool = False) -> Any:
        """``POST .../tensorboard/start/`` with ``{"content", "is_managed"}`` (``{}`` without content)."""
        body = {"content": self.validate_content(content), "is_managed": is_managed} if content else {}
        return self._response("POST", self._project(username, project_name, "tensorboard", "start"),
                              "starting tensorboard.", body, background)

    def stop_tensorboard(self, username: str, project_name: str, background: bool = False) -> Any:
        """``POST .../tensorboard/stop/`` -> the response."""
        return self._response("POST", self._project(username, project_name, "tensorboard", "stop"),
                              "stopping tensorboard.", background=background)

    def start_notebook(self, username: str, project_name: str, content: Any = None, is_managed: bool = True,
                       background: bool = False) -> Any:
        """``POST .../notebook/start/`` with ``{"content", "is_managed"}`` (``{}`` without content)."""
        content = self.validate_content(content)
        body = {"content": self.validate_content(content), "is_managed": is_managed} if content else {}
        return self._response("POST", self._project(username, project_name, "notebook", "start"),
                              "starting notebook.", body, background)

    def stop_notebook(self, username: str, project_name: str, commit: bool = True,
                      background: bool = False) -> Any:
        """``POST .../notebook/stop/`` (with ``{"commit": false}`` when ``commit is False``)."""
        return self._response("POST", self._project(username, project_name, "notebook", "stop"),
                              "stopping notebook.", {"commit": commit} if commit is False else None, background)

    def bookmark(self, username: str, project_name: str, background: bool = False) -> Any:
        """``POST .../bookmark/`` -> the response."""
        return self._response("POST", self._project(username, project_name, "bookmark"), "bookmarking project.",
                              background=background)

    def unbookmark(self, username: str, project_name: str, background: bool = False) -> Any:
        """``DELETE .../unbookmark/`` -> the response."""
        return self._response("DELETE", self._project(username, project_name, "unbookmark"),
                              "unbookmarking project.", background=background)


class _RunApi(BaseApi):
    """What ``client.experiment``, ``client.job``, ``client.build_job`` and ``client.experiment_group`` share:
    ``/{username}/{project_name}/{ENTITY}/{id}/...``."""

    ENTITY = "experiments"
    NAME = "experiment"

    def _url(self, username: str, project_name: str, run_id: Any, *rest: Any) -> str:
        return self.build_url(self._get_http_url(), username, project_name, self.ENTITY, run_id, *rest)

    def _get(self, username: str, project_name: str, run_id: Any) -> Any:
        return self._json("GET", self._url(username, project_name, run_id), "retrieving %s." % self.NAME)

    def _update(self, username: str, project_name: str, run_id: Any, patch_dict: Mapping[str, Any],
                background: bool) -> Any:
        return self._json("PATCH", self._url(username, project_name, run_id), "updating %s." % self.NAME,
                          dict(patch_dict), background)

    def _delete(self, username: str, project_name: str, run_id: Any, background: bool) -> Any:
        return self._response("DELETE", self._url(username, project_name, run_id), "deleting %s." % self.NAME,
                              background=background)

    def _statuses(self, username: str, project_name: str, run_id: Any, page: int) -> Any:
        return self._list(self._url(username, project_name, run_id, "statuses"),
                          "retrieving %s statuses." % self.NAME, page, default=lambda: None)

    def _create_status(self, username: str, project_name: str, run_id: Any, body: dict[str, Any],
                       background: bool) -> Any:
        return self._json("POST", self._url(username, project_name, run_id, "statuses"),
                          "creating %s status." % self.NAME, body, background)

    def _coderef(self, username: str, project_name: str, run_id: Any, coderef: Any, background: bool) -> Any:
        return self._json("POST", self._url(username, project_name, run_id, "coderef"),
                          "creating %s coderef." % self.NAME, coderef, background)

    def _action(self, username: str, project_name: str, run_id: Any, action: str, background: bool,
                body: Any = None, method: str = "POST") -> Any:
        return self._response(method, self._url(username, project_name, run_id, *action.split("/")),
                              "%s %s." % (action, self.NAME), body, background)

    def _restart(self, username: str, project_name: str, run_id: Any, action: str, content: Any,
                 update_code: Any, background: bool) -> Any:
        body: dict[str, Any] = {}
        if content:
            body["content"] = self.validate_content(content)
        if update_code:
            body["update_code"] = update_code
        return self._json("POST", self._url(username, project_name, run_id, action),
                          "%s the %s." % (action, self.NAME), body, background)

    def _read_logs(self, url: str, stream: bool) -> Any:
        if stream:
            raise _not_provided("streaming logs over a websocket", "call logs(..., stream=False)")
        return self._response("GET", url, "retrieving %s logs." % self.NAME, default=list)


class ExperimentApi(_RunApi):
    """``client.experiment`` (polyaxon-client 0.6.1 ``ExperimentApi``): ``/{username}/{project_name}/
    experiments/{experiment_id}/...``."""

    def list_experiments(self, page: int = 1) -> Any:
        """``GET /experiments/`` -> a page of every experiment the user can see."""
        return self._list(self._get_http_url("/experiments"), "retrieving experiments.", page)

    def get_experiment(self, username: str, project_name: str, experiment_id: Any) -> Any:
        """``GET .../experiments/{experiment_id}/``."""
        return self._get(username, project_name, experiment_id)

    def update_experiment(self, username: str, project_name: str, experiment_id: Any,
                          patch_dict: Mapping[str, Any], background: bool = False) -> Any:
        """``PATCH .../experiments/{experiment_id}/`` with ``patch_dict``."""
        return self._update(username, project_name, experiment_id, patch_dict, background)

    def delete_experiment(self, username: str, project_name: str, experiment_id: Any,
                          background: bool = False) -> Any:
        """``DELETE .../experiments/{experiment_id}/`` -> the response."""
        return self._delete(username, project_name, experiment_id, background)

    def get_statuses(self, username: str, project_name: str, experiment_id: Any, page: int = 1) -> Any:
        """``GET .../statuses/`` -> a page (``None`` on failure)."""
        return self._statuses(username, project_name, experiment_id, page)

    def create_status(self, username: str, project_name: str, experiment_id: Any, status: str,
                      message: str | None = None, traceback: str | None = None, background: bool = False) -> Any:
        """``POST .../statuses/`` with ``{"status", "message"?, "traceback"?}``."""
        return self._create_status(username, project_name, experiment_id, _status_body(status, message, traceback),
                                   background)

    def get_code_reference(self, username: str, project_name: str, experiment_id: Any) -> Any:
        """``GET .../coderef/``."""
        return self._json("GET", self._url(username, project_name, experiment_id, "coderef"),
                          "retrieving experiment code reference.")

    def create_code_reference(self, username: str, project_name: str, experiment_id: Any, coderef: Any,
                              background: bool = False) -> Any:
        """``POST .../coderef/`` with ``coderef`` (``{"commit", "head", "branch", "git_url", "is_dirty"}``)."""
        return self._coderef(username, project_name, experiment_id, coderef, background)

    def get_metrics(self, username: str, project_name: str, experiment_id: Any, page: int = 1) -> Any:
        """``GET .../metrics/`` -> a page (``None`` on failure)."""
        return self._list(self._url(username, project_name, experiment_id, "metrics"),
                          "retrieving experiment metric.", page, default=lambda: None)

    def create_metric(self, username: str, project_name: str, experiment_id: Any, values: Mapping[str, Any],
                      created_at: datetime.datetime | None = None, background: bool = False,
                      periodic: bool = False) -> Any:
        """``POST .../metrics/`` with ``{"values": {...}, "created_at"?: "... +00:00"}`` (a naive
        ``created_at`` is taken as UTC, as the original); ``periodic``: batched with the others of this
        experiment in one POST of a JSON list. Raises ``TypeError`` for a value that is not a number (numpy
        scalars and 0-d tensors are converted; the original raised ``PolyaxonClientException``)."""
        body: dict[str, Any] = {"values": validate_metrics(dict(values))}
        if created_at:
            if created_at.tzinfo is None:
                created_at = created_at.replace(tzinfo=datetime.timezone.utc)
            body["created_at"] = str(created_at)
        url = self._url(username, project_name, experiment_id, "metrics")
        if periodic and not background:
            self.transport.periodic_post(url, json_data=body)
            return None
        return self._json("POST", url, "creating experiment metric.", body, background)

    def send_logs(self, username: str, project_name: str, experiment_id: Any, log_lines: Any,
                  background: bool = False, periodic: bool = False) -> Any:
        """``POST .../logs/`` with the lines joined by newlines, as a JSON string -> the response."""
        return self._logs(self._url(username, project_name, experiment_id, "logs"), "sending experiment logs.",
                          log_lines, background, periodic)

    def list_jobs(self, username: str, project_name: str, experiment_id: Any, page: int = 1) -> Any:
        """``GET .../jobs/`` -> a page of the experiment's jobs."""
        return self._list(self._url(username, project_name, experiment_id, "jobs"), "retrieving jobs.", page)

    def restart(self, username: str, project_name: str, experiment_id: Any, content: Any = None,
                update_code: Any = None, background: bool = False) -> Any:
        """``POST .../restart/`` with ``{"content"?, "update_code"?}`` -> the new experiment."""
        return self._restart(username, project_name, experiment_id, "restart", content, update_code, background)

    def resume(self, username: str, project_name: str, experiment_id: Any, content: Any = None,
               update_code: Any = None, background: bool = False) -> Any:
        """``POST .../resume/`` with ``{"content"?, "update_code"?}``."""
        return self._restart(username, project_name, experiment_id, "resume", content, update_code, background)

    def copy(self, username: str, project_name: str, experiment_id: Any, content: Any = None,
             update_code: Any = None, background: bool = False) -> Any:
        """``POST .../copy/`` with ``{"content"?, "update_code"?}``."""
        return self._restart(username, project_name, experiment_id, "copy", content, update_code, background)

    def stop(self, username: str, project_name: str, experiment_id: Any, background: bool = False) -> Any:
        """``POST .../stop/`` -> the response."""
        return self._action(username, project_name, experiment_id, "stop", background)

    def resources(self, username: str, project_name: str, experiment_id: Any, message_handler: Any = None) -> Any:
        """Not provided (a websocket stream): raises NotImplementedError."""
        raise _not_provided("experiment.resources (a websocket stream)", "read the metrics instead")

    def logs(self, username: str, project_name: str, experiment_id: Any, stream: bool = True,
             message_handler: Any = None) -> Any:
        """``GET .../logs/`` -> the response (``[]`` on failure) with ``stream=False``; the websocket stream
        (``stream=True``, the original's default) is not provided: NotImplementedError."""
        return self._read_logs(self._url(username, project_name, experiment_id, "logs"), stream)

    def start_tensorboard(self, username: str, project_name: str, experiment_id: Any, content: Any = None,
                          is_managed: bool = True, background: bool = False) -> Any:
        """``POST .../tensorboard/start/`` with ``{"content", "is_managed"}`` (``{}`` without content)."""
        body = {"content": self.validate_content(content), "is_managed": is_managed} if content else {}
        return self._action(username, project_name, experiment_id, "tensorboard/start", background, body)

    def stop_tensorboard(self, username: str, project_name: str, experiment_id: Any,
                         background: bool = False) -> Any:
        """``POST .../tensorboard/stop/`` -> the response."""
        return self._action(username, project_name, experiment_id, "tensorboard/stop", background)

    def bookmark(self, username: str, project_name: str, experiment_id: Any, background: bool = False) -> Any:
        """``POST .../bookmark/`` -> the response."""
        return self._action(username, project_name, experiment_id, "bookmark", background)

    def unbookmark(self, username: str, project_name: str, experiment_id: Any, background: bool = False) -> Any:
        """``DELETE .../unbookmark/`` -> the response."""
        return self._action(username, project_name, experiment_id, "unbookmark", background, method="DELETE")

    def download_outputs(self, username: str, project_name: str, experiment_id: Any) -> Any:
        """Not provided (a file download): raises NotImplementedError."""
        raise _not_provided("experiment.download_outputs", "download with the polyaxon CLI")

    def get_heartbeat_url(self, username: str, project_name: str, experiment_id: Any) -> str:
        """Return ``.../_heartbeat/`` (POSTed periodically while the experiment runs)."""
        return self._url(username, project_name, experiment_id, self.HEARTBEAT)


class ExperimentJobApi(BaseApi):
    """``client.experiment_job`` (polyaxon-client 0.6.1 ``ExperimentJobApi``): the jobs of an experiment,
    ``/{username}/{project_name}/experiments/{experiment_id}/jobs/{job_id}/...``."""

    def _url(self, username: str, project_name: str, experiment_id: Any, job_id: Any, *rest: Any) -> str:
        return self.build_url(self._get_http_url(), username, project_name, "experiments", experiment_id, "jobs",
                              job_id, *rest)

    def get_job(self, username: str, project_name: str, experiment_id: Any, job_id: Any) -> Any:
        """``GET .../experiments/{experiment_id}/jobs/{job_id}/``."""
        return self._json("GET", self._url(username, project_name, experiment_id, job_id), "retrieving job")

    def get_statuses(self, username: str, project_name: str, experiment_id: Any, job_id: Any,
                     page: int = 1) -> Any:
        """``GET .../jobs/{job_id}/statuses/`` -> a page (``[]`` on failure)."""
        return self._list(self._url(username, project_name, experiment_id, job_id, "statuses"),
                          "retrieving job statuses", page)

    def resources(self, username: str, project_name: str, experiment_id: Any, job_id: Any,
                  message_handler: Any = None) -> Any:
        """Not provided (a websocket stream): raises NotImplementedError."""
        raise _not_provided("experiment_job.resources (a websocket stream)", "read the metrics instead")

    def logs(self, username: str, project_name: str, experiment_id: Any, job_id: Any, stream: bool = True,
             message_handler: Any = None) -> Any:
        """``GET .../jobs/{job_id}/logs/`` -> the response (``[]`` on failure) with ``stream=False``; the
        websocket stream is not provided: NotImplementedError."""
        if stream:
            raise _not_provided("streaming logs over a websocket", "call logs(..., stream=False)")
        return self._response("GET", self._url(username, project_name, experiment_id, job_id, "logs"),
                              "retrieving experiment job logs.", default=list)


class JobApi(_RunApi):
    """``client.job`` (polyaxon-client 0.6.1 ``JobApi``): ``/{username}/{project_name}/jobs/{job_id}/...``."""

    ENTITY = "jobs"
    NAME = "job"

    def get_job(self, username: str, project_name: str, job_id: Any) -> Any:
        """``GET .../jobs/{job_id}/``."""
        return self._get(username, project_name, job_id)

    def update_job(self, username: str, project_name: str, job_id: Any, patch_dict: Mapping[str, Any],
                   background: bool = False) -> Any:
        """``PATCH .../jobs/{job_id}/`` with ``patch_dict``."""
        return self._update(username, project_name, job_id, patch_dict, background)

    def delete_job(self, username: str, project_name: str, job_id: Any, background: bool = False) -> Any:
        """``DELETE .../jobs/{job_id}/`` -> the response."""
        return self._delete(username, project_name, job_id, background)

    def get_statuses(self, username: str, project_name: str, job_id: Any, page: int = 1) -> Any:
        """``GET .../statuses/`` -> a page (``None`` on failure)."""
        return self._statuses(username, project_name, job_id, page)

    def create_status(self, username: str, project_name: str, job_id: Any, status: str,
                      message: str | None = None, traceback: str | None = None, background: bool = False) -> Any:
        """``POST .../statuses/`` with ``{"status", "message"?, "traceback"?}``."""
        return self._create_status(username, project_name, job_id, _status_body(status, message, traceback),
                                   background)

    def get_code_reference(self, username: str, project_name: str, job_id: Any) -> Any:
        """``GET .../coderef/``."""
        return self._json("GET", self._url(username, project_name, job_id, "coderef"),
                          "retrieving job code reference.")

    def create_code_reference(self, username: str, project_name: str, job_id: Any, coderef: Any,
                              background: bool = False) -> Any:
        """``POST .../coderef/`` with ``coderef``."""
        return self._coderef(username, project_name, job_id, coderef, background)

    def send_logs(self, username: str, project_name: str, job_id: Any, log_lines: Any, background: bool = False,
                  periodic: bool = False) -> Any:
        """``POST .../logs/`` with the lines joined by newlines, as a JSON string -> the response."""
        return self._logs(self._url(username, project_name, job_id, "logs"), "sending job logs.", log_lines,
                          background, periodic)

    def restart(self, username: str, project_name: str, job_id: Any, content: Any = None, update_code: Any = None,
                background: bool = False) -> Any:
        """``POST .../restart/`` with ``{"content"?, "update_code"?}``."""
        return self._restart(username, project_name, job_id, "restart", content, update_code, background)

    def resume(self, username: str, project_name: str, job_id: Any, content: Any = None, update_code: Any = None,
               background: bool = False) -> Any:
        """``POST .../resume/`` with ``{"content"?, "update_code"?}``."""
        return self._restart(username, project_name, job_id, "resume", content, update_code, background)

    def copy(self, username: str, project_name: str, job_id: Any, content: Any = None, update_code: Any = None,
             background: bool = False) -> Any:
        """``POST .../copy/`` with ``{"content"?, "update_code"?}``."""
        return self._restart(username, project_name, job_id, "copy", content, update_code, background)

    def stop(self, username: str, project_name: str, job_id: Any, background: bool = False) -> Any:
        """``POST .../stop/`` -> the response."""
        return self._action(username, project_name, job_id, "stop", background)

    def bookmark(self, username: str, project_name: str, job_id: Any, background: bool = False) -> Any:
        """``POST .../bookmark/`` -> the response."""
        return self._action(username, project_name, job_id, "bookmark", background)

    def unbookmark(self, username: str, project_name: str, job_id: Any, background: bool = False) -> Any:
        """``DELETE .../unbookmark/`` -> the response."""
        return self._action(username, project_name, job_id, "unbookmark", background, method="DELETE")

    def resources(self, username: str, project_name: str, job_id: Any, message_handler: Any = None) -> Any:
        """Not provided (a websocket stream): raises NotImplementedError."""
        raise _not_provided("job.resources (a websocket stream)", "read the metrics instead")

    def logs(self, username: str, project_name: str, job_id: Any, stream: bool = True,
             message_handler: Any = None) -> Any:
        """``GET .../logs/`` -> the response with ``stream=False`` (see :meth:`ExperimentApi.logs`)."""
        return self._read_logs(self._url(username, project_name, job_id, "logs"), stream)

    def download_outputs(self, username: str, project_name: str, job_id: Any) -> Any:
        """Not provided (a file download): raises NotImplementedError."""
        raise _not_provided("job.download_outputs", "download with the polyaxon CLI")

    def get_heartbeat_url(self, username: str, project_name: str, job_id: Any) -> str:
        """Return ``.../_heartbeat/``."""
        return self._url(username, project_name, job_id, self.HEARTBEAT)


class BuildJobApi(_RunApi):
    """``client.build_job`` (polyaxon-client 0.6.1 ``BuildJobApi``): ``/{username}/{project_name}/builds/
    {job_id}/...``."""

    ENTITY = "builds"
    NAME = "build"

    def get_build(self, username: str, project_name: str, job_id: Any) -> Any:
        """``GET .../builds/{job_id}/``."""
        return self._get(username, project_name, job_id)

    def update_build(self, username: str, project_name: str, job_id: Any, patch_dict: Mapping[str, Any],
                     background: bool = False) -> Any:
        """``PATCH .../builds/{job_id}/`` with ``patch_dict``."""
        return self._update(username, project_name, job_id, patch_dict, background)

    def delete_build(self, username: str, project_name: str, job_id: Any, background: bool = False) -> Any:
        """``DELETE .../builds/{job_id}/`` -> the response."""
        return self._delete(username, project_name, job_id, background)

    def get_statuses(self, username: str, project_name: str, job_id: Any, page: int = 1) -> Any:
        """``GET .../statuses/`` -> a page (``None`` on failure)."""
        return self._statuses(username, project_name, job_id, page)

    def create_status(self, username: str, project_name: str, job_id: Any, status: str,
                      message: str | None = None, traceback: str | None = None, background: bool = False) -> Any:
        """``POST .../statuses/`` with ``{"status", "message"?, "traceback"?}``."""
        return self._create_status(username, project_name, job_id, _status_body(status, message, traceback),
                                   background)

    def get_code_reference(self, username: str, project_name: str, job_id: Any) -> Any:
        """``GET .../coderef/``."""
        return self._json("GET", self._url(username, project_name, job_id, "coderef"),
                          "retrieving build code reference.")

    def create_code_reference(self, username: str, project_name: str, job_id: Any, coderef: Any,
                              background: bool = False) -> Any:
        """``POST .../coderef/`` with ``coderef``."""
        return self._coderef(username, project_name, job_id, coderef, background)

    def invalidate(self, username: str, project_name: str, job_id: Any, background: bool = False) -> Any:
        """``POST .../invalidate/`` -> the response."""
        return self._action(username, project_name, job_id, "invalidate", background)

    def send_logs(self, username: str, project_name: str, job_id: Any, log_lines: Any, background: bool = False,
                  periodic: bool = False) -> Any:
        """``POST .../logs/`` with the lines joined by newlines, as a JSON string -> the response."""
        return self._logs(self._url(username, project_name, job_id, "logs"), "sending build logs.", log_lines,
                          background, periodic)

    def stop(self, username: str, project_name: str, job_id: Any, background: bool = False) -> Any:
        """``POST .../stop/`` -> the response."""
        return self._action(username, project_name, job_id, "stop", background)

    def bookmark(self, username: str, project_name: str, job_id: Any, background: bool = False) -> Any:
        """``POST .../bookmark/`` -> the response."""
        return self._action(username, project_name, job_id, "bookmark", background)

    def unbookmark(self, username: str, project_name: str, job_id: Any, background: bool = False) -> Any:
        """``DELETE .../unbookmark/`` -> the response."""
        return self._action(username, project_name, job_id, "unbookmark", background, method="DELETE")

    def resources(self, username: str, project_name: str, job_id: Any, message_handler: Any = None) -> Any:
        """Not provided (a websocket stream): raises NotImplementedError."""
        raise _not_provided("build_job.resources (a websocket stream)", "read the build's statuses instead")

    def logs(self, username: str, project_name: str, job_id: Any, stream: bool = True,
             message_handler: Any = None) -> Any:
        """``GET .../logs/`` -> the response with ``stream=False`` (see :meth:`ExperimentApi.logs`)."""
        return self._read_logs(self._url(username, project_name, job_id, "logs"), stream)

    def get_heartbeat_url(self, username: str, project_name: str, job_id: Any) -> str:
        """Return ``.../_heartbeat/``."""
        return self._url(username, project_name, job_id, self.HEARTBEAT)


class ExperimentGroupApi(_RunApi):
    """``client.experiment_group`` (polyaxon-client 0.6.1 ``ExperimentGroupApi``): ``/{username}/
    {project_name}/groups/{group_id}/...``."""

    ENTITY = "groups"
    NAME = "experiment group"

    def get_experiment_group(self, username: str, project_name: str, group_id: Any) -> Any:
        """``GET .../groups/{group_id}/``."""
        return self._get(username, project_name, group_id)

    def list_experiments(self, username: str, project_name: str, group_id: Any, metrics: Any = None,
                         params: Any = None, query: str | None = None, sort: str | None = None,
                         page: int = 1) -> Any:
        """``GET /{username}/{project_name}/experiments/?group={group_id}&metrics=&params=&query=&sort=``."""
        return self._list(self.build_url(self._get_http_url(), username, project_name, "experiments"),
                          "retrieving experiments", page, {"group": group_id, "metrics": metrics, "params": params,
                                                           "query": query, "sort": sort})

    def update_experiment_group(self, username: str, project_name: str, group_id: Any,
                                patch_dict: Mapping[str, Any], background: bool = False) -> Any:
        """``PATCH .../groups/{group_id}/`` with ``patch_dict``."""
        return self._update(username, project_name, group_id, patch_dict, background)

    def delete_experiment_group(self, username: str, project_name: str, group_id: Any,
                                background: bool = False) -> Any:
        """``DELETE .../groups/{group_id}/`` -> the response."""
        return self._delete(username, project_name, group_id, background)

    def get_statuses(self, username: str, project_name: str, group_id: Any, page: int = 1) -> Any:
        """``GET .../statuses/`` -> a page (``None`` on failure)."""
        return self._statuses(username, project_name, group_id, page)

    def create_status(self, username: str, project_name: str, group_id: Any, status: str,
                      message: str | None = None, background: bool = False) -> Any:
        """``POST .../statuses/`` with ``{"status", "message"?}`` (no traceback for a group, as the original)."""
        return self._create_status(username, project_name, group_id, _status_body(status, message, None),
                                   background)

    def stop(self, username: str, project_name: str, group_id: Any, pending: bool = False,
             background: bool = False) -> Any:
        """``POST .../stop/`` (with ``{"pending": true}`` when ``pending is True``) -> the response."""
        return self._action(username, project_name, group_id, "stop", background,
                            {"pending": pending} if pending is True else None)

    def start_tensorboard(self, username: str, project_name: str, group_id: Any, content: Any = None,
                          is_managed: bool = True, background: bool = False) -> Any:
        """``POST .../tensorboard/start/`` with ``{"content", "is_managed"}`` (``{}`` without content)."""
        body = {"content": self.validate_content(content), "is_managed": is_managed} if content else {}
        return self._action(username, project_name, group_id, "tensorboard/start", background, body)

    def stop_tensorboard(self, username: str, project_name: str, group_id: Any, background: bool = False) -> Any:
        """``POST .../tensorboard/stop/`` -> the response."""
        return self._action(username, project_name, group_id, "tensorboard/stop", background)

    def bookmark(self, username: str, project_name: str, group_id: Any, background: bool = False) -> Any:
        """``POST .../bookmark/`` -> the response."""
        return self._action(username, project_name, group_id, "bookmark", background)

    def unbookmark(self, username: str, project_name: str, group_id: Any, background: bool = False) -> Any:
        """``DELETE .../unbookmark/`` -> the response."""
        return self._action(username, project_name, group_id, "unbookmark", background, method="DELETE")
