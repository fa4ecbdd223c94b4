"""Normalise recordings (see recorder.py) so that the original's and ours compare equal when they behave the same.

What is volatile and replaced:
- the {TMP} dir (and the script's cwd, when it is a temp copy) anywhere in a string -> "<TMP>" ("<CWD>");
  any other "plx-record-XXXXXXXX" temp dir that slipped through -> "<TMP>";
- the recording server's port: "127.0.0.1:<PORT>";
- the `t` timing of every request (dropped);
- the `User-Agent` version: "python-requests/<v>";
- in a PATCH body's `run_env` (or a create POST's, polyaxon-client 0.6.1 `create`): pid, hostname, os, python_version, python_version_verbose, client_version,
  packages, user, module_path -> "<key>" placeholders. The keys are kept, so the key set is still compared;
  every other run_env field (system, filename, is_notebook, sys.argv) is compared as it is;
- in metric POST bodies (path ending in "/metrics/", a JSON list of {"values": ..., "created_at": ...}):
  created_at -> "<created_at>" when it has the original's format, else "<BAD created_at: ...>" so that the
  comparison fails.

Batching of metrics depends on timing (the original's periodic worker sends what accumulated each second,
at most 201 rows per request at first), so `split_metrics` turns the metric POSTs into one row stream per
path plus the list of batch sizes; tests compare the streams exactly and only check the batch sizes' bounds.
"""
import copy
import json
import os
import re
from typing import Any, Dict, Iterable, List, Optional, Tuple

RUN_ENV_VOLATILE = ("pid", "hostname", "os", "python_version", "python_version_verbose", "client_version",
                    "packages", "user", "module_path")

# str(pytz.utc.localize(datetime.utcnow())) as polyaxon-client 0.5.0 sends it. str() of a datetime drops
# the fraction when microsecond == 0, so the original itself sends "...:SS+00:00" once in a million rows.
CREATED_AT_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$")
CREATED_AT = "<created_at>"
MAX_FIRST_BATCH = 201  # QUEUE_CALL (200) + 1 in polyaxon_client.workers.periodic_worker

_TEMP_DIR_RE = re.compile(r"(?:/[^/\s\"'\\]+)*/plx-record-[A-Za-z0-9_]{8}")
_UA_RE = re.compile(r"python-requests/[^\s]+")


def is_metrics_request(req: Dict[str, Any]) -> bool:
    return req.get("method") == "POST" and str(req.get("path", "")).split("?")[0].endswith("/metrics/")


def _path_variants(path: Optional[str]) -> List[str]:
    if not path:
        return []
    out = {path.rstrip("/"), os.path.realpath(path).rstrip("/")}
    return sorted((p for p in out if p and p != "/"), key=len, reverse=True)


def _replacer(tmp: Optional[str], cwd: Optional[str], port: Optional[int],
              paths: Iterable[Tuple[str, str]] = ()) -> Any:
    pairs: List[Tuple[str, str]] = []
    for p in _path_variants(tmp):
        pairs.append((p, "<TMP>"))
    for p in _path_variants(cwd):
        pairs.append((p, "<CWD>"))
    for path, placeholder in paths:
        for p in _path_variants(path):
            pairs.append((p, placeholder))
    # longest first, so that a tmp dir inside the cwd (or the reverse) is replaced whole
    pairs.sort(key=lambda ab: len(ab[0]), reverse=True)
    port_re = re.compile(r"127\.0\.0\.1:%d(?!\d)" % port) if port else None

    def fix(s: str) -> str:
        for a, b in pairs:
            s = s.replace(a, b)
        s = _TEMP_DIR_RE.sub("<TMP>", s)
        if port_re is not None:
            s = port_re.sub("127.0.0.1:<PORT>", s)
        return s

    return fix


def _walk(obj: Any, fix: Any) -> Any:
    if isinstance(obj, str):
        return fix(obj)
    if isinstance(obj, list):
        return [_walk(x, fix) for x in obj]
    if isinstance(obj, dict):
        return {fix(k) if isinstance(k, str) else k: _walk(v, fix) for k, v in obj.items()}
    return obj


def normalize_created_at(value: Any) -> str:
    if isinstance(value, str) and CREATED_AT_RE.match(value):
        return CREATED_AT
    return "<BAD created_at: %r>" % (value,)


def normalize_request(req: Dict[str, Any]) -> Dict[str, Any]:
    req = copy.deepcopy(req)
    req.pop("t", None)
    headers = req.get("headers") or {}
    for k in list(headers):
        if k.lower() == "user-agent" and isinstance(headers[k], str):
            headers[k] = _UA_RE.sub("python-requests/<v>", headers[k])
    body = req.get("body")
    if req.get("method") in ("PATCH", "POST") and isinstance(body, dict) and isinstance(body.get("run_env"), dict):
        run_env = body["run_env"]
        for key in RUN_ENV_VOLATILE:
            if key in run_env:
                run_env[key] = "<%s>" % key
    if is_metrics_request(req) and isinstance(body, list):
        for row in body:
            if isinstance(row, dict) and "created_at" in row:
                row["created_at"] = normalize_created_at(row["created_at"])
    return req


def normalize(recording: Dict[str, Any], *, tmp: Optional[str] = None, cwd: Optional[str] = None,
              port: Optional[int] = None, paths: Iterable[Tuple[str, str]] = ()) -> Dict[str, Any]:
    """A normalised deep copy of a recording. tmp/cwd/port: from recorder.record_with_context's context;
    paths: extra (path, placeholder) pairs, e.g. an interpreter's prefix that shows in tracebacks."""
    fix = _replacer(tmp, cwd, port, paths)
    rec: Dict[str, Any] = _walk(copy.deepcopy(recording), fix)
    rec["requests"] = [normalize_request(r) for r in rec.get("requests", [])]
    return rec


def normalize_with_context(recording: Dict[str, Any], context: Dict[str, Any],
                           paths: Iterable[Tuple[str, str]] = ()) -> Dict[str, Any]:
    return normalize(recording, tmp=context.get("tmp"), cwd=context.get("cwd"), port=context.get("port"),
                     paths=paths)


def split_metrics(requests: Iterable[Dict[str, Any]]) -> Dict[str, Any]:
    """Separate the metric POSTs from the other requests.

    Returns {"requests": [the non-metric requests, in order],
             "metrics": {path: {"rows": [every row of every batch, in order of arrival],
                                "batch_sizes": [rows per POST],
                                "headers": [distinct header dicts of the batches, in order],
                                "bad_bodies": [bodies that were not a JSON list]}}}.
    All metric POSTs to a path are merged, not only adjacent ones: when they interleave with synchronous
    requests (e.g. a status PATCH), the interleaving is as timing dependent as the batching itself.
    """
    others: List[Dict[str, Any]] = []
    metrics: Dict[str, Dict[str, Any]] = {}
    for req in requests:
        if not is_metrics_request(req):
            others.append(req)
            continue
        stream = metrics.setdefault(req["path"], {"rows": [], "batch_sizes": [], "headers": [], "bad_bodies": []})
        body = req.get("body")
        if isinstance(body, list):
            stream["rows"].extend(body)
            stream["batch_sizes"].append(len(body))
        else:
            stream["bad_bodies"].append(body)
            stream["batch_sizes"].append(0)
        if req.get("headers") not in stream["headers"]:
            stream["headers"].append(req.get("headers"))
    return {"requests": others, "metrics": metrics}


def batch_size_problems(batch_sizes: List[int], max_first: int = MAX_FIRST_BATCH) -> List[str]:
    """Empty when every batch holds 1..max_first rows."""
    return ["batch %d holds %d rows (expected 1..%d)" % (i, n, max_first)
            for i, n in enumerate(batch_sizes) if not 1 <= n <= max_first]


def lower_header_names(headers: Dict[str, Any]) -> Dict[str, Any]:
    """HTTP header names are case-insensitive (RFC 9110); values are compared as they are."""
    return {k.lower(): v for k, v in (headers or {}).items()}


def comparable(recording: Dict[str, Any]) -> Tuple[List[Dict[str, Any]], Dict[str, Any], Dict[str, List[int]]]:
    """Split a normalised recording for comparison: (non-metric requests with lower-cased header names,
    metric streams per path without batching {"rows", "headers", "bad_bodies"}, batch sizes per path)."""
    split = split_metrics(recording["requests"])
    requests = [{"method": r["method"], "path": r["path"], "headers": lower_header_names(r["headers"]),
                 "body": r["body"]} for r in split["requests"]]
    streams = {path: {"rows": s["rows"], "headers": [lower_header_names(h) for h in s["headers"]],
                      "bad_bodies": s["bad_bodies"]} for path, s in split["metrics"].items()}
    batches = {path: s["batch_sizes"] for path, s in split["metrics"].items()}
    return requests, streams, batches


def leftover_volatile(doc: Dict[str, Any]) -> List[str]:
    """What must never be left in a normalised (golden) recording: temp paths, the port, timings,
    per-machine run_env values, a created_at in an unexpected format. Empty when clean."""
    found = []
    text = json.dumps(doc)
    for needle in ("plx-record-", "plx-case-", "plx-oracle", "/tmp/", "/private/var/folders/"):
        if needle in text:
            found.append("contains %r" % needle)
    if re.search(r"127\.0\.0\.1:\d", text):
        found.append("contains the server's port")
    for i, req in enumerate(doc.get("requests", [])):
        if "t" in req:
            found.append("request %d keeps its timing" % i)
        body = req.get("body")
        run_env = body.get("run_env") if isinstance(body, dict) else None
        if isinstance(run_env, dict):
            for k in RUN_ENV_VOLATILE:
                if k in run_env and run_env[k] != "<%s>" % k:
                    found.append("request %d: run_env[%r] not normalised" % (i, k))
        ua = lower_header_names(req.get("headers") or {}).get("user-agent", "")
        if ua.startswith("python-requests/") and ua != "python-requests/<v>":
            found.append("request %d: User-Agent version kept" % i)
    if "<BAD created_at" in text:
        found.append("a created_at has an unexpected format")
    return found
