"""Delivery guarantees of the http-v0 backend under fault injection, against real servers on 127.0.0.1:
every metric logged ends up on the server exactly once or in the spool file (then replayed exactly once)."""
from __future__ import annotations

import json
import os
import socket
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from polyaxon_helper_compat.backends.http_v0 import HttpV0Backend
from polyaxon_helper_compat.replay import main as replay_main

TOKEN = "s3cr3t-token-value"


class FaultServer:
    """Records metric rows it acknowledged; ``answer(n, body)`` picks the status of request n (1-based)."""

    def __init__(self, answer: Callable[[int, object], int] | None = None, port: int = 0,
                 gate: threading.Event | None = None) -> None:
        self.rows: list[dict] = []
        self.requests: list[tuple[str, str, int]] = []
        self.headers: list[dict] = []
        lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw) if raw and "json" in (self.headers.get("Content-Type") or "") else raw
                if gate is not None:
                    gate.wait(30)
                with lock:
                    n = len(server.requests) + 1
                    status = answer(n, body) if answer else (201 if self.command == "POST" else 200)
                    server.requests.append((self.command, self.path, status))
                    server.headers.append(dict(self.headers))
                    if status < 300 and self.path.endswith("/metrics/") and isinstance(body, list):
                        server.rows.extend(body)
                out = b'{"detail": "bad batch"}' if status == 400 else b"{}"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_POST = do_PATCH = _handle

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = "http://127.0.0.1:%d" % self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def values(self) -> list[int]:
        return [r["values"]["i"] for r in self.rows]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def backend(url: str, **kwargs) -> HttpV0Backend:
    kwargs.setdefault("retries", 6)
    kwargs.setdefault("backoff", 0.2)
    return HttpV0Backend(url, "alice", "mnist", "7", {"Authorization": "Token " + TOKEN}, interval=0.05,
                         heartbeat_interval=0, flush_timeout=30, **kwargs)


@pytest.fixture(autouse=True)
def spool_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "spool"
    monkeypatch.setenv("POLYAXON_COMPAT_SPOOL_DIR", str(folder))
    return folder


def spooled_values(folder: Path) -> list[int]:
    out = []
    for f in sorted(folder.glob("*.jsonl")):
        for line in f.read_text().splitlines():
            out += [row["values"]["i"] for row in json.loads(line)["body"]]
    return out


def log(b: HttpV0Backend, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        b.log_metrics({"i": i}, "t")


def test_server_refusing_connections_then_up(spool_dir):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens: connections are refused
    b = backend("http://127.0.0.1:%d" % port, retries=8, backoff=0.3)  # backoff 0.3 * 2^n: ~9 s of retries
    log(b, 300)
    time.sleep(5.0)  # the server refuses connections for the first 5 s; the worker retries meanwhile
    server = FaultServer(port=port)
    try:
        b.close()
    finally:
        server.close()
    assert sorted(server.values() + spooled_values(spool_dir)) == list(range(300))
    assert server.values() == list(range(300))  # delivered, in order, once


@pytest.mark.parametrize("n_fail", [1, 3])
def test_503_for_the_first_requests(spool_dir, n_fail):
    server = FaultServer(lambda n, body: 503 if n <= n_fail else 201)
    try:
        b = backend(server.url)
        log(b, 500)
        b.close()
    finally:
        server.close()
    assert server.values() == list(range(500))
    assert [s for _, _, s in server.requests].count(503) == n_fail
    assert spooled_values(spool_dir) == []


def test_slow_server_never_blocks_the_training_loop(spool_dir):
    gate = threading.Event()
    server = FaultServer(gate=gate)
    try:
        b = backend(server.url)
        log(b, 10)
        time.sleep(0.3)  # the worker is now stuck in a request the server holds
        started = time.monotonic()
        log(b, 10_000, start=10)
        loop_seconds = time.monotonic() - started
        assert server.requests == []  # nothing acknowledged yet: the server still holds the first request
        gate.set()
        b.close()
    finally:
        gate.set()
        server.close()
    assert loop_seconds < 5  # generous: only a hang (a blocking put) would break this
    assert server.values() == list(range(10_010))


def test_one_refused_batch_is_spooled_reported_and_replayed_once(spool_dir, capsys):
    refused = {}

    def answer(n, body):
        if isinstance(body, list) and any(r["values"]["i"] == 250 for r in body) and not refused:
            refused["batch"] = [r["values"]["i"] for r in body]
            return 400
        return 201

    server = FaultServer(answer)
    try:
        b = backend(server.url)
        log(b, 1000)
        b.close()
        err = capsys.readouterr().err
        assert "refused POST %s/api/v1/alice/mnist/experiments/7/metrics/ with HTTP 400: " \
               '{"detail": "bad batch"}' % server.url in err
        assert TOKEN not in err
        on_server, in_spool = server.values(), spooled_values(spool_dir)
        assert in_spool == refused["batch"]
        assert sorted(on_server + in_spool) == list(range(1000))  # each row exactly once, somewhere
        (spool_file,) = spool_dir.glob("*.jsonl")
        assert TOKEN not in spool_file.read_text()

        # the server accepts everything now: replay sends the spool once; a second replay sends nothing
        refused["batch"] = refused["batch"]  # (answer() refuses only the first time)
        runner = CliRunner()
        result = runner.invoke(replay_main, [str(spool_file), "--token", TOKEN], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        assert "1 requests (%d metric rows) delivered, 0 failed" % len(in_spool) in result.stderr
        assert server.headers[-1]["Authorization"] == "Token " + TOKEN
        result = runner.invoke(replay_main, [str(spool_file), "--token", TOKEN], catch_exceptions=False)
        assert "0 requests (0 metric rows) delivered, 0 failed" in result.stderr
    finally:
        server.close()
    assert sorted(server.values()) == list(range(1000))


def test_replay_to_another_host_and_failure_exit_code(spool_dir):
    down = FaultServer(lambda n, body: 500)
    try:
        b = backend(down.url, retries=1)
        log(b, 5)
        b.close()
    finally:
        down.close()
    (spool_file,) = spool_dir.glob("*.jsonl")
    still_down = CliRunner().invoke(replay_main, [str(spool_file), "--host", down.url])
    assert still_down.exit_code == 1
    assert still_down.stderr.startswith("warning: no token (--token or POLYAXON_SECRET_USER_TOKEN)")
    up = FaultServer()
    try:
        result = CliRunner().invoke(replay_main, [str(spool_file), "--host", up.url, "--token", TOKEN])
        assert result.exit_code == 0
    finally:
        up.close()
    assert up.values() == [0, 1, 2, 3, 4]


def test_unreadable_spool_file_is_a_usage_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n{}\n")
    result = CliRunner().invoke(replay_main, [str(bad)])
    assert result.exit_code == 2
    assert "bad.jsonl:1: not a spool entry" in result.stderr


def test_queue_cap_spools_instead_of_dropping(spool_dir, capsys):
    gate = threading.Event()
    server = FaultServer(gate=gate)
    try:
        b = backend(server.url, max_queue=500)
        log(b, 1)
        time.sleep(0.3)  # the worker holds row 0 in a request the server does not answer yet
        log(b, 5000, start=1)
        gate.set()
        b.close()
    finally:
        gate.set()
        server.close()
    on_server, in_spool = server.values(), spooled_values(spool_dir)
    assert sorted(on_server + in_spool) == list(range(5001))
    assert len(in_spool) >= 4000
    assert "metric rows logged while 500 were waiting were kept in" in capsys.readouterr().err


def test_eight_threads_log_concurrently(spool_dir):
    server = FaultServer()
    try:
        b = backend(server.url)
        threads = [threading.Thread(target=log, args=(b, 1000, t * 1000)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        b.close()
    finally:
        server.close()
    assert sorted(server.values()) == list(range(8000))


def test_forked_child_logs_and_nothing_is_sent_twice(spool_dir):
    server = FaultServer()
    try:
        b = backend(server.url)
        gate_rows = 50
        log(b, gate_rows)  # queued in the parent before the fork
        with warnings.catch_warnings():  # Python >= 3.12 warns about fork() in a threaded process
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # child: its own queue; the parent's 50 rows are not its to send
            try:
                log(b, 100, start=1000)
                b.close()
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert status == 0
        b.close()
    finally:
        server.close()
    assert sorted(server.values()) == list(range(gate_rows)) + list(range(1000, 1100))


def test_nan_and_infinity_are_sent_as_null_with_one_warning(spool_dir, capsys):
    server = FaultServer()
    try:
        b = backend(server.url)
        b.log_metrics({"i": 0, "loss": float("nan")}, "t")
        b.log_metrics({"i": 1, "loss": float("inf")}, "t")
        b.close()
    finally:
        server.close()
    assert [r["values"] for r in server.rows] == [{"i": 0, "loss": None}, {"i": 1, "loss": None}]
    assert capsys.readouterr().err == ("polyaxon-helper-compat: metric 'loss' is nan, which JSON cannot carry: "
                                       "recorded as null\n")
