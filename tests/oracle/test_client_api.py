"""polyaxon-client 0.6.1's ``PolyaxonClient``, proven differentially.

The golden files ``tests/recordings/client_*__client061.json`` were recorded from polyaxon-client 0.6.1 (Python 3.7)
by scripts/record_oracle.py; the server answered some requests by route (``tests/oracle/routes/client_api.json``:
list pages, error statuses for experiments 400..504 and 418, text logs). Here the same scripts run under OUR
package, ``polyaxon_client`` being served by a two-file alias package (as in test_experiment_api.py).

- ``client_config`` (in a v0.2+ cluster, with every client variable set, with nothing set): every property, the
  ``api_config`` attributes, each setter, ``reset()``, the handlers' caching: the same output.
- ``client_api``: every HTTP method of every handler, ``None``/``[]`` defaults, 0.6.1's list pages, the error
  classes with ``reraise=True`` and ``background``/``periodic`` sends: the same output and the same requests
  (method, path with query, headers, body), in the same order. One documented difference: 0.6.1 printed a
  ``Request to <url> failed`` line pair on stderr for every error answer (logging's last resort); we log them
  on logger ``polyaxon_helper_compat.client``, silent unless the application configures logging.
"""
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

from .cases import RECORDINGS, REPO, parse_recording_name, run_case
from .normalize import comparable

pytestmark = pytest.mark.oracle

TIMEOUT = 90.0
GRACE = 0.5
CONFIG = sorted(p.name for p in RECORDINGS.glob("client_config__*__client061.json"))
API = "client_api__v0-server__client061.json"
ALIAS = {
    "__init__.py": "from polyaxon_helper_compat.client import PolyaxonClient  # noqa: F401\n",
    "tracking.py": "from polyaxon_helper_compat.tracking import *  # noqa: F401,F403\n",
}
FAILED = re.compile(r"^Request to http://127\.0\.0\.1:<PORT>/api/v1/\S+ failed with status code \d+\. $")


@pytest.fixture(scope="module")
def alias_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    package = tmp_path_factory.mktemp("alias") / "polyaxon_client"
    package.mkdir()
    for name, text in ALIAS.items():
        (package / name).write_text(text)
    return "%s:%s" % (package.parent, REPO)


@pytest.fixture(scope="module")
def client_api(alias_path: str, tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    """Our recording of client_api.py (run once for the module)."""
    script, env, _ = parse_recording_name(API)
    rec, _raw, _ctx = run_case(sys.executable, script, env, parent=str(tmp_path_factory.mktemp("case")),
                               grace=GRACE, timeout=TIMEOUT, pythonpath=alias_path)
    return rec


def _load(name: str) -> Dict[str, Any]:
    with open(RECORDINGS / name) as f:
        doc: Dict[str, Any] = json.load(f)
    return doc


def test_golden_files_exist():
    assert [parse_recording_name(n)[1] for n in CONFIG] == ["outside", "v0-client-settings", "v0-incluster"]
    assert (RECORDINGS / API).is_file()


@pytest.mark.parametrize("name", CONFIG, ids=lambda n: parse_recording_name(n)[1])
def test_client_properties_setters_and_reset(name, alias_path, tmp_path):
    """Every property, api_config attribute, setter, reset() and the handlers' caching, as 0.6.1."""
    golden = _load(name)
    script, env, _ = parse_recording_name(name)
    ours, _raw, _ctx = run_case(sys.executable, script, env, parent=str(tmp_path), grace=0.1, timeout=TIMEOUT,
                                pythonpath=alias_path)
    assert ours["returncode"] == golden["returncode"] == 0, ours["stderr"]
    assert ours["stderr"] == golden["stderr"]
    assert ours["stdout"].splitlines() == golden["stdout"].splitlines()
    assert ours["requests"] == golden["requests"] == []


def test_every_handler_method_returns_what_the_original_returned(client_api):
    """The same output line by line: cluster, version, user, experiment_job, build_job, bookmark, every method of
    the other handlers, list pages ({"count", "next": page + 1, "previous": page - 1, "results"}), the defaults
    on failure, the error classes and background/periodic returning None."""
    golden = _load(API)
    assert client_api["returncode"] == golden["returncode"] == 0, client_api["stderr"]
    assert client_api["stdout"].splitlines() == golden["stdout"].splitlines()


def test_every_handler_method_sends_the_original_requests(client_api):
    """Method, path and query, headers (Authorization, Content-Type, User-Agent) and body of every request,
    in order, the background ones (sent from the worker thread) and the periodic batches last."""
    golden = _load(API)
    g_requests, g_metrics, _ = comparable(golden)
    o_requests, o_metrics, _ = comparable(client_api)
    assert len(o_requests) == len(g_requests)
    for i, (mine, theirs) in enumerate(zip(o_requests, g_requests)):
        assert mine == theirs, "request %d" % i
    assert o_metrics == g_metrics  # metric POSTs, background and periodic (a JSON list)


def test_list_pages_are_normalised(client_api):
    """0.6.1 turns the server's page into page numbers: code that feeds ``next`` back as ``page=`` works."""
    lines = dict(line.split(" {", 1) for line in client_api["stdout"].splitlines() if " {\"count\"" in line)
    assert json.loads("{" + lines["experiment.get_statuses"]) == {
        "count": 45, "next": 2, "previous": None, "results": [{"id": 1, "status": "created"}]}
    assert json.loads("{" + lines["experiment.get_statuses page 2"])["next"] == 3
    assert json.loads("{" + lines["bookmark.experiments"])["results"] == [{"id": 7}, {"id": 8}]


@pytest.mark.parametrize(("code", "error"), [
    (400, "BadRequestError"), (401, "AuthenticationError"), (403, "AuthorizationError"), (404, "NotFoundError"),
    (429, "OverLimitError"), (500, "ServerError"), (502, "BadGatewayError"), (503, "ServiceUnavailableError"),
    (504, "GatewayTimeoutError"), (418, "PolyaxonHTTPError")])
def test_reraise_error_classes(client_api, code, error):
    """With ``reraise=True``: the class of the status, its base classes, ``str()``, ``status_code``, ``message``
    (``None``, as 0.6.1) and ``endpoint`` are the original's."""
    golden = _load(API)
    prefix = "reraise %d " % code
    (theirs,) = [line for line in golden["stdout"].splitlines() if line.startswith(prefix)]
    (mine,) = [line for line in client_api["stdout"].splitlines() if line.startswith(prefix)]
    assert mine == theirs
    assert mine.split(" ")[2] == error


def test_failed_requests_are_logged_not_printed(client_api):
    """Difference: 0.6.1 printed ``Request to <url> failed with status code <n>.`` and ``Reason: <answer>`` on
    stderr for each error answer (its logger had no handler: logging's last resort); ours logs the same at
    ERROR on ``polyaxon_helper_compat.client`` and prints nothing unless the application configures logging."""
    golden = _load(API)
    lines = golden["stderr"].splitlines()
    assert len(lines) == 100 and all(FAILED.match(line) for line in lines[0::2])  # 50 error answers
    assert all(line.startswith("Reason: {\"detail\": \"answered ") for line in lines[1::2])
    assert client_api["stderr"] == ""


def test_failed_request_log_lines(clean_api_server, caplog):
    """The lines 0.6.1 printed are logged, with the same text, when the application configures logging."""
    import logging

    from polyaxon_helper_compat.client import PolyaxonClient

    client = PolyaxonClient(host="127.0.0.1", port=clean_api_server, token="t")
    with caplog.at_level(logging.ERROR, logger="polyaxon_helper_compat.client"):
        assert client.experiment.get_experiment("alice", "mnist", 404) is None
    (record,) = caplog.records
    assert record.getMessage() == (
        "Request to http://127.0.0.1:%d/api/v1/alice/mnist/experiments/404/ failed with status code 404. \n"
        "Reason: {\"detail\": \"answered 404\"}" % clean_api_server)


@pytest.fixture
def clean_api_server():
    """A recording server on 127.0.0.1 answering by client_api's routes; yields its port."""
    import threading
    from http.server import ThreadingHTTPServer

    from .cases import routes_for
    from .recorder import make_handler

    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler([], threading.Lock(), routes=routes_for("client_api")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


