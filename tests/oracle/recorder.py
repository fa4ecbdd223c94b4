#!/usr/bin/env python3
"""Run a script under a given interpreter and environment, with a recording HTTP server on 127.0.0.1.

In-repo twin of the oracle recorder used to build the golden files (``tests/recordings``): the recorded
document has exactly the same fields (``returncode``, ``stdout``, ``stderr``, ``requests`` with
``method``, ``path``, ``headers``, ``body``, ``t``) and the server answers exactly the same way, so a
recording made here under the original polyaxon-helper and one made under ours can be compared.
It only uses the standard library and reads nothing outside the repository.

    recorder.py --python PYTHON --env tests/oracle/envs/v0-incluster.json script.py [args...]

In the env file (a JSON object of environment variables) these placeholders are replaced:
{SERVER} -> http://127.0.0.1:PORT, {HOST} -> 127.0.0.1, {PORT} -> PORT, {TMP} -> a fresh temp dir.
Only the variables in the file plus PATH, HOME and LANG reach the script (and PYTHONPATH when
--pythonpath is given).

Server behaviour: every request is answered 200 (201 for POST) with a small JSON body; a GET whose path
contains "users" gets {"username": "alice"}. --status CODE answers every request with CODE instead;
--fail-first N answers the first N requests 503 and the rest normally (to see retry behaviour).
--grace S waits S seconds after the script exits for late requests (default 1.0).
--routes FILE (an addition of this twin; without it the answers are record.py's): a JSON list of
{"path": REGEX, "method": "GET" (optional), "status": CODE, "body": JSON (optional, default {})}; the first
route whose regex is found in the request's path (with its query string) and whose method matches answers.

As a library::

    rec = record(python, script, env, cwd=..., grace=0.3)
    rec, ctx = record_with_context(...)   # ctx: {"tmp", "port", "server", "cwd"} for normalisation
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

KEPT_HEADERS = {"authorization", "content-type", "x-polyaxon-internal", "user-agent"}
PASSED_THROUGH = ("PATH", "HOME", "LANG")

EnvLike = Union[None, str, "os.PathLike[str]", Mapping[str, Any]]


Route = Mapping[str, Any]


def _route(routes: Sequence[Route], method: str, path: str) -> Optional[Route]:
    for route in routes:
        if route.get("method", method) == method and re.search(route["path"], path):
            return route
    return None


def load_routes(path: Union[None, str, "os.PathLike[str]"]) -> List[Route]:
    """The routes of a --routes file (an empty list for None)."""
    if path is None:
        return []
    with open(path) as f:
        routes = json.load(f)
    if not isinstance(routes, list) or not all(isinstance(r, dict) and "path" in r and "status" in r
                                               for r in routes):
        raise ValueError("routes file %s must hold a list of {\"path\", \"status\", ...} objects" % path)
    return routes


def make_handler(log: List[Dict[str, Any]], lock: threading.Lock, status: int = 0, fail_first: int = 0,
                 routes: Sequence[Route] = ()) -> type:
    counter = {"n": 0}

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            body: Any = raw
            if raw and ctype == "application/json":
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {"unparsable_json": raw}
            elif raw and ctype == "application/x-www-form-urlencoded":
                body = {"form": urllib.parse.parse_qs(raw)}
            with lock:
                counter["n"] += 1
                n = counter["n"]
                log.append({
                    "method": self.command,
                    "path": self.path,
                    "headers": {k: v for k, v in self.headers.items() if k.lower() in KEPT_HEADERS},
                    "body": body,
                    "t": round(time.monotonic(), 3),
                })
            route = _route(routes, self.command, self.path)
            answer: Any = {"username": "alice"} if "users" in self.path else {}
            if route is not None:
                code, answer = int(route["status"]), route.get("body", {})
            elif status:
                code = status
            elif n <= fail_first:
                code = 503
            else:
                code = 201 if self.command == "POST" else 200
            out = json.dumps(answer).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def load_env(env: EnvLike) -> Dict[str, Any]:
    """An env file path, a mapping, or None -> a dict of (unsubstituted) variables."""
    if env is None:
        return {}
    if isinstance(env, Mapping):
        return dict(env)
    with open(env) as f:
        loaded = json.load(f)
    if not isinstance(loaded, dict):
        raise ValueError("env file %s must hold a JSON object" % env)
    return loaded


def record_with_context(
    python: str,
    script: str,
    env: EnvLike = None,
    *,
    cwd: Optional[str] = None,
    args: Sequence[str] = (),
    status: int = 0,
    fail_first: int = 0,
    grace: float = 1.0,
    timeout: float = 120.0,
    pythonpath: Optional[str] = None,
    tmp_parent: Optional[str] = None,
    routes: Sequence[Route] = (),
) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """Run ``python script args...`` against a fresh recording server.

    Returns ``(recording, context)``: the recording has record.py's fields; the context holds what
    normalisation needs: ``tmp`` (the {TMP} value), ``port``, ``server`` and ``cwd`` (None = inherited).
    ``tmp_parent`` only chooses where the {TMP} dir is created (default: the system temp dir);
    ``routes``: see --routes in the module docstring.
    """
    log: List[Dict[str, Any]] = []
    lock = threading.Lock()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(log, lock, status, fail_first, routes))
    server.daemon_threads = True
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        tmp = tempfile.mkdtemp(prefix="plx-record-", dir=tmp_parent)
        server_url = "http://127.0.0.1:%d" % port
        subst = {"{SERVER}": server_url, "{HOST}": "127.0.0.1", "{PORT}": str(port), "{TMP}": tmp}
        child_env = {k: os.environ[k] for k in PASSED_THROUGH if k in os.environ}
        if pythonpath:
            child_env["PYTHONPATH"] = pythonpath
        for k, v in load_env(env).items():
            v = v if isinstance(v, str) else json.dumps(v)
            for a, b in subst.items():
                v = v.replace(a, b)
            child_env[k] = v
        proc = subprocess.run([python, script] + list(args), env=child_env, cwd=cwd, capture_output=True,
                              text=True, timeout=timeout)
        time.sleep(grace)
    finally:
        server.shutdown()
        server.server_close()
    with lock:
        requests = [dict(r) for r in log]
    t0 = requests[0]["t"] if requests else 0
    for r in requests:
        r["t"] = round(r["t"] - t0, 3)
    recording = {"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr, "requests": requests}
    context = {"tmp": tmp, "port": port, "server": server_url, "cwd": cwd}
    return recording, context


def record(python: str, script: str, env: EnvLike = None, **kwargs: Any) -> Dict[str, Any]:
    """Like record.py: run the script and return the recording (see record_with_context for options)."""
    return record_with_context(python, script, env, **kwargs)[0]


def main(argv: Optional[Sequence[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", required=True, help="interpreter that runs the script")
    ap.add_argument("--env", help="JSON file of environment variables for the script")
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--grace", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--pythonpath", help="PYTHONPATH for the script (not passed through otherwise)")
    ap.add_argument("--cwd", help="working directory of the script (default: the current one)")
    ap.add_argument("--routes", help="JSON file of routes answering some requests differently (see above)")
    ap.add_argument("script")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    opts = ap.parse_args(argv)
    recording = record(opts.python, opts.script, opts.env, cwd=opts.cwd, args=opts.args, status=opts.status,
                       fail_first=opts.fail_first, grace=opts.grace, timeout=opts.timeout,
                       pythonpath=opts.pythonpath, routes=load_routes(opts.routes))
    json.dump(recording, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
