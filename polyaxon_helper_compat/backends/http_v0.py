"""The Polyaxon v0 REST backend (polyaxon-client 0.5.0 traffic, over ``requests``).

What is sent, for experiment ``{user}/{project}/{id}`` under ``{host}/api/v1`` (matches polyaxon-client 0.5.0,
verified against recordings of the original in ``tests/recordings``):

- ``update(patch)`` -> ``PATCH /{user}/{project}/experiments/{id}/`` with the patch as JSON;
- metric rows -> ``POST .../experiments/{id}/metrics/`` with a JSON list of
  ``{"values": {...}, "created_at": "YYYY-MM-DD HH:MM:SS.ffffff+00:00"}``, batched: rows logged within one
  ``interval`` (``POLYAXON_INTERVAL``, default 1 s) go in one request of at most 200 rows;
- statuses -> ``POST .../experiments/{id}/statuses/`` with ``{"status", "message"?, "traceback"?}``;
- every ``HEALTH_CHECK_INTERVAL`` seconds (default 60) while the run is alive, ``POST .../_heartbeat/``.

Headers: ``Authorization: <auth type> <token>`` (``Token`` by default) and the internal header
(``POLYAXON_INTERNAL_HEADER: POLYAXON_INTERNAL_HEADER_SERVICE``), ``Content-Type: application/json``.

Delivery: a daemon thread sends (``send`` never blocks the caller); connection errors and 5xx are retried
with exponential backoff (urllib3 ``Retry``); a request still refused after that is appended to a spool file
(JSON lines: method, url, body) and one line on stderr says how many rows and where, so nothing is lost
silently. At interpreter exit the queue is flushed with a deadline (``POLYAXON_COMPAT_FLUSH_TIMEOUT`` seconds,
default 20, the original's ``POLYAXON_TIMEOUT``); what is still queued then is spooled too.
``requests`` is imported on the worker thread, not when the backend is created.
"""
from __future__ import annotations

import atexit
import json
import logging
import os
import sys
import tempfile
import time
from typing import Any

from polyaxon_helper_compat.backends.base import Backend
from polyaxon_helper_compat._worker import BatchWorker
from polyaxon_helper_compat.exceptions import DeliveryError

__all__ = ["HttpV0Backend"]

logger = logging.getLogger(__name__)

#: Most metric rows in one POST (polyaxon-client's QUEUE_CALL is 200).
MAX_ROWS = 200
RETRY_STATUSES = (500, 502, 503, 504)


class HttpV0Backend(Backend):
    """Send one v0 experiment's tracking calls to a Polyaxon v0 API.

    Args:
        api_host: e.g. ``"http://polyaxon-api:80"`` (``POLYAXON_API_HTTP_HOST``), no trailing ``/api/v1``.
        username, project_name: owner and project, e.g. ``"alice"``, ``"mnist"``.
        experiment_id: the experiment's id within the project (string or int).
        headers: headers sent with every request (authorization, internal header).
        interval: seconds between two sends of queued rows.
        heartbeat_interval: seconds between heartbeats; ``0`` disables them.
        flush_timeout: seconds the exit flush may take.
        retries: retry attempts on connection errors and 5xx, with backoff ``backoff`` seconds x 2^n.
    """

    name = "http-v0"

    def __init__(self, api_host: str | None, username: str, project_name: str, experiment_id: str,
                 headers: dict[str, str], *, interval: float = 1.0, heartbeat_interval: float = 60.0,
                 flush_timeout: float = 20.0, retries: int = 5, backoff: float = 0.25,
                 request_timeout: float = 25.0) -> None:
        self.base_url = "%s/api/v1/%s/%s/experiments/%s/" % (api_host, username, project_name, experiment_id)
        self.headers = dict(headers)
        self.headers.setdefault("Content-Type", "application/json")
        self._retries = retries
        self._backoff = backoff
        self._request_timeout = request_timeout
        self._flush_timeout = flush_timeout
        self._heartbeat_interval = heartbeat_interval
        self._last_heartbeat = time.monotonic()
        self._session: Any = None
        self._spool_path: str | None = None
        self._closed = False
        self.undelivered_rows = 0
        self._worker = BatchWorker("polyaxon-compat-http", self._handle, interval=interval, max_batch=MAX_ROWS,
                                  tick=self._heartbeat)
        atexit.register(self.close)

    # -- operations (called from user code: only queue) -------------------------------------------
    def update(self, patch: dict[str, Any]) -> None:
        self._worker.put(("PATCH", self.base_url, patch))

    def log_metrics(self, values: dict[str, Any], created_at: str) -> None:
        self._worker.put(("ROW", self.base_url + "metrics/", {"values": values, "created_at": created_at}))

    def log_status(self, status: str, message: str | None = None, traceback: str | None = None) -> None:
        body: dict[str, Any] = {"status": status}
        if message:
            body["message"] = message
        if traceback:
            body["traceback"] = traceback
        self._worker.put(("POST", self.base_url + "statuses/", body))

    def flush(self, timeout: float = 10.0) -> bool:
        return self._worker.flush(timeout)

    def close(self, timeout: float | None = None) -> None:
        if self._closed:
            return
        self._closed = True
        left = self._worker.close(self._flush_timeout if timeout is None else timeout)
        if left:
            self._spool(self._requests(left), "not sent before exit")

    # -- worker thread ------------------------------------------------------------------------------
    @staticmethod
    def _requests(items: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
        """Group consecutive metric rows for the same URL into POSTs of at most MAX_ROWS rows."""
        out: list[tuple[str, str, Any]] = []
        for method, url, body in items:
            if method == "ROW":
                last = out[-1] if out else None
                if last is not None and last[0] == "ROWS" and last[1] == url and len(last[2]) < MAX_ROWS:
                    last[2].append(body)
                else:
                    out.append(("ROWS", url, [body]))
            else:
                out.append((method, url, body))
        return out

    def _handle(self, items: list[tuple[str, str, Any]]) -> None:
        for method, url, body in self._requests(items):
            try:
                self._send("POST" if method == "ROWS" else method, url, body)
            except DeliveryError as exc:
                self._spool([(method, url, body)], str(exc))

    def _heartbeat(self) -> None:
        """Send ``POST .../_heartbeat/`` every ``heartbeat_interval`` seconds (polyaxon-client ``health_checks``)."""
        if self._heartbeat_interval and time.monotonic() - self._last_heartbeat >= self._heartbeat_interval:
            self._last_heartbeat = time.monotonic()
            try:
                self._send("POST", self.base_url + "_heartbeat/", None)
            except DeliveryError as exc:
                logger.debug("heartbeat failed: %s", exc)

    def _get_session(self) -> Any:
        if self._session is None:
            import requests
            from requests.adapters import HTTPAdapter
            from urllib3.util.retry import Retry

            retry = Retry(total=self._retries, connect=self._retries, read=self._retries,
                          status=self._retries, backoff_factor=self._backoff, status_forcelist=RETRY_STATUSES,
                          allowed_methods=frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"}),
                          raise_on_status=False)
            session = requests.Session()
            adapter = HTTPAdapter(max_retries=retry)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._session = session
        return self._session

    def _send(self, method: str, url: str, body: Any) -> None:
        """Send one request; raise :class:`DeliveryError` when it is finally refused or cannot be sent."""
        import requests

        data = None if body is None else json.dumps(body)
        try:
            response = self._get_session().request(method, url, data=data, headers=self.headers,
                                                   timeout=self._request_timeout)
        except requests.RequestException as exc:
            raise DeliveryError("%s %s failed: %s" % (method, url, exc)) from exc
        if response.status_code >= 400:
            raise DeliveryError("%s %s answered HTTP %d" % (method, url, response.status_code),
                                status=response.status_code)

    def _spool(self, requests_: list[tuple[str, str, Any]], reason: str) -> None:
        rows = sum(len(b) if m == "ROWS" else 0 for m, _, b in requests_)
        self.undelivered_rows += rows
        path = self._spool_file()
        try:
            with open(path, "a", encoding="utf-8") as f:
                for method, url, body in requests_:
                    f.write(json.dumps({"method": "POST" if method == "ROWS" else method, "url": url,
                                        "body": body}) + "\n")
            where = "kept in %s" % path
        except OSError as exc:
            where = "and could not be spooled (%s): %s" % (exc, json.dumps([b for _, _, b in requests_]))
        print("polyaxon-helper-compat: %d request(s) (%d metric rows) not delivered (%s); %s"
              % (len(requests_), rows, reason, where), file=sys.stderr)

    def _spool_file(self) -> str:
        if self._spool_path is None:
            folder = os.environ.get("POLYAXON_COMPAT_SPOOL_DIR") or os.path.join(".polyaxon-compat", "spool")
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError:
                folder = tempfile.gettempdir()
            name = self.base_url.split("/api/v1/", 1)[-1].strip("/").replace("/", "_") or "run"
            self._spool_path = os.path.abspath(os.path.join(folder, "%s-%d.jsonl" % (name, os.getpid())))
        return self._spool_path
