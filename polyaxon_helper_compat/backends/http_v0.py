"""The Polyaxon v0 REST backend (polyaxon-helper 0.1.9 / polyaxon-client 0.5.0 traffic, over ``requests``).

What is sent, for ``{entity}`` ``experiments/{id}`` (or ``jobs/{id}``) of ``{user}/{project}`` under
``{host}/api/v1`` (verified against recordings of the originals in ``tests/recordings``):

wire ``"v0.2"`` (polyaxon-client 0.5.0/0.6.1, the default):
- ``update(patch)`` -> ``PATCH /{user}/{project}/experiments/{id}/`` with the patch as JSON;
- metric rows -> ``POST .../metrics/`` with a JSON list of
  ``{"values": {...}, "created_at": "YYYY-MM-DD HH:MM:SS.ffffff+00:00"}``, batched: rows logged within one
  ``interval`` (``POLYAXON_INTERVAL``, default 1 s) go in one request of at most 200 rows;
- statuses -> ``POST .../statuses/`` with ``{"status", "message"?, "traceback"?}``;
- code reference -> ``POST .../coderef/`` with ``{"commit", "head", "branch", "git_url", "is_dirty"}`` (no body
  and no ``Content-Type`` outside a git repository, as polyaxon-client 0.6.1);
- every ``HEALTH_CHECK_INTERVAL`` seconds (default 60) while the process runs, ``POST .../_heartbeat/``.

wire ``"v0.1"`` (polyaxon-helper 0.1.9): one ``POST .../experiments/{id}/metrics`` (no trailing slash) per
row, form-encoded ``values=<JSON of the values as floats>``; other operations as in v0.2.

Delivery (beyond the originals, which dropped what the server refused): a daemon thread sends, so logging
never waits for the network; connection errors, timeouts, 429 and 5xx are retried with exponential backoff
and jitter (urllib3 ``Retry``, ``Retry-After`` honoured); any other 4xx is reported once per status with the
server's message. A request still refused, rows past the queue cap (``POLYAXON_COMPAT_MAX_QUEUE``, default
100,000 rows) and whatever is still queued when the exit flush deadline passes (``flush_timeout``) are
written to a spool file (see :mod:`polyaxon_helper_compat._spool`; ``plx-replay`` sends them later) and one
stderr line gives its path and count. NaN and infinite values have no JSON form: they are sent as ``null``
(one warning per metric name). Tokens never appear in messages or spool files. After ``os.fork`` the child
starts with an empty queue (nothing queued in the parent is sent twice) and its own connection pool.
``requests`` is imported on the worker thread, not when the backend is created.
"""
from __future__ import annotations

import atexit
import inspect
import json
import logging
import os
import sys
import time
from typing import Any

from polyaxon_helper_compat._spool import SpoolWriter, public_headers
from polyaxon_helper_compat._worker import BatchWorker
from polyaxon_helper_compat.backends.base import Backend, after_fork_in_child, finite_values, format_created_at
from polyaxon_helper_compat.exceptions import DeliveryError

__all__ = ["HttpV0Backend"]

logger = logging.getLogger(__name__)

#: Most metric rows in one POST (polyaxon-client's QUEUE_CALL is 200).
MAX_ROWS = 200
RETRY_STATUSES = (429, 500, 502, 503, 504)
WIRES = ("v0.2", "v0.1")
ENTITIES = ("experiments", "jobs", "groups")


def _created_at(value: float | str) -> str:
    return value if isinstance(value, str) else format_created_at(value)


class HttpV0Backend(Backend):
    """Send one v0 experiment's (or job's) tracking calls to a Polyaxon v0 API.

    Args:
        api_host: e.g. ``"http://polyaxon-api:80"`` (``POLYAXON_API_HTTP_HOST``), no ``/api/v1``.
        username, project_name: owner and project, e.g. ``"alice"``, ``"mnist"``.
        experiment_id: the entity's id within the project (string or int).
        headers: headers sent with every request (authorization, internal header).
        entity: ``"experiments"``, ``"jobs"`` or ``"groups"`` (a group has statuses and updates only).
        wire: ``"v0.2"`` (polyaxon-client) or ``"v0.1"`` (polyaxon-helper 0.1.9), see the module docstring.
        interval: seconds between two sends of queued rows.
        heartbeat_interval: seconds between heartbeats; ``0`` disables them.
        flush_timeout: seconds the exit flush may take.
        retries: retry attempts on connection errors, timeouts, 429 and 5xx; backoff ``backoff`` x 2^n s.
        request_timeout: seconds to wait for the server's answer to one request.
        max_queue: queued rows past which new rows go straight to the spool file (bounded memory).

    Raises ``ValueError`` for an unknown ``wire`` or ``entity``.
    """

    name = "http-v0"

    def __init__(self, api_host: str | None, username: str, project_name: str, experiment_id: str,
                 headers: dict[str, str], *, entity: str = "experiments", wire: str = "v0.2",
                 interval: float = 1.0, heartbeat_interval: float = 60.0, flush_timeout: float = 20.0,
                 retries: int = 5, backoff: float = 0.25, request_timeout: float = 25.0,
                 max_queue: int = 100_000) -> None:
        if wire not in WIRES:
            raise ValueError("wire must be one of %s, not %r" % (WIRES, wire))
        if entity not in ENTITIES:
            raise ValueError("entity must be one of %s, not %r" % (ENTITIES, entity))
        self.base_url = "%s/api/v1/%s/%s/%s/%s/" % (api_host, username, project_name, entity, experiment_id)
        self.wire = wire
        self.headers = dict(headers)
        if wire == "v0.2":
            self.headers.setdefault("Content-Type", "application/json")
        # A request without a body (heartbeat, code reference outside a git repository) has no Content-Type,
        # as polyaxon-client sends it (requests' json=None).
        self._headers_without_body = {k: v for k, v in self.headers.items() if k.lower() != "content-type"}
        self._retries = retries
        self._backoff = backoff
        self._request_timeout = request_timeout
        self._flush_timeout = flush_timeout
        self._heartbeat_interval = heartbeat_interval
        self._last_heartbeat = time.monotonic()
        self._max_queue = max_queue
        self._sessions: dict[bool, Any] = {}
        self._degraded = False  # the last request failed after every retry: retry the next ones once only
        self._closed = False
        self._reported_statuses: set[int] = set()
        self._nan_warned: set[str] = set()
        self._overflow: list[tuple[str, str, Any]] = []
        self._quiet_rows = 0
        self.delivered_rows = 0
        self.spool = SpoolWriter("%s_%s_%s_%s" % (username, project_name, entity, experiment_id))
        self._worker = BatchWorker("polyaxon-compat-http", self._handle, interval=interval, max_batch=MAX_ROWS,
                                   tick=self._heartbeat)
        self._pid = os.getpid()
        atexit.register(self.close)
        after_fork_in_child(self)

    @property
    def undelivered_rows(self) -> int:
        """Metric rows written to the spool file so far (in this process)."""
        return self.spool.rows

    # -- operations (called from user code: only queue) -------------------------------------------
    def update(self, patch: dict[str, Any]) -> None:
        self._worker.put(("PATCH", self.base_url, patch))

    def log_metrics(self, values: dict[str, Any], created_at: float) -> None:
        if self._worker.pending() >= self._max_queue:
            self._overflow_row(("ROW", self._metrics_url(), {"values": values, "created_at": created_at}))
            return
        self._worker.put(("ROW", self._metrics_url(), {"values": values, "created_at": created_at}))

    def log_status(self, status: str, message: str | None = None, traceback: str | None = None) -> None:
        body: dict[str, Any] = {"status": status}
        if message:
            body["message"] = message
        if traceback:
            body["traceback"] = traceback
        self._worker.put(("POST", self.base_url + "statuses/", body))

    def log_code_ref(self, code_ref: dict[str, Any] | None) -> None:
        self._worker.put(("POST", self.base_url + "coderef/", code_ref))

    def flush(self, timeout: float = 10.0) -> bool:
        return self._worker.flush(timeout)

    def close(self, timeout: float | None = None) -> None:
        if self._closed:
            return
        self._closed = True
        left = self._worker.close(self._flush_timeout if timeout is None else timeout)
        if self._overflow:
            left = self._overflow + left
            self._overflow = []
        if left:
            self._spool(self._requests(left), "not sent before exit (flush deadline)")
        if self._quiet_rows:
            print("polyaxon-helper-compat: %d metric rows logged while %d were waiting were kept in %s "
                  "(replay with: plx-replay %s)" % (self._quiet_rows, self._max_queue, self.spool.path,
                                                    self.spool.path), file=sys.stderr)
            self._quiet_rows = 0

    # -- internals ----------------------------------------------------------------------------------
    def _metrics_url(self) -> str:
        return self.base_url + "metrics/" if self.wire == "v0.2" else self.base_url + "metrics"

    def _overflow_row(self, item: tuple[str, str, Any]) -> None:
        """Past the queue cap: keep rows in a small buffer written to the spool 1,000 at a time."""
        self._overflow.append(item)
        if len(self._overflow) >= 1000:
            batch, self._overflow = self._overflow, []
            self._spool(self._requests(batch), "queue full (%d rows waiting)" % self._max_queue, quiet=True)

    def _after_fork(self) -> None:
        """In a forked child: forget the parent's queue, thread and connections (they stay the parent's)."""
        self._worker.reset_after_fork()
        self._sessions = {}
        self._degraded = False
        self._overflow = []
        self._quiet_rows = 0
        self.delivered_rows = 0
        self._pid = os.getpid()
        self.spool = SpoolWriter(self.spool._name)
        self._closed = False
        self._register_multiprocessing_flush()

    def _register_multiprocessing_flush(self) -> None:
        # multiprocessing children leave through os._exit (no atexit); their finalizers still run.
        mp_util = sys.modules.get("multiprocessing.util")
        if mp_util is not None:
            mp_util.Finalize(self, HttpV0Backend.close, args=(self,), exitpriority=10)

    def _requests(self, items: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
        """Group consecutive v0.2 metric rows for the same URL into POSTs of at most MAX_ROWS rows."""
        out: list[tuple[str, str, Any]] = []
        for method, url, body in items:
            if method == "ROW" and self.wire == "v0.2":
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
                self._send(method, url, body)
                if method == "ROWS":
                    self.delivered_rows += len(body)
                elif method == "ROW":
                    self.delivered_rows += 1
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

    def _get_session(self, degraded: bool = False) -> Any:
        """The ``requests`` session: full retries, or (``degraded``) a single retry while the API is down,
        so that a dead server delays the exit flush by one backoff, not one per queued request."""
        if degraded not in self._sessions:
            import requests
            from requests.adapters import HTTPAdapter
            from urllib3.util.retry import Retry

            options: dict[str, Any] = {}
            if "backoff_jitter" in inspect.signature(Retry).parameters:  # urllib3 >= 2
                options["backoff_jitter"] = self._backoff
            retries = 1 if degraded else self._retries
            retry = Retry(total=retries, connect=retries, read=retries,
                          status=retries, backoff_factor=self._backoff, status_forcelist=RETRY_STATUSES,
                          allowed_methods=frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"}),
                          raise_on_status=False, respect_retry_after_header=True, **options)
            session = requests.Session()
            adapter = HTTPAdapter(max_retries=retry)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._sessions[degraded] = session
        return self._sessions[degraded]

    def _encode(self, method: str, body: Any) -> tuple[dict[str, Any], int]:
        """Return (``requests`` keyword arguments carrying ``body``, number of metric rows in it)."""
        if method == "ROWS":
            rows = [{"values": finite_values(r["values"], self._nan_warned),
                     "created_at": _created_at(r["created_at"])} for r in body]
            return {"data": json.dumps(rows)}, len(rows)
        if method == "ROW":  # v0.1: one form-encoded row, values as floats (polyaxon-helper 0.1.9)
            values = {k: (float(v) if isinstance(v, (int, float)) and v is not None else v)
                      for k, v in body["values"].items()}
            return {"data": {"values": json.dumps(finite_values(values, self._nan_warned))}}, 1
        return ({} if body is None else {"data": json.dumps(body)}), 0

    def _send(self, method: str, url: str, body: Any) -> None:
        """Send one request; raise :class:`DeliveryError` when it is finally refused or cannot be sent."""
        import requests

        kwargs, _ = self._encode(method, body)
        verb = "POST" if method in ("ROWS", "ROW") else method
        headers = self.headers if kwargs else self._headers_without_body
        try:
            response = self._get_session(self._degraded).request(verb, url, headers=headers,
                                                                 timeout=self._request_timeout, **kwargs)
        except requests.RequestException as exc:
            self._degraded = True
            raise DeliveryError("%s %s failed: %s" % (verb, url, type(exc).__name__)) from exc
        self._degraded = response.status_code in RETRY_STATUSES
        if response.status_code >= 400:
            message = (response.text or "").strip().replace("\n", " ")[:300]
            if response.status_code not in self._reported_statuses and response.status_code < 500:
                self._reported_statuses.add(response.status_code)
                print("polyaxon-helper-compat: the Polyaxon API refused %s %s with HTTP %d: %s"
                      % (verb, url, response.status_code, message or "(no message)"), file=sys.stderr)
            raise DeliveryError("%s %s answered HTTP %d" % (verb, url, response.status_code),
                                status=response.status_code)

    def _spool(self, requests_: list[tuple[str, str, Any]], reason: str, quiet: bool = False) -> None:
        headers, auth = public_headers(self.headers)
        entries = []
        for method, url, body in requests_:
            kwargs, rows = self._encode(method, body) if method in ("ROWS", "ROW") else ({}, 0)
            fmt = "form" if method == "ROW" else "json"
            payload = json.loads(kwargs["data"]) if method == "ROWS" else (kwargs["data"] if method == "ROW" else body)
            entries.append({"method": "POST" if method in ("ROWS", "ROW") else method, "url": url, "format": fmt,
                            "headers": headers, "auth": auth, "body": payload, "rows": rows})
        try:
            count, rows = self.spool.write(entries, reason)
            where = "kept in %s (replay with: plx-replay %s)" % (self.spool.path, self.spool.path)
        except OSError as exc:
            count, rows = len(entries), sum(e["rows"] for e in entries)
            where = "and could not be spooled (%s): %s" % (exc, json.dumps([e["body"] for e in entries]))
        if quiet:
            self._quiet_rows += rows
        else:
            print("polyaxon-helper-compat: %d request(s) (%d metric rows) not delivered (%s); %s"
                  % (count, rows, reason, where), file=sys.stderr)
