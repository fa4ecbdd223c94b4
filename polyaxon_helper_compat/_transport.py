"""HTTP for the v0 REST client: synchronous requests, and requests sent from a thread (polyaxon-client 0.6.1
``transport/``: ``HttpTransportMixin``, ``ThreadedTransportMixin``, ``PeriodicHttpTransportMixin``).

:class:`Transport` sends what 0.6.1's ``Transport`` sends: the ``Authorization: <type> <token>`` header (unless the
call gives one) and the in-cluster internal header, JSON bodies, ``requests``' own headers. ``get``/``post``/
``patch``/``put``/``delete`` return the ``requests.Response`` and raise polyaxon-client 0.6.1's error for an error
status (``exceptions.ERRORS_MAPPING``: ``NotFoundError`` for 404, ...; the original's ``Request to <url> failed with
status code <n>`` line is logged at ERROR on logger ``polyaxon_helper_compat.client``) and
:class:`~polyaxon_helper_compat.exceptions.PolyaxonShouldExitError` when the server cannot be reached or does not
answer within the timeout (``timeout=`` of the call, else the client's ``timeout``; 0.6.1 waited up to
``POLYAXON_LONG_REQUEST_TIMEOUT``, 3600 s).

``async_post``/``async_patch``/``async_put``/``async_delete`` return ``None`` at once and send from one worker
thread per transport, in order, with 0.6.1's retrying session (urllib3 ``Retry``: 3 attempts, backoff 2, on
connection errors and, for idempotent methods, 429/500/502/503/504). ``periodic_post`` collects bodies per URL and
sends each URL's list in one POST every ``interval`` seconds (0.6.1's periodic worker); ``set_health_check(url)``
POSTs to ``url`` every ``HEALTH_CHECK_INTERVAL`` seconds (default 60). At exit the worker gets ``timeout`` seconds
to send what is queued; what it could not send, and what failed, is counted on one stderr line (0.6.1 printed the
unsent count on stdout and dropped failures silently). A forked child starts a worker of its own with an empty
queue. ``requests`` is imported on the first request.
"""
from __future__ import annotations

import atexit
import logging
import os
import queue
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from polyaxon_helper_compat.exceptions import (
    AuthenticationError,
    PolyaxonClientException,
    PolyaxonShouldExitError,
    http_error,
)

if TYPE_CHECKING:
    from polyaxon_helper_compat._api_config import ApiConfig

__all__ = ["Transport"]

logger = logging.getLogger("polyaxon_helper_compat.client")

#: polyaxon-client 0.6.1 ``RetryTransportMixin.retry_session``.
RETRY_STATUSES = (429, 500, 502, 503, 504)
_STOP = object()


def _number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        return default


class Transport:
    """Requests to the v0 API for one client (see the module docstring). ``config`` is the client's
    :class:`~polyaxon_helper_compat.client.ApiConfig`; its token, authentication type, internal header,
    ``verify_ssl``, ``timeout``, ``interval`` and ``reraise`` are read at each request, as the original."""

    def __init__(self, config: ApiConfig | None = None) -> None:
        self.config = config
        self._session: Any = None
        self._retry_session: Any = None
        self._lock = threading.Lock()
        self._queue: queue.Queue[Any] | None = None
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._health_urls: list[str] = []
        self._failures: list[str] = []
        self.threaded_done = 0
        self.threaded_exceptions = 0
        self.periodic_http_done = 0
        self.periodic_http_exceptions = 0

    # -- synchronous --------------------------------------------------------------------------------------
    @property
    def session(self) -> Any:
        """The ``requests.Session`` of synchronous requests (created on first access)."""
        if self._session is None:
            import requests

            self._session = requests.Session()
        return self._session

    @property
    def retry_session(self) -> Any:
        """The ``requests.Session`` of the worker thread, retrying as polyaxon-client 0.6.1's."""
        if self._retry_session is None:
            import requests
            from requests.adapters import HTTPAdapter
            from urllib3 import Retry

            session = requests.Session()
            adapter = HTTPAdapter(max_retries=Retry(total=3, read=3, connect=3, backoff_factor=2,
                                                    status_forcelist=list(RETRY_STATUSES)))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._retry_session = session
        return self._retry_session

    def _get_headers(self, headers: dict[str, str] | None = None) -> dict[str, str]:
        """``headers`` plus ``Authorization`` (unless given) and the internal header (0.6.1 ``_get_headers``)."""
        request_headers = dict(headers or {})
        if self.config is not None:
            if "Authorization" not in request_headers and self.config.token:
                request_headers["Authorization"] = "{} {}".format(self.config.authentication_type, self.config.token)
            if self.config.internal_header:
                request_headers.update(self.config.internal_header)
        return request_headers

    def request(self, method: str, url: str, params: Any = None, data: Any = None, files: Any = None,
                json: Any = None, timeout: float | None = None, headers: dict[str, str] | None = None,
                session: Any = None) -> Any:
        """Send one request (``json``: the JSON body, none when ``None``) and return the ``requests.Response``.

        Raises :class:`PolyaxonShouldExitError` when the server cannot be reached or does not answer within
        ``timeout`` seconds (default: the client's ``timeout``), and the polyaxon-client 0.6.1 error class of an
        answer whose status is not 2xx (``NotFoundError``, ...; see :meth:`check_response_status`).
        """
        import requests

        if timeout is None:
            timeout = self.config.timeout if self.config is not None else 20
        verify = self.config.verify_ssl if self.config is not None else None
        try:
            response = (session or self.session).request(
                method, url, params=params, data=data, json=json, headers=self._get_headers(headers), files=files,
                timeout=timeout, verify=verify)
        except requests.RequestException as exc:
            logger.debug("Exception: %s", exc, exc_info=True)
            raise PolyaxonShouldExitError(
                "Error connecting to Polyaxon server on `{}`.\nAn Error `{}` occurred.\nCheck your host and ports "
                "configuration and your internet connection.".format(url, exc), endpoint=url) from exc
        self.check_response_status(response, url)
        return response

    def check_response_status(self, response: Any, endpoint: str) -> Any:
        """Return ``response`` when its status is 2xx, else log 0.6.1's ``Request to <url> failed`` line (ERROR)
        and raise the error class of its status (``exceptions.http_error``)."""
        if 200 <= response.status_code < 300:
            return response
        logger.error("Request to %s failed with status code %s. \nReason: %s", endpoint, response.status_code,
                     response.text)
        raise http_error(endpoint, response.status_code, response.text, response)

    def get(self, url: str, params: Any = None, data: Any = None, files: Any = None, json_data: Any = None,
            timeout: float | None = None, headers: dict[str, str] | None = None, session: Any = None) -> Any:
        """``GET`` (see :meth:`request`); returns the ``requests.Response``."""
        return self.request("GET", url, params, data, files, json_data, timeout, headers, session)

    def post(self, url: str, params: Any = None, data: Any = None, files: Any = None, json_data: Any = None,
             timeout: float | None = None, headers: dict[str, str] | None = None, session: Any = None) -> Any:
        """``POST`` (see :meth:`request`); returns the ``requests.Response``."""
        return self.request("POST", url, params, data, files, json_data, timeout, headers, session)

    def patch(self, url: str, params: Any = None, data: Any = None, files: Any = None, json_data: Any = None,
              timeout: float | None = None, headers: dict[str, str] | None = None, session: Any = None) -> Any:
        """``PATCH`` (see :meth:`request`); returns the ``requests.Response``."""
        return self.request("PATCH", url, params, data, files, json_data, timeout, headers, session)

    def put(self, url: str, params: Any = None, data: Any = None, files: Any = None, json_data: Any = None,
            timeout: float | None = None, headers: dict[str, str] | None = None, session: Any = None) -> Any:
        """``PUT`` (see :meth:`request`); returns the ``requests.Response``."""
        return self.request("PUT", url, params, data, files, json_data, timeout, headers, session)

    def delete(self, url: str, params: Any = None, data: Any = None, files: Any = None, json_data: Any = None,
               timeout: float | None = None, headers: dict[str, str] | None = None, session: Any = None) -> Any:
        """``DELETE`` (see :meth:`request`); returns the ``requests.Response``."""
        return self.request("DELETE", url, params, data, files, json_data, timeout, headers, session)

    def request_json(self, method: str, url: str, json_data: Any = None) -> Any:
        """:meth:`request` and return the decoded JSON answer (``None`` when empty, the text when not JSON)."""
        response = self.request(method, url, json=json_data)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return response.text

    def handle_exception(self, e: PolyaxonClientException, log_message: str | None = None) -> None:
        """What 0.6.1's handlers do with a failed request: log it (INFO), raise it again with ``reraise`` and
        always for :class:`AuthenticationError`; otherwise the handler returns its default (``None`` or ``[]``)."""
        logger.info("%s: %s", log_message, e)
        if self.config is not None and self.config.reraise:
            raise e
        if isinstance(e, AuthenticationError):
            raise e

    # -- from a thread ------------------------------------------------------------------------------------
    def _put(self, item: tuple[Any, ...]) -> None:
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._queue = queue.Queue()
                self._failures = []
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._work, args=(self._queue,), daemon=True,
                                                name="polyaxon-helper-compat client sender")
                self._thread.start()
                atexit.register(self._at_exit, self._queue, self._thread)
            assert self._queue is not None
            self._queue.put(item)

    def _async(self, method: str, url: str, params: Any, data: Any, files: Any, json_data: Any,
               timeout: float | None, headers: dict[str, str] | None) -> None:
        self._put(("now", method, url, dict(params=params, data=data, files=files, json_data=json_data,
                                            timeout=timeout, headers=headers)))

    def async_post(self, url: str, params: Any = None, data: Any = None, files: Any = None, json_data: Any = None,
                   timeout: float | None = None, headers: dict[str, str] | None = None) -> None:
        """Queue a ``POST`` for the worker thread; returns ``None`` at once (0.6.1 ``async_post``)."""
        self._async("POST", url, params, data, files, json_data, timeout, headers)

    def async_patch(self, url: str, params: Any = None, data: Any = None, files: Any = None, json_data: Any = None,
                    timeout: float | None = None, headers: dict[str, str] | None = None) -> None:
        """Queue a ``PATCH`` for the worker thread; returns ``None`` at once."""
        self._async("PATCH", url, params, data, files, json_data, timeout, headers)

    def async_put(self, url: str, params: Any = None, data: Any = None, files: Any = None, json_data: Any = None,
                  timeout: float | None = None, headers: dict[str, str] | None = None) -> None:
        """Queue a ``PUT`` for the worker thread; returns ``None`` at once."""
        self._async("PUT", url, params, data, files, json_data, timeout, headers)

    def async_delete(self, url: str, params: Any = None, data: Any = None, files: Any = None,
                     json_data: Any = None, timeout: float | None = None,
                     headers: dict[str, str] | None = None) -> None:
        """Queue a ``DELETE`` for the worker thread; returns ``None`` at once."""
        self._async("DELETE", url, params, data, files, json_data, timeout, headers)

    def periodic_post(self, url: str, params: Any = None, data: Any = None, files: Any = None,
                      json_data: Any = None, timeout: float | None = None,
                      headers: dict[str, str] | None = None) -> None:
        """Queue ``json_data`` for ``url``: every ``interval`` seconds the bodies queued for a URL are POSTed
        together as one JSON list (``[body, body, ...]``), as 0.6.1's periodic worker. Returns ``None``."""
        self._put(("periodic", "POST", url, dict(params=params, data=data, files=files, json_data=json_data,
                                                 timeout=timeout, headers=headers)))

    def set_health_check(self, url: str) -> None:
        """POST to ``url`` every ``HEALTH_CHECK_INTERVAL`` seconds (default 60) from the worker thread."""
        if url not in self._health_urls:
            self._health_urls.append(url)
        self._put(("wake",))

    def unset_health_check(self, url: str) -> None:
        """Stop the health checks of ``url``."""
        if url in self._health_urls:
            self._health_urls.remove(url)

    def _send(self, kind: str, method: str, url: str, kwargs: dict[str, Any]) -> None:
        try:
            self.request(method, url, kwargs.get("params"), kwargs.get("data"), kwargs.get("files"),
                         kwargs.get("json_data"), kwargs.get("timeout"), kwargs.get("headers"), self.retry_session)
        except Exception as exc:  # counted and reported at exit, never raised in the script
            logger.debug("Error making request url: %s, exp: %s", url, exc)
            if kind == "periodic":
                self.periodic_http_exceptions += 1
            else:
                self.threaded_exceptions += 1
            self._failures.append("%s %s: %s" % (method, url, " ".join(str(exc).split())[:200]))
        finally:
            if kind == "periodic":
                self.periodic_http_done += 1
            else:
                self.threaded_done += 1

    def _work(self, items: queue.Queue[Any]) -> None:
        pending: dict[str, dict[str, Any]] = {}  # url -> kwargs with list values (periodic bodies)
        flush_at: float | None = None
        health_at = time.monotonic() + _number("HEALTH_CHECK_INTERVAL", 60)
        while True:
            now = time.monotonic()
            wait = [t - now for t in (flush_at, health_at if self._health_urls else None) if t is not None]
            try:
                item = items.get(timeout=max(0.0, min(wait)) if wait else None)
            except queue.Empty:
                item = None
            now = time.monotonic()
            if flush_at is not None and (now >= flush_at or item is _STOP):
                for url, kwargs in pending.items():
                    self._send("periodic", "POST", url, kwargs)
                pending, flush_at = {}, None
            if self._health_urls and now >= health_at:
                health_at = now + _number("HEALTH_CHECK_INTERVAL", 60)
                for url in list(self._health_urls):
                    self._send("periodic", "POST", url, {})
            if item is None:
                continue
            try:
                if item is _STOP:
                    return
                if item[0] == "now":
                    self._send(*item)
                elif item[0] == "periodic":
                    merged = pending.setdefault(item[2], {})
                    for key, value in item[3].items():
                        if value:  # as 0.6.1's _extend_url_kwargs: each argument becomes a list of values
                            merged.setdefault(key, []).append(value)
                    if flush_at is None:
                        interval = self.config.interval if self.config is not None else 1.0
                        flush_at = time.monotonic() + interval
            finally:
                items.task_done()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until the worker has sent everything queued so far (periodic bodies included); ``True`` when it
        did within ``timeout`` seconds (default: the client's ``timeout``)."""
        with self._lock:
            items, thread = self._queue, self._thread
            if items is None or thread is None or self._pid != os.getpid():
                return True
            self._queue = self._thread = None
        return self._stop(items, thread, timeout)

    def _stop(self, items: queue.Queue[Any], thread: threading.Thread, timeout: float | None) -> bool:
        if timeout is None:
            timeout = float(self.config.timeout) if self.config is not None else 20.0
        items.put(_STOP)
        thread.join(timeout)
        return not thread.is_alive()

    def _at_exit(self, items: queue.Queue[Any], thread: threading.Thread) -> None:
        if self._pid != os.getpid() or not thread.is_alive():
            self._report(items)
            return
        self._stop(items, thread, None)
        self._report(items)

    def _report(self, items: queue.Queue[Any]) -> None:
        left = sum(1 for item in list(items.queue) if item is not _STOP and item[0] != "wake")
        if left:
            print("polyaxon-helper-compat: %d background request(s) of the Polyaxon client were not sent in %ss"
                  % (left, self.config.timeout if self.config is not None else 20), file=sys.stderr)
        if self._failures:
            print("polyaxon-helper-compat: %d background request(s) of the Polyaxon client failed (first: %s)"
                  % (len(self._failures), self._failures[0]), file=sys.stderr)
            self._failures = []

