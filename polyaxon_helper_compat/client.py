"""An authenticated handle to the Polyaxon v0 REST API: ``PolyaxonClient`` (polyaxon-client 0.6.1).

``PolyaxonClient(host=..., token=...)`` (or ``PolyaxonClient()`` configured from the environment, as the
original) is what old scripts pass as ``Experiment(client=..., project="user/project")``, and what
``experiment.client`` returns. As polyaxon-client 0.6.1's (verified against recordings of the original,
``tests/recordings/client_*__client061.json``):

- properties ``host``, ``http_port``, ``ws_port``, ``use_https``, ``verify_ssl``, ``token``,
  ``authentication_type``, ``is_managed``, ``api_version``, ``reraise``, ``timeout``, ``api_config`` (with
  ``http_host``, ``ws_host``, ``base_url``, ``base_ws_url``, ``internal_header``, ...) and ``transport``;
- setters ``set_host``, ``set_http_port``, ``set_ws_port``, ``set_use_https``, ``set_verify_ssl``,
  ``set_token``, ``set_is_managed``, ``set_authentication_type``, ``set_version_api``, ``set_reraise`` and
  ``reset()``: each changes the ``api_config`` attribute and drops the transport and handlers, as the original
  (whose URLs were computed once: ``set_host``/``set_http_port``/``set_use_https``/``set_version_api`` change
  the property, not where requests go; the token, authentication type, ``verify_ssl`` and ``reraise`` apply to
  the next request);
- ``set_health_check(url)``, ``unset_health_check(url)``, ``set_internal_health_check()``, ``reconcile(status)``;
- handlers, created once per client: ``auth``, ``cluster``, ``version``, ``project``, ``experiment_group``,
  ``experiment``, ``experiment_job``, ``job``, ``build_job``, ``user``, ``bookmark`` (every HTTP method of
  0.6.1's, with its URLs, bodies, return values, list pages and errors: see :mod:`._handlers`; requests and
  background sending: :mod:`._transport`).

Configuration, as polyaxon-client 0.6.1 ``ApiConfig``: arguments first, then ``POLYAXON_API_HOST``,
``POLYAXON_HTTP_PORT``, ``POLYAXON_WS_PORT``, ``POLYAXON_USE_HTTPS``, ``POLYAXON_VERIFY_SSL``,
``POLYAXON_SECRET_USER_TOKEN``, ``POLYAXON_AUTHENTICATION_TYPE``, ``POLYAXON_API_VERSION``, ``POLYAXON_TIMEOUT``;
in a v0 cluster (``POLYAXON_IS_MANAGED``) ``POLYAXON_API_HTTP_HOST``/``POLYAXON_API_WS_HOST``, the internal header
and ``POLYAXON_SECRET_INTERNAL_TOKEN``. The CLI's config files (``~/.polyaxon``) are not read. A ``host`` given
as a full URL (``"https://plx.example.com:8443"``) is accepted too (its scheme and port win; the original
expected a name). ``requests`` is imported on the first request, not with this module.
"""
from __future__ import annotations

import datetime
import os
from typing import Any, Callable, TypeVar

from polyaxon_helper_compat._api_config import ApiConfig, api_configured
from polyaxon_helper_compat._handlers import (
    AuthApi,
    BookmarkApi,
    BuildJobApi,
    ClusterApi,
    ExperimentApi,
    ExperimentGroupApi,
    ExperimentJobApi,
    JobApi,
    ProjectApi,
    UserApi,
    VersionApi,
    entity_body,
)
from polyaxon_helper_compat._transport import Transport
from polyaxon_helper_compat.exceptions import AuthenticationError, PolyaxonHTTPError

__all__ = ["ApiConfig", "AuthenticationError", "PolyaxonClient", "PolyaxonHTTPError", "Transport", "api_configured",
           "as_compat_client", "entity_body"]

_Handler = TypeVar("_Handler")


class PolyaxonClient:
    """An authenticated handle to a Polyaxon v0 API (polyaxon-client 0.6.1 ``PolyaxonClient``; see the module
    docstring for its properties, setters and handlers).

    ``PolyaxonClient(host="polyaxon.example.com", token="...")``; every argument of the original is accepted
    (see :class:`ApiConfig`), or pass a ready ``api_config``. Raises :class:`PolyaxonClientException` without a
    host outside a cluster.
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
        self._handlers: dict[str, Any] = {}

    def reset(self) -> None:
        """Forget the transport and the handlers (the next use creates new ones with the current config)."""
        self._transport = None
        self._handlers = {}

    # -- properties (polyaxon-client 0.6.1) -------------------------------------------------------------------
    @property
    def api_config(self) -> ApiConfig:
        """The :class:`ApiConfig`."""
        return self._api_config

    @property
    def host(self) -> str | None:
        """``api_config.host``."""
        return self._api_config.host

    @property
    def http_port(self) -> int:
        """``api_config.http_port`` (80 by default, 443 with https)."""
        return self._api_config.http_port

    @property
    def ws_port(self) -> int:
        """``api_config.ws_port`` (the HTTP port by default)."""
        return self._api_config.ws_port

    @property
    def use_https(self) -> bool:
        """``api_config.use_https``."""
        return self._api_config.use_https

    @property
    def verify_ssl(self) -> bool | None:
        """``api_config.verify_ssl`` (``None`` unless set: ``requests`` then verifies certificates)."""
        return self._api_config.verify_ssl

    @property
    def token(self) -> str | None:
        """``api_config.token``: the token sent in ``Authorization``."""
        return self._api_config.token

    @property
    def authentication_type(self) -> str:
        """``api_config.authentication_type`` (``"Token"`` by default)."""
        return self._api_config.authentication_type

    @property
    def is_managed(self) -> bool:
        """``api_config.is_managed`` (``POLYAXON_IS_MANAGED`` unless given)."""
        return self._api_config.is_managed

    @property
    def api_version(self) -> str:
        """``api_config.version`` (``"v1"``)."""
        return self._api_config.version

    @property
    def reraise(self) -> bool:
        """``api_config.reraise``."""
        return self._api_config.reraise

    @property
    def timeout(self) -> int | float:
        """``api_config.timeout`` in seconds (``POLYAXON_TIMEOUT``, else 20)."""
        return self._api_config.timeout

    # -- setters: change the config, drop the transport and handlers --------------------------------------------
    def _set(self, name: str, value: Any) -> None:
        setattr(self._api_config, name, value)
        self.reset()

    def set_host(self, host: str) -> None:
        """Set ``api_config.host`` (requests keep going to ``api_config.http_host``, as the original)."""
        self._set("host", host)

    def set_http_port(self, http_port: int) -> None:
        """Set ``api_config.http_port`` (requests keep going to ``api_config.http_host``, as the original)."""
        self._set("http_port", http_port)

    def set_ws_port(self, ws_port: int) -> None:
        """Set ``api_config.ws_port``."""
        self._set("ws_port", ws_port)

    def set_use_https(self, use_https: bool) -> None:
        """Set ``api_config.use_https`` (requests keep going to ``api_config.http_host``, as the original)."""
        self._set("use_https", use_https)

    def set_verify_ssl(self, verify_ssl: bool) -> None:
        """Verify (or not) the server's certificate from the next request on."""
        self._set("verify_ssl", verify_ssl)

    def set_token(self, token: str) -> None:
        """Use ``token`` from the next request on."""
        self._set("token", token)

    def set_is_managed(self, is_managed: bool) -> None:
        """Set ``api_config.is_managed``."""
        self._set("is_managed", is_managed)

    def set_authentication_type(self, authentication_type: str) -> None:
        """Send ``Authorization: <authentication_type> <token>`` from the next request on."""
        self._set("authentication_type", authentication_type)

    def set_version_api(self, version_api: str) -> None:
        """Set ``api_config.version`` (requests keep going to ``api_config.base_url``, as the original)."""
        self._set("version", version_api)

    def set_reraise(self, reraise: bool) -> None:
        """Raise failed requests (``True``) or log them and return the default (``False``)."""
        self._set("reraise", reraise)

    def set_health_check(self, url: str) -> None:
        """POST to ``url`` every ``HEALTH_CHECK_INTERVAL`` seconds (default 60) from the worker thread."""
        self.transport.set_health_check(url)

    def unset_health_check(self, url: str) -> None:
        """Stop the health checks of ``url``."""
        self.transport.unset_health_check(url)

    def set_internal_health_check(self) -> None:
        """Health-check ``POLYAXON_INTERNAL_HEALTH_CHECK_URL`` (relative to the API) when it is set."""
        path = os.environ.get("POLYAXON_INTERNAL_HEALTH_CHECK_URL")
        if path:
            self.set_health_check(self.auth.build_url(self._api_config.base_url, path))

    def reconcile(self, status: str) -> None:
        """POST ``{"status", "created_at"}`` to ``POLYAXON_INTERNAL_RECONCILE_URL`` when it is set."""
        path = os.environ.get("POLYAXON_INTERNAL_RECONCILE_URL")
        if path:
            created_at = str(datetime.datetime.now(datetime.timezone.utc))
            self.transport.post(self.auth.build_url(self._api_config.base_url, path),
                                json_data={"status": status, "created_at": created_at})

    # -- transport and handlers ------------------------------------------------------------------------------
    @property
    def transport(self) -> Transport:
        """The :class:`~polyaxon_helper_compat._transport.Transport` (one per client, until a setter or reset)."""
        if self._transport is None:
            self._transport = Transport(config=self._api_config)
        return self._transport

    def _handler(self, name: str, cls: Callable[[Transport, ApiConfig], _Handler]) -> _Handler:
        handler = self._handlers.get(name)
        if handler is None:
            handler = self._handlers[name] = cls(self.transport, self._api_config)
        return handler

    @property
    def auth(self) -> AuthApi:
        """``get_user``, ``login``."""
        return self._handler("auth", AuthApi)

    @property
    def cluster(self) -> ClusterApi:
        """``get_cluster``, ``get_node``."""
        return self._handler("cluster", ClusterApi)

    @property
    def version(self) -> VersionApi:
        """``get_cli_version``, ``get_platform_version``, ``get_lib_version``, ``get_chart_version``,
        ``get_log_handler``."""
        return self._handler("version", VersionApi)

    @property
    def project(self) -> ProjectApi:
        """Projects, and the experiments, groups, jobs, builds, tensorboards and notebooks of a project."""
        return self._handler("project", ProjectApi)

    @property
    def experiment_group(self) -> ExperimentGroupApi:
        """One experiment group: get, update, delete, statuses, its experiments, stop, tensorboard, bookmarks."""
        return self._handler("experiment_group", ExperimentGroupApi)

    @property
    def experiment(self) -> ExperimentApi:
        """One experiment: get, update, delete, statuses, metrics, code reference, logs, jobs, restart/resume/
        copy, stop, tensorboard, bookmarks; and ``list_experiments``."""
        return self._handler("experiment", ExperimentApi)

    @property
    def experiment_job(self) -> ExperimentJobApi:
        """The jobs of an experiment: get, statuses, logs."""
        return self._handler("experiment_job", ExperimentJobApi)

    @property
    def job(self) -> JobApi:
        """One job: get, update, delete, statuses, code reference, logs, restart/resume/copy, stop, bookmarks."""
        return self._handler("job", JobApi)

    @property
    def build_job(self) -> BuildJobApi:
        """One build: get, update, delete, statuses, code reference, invalidate, logs, stop, bookmarks."""
        return self._handler("build_job", BuildJobApi)

    @property
    def user(self) -> UserApi:
        """Users (administration): activate, delete, grant and revoke superuser."""
        return self._handler("user", UserApi)

    @property
    def bookmark(self) -> BookmarkApi:
        """The user's bookmarked builds, jobs, experiments, groups and projects."""
        return self._handler("bookmark", BookmarkApi)


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
