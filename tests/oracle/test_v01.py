"""polyaxon-helper 0.1.9 (and 0.5.0 after import), proven differentially in every environment they handled.

The golden files ``tests/recordings/<script>__<env>__helper019.json`` were recorded from polyaxon-helper 0.1.9
(``__helper050``: 0.5.0) on Python 3.7 by scripts/record_oracle.py; here the same scripts run under OUR package
with the same env files (tests/oracle/cases.py) and the normalised recordings are compared.

- Each variable 0.1.9 read, set alone (``v01-only-*``), invalid JSON, a whole v0.1 cluster, and variables set
  after import: exit code, stdout, stderr and requests exactly as 0.1.9.
- Every public name of 0.1.9 (``v01_names``): the same public functions (ours has more), the same values and
  the same request, but a metric value that is not a number (below).
- The deliberate differences, each asserted by its own test (named in the README's compatibility table):
  ``POLYAXON_LOG_LEVEL`` alone, nothing set at all, ``send_metrics`` where 0.1.9 could not send, a metric
  that is not a number, ``POLYAXON_NO_OP`` set after import, and 0.5.0's getters outside a cluster.
"""
import json
import re
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest

from .cases import RECORDINGS, REPO, parse_recording_name, run_case
from .normalize import comparable

pytestmark = pytest.mark.oracle

TIMEOUT = 60.0
GRACE = 0.4
LOCAL_LINE = re.compile(r"^polyaxon-helper-compat: recording this run locally in (?P<path><CWD>/\S+)$")
#: Each variable alone but POLYAXON_LOG_LEVEL (a documented difference), invalid JSON, a whole v0.1 cluster.
EXACT_GETTERS = sorted(p.name for p in RECORDINGS.glob("v01_getters__*__helper019.json")
                       if parse_recording_name(p.name)[1] not in ("v01-only-log-level", "outside"))
V01_VARIABLES = ["POLYAXON_CLUSTER", "POLYAXON_DECLARATIONS", "POLYAXON_EXPERIMENT_INFO", "POLYAXON_TASK_INFO",
                 "POLYAXON_JOB_INFO", "POLYAXON_DATA_PATHS", "POLYAXON_RUN_OUTPUTS_PATH",
                 "POLYAXON_REFS_OUTPUTS_PATHS", "POLYAXON_LOG_LEVEL", "POLYAXON_API", "POLYAXON_INTERNAL_SECRET_TOKEN"]

Ours = Callable[[str], Tuple[Dict[str, Any], Dict[str, Any]]]


def _load(name: str) -> Dict[str, Any]:
    with open(RECORDINGS / name) as f:
        doc: Dict[str, Any] = json.load(f)
    return doc


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> Ours:
    """Run a recording's script under our package once per module; returns (normalised recording, context)
    (the script's folder is kept until the end of the session, see context["cwd"])."""
    done: Dict[str, Tuple[Dict[str, Any], Dict[str, Any]]] = {}

    def run(name: str) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        if name not in done:
            script, env, _ = parse_recording_name(name)
            rec, _raw, ctx = run_case(sys.executable, script, env, parent=str(tmp_path_factory.mktemp("case")),
                                      cleanup=False, grace=GRACE, timeout=TIMEOUT, pythonpath=str(REPO))
            done[name] = rec, ctx
        return done[name]

    return run


def _same(golden: Dict[str, Any], ours: Dict[str, Any]) -> None:
    assert ours["returncode"] == golden["returncode"], "stderr:\n" + ours["stderr"]
    assert ours["stderr"] == golden["stderr"]
    assert ours["stdout"] == golden["stdout"]
    assert comparable(ours)[:2] == comparable(golden)[:2]


def _json_tail(stdout: str) -> Tuple[List[str], Dict[str, Any]]:
    """v01_getters' output: the lines printed before the JSON document, and the document."""
    start = stdout.index("{\n")
    return stdout[:start].splitlines(), json.loads(stdout[start:])


def _local_run(ctx: Dict[str, Any], stderr: str) -> Path:
    """The local run folder announced on the last line of ``stderr``."""
    m = LOCAL_LINE.match(stderr.splitlines()[-1])
    assert m is not None, stderr
    path = Path(m.group("path").replace("<CWD>", ctx["cwd"]))
    assert path.is_dir()
    return path


def test_golden_files_cover_every_variable():
    """One recording per variable polyaxon-helper 0.1.9 reads (derived from its source, see _settings)."""
    from polyaxon_helper_compat import _settings

    assert list(_settings.V01_VARIABLES) == V01_VARIABLES
    recorded = {next(iter(json.loads((REPO / "tests/oracle/envs" / (parse_recording_name(n)[1] + ".json"))
                                     .read_text()))) for n in EXACT_GETTERS if "v01-only-" in n}
    assert recorded | {"POLYAXON_LOG_LEVEL"} == set(V01_VARIABLES)


@pytest.mark.parametrize("name", EXACT_GETTERS, ids=lambda n: parse_recording_name(n)[1])
def test_v01_getters_parity(name, ours):
    """Each variable set alone, invalid JSON (0.1.9's messages), a whole v0.1 cluster: as 0.1.9."""
    _same(_load(name), ours(name)[0])


def test_variables_set_after_import_parity(ours):
    """0.1.9 read each variable at every call: so do we (nothing was set at import)."""
    name = "after_import__outside__helper019.json"
    golden = _load(name)
    assert "declarations set" in golden["stdout"] and '"get_declarations": {"a": 1}' in golden["stdout"]
    _same(golden, ours(name)[0])


def test_v01_every_public_name(ours):
    """Every public function of 0.1.9 exists under ours with the same value; the valid row is sent as 0.1.9 sent
    it (form field ``values``, ``Internaltoken`` auth); only the invalid metric's lines differ (next test)."""
    name = "v01_names__v01-incluster__helper019.json"
    golden, mine = _load(name), ours(name)[0]
    g_lines, o_lines = golden["stdout"].splitlines(), mine["stdout"].splitlines()
    g_public = json.loads(g_lines.pop(0).split(" ", 2)[2])
    o_public = json.loads(o_lines.pop(0).split(" ", 2)[2])
    assert set(g_public) <= set(o_public), sorted(set(g_public) - set(o_public))
    assert set(o_public) - set(g_public) == {"get_params"}  # polyaxon-helper 0.5.0's name
    invalid = [line for line in g_lines if "not a number" in line]
    assert invalid == ["Could not send metrics {'loss': 'not a number'}",
                       "send_metrics(loss='not a number') returned"]
    assert [line for line in o_lines if "not a number" not in line] == [
        line for line in g_lines if "not a number" not in line]
    assert (mine["returncode"], mine["stderr"]) == (golden["returncode"], golden["stderr"]) == (0, "")
    assert comparable(mine)[:2] == comparable(golden)[:2]
    (request,) = golden["requests"]
    assert request["body"] == {"form": {"values": ['{"loss": 0.25, "accuracy": 0.5, "step": 1.0}']}}


def test_v01_metric_that_is_not_a_number_raises_type_error(ours):
    """Difference: 0.1.9 printed ``Could not send metrics {...}`` and dropped the row; we raise ``TypeError``."""
    mine = ours("v01_names__v01-incluster__helper019.json")[0]
    assert "send_metrics(loss='not a number') raised TypeError" in mine["stdout"].splitlines()
    assert "Could not send metrics" not in mine["stdout"]


def test_v01_log_level_alone_is_not_a_v01_cluster(ours):
    """Difference: ``POLYAXON_LOG_LEVEL`` alone (Polyaxon v2's client log level too, set on laptops) is read by
    ``get_log_level()`` but does not make a v0.1 cluster: ``get_outputs_path()`` is the local run's folder where
    0.1.9 returned ``None``, and ``get_tf_config()`` is ``None`` where 0.1.9 exported a ``TF_CONFIG`` of nulls."""
    name = "v01_getters__v01-only-log-level__helper019.json"
    golden = _load(name)
    mine, ctx = ours(name)
    g_printed, g_values = _json_tail(golden["stdout"])
    o_printed, o_values = _json_tail(mine["stdout"])
    assert o_printed == g_printed  # get_api's message, twice
    assert g_values["get_log_level()"] == o_values["get_log_level()"] == "DEBUG"
    assert (g_values["get_outputs_path()"], g_values["get_tf_config()"]["cluster"]) == (None, None)
    assert g_values["TF_CONFIG env"] is not None
    outputs = _local_run(ctx, mine["stderr"]) / "outputs"
    assert o_values.pop("get_outputs_path()") == str(outputs).replace(ctx["cwd"], "<CWD>")
    assert (o_values.pop("get_tf_config()"), o_values.pop("TF_CONFIG env")) == (None, None)
    for key in ("get_outputs_path()", "get_tf_config()", "TF_CONFIG env"):
        del g_values[key]
    assert o_values == g_values


def test_v01_nothing_set(ours):
    """Difference: with no variable at all 0.1.9 returned ``None`` from every getter, printed ``get_api``'s
    message and exported ``TF_CONFIG={"cluster": null, ...}``; we print the same message and return the same
    ``None`` values, but ``get_outputs_path()`` is the local run's outputs folder and ``get_tf_config()`` is
    ``None`` (nothing exported), as outside a cluster with polyaxon-helper 0.5.0 (which raised)."""
    name = "v01_getters__outside__helper019.json"
    golden = _load(name)
    mine, ctx = ours(name)
    g_printed, g_values = _json_tail(golden["stdout"])
    o_printed, o_values = _json_tail(mine["stdout"])
    assert o_printed == g_printed
    assert o_values.pop("get_outputs_path()") == str(_local_run(ctx, mine["stderr"]) / "outputs").replace(
        ctx["cwd"], "<CWD>")
    assert (o_values.pop("get_tf_config()"), o_values.pop("TF_CONFIG env")) == (None, None)
    assert g_values.pop("get_tf_config()") == {"cluster": None, "task": None, "model_dir": None,
                                               "environment": "cloud"}
    assert g_values.pop("get_outputs_path()") is None and g_values.pop("TF_CONFIG env")
    assert o_values == g_values == {key: None for key in g_values}


@pytest.mark.parametrize(("env", "original"), [
    ("v01-only-experiment-info", ["Could get api info, please make sure this is running inside a polyaxon job.",
                                  "Environment information not found, please make sure this is running inside a "
                                  "polyaxon job.", "send_metrics returned"]),
    ("v01-only-api", ["send_metrics raised AttributeError"]),
    ("outside", ["send_metrics raised AttributeError"]),
])
def test_v01_send_metrics_without_an_api_records_locally(ours, env, original):
    """Difference: where 0.1.9 could not send (no experiment info: ``AttributeError``; no API or token: a
    message and the row dropped) the row is kept in the local run store."""
    name = "v01_send__%s__helper019.json" % env
    golden = _load(name)
    mine, ctx = ours(name)
    assert golden["stdout"].splitlines() == original and golden["requests"] == []
    assert mine["stdout"].splitlines()[-1] == "send_metrics returned"
    assert mine["returncode"] == 0 and mine["requests"] == []
    rows = (_local_run(ctx, mine["stderr"]) / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(row)["values"] for row in rows] == [{"loss": 0.5}]


def _labelled(stdout: str) -> Dict[str, Dict[str, Any]]:
    """after_import_v0's output: label -> the getters' values."""
    out = {}
    for line in stdout.splitlines():
        label, _, values = line.partition(" {")
        out[label] = json.loads("{" + values)
    return out


def test_variables_changed_after_import_parity_v050(ours):
    """polyaxon-helper 0.5.0 in a v0.2+ cluster: getters read each variable at every call, as ours (the PATCH
    of ``run_env`` at import too); the lines up to ``POLYAXON_NO_OP set`` (next test) are the same."""
    name = "after_import_v0__v0-incluster__helper050.json"
    golden, mine = _load(name), ours(name)[0]
    g, o = _labelled(golden["stdout"]), _labelled(mine["stdout"])
    assert list(g) == list(o) == ["at import", "changed", "POLYAXON_IS_MANAGED set", "POLYAXON_NO_OP set"]
    for label in ("at import", "changed", "POLYAXON_IS_MANAGED set"):
        assert o[label] == g[label], label
    assert g["changed"]["get_params"] == {"lr": 0.5} and g["changed"]["get_task_info"] is None
    assert (mine["returncode"], mine["stderr"]) == (golden["returncode"], golden["stderr"]) == (0, "")
    assert comparable(mine)[:2] == comparable(golden)[:2]


def test_no_op_set_after_import_is_read_by_the_getters(ours):
    """Difference: 0.5.0 read ``POLYAXON_NO_OP`` (and ``POLYAXON_IS_MANAGED``) once, at import, so setting it
    later changed nothing; our getters read it at every call and return ``None`` (the run already started
    keeps sending: its context is fixed when it starts)."""
    name = "after_import_v0__v0-incluster__helper050.json"
    g, o = _labelled(_load(name)["stdout"]), _labelled(ours(name)[0]["stdout"])
    assert g["POLYAXON_NO_OP set"] == g["POLYAXON_IS_MANAGED set"]
    assert o["POLYAXON_NO_OP set"] == {key: None for key in g["POLYAXON_NO_OP set"]}


def test_v050_getters_outside_a_cluster_after_import(ours):
    """Difference: outside a cluster 0.5.0's getters raised, before and after variables were set (its context
    was read at import); ours return ``None``, then each variable once set (the v0.1 rule: ``POLYAXON_CLUSTER``
    and ``POLYAXON_JOB_INFO`` are among the variables 0.1.9 read), and ``None`` again under no-op."""
    name = "after_import_v0__outside__helper050.json"
    golden, mine = _load(name), ours(name)[0]
    raised = "<raised PolyaxonClientException: This experiment/job is not managed by Polyaxon.>"
    g, o = _labelled(golden["stdout"]), _labelled(mine["stdout"])
    assert all(set(values.values()) == {raised} for values in g.values())
    assert o["at import"] == {key: None for key in o["at import"]}
    expected = dict(o["at import"], get_cluster_def={"master": ["h:2000"]}, get_declarations={"lr": 0.5},
                    get_params={"lr": 0.5}, get_job_info={"job_name": "alice.mnist.jobs.2"}, get_log_level="DEBUG")
    assert o["changed"] == o["POLYAXON_IS_MANAGED set"] == expected
    assert o["POLYAXON_NO_OP set"] == o["at import"]
    assert (mine["returncode"], mine["stderr"], mine["requests"]) == (0, "", [])
