"""Where the Polyaxon v0 API is and how to authenticate: ``ApiConfig`` (polyaxon-client 0.6.1 ``api_config.py``).

Read by :mod:`polyaxon_helper_compat.client` (which re-exports :class:`ApiConfig`), its handlers and its transport:
a module of its own so that the three import it from below, without a cycle. See the client module's docstring
for the environment variables and their order.
"""
from __future__ import annotations

import os
import sys

from polyaxon_helper_compat import _settings
from polyaxon_helper_compat.exceptions import PolyaxonClientException

__all__ = ["DEFAULT_HTTPS_PORT", "DEFAULT_HTTP_PORT", "ApiConfig", "api_configured"]

DEFAULT_HTTP_PORT = 80
DEFAULT_HTTPS_PORT = 443


def _env_bool(name: str) -> bool | None:
    """``None`` when unset, else the boolean (``_settings.get_bool`` rules)."""
    if not os.environ.get(name, "").strip():
        return None
    return _settings.get_bool(name)


def _env_number(name: str) -> int | float | None:
    """The number in ``name`` (an ``int`` when it is integral, as polyaxon-client's ``get_int``), ``None`` when
    unset; a value that is not a number is ignored with one stderr line."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        print("polyaxon-helper-compat: ignoring %s=%r: not a number" % (name, raw), file=sys.stderr)
        return None
    return int(value) if value.is_integer() else value


def _env_int(name: str) -> int | None:
    value = _env_number(name)
    return None if value is None else int(value)


def api_configured() -> bool:
    """``True`` when the environment names a v0 API to talk to from outside a cluster (``POLYAXON_API_HOST``)."""
    return bool(os.environ.get("POLYAXON_API_HOST", "").strip())


class ApiConfig:
    """Where the API is and how to authenticate (polyaxon-client 0.6.1 ``ApiConfig``).

    Args (each defaults to its environment variable, see the module docstring):
        host: server name or address, e.g. ``"polyaxon.example.com"`` (or a full ``"https://host[:port]"``).
        port: sets ``http_port`` and ``ws_port``; http_port / ws_port: separately (defaults: ``POLYAXON_HTTP_PORT``
            / ``POLYAXON_WS_PORT``, else 443 with https, else 80; ``ws_port`` defaults to the HTTP port).
        token: the user's API token. authentication_type: ``"Token"`` by default.
        use_https (default false), verify_ssl (default ``None``: ``requests`` verifies), is_managed, is_local.
        version: ``"v1"``. reraise: raise instead of logging and returning the default (see ``_handlers``).
        timeout: seconds (default ``POLYAXON_TIMEOUT``, else 20): how long a request waits for an answer and
            how long the worker thread gets at exit. interval: seconds between periodic POSTs (default 1).

    Attributes: the arguments, ``http_host`` (``"http://host:port"``; in a cluster ``POLYAXON_API_HTTP_HOST``),
    ``ws_host``, ``base_url`` (``http_host + "/api/v1"``), ``base_ws_url``, ``internal_header`` (``{name:
    service}`` in a cluster, else ``None``), ``schema_response`` (always answered as dicts), ``PAGE_SIZE`` (20).

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
        self.verify_ssl: bool | None = verify_ssl if isinstance(verify_ssl, bool) else _env_bool("POLYAXON_VERIFY_SSL")
        if not self.host and not self.is_managed:
            raise PolyaxonClientException("Api config requires at least a host if not running in-cluster.")
        url_port = None
        if self.host and "://" in self.host:  # a full URL: its scheme (and port) decide
            scheme, rest = self.host.split("://", 1)
            self.use_https = scheme.lower() == "https"
            netloc = rest.split("/", 1)[0]
            if ":" in netloc and netloc.rsplit(":", 1)[1].isdigit():
                url_port = int(netloc.rsplit(":", 1)[1])
        self.port = port
        if port:
            self.http_port: int = port
            self.ws_port: int = port
        else:
            self.http_port = url_port or http_port or _env_int("POLYAXON_HTTP_PORT") or (
                DEFAULT_HTTPS_PORT if self.use_https else DEFAULT_HTTP_PORT)
            self.ws_port = (ws_port or _env_int("POLYAXON_WS_PORT") or _env_int("POLYAXON_HTTP_PORT")
                            or self.http_port)
        self.version = version or env.get("POLYAXON_API_VERSION") or "v1"
        self.internal_header: dict[str, str] | None = None
        self.http_host: str | None
        self.ws_host: str | None
        if self.is_managed and not self.is_local:
            self.http_host = env.get("POLYAXON_API_HTTP_HOST") or None
            if not self.http_host:  # the original's message (api_config.py)
                print("Could get api host info, please make sure this is running inside a polyaxon job.")
            self.ws_host = env.get("POLYAXON_API_WS_HOST") or None
            header, service = env.get("POLYAXON_INTERNAL_HEADER"), env.get("POLYAXON_INTERNAL_HEADER_SERVICE")
            if header and service:
                self.internal_header = {header: service}
                if not self.token:
                    self.token = env.get("POLYAXON_SECRET_INTERNAL_TOKEN") or None
        else:
            self.http_host = self._host_url(str(self.host), "https" if self.use_https else "http", self.http_port,
                                            url_port)
            self.ws_host = self._host_url(str(self.host), "wss" if self.use_https else "ws", self.ws_port, url_port)
        self.base_url = self.BASE_URL.format(self.http_host, self.version)
        self.base_ws_url = self.BASE_URL.format(self.ws_host, self.version)
        self.authentication_type = authentication_type or env.get("POLYAXON_AUTHENTICATION_TYPE") or "Token"
        self.schema_response = schema_response if isinstance(schema_response, bool) else bool(
            _env_bool("POLYAXON_SCHEMA_RESPONSE"))
        self.reraise = reraise
        self.timeout: int | float = timeout if timeout is not None else (_env_number("POLYAXON_TIMEOUT") or 20)
        self.interval: int | float = interval if interval is not None else (_env_number("POLYAXON_INTERVAL") or 1)

    @staticmethod
    def _host_url(host: str, scheme: str, port: int, url_port: int | None) -> str:
        """``"{scheme}://{host}:{port}"``; a full URL as ``host`` keeps its scheme and its own port."""
        if "://" not in host:
            return "%s://%s:%d" % (scheme, host, port)
        given, rest = host.split("://", 1)
        netloc = rest.split("/", 1)[0]
        if url_port is not None:
            return "%s://%s" % (given if scheme in ("http", "https") else scheme, netloc)
        return "%s://%s:%d" % (given if scheme in ("http", "https") else scheme, netloc, port)

    def headers(self) -> dict[str, str]:
        """Headers of every request: ``Authorization`` (when there is a token) and the internal header."""
        out: dict[str, str] = {}
        if self.token:
            out["Authorization"] = "%s %s" % (self.authentication_type, self.token)
        if self.internal_header:
            out.update(self.internal_header)
        return out
