#!/usr/bin/env python3
"""Runtime overhead and delivery benchmarks: the shim against named baselines, in the same run.

    .venv/bin/python benchmarks/runtime_bench.py [--quick] [--json FILE] [--oracle-python PATH]

Figures (each in a fresh subprocess, servers on 127.0.0.1 only):
- import time of `polyaxon_helper` (ours) vs `import json` (floor) and vs the original polyaxon-helper 0.5.0
  on Python 3.7 (when the oracle is available: --oracle-python, or ORACLE_DIR's default location);
- send_metrics median and p99 call time for http-v0 (in-cluster env, recording server), local and no-op,
  vs the original 0.5.0 in the same in-cluster environment;
- requests per 10,000 metrics, and wall time from the end of a 100,000-metric loop until the last row is
  acknowledged (process exit);
- peak memory (max RSS) for 1,000,000 metrics logged with the server down (rows past the queue cap go to the
  spool file), vs the same process logging nothing.
Prints a table (figure, ours, baseline, ratio) and writes JSON (default benchmarks/results/runtime.json).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TIMING = str(REPO / "benchmarks" / "_timing_script.py")


class CountingServer:
    """Answers 201/200 to everything and counts requests and metric rows."""

    def __init__(self) -> None:
        self.requests = 0
        self.rows = 0
        self.last_ack = 0.0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.requests += 1
                if self.path.endswith("/metrics/"):
                    server.rows += len(json.loads(raw))
                    server.last_ack = time.perf_counter()
                self.send_response(201)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            do_POST = do_PATCH = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def incluster_env(url: str, tmp: str) -> dict[str, str]:
    return {
        "POLYAXON_IN_CLUSTER": "true", "POLYAXON_IS_MANAGED": "true", "POLYAXON_API_HTTP_HOST": url,
        "POLYAXON_SECRET_INTERNAL_TOKEN": "t", "POLYAXON_INTERNAL_HEADER": "X-POLYAXON-INTERNAL",
        "POLYAXON_INTERNAL_HEADER_SERVICE": "experiment",
        "POLYAXON_EXPERIMENT_INFO": json.dumps({"project_name": "alice.mnist", "experiment_name": "alice.mnist.7"}),
        "POLYAXON_RUN_OUTPUTS_PATH": tmp + "/outputs", "POLYAXON_COMPAT_SPOOL_DIR": tmp + "/spool",
    }


def run(python: str, args: list[str], env: dict[str, str], cwd: str, pythonpath: bool = True) -> tuple[dict[str, Any], float]:
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    if pythonpath:
        base["PYTHONPATH"] = str(REPO)
    start = time.perf_counter()
    proc = subprocess.run([python, *args], env={**base, **env}, cwd=cwd, capture_output=True, text=True, timeout=600)
    end = time.perf_counter()
    if proc.returncode != 0:
        raise RuntimeError("%s %s failed:\n%s" % (python, args, proc.stderr[-2000:]))
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "{}"
    return json.loads(last), end - start


def import_time(python: str, module: str, repeat: int, pythonpath: bool = True) -> float:
    """Median seconds of `import module` measured inside the interpreter (start-up excluded)."""
    code = "import time; t=time.perf_counter(); import %s; print('{\"s\": %%r}' %% (time.perf_counter()-t))" % module
    with tempfile.TemporaryDirectory() as tmp:
        values = [run(python, ["-c", code], {"POLYAXON_NO_OP": "false"}, tmp, pythonpath)[0]["s"]
                  for _ in range(repeat)]
    return statistics.median(values)


def send_metrics_times(python: str, backend: str, n: int, pythonpath: bool = True) -> dict[str, Any]:
    server = CountingServer()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {"http-v0": incluster_env(server.url, tmp), "local": {},
                   "no-op": {"POLYAXON_NO_OP": "true"}}[backend]
            figures, wall = run(python, [TIMING, str(n)], env, tmp, pythonpath)
            figures["requests"] = server.requests
            figures["rows"] = server.rows
            figures["ack_after_loop_s"] = max(0.0, server.last_ack - figures["loop_end"]) if server.rows else None
            figures["wall_s"] = wall
            return figures
    finally:
        server.close()


def peak_memory(n: int, log: bool) -> float:
    """Max RSS in MiB of a process logging n metrics with the API down (or logging nothing)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    code = ("import resource, sys, json\n"
            "from polyaxon_helper import send_metrics\n"
            "for i in range(%d if %r else 0):\n"
            "    send_metrics(loss=0.5, step=i)\n"
            "print(json.dumps({'maxrss_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))\n") % (n, log)
    with tempfile.TemporaryDirectory() as tmp:
        env = incluster_env("http://127.0.0.1:%d" % port, tmp)
        env["POLYAXON_COMPAT_FLUSH_TIMEOUT"] = "1"
        figures, _ = run(sys.executable, ["-c", code], env, tmp)
    return float(figures["maxrss_kib"]) / 1024.0


def find_oracle(given: str | None) -> str | None:
    if given:
        return given
    root = Path(os.environ.get("ORACLE_DIR") or Path(tempfile.gettempdir()) / "plx-oracle")
    candidate = root / "0.5.0" / "bin" / "python"
    return str(candidate) if candidate.exists() else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller counts (a smoke run)")
    ap.add_argument("--json", default=str(REPO / "benchmarks" / "results" / "runtime.json"))
    ap.add_argument("--oracle-python", help="python of the original polyaxon-helper 0.5.0 (Python 3.7)")
    opts = ap.parse_args()
    n_calls = 20_000 if opts.quick else 100_000
    n_memory = 100_000 if opts.quick else 1_000_000
    repeat = 3 if opts.quick else 7
    oracle = find_oracle(opts.oracle_python)
    rows: list[tuple[str, Any, Any, str]] = []
    results: dict[str, Any] = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                            "platform": platform.platform()}, "figures": {}}

    ours_import = import_time(sys.executable, "polyaxon_helper", repeat)
    json_import = import_time(sys.executable, "json", repeat)
    orig_import = import_time(oracle, "polyaxon_helper", repeat, pythonpath=False) if oracle else None
    rows.append(("import polyaxon_helper (ms) vs import json", ours_import * 1e3, json_import * 1e3, ""))
    rows.append(("import polyaxon_helper (ms) vs original 0.5.0", ours_import * 1e3,
                 orig_import * 1e3 if orig_import else None, "target <= 0.10"))
    results["figures"]["import"] = {"ours_s": ours_import, "json_s": json_import, "original_s": orig_import}

    original = send_metrics_times(oracle, "http-v0", n_calls, pythonpath=False) if oracle else None
    for backend in ("http-v0", "local", "no-op"):
        ours = send_metrics_times(sys.executable, backend, n_calls)
        results["figures"]["send_metrics_" + backend] = ours
        base = original if backend == "http-v0" else None
        rows.append(("send_metrics median (us), %s vs original" % backend, ours["median_us"],
                     base["median_us"] if base else None, "target <= 5 us" if backend != "no-op" else ""))
        rows.append(("send_metrics p99 (us), %s vs original" % backend, ours["p99_us"],
                     base["p99_us"] if base else None, ""))
        if backend == "http-v0":
            per10k = ours["requests"] / n_calls * 10_000
            rows.append(("HTTP requests per 10,000 metrics vs original", per10k,
                         original["requests"] / n_calls * 10_000 if original else None, "target <= 100"))
            rows.append(("rows acknowledged / logged", "%d/%d" % (ours["rows"], n_calls),
                         "%d/%d" % (original["rows"], n_calls) if original else None, ""))
            rows.append(("last row acknowledged after loop end (s)", ours["ack_after_loop_s"],
                         original["ack_after_loop_s"] if original else None, ""))
    results["figures"]["send_metrics_original"] = original

    logging_rss = peak_memory(n_memory, True)
    idle_rss = peak_memory(n_memory, False)
    rows.append(("peak RSS (MiB), %d metrics, API down vs no metrics" % n_memory, logging_rss, idle_rss, ""))
    results["figures"]["memory"] = {"metrics": n_memory, "logging_mib": logging_rss, "idle_mib": idle_rss}

    print("%-58s %14s %14s %8s  %s" % ("figure", "ours", "baseline", "ratio", "note"))
    for name, ours_v, base_v, note in rows:
        ratio = ("%.3f" % (ours_v / base_v)) if isinstance(ours_v, float) and isinstance(base_v, float) and base_v else ""
        fmt = lambda v: ("%.3f" % v) if isinstance(v, float) else ("-" if v is None else str(v))  # noqa: E731
        print("%-58s %14s %14s %8s  %s" % (name, fmt(ours_v), fmt(base_v), ratio, note))
    results["table"] = [{"figure": r[0], "ours": r[1], "baseline": r[2], "note": r[3]} for r in rows]
    Path(opts.json).parent.mkdir(parents=True, exist_ok=True)
    Path(opts.json).write_text(json.dumps(results, indent=2, default=str) + "\n")
    print("written", opts.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
