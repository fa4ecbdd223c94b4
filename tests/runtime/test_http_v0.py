"""The http-v0 backend against a real recording server on 127.0.0.1: paths, headers, batching, retries,
and that a request the server refuses is spooled and reported, never dropped."""
from __future__ import annotations

import json
import socket
import time

from polyaxon_helper_compat.backends.http_v0 import HttpV0Backend

from tests.runtime.conftest import ApiServer

HEADERS = {"Authorization": "Token t0k", "X-POLYAXON-INTERNAL": "experiment"}


def make(url: str, **kwargs) -> HttpV0Backend:
    kwargs.setdefault("heartbeat_interval", 0)
    kwargs.setdefault("backoff", 0.01)
    return HttpV0Backend(url, "alice", "mnist", "7", HEADERS, interval=0.05, **kwargs)


def rows(log):
    return [row for r in log if r["path"].endswith("/metrics/") for row in r["body"]]


def test_paths_headers_and_bodies(api_server):
    backend = make(api_server.url)
    backend.update({"params": {"lr": 0.1}, "merge": True})
    backend.log_metrics({"loss": 0.5}, "2026-01-01 00:00:00.000001+00:00")
    backend.log_status("failed", message="boom")
    backend.close(timeout=5)
    assert [(r["method"], r["path"]) for r in api_server.log] == [
        ("PATCH", "/api/v1/alice/mnist/experiments/7/"),
        ("POST", "/api/v1/alice/mnist/experiments/7/metrics/"),
        ("POST", "/api/v1/alice/mnist/experiments/7/statuses/"),
    ]
    assert [r["body"] for r in api_server.log] == [
        {"params": {"lr": 0.1}, "merge": True},
        [{"values": {"loss": 0.5}, "created_at": "2026-01-01 00:00:00.000001+00:00"}],
        {"status": "failed", "message": "boom"},
    ]
    for r in api_server.log:
        assert r["headers"]["Authorization"] == "Token t0k"
        assert r["headers"]["X-POLYAXON-INTERNAL"] == "experiment"
        assert r["headers"]["Content-Type"] == "application/json"


def test_rows_are_batched_in_order_at_most_200_per_request(api_server):
    backend = make(api_server.url)
    for i in range(450):
        backend.log_metrics({"i": i}, "t")
    backend.close(timeout=10)
    sizes = [len(r["body"]) for r in api_server.log]
    assert sum(sizes) == 450 and all(1 <= s <= 200 for s in sizes)
    assert len(sizes) >= 3
    assert [row["values"]["i"] for row in rows(api_server.log)] == list(range(450))


def test_order_between_patches_and_rows_is_kept(api_server):
    backend = make(api_server.url)
    backend.log_metrics({"a": 1}, "t")
    backend.update({"name": "x"})
    backend.log_metrics({"a": 2}, "t")
    backend.close(timeout=5)
    assert [r["method"] for r in api_server.log] == ["POST", "PATCH", "POST"]


def test_retries_5xx_then_delivers_everything(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("POLYAXON_COMPAT_SPOOL_DIR", str(tmp_path / "spool"))
    server = ApiServer(fail_first=2)
    try:
        backend = make(server.url)
        backend.log_metrics({"loss": 1.0}, "t")
        backend.close(timeout=10)
    finally:
        server.close()
    assert len(server.log) == 3  # two 503 answers, then delivered
    assert all(r["body"] == [{"values": {"loss": 1.0}, "created_at": "t"}] for r in server.log)
    assert backend.undelivered_rows == 0
    assert not (tmp_path / "spool").exists() or not any((tmp_path / "spool").iterdir())
    assert capsys.readouterr().err == ""


def test_refused_rows_are_spooled_and_reported(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("POLYAXON_COMPAT_SPOOL_DIR", str(tmp_path / "spool"))
    server = ApiServer(status=500)
    try:
        backend = make(server.url, retries=1)
        for i in range(3):
            backend.log_metrics({"i": i}, "t")
        backend.close(timeout=10)
    finally:
        server.close()
    assert backend.undelivered_rows == 3
    (spool,) = (tmp_path / "spool").iterdir()
    spooled = [json.loads(line) for line in spool.read_text().splitlines()]
    assert [row["values"]["i"] for req in spooled for row in req["body"]] == [0, 1, 2]
    assert spooled[0]["url"].endswith("/api/v1/alice/mnist/experiments/7/metrics/")
    err = capsys.readouterr().err
    assert "metric rows) not delivered" in err and "HTTP 500" in err and str(spool) in err


def test_unreachable_server_is_spooled_not_raised(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("POLYAXON_COMPAT_SPOOL_DIR", str(tmp_path / "spool"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    backend = make("http://127.0.0.1:%d" % port, retries=1)
    backend.log_metrics({"loss": 1.0}, "t")
    backend.close(timeout=10)
    assert backend.undelivered_rows == 1
    assert "not delivered" in capsys.readouterr().err


def test_heartbeat_is_sent_while_running(api_server):
    backend = make(api_server.url, heartbeat_interval=0.01)
    backend.log_metrics({"a": 1}, "t")
    backend.flush(5)
    time.sleep(0.3)  # several worker wake-ups (interval 0.05 s) with nothing queued
    backend.log_metrics({"a": 2}, "t")
    backend.close(timeout=5)
    assert ("POST", "/api/v1/alice/mnist/experiments/7/_heartbeat/") in [
        (r["method"], r["path"]) for r in api_server.log]


def test_close_is_idempotent(api_server):
    backend = make(api_server.url)
    backend.log_metrics({"a": 1}, "t")
    backend.close(timeout=5)
    backend.close(timeout=5)
    assert len(api_server.log) == 1
