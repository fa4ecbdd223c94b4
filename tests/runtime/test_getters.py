"""Getters in each context: v0 cluster (values and invalid JSON as polyaxon-client 0.5.0), outside, no-op."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import polyaxon_helper_compat as compat
from polyaxon_helper_compat import _run, _settings

V0 = {
    "POLYAXON_IN_CLUSTER": "true",
    "POLYAXON_CLUSTER": '{"master": ["m0:2000"], "worker": ["w1:2000"]}',
    "POLYAXON_TASK_INFO": '{"type": "worker", "index": 1}',
    "POLYAXON_EXPERIMENT_INFO": '{"project_name": "bob.p", "experiment_name": "bob.p.3"}',
    "POLYAXON_JOB_INFO": '{"job_name": "bob.p.jobs.2"}',
    "POLYAXON_PARAMS": '{"lr": 0.1}',
    "POLYAXON_RUN_DATA_PATHS": '{"data1": "/data/1"}',
    "POLYAXON_REFS_OUTPUTS_PATHS": '{"jobs": ["bob/p/jobs/1"]}',
    "POLYAXON_RUN_OUTPUTS_PATH": "/outputs/bob/p/3",
    "POLYAXON_LOG_LEVEL": "WARNING",
}


def set_env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    _run.reset()


@pytest.mark.parametrize(
    ("getter", "expected"),
    [
        pytest.param("get_cluster_def", {"master": ["m0:2000"], "worker": ["w1:2000"]}, id="cluster"),
        pytest.param("get_task_info", {"type": "worker", "index": 1}, id="task"),
        pytest.param("get_experiment_info", {"project_name": "bob.p", "experiment_name": "bob.p.3"}, id="info"),
        pytest.param("get_job_info", {"job_name": "bob.p.jobs.2"}, id="job"),
        pytest.param("get_params", {"lr": 0.1}, id="params"),
        pytest.param("get_declarations", {"lr": 0.1}, id="declarations"),
        pytest.param("get_data_paths", {"data1": "/data/1"}, id="data paths"),
        pytest.param("get_outputs_refs_paths", {"jobs": ["bob/p/jobs/1"]}, id="refs"),
        pytest.param("get_outputs_path", "/outputs/bob/p/3", id="outputs"),
        pytest.param("get_log_level", "WARNING", id="log level"),
    ],
)
def test_v0_cluster_values(clean_env, monkeypatch, getter, expected):
    set_env(monkeypatch, V0)
    assert getattr(compat, getter)() == expected


# (variable, getter, the message polyaxon-client 0.5.0 prints on stdout for invalid JSON)
INVALID = [
    ("POLYAXON_CLUSTER", "get_cluster_def", "cluster definition"),
    ("POLYAXON_TASK_INFO", "get_task_info", "task info"),
    ("POLYAXON_EXPERIMENT_INFO", "get_experiment_info", "experiment info"),
    ("POLYAXON_JOB_INFO", "get_job_info", "experiment info"),  # sic, as the original
    ("POLYAXON_PARAMS", "get_params", "params"),
    ("POLYAXON_RUN_DATA_PATHS", "get_data_paths", "data paths"),
    ("POLYAXON_REFS_OUTPUTS_PATHS", "get_outputs_refs_paths", "outputs refs paths"),
]


@pytest.mark.parametrize(("var", "getter", "what"), INVALID, ids=[i[1] for i in INVALID])
def test_invalid_json_prints_original_message_and_returns_none(clean_env, monkeypatch, capsys, var, getter, what):
    set_env(monkeypatch, {**V0, var: "{not json"})
    assert getattr(compat, getter)() is None
    out = capsys.readouterr()
    assert out.out == "Could get %s, please make sure this is running inside a polyaxon job.\n" % what
    assert out.err == ""


@pytest.mark.parametrize("var", ["POLYAXON_CLUSTER", "POLYAXON_PARAMS", "POLYAXON_RUN_DATA_PATHS"])
def test_unset_or_empty_variable_is_none_without_message(clean_env, monkeypatch, capsys, var):
    set_env(monkeypatch, {**V0, var: ""})
    getter = {"POLYAXON_CLUSTER": compat.get_cluster_def, "POLYAXON_PARAMS": compat.get_params,
              "POLYAXON_RUN_DATA_PATHS": compat.get_data_paths}[var]
    assert getter() is None
    assert capsys.readouterr().out == ""


def test_tf_config_in_cluster_is_exported(clean_env, monkeypatch):
    set_env(monkeypatch, V0)
    expected = {"cluster": {"master": ["m0:2000"], "worker": ["w1:2000"]}, "task": {"type": "worker", "index": 1},
                "model_dir": "/outputs/bob/p/3", "environment": "cloud"}
    assert compat.get_tf_config() == expected
    assert json.loads(os.environ["TF_CONFIG"]) == expected
    assert compat.get_tf_config("MY_TF") == expected
    assert json.loads(os.environ["MY_TF"]) == expected


def test_tf_config_envvar_none_exports_nothing(clean_env, monkeypatch):
    set_env(monkeypatch, V0)
    assert compat.get_tf_config(None)["environment"] == "cloud"
    assert "TF_CONFIG" not in os.environ


GETTERS = ["get_cluster_def", "get_task_info", "get_experiment_info", "get_job_info", "get_params",
           "get_declarations", "get_data_paths", "get_outputs_refs_paths", "get_log_level", "get_tf_config"]


@pytest.mark.parametrize("getter", GETTERS)
def test_outside_cluster_getters_return_none(clean_env, getter, capsys):
    assert getattr(compat, getter)() is None
    assert "TF_CONFIG" not in os.environ
    assert capsys.readouterr().out == ""


def test_outside_cluster_outputs_path_is_the_local_run_outputs(clean_env, capsys):
    path = compat.get_outputs_path()
    assert os.path.isdir(path)
    assert path.startswith(str(clean_env / ".polyaxon-compat" / "runs"))
    assert path.endswith(os.sep + "outputs")
    assert compat.get_outputs_path() == path  # one run per process
    err = capsys.readouterr().err
    assert err == "polyaxon-helper-compat: recording this run locally in %s\n" % os.path.dirname(path)


def test_runs_dir_can_be_overridden(clean_env, monkeypatch, tmp_path):
    set_env(monkeypatch, {"POLYAXON_COMPAT_RUNS_DIR": str(tmp_path / "elsewhere")})
    assert compat.get_outputs_path().startswith(str(tmp_path / "elsewhere") + os.sep)


@pytest.mark.parametrize("value", ["true", "1", "TRUE", "yes", "on"])
def test_no_op_getters_and_metrics(clean_env, monkeypatch, value):
    set_env(monkeypatch, {**V0, "POLYAXON_NO_OP": value})
    for getter in GETTERS + ["get_outputs_path"]:
        assert getattr(compat, getter)() is None, getter
    compat.send_metrics(loss=1.0)
    compat.send_metrics(loss="not checked under no-op")  # the original ignored the call entirely
    assert "TF_CONFIG" not in os.environ
    assert not (clean_env / ".polyaxon-compat").exists()


@pytest.mark.parametrize(
    ("raw", "expected", "warns"),
    [("true", True, False), ("1", True, False), ("Yes", True, False), ("t", True, False),
     ("false", False, False), ("0", False, False), ("off", False, False), ("", False, False),
     ("maybe", False, True), ("2", False, True)],
)
def test_booleans_like_strtobool_and_bad_values_warn(monkeypatch, capsys, raw, expected, warns):
    monkeypatch.setenv("POLYAXON_X", raw)
    assert _settings.get_bool("POLYAXON_X") is expected
    err = capsys.readouterr().err
    assert (err == "polyaxon-helper-compat: ignoring POLYAXON_X=%r: not a boolean (use true/false or 1/0)\n"
            % raw) if warns else err == ""


@pytest.mark.parametrize(
    ("env", "kind", "backend"),
    [
        ({}, "outside", "local"),
        ({"POLYAXON_NO_OP": "1"}, "no-op", "no-op"),
        ({"POLYAXON_IS_MANAGED": "true"}, "v0", "http-v0"),
        ({"POLYAXON_IN_CLUSTER": "true"}, "v0", "local"),
        ({"POLYAXON_IS_MANAGED": "true", "POLYAXON_NO_OP": "true"}, "no-op", "no-op"),
        ({"POLYAXON_IS_MANAGED": "true", "POLYAXON_COMPAT_BACKEND": "local"}, "v0", "local"),
        ({"POLYAXON_COMPAT_BACKEND": "no-op"}, "outside", "no-op"),
    ],
)
def test_context_detection(clean_env, monkeypatch, env, kind, backend):
    set_env(monkeypatch, env)
    ctx = _settings.get_context()
    assert (ctx.kind, ctx.backend) == (kind, backend)


def test_unknown_forced_backend_is_reported_and_ignored(clean_env, monkeypatch, capsys):
    set_env(monkeypatch, {"POLYAXON_COMPAT_BACKEND": "carrier-pigeon"})
    assert _settings.get_context().backend == "local"
    assert "ignoring POLYAXON_COMPAT_BACKEND='carrier-pigeon'" in capsys.readouterr().err


V01 = {
    "POLYAXON_API": "http://api",
    "POLYAXON_INTERNAL_SECRET_TOKEN": "t",
    "POLYAXON_DECLARATIONS": '{"lr": 0.01}',
    "POLYAXON_DATA_PATHS": '{"data1": "/data/1"}',
    "POLYAXON_RUN_OUTPUTS_PATH": "/outputs",
    "POLYAXON_LOG_LEVEL": "DEBUG",
}


def test_v01_context_reads_the_v01_names(clean_env, monkeypatch):
    set_env(monkeypatch, V01)
    assert _settings.get_context().kind == "v0.1"
    assert compat.get_declarations() == compat.get_params() == {"lr": 0.01}
    assert compat.get_data_paths() == {"data1": "/data/1"}
    assert compat.get_outputs_path() == "/outputs"
    assert compat.get_log_level() == "DEBUG"


@pytest.mark.parametrize(
    ("env", "params", "data"),
    [
        pytest.param({"POLYAXON_PARAMS": '{"lr": 1}', "POLYAXON_DECLARATIONS": '{"lr": 2}'}, {"lr": 1}, None,
                     id="POLYAXON_PARAMS before POLYAXON_DECLARATIONS"),
        pytest.param({"POLYAXON_DECLARATIONS": '{"lr": 2}'}, {"lr": 2}, None, id="declarations when params unset"),
        pytest.param({"POLYAXON_RUN_DATA_PATHS": '{"a": "/a"}', "POLYAXON_DATA_PATHS": '{"b": "/b"}'}, None,
                     {"a": "/a"}, id="RUN_DATA_PATHS before DATA_PATHS"),
    ],
)
@pytest.mark.parametrize("marker", [{"POLYAXON_IS_MANAGED": "true"}, {"POLYAXON_API": "http://api"}],
                         ids=["v0.2+ context", "v0.1 context"])
def test_mixed_generations_precedence(clean_env, monkeypatch, env, params, data, marker):
    set_env(monkeypatch, {**marker, **env})
    assert compat.get_params() == params
    assert compat.get_data_paths() == data


def test_v02_marker_wins_over_v01_names(clean_env, monkeypatch):
    set_env(monkeypatch, {**V01, "POLYAXON_IS_MANAGED": "true"})
    assert _settings.get_context().kind == "v0"


@pytest.mark.parametrize(("env", "message"), [
    ({"POLYAXON_DECLARATIONS": "{bad"}, "declarations"),
    ({"POLYAXON_PARAMS": "{bad", "POLYAXON_DECLARATIONS": '{"lr": 2}'}, "params"),
])
def test_invalid_json_message_names_the_variable_read(clean_env, monkeypatch, capsys, env, message):
    set_env(monkeypatch, {"POLYAXON_API": "http://api", **env})
    assert compat.get_declarations() is None
    assert capsys.readouterr().out == "Could get %s, please make sure this is running inside a polyaxon job.\n" % message


# -- read at every call; the run keeps the context it started with ----------------------------------------
def test_a_variable_set_after_import_is_read(clean_env, monkeypatch):
    """As the originals, which called os.getenv in every getter: no cached context (issue: a notebook, a
    launcher or a test sets the variables after ``import polyaxon_helper``)."""
    assert compat.get_declarations() is None
    monkeypatch.setenv("POLYAXON_DECLARATIONS", '{"a": 1}')
    assert compat.get_declarations() == {"a": 1}
    assert _settings.get_context().kind == "v0.1"
    assert compat.get_outputs_path() is None  # a v0.1 cluster without POLYAXON_RUN_OUTPUTS_PATH, as 0.1.9
    monkeypatch.setenv("POLYAXON_RUN_OUTPUTS_PATH", "/out")
    assert compat.get_outputs_path() == "/out"
    monkeypatch.setenv("POLYAXON_NO_OP", "1")
    assert compat.get_declarations() is None and compat.get_outputs_path() is None


def test_the_run_keeps_the_context_it_started_with(clean_env, monkeypatch):
    """The backend is chosen when the run starts (here the first send_metrics, outside a cluster: local) and
    kept; getters follow the environment."""
    monkeypatch.setattr(compat, "_experiment", None)  # the module's default experiment of an earlier test
    compat.send_metrics(loss=1.0)
    backend = _run.get_backend()
    assert backend.name == "local" and _run.context().kind == "outside"
    monkeypatch.setenv("POLYAXON_NO_OP", "true")
    monkeypatch.setenv("POLYAXON_PARAMS", '{"lr": 1}')
    assert _settings.get_context().kind == "no-op" and compat.get_params() is None
    compat.send_metrics(loss=2.0)
    assert _run.get_backend() is backend and _run.context().kind == "outside"
    _run.set_backend(None)
    backend.close(timeout=2)
    rows = [json.loads(line)["values"] for line in (Path(backend.path) / "metrics.jsonl").read_text().splitlines()]
    assert rows == [{"loss": 1.0}, {"loss": 2.0}]


@pytest.mark.parametrize(("env", "kind", "backend"), [
    ({"POLYAXON_CLUSTER": '{"master": ["h:2000"]}'}, "v0.1", "local"),
    ({"POLYAXON_TASK_INFO": '{"type": "master", "index": 0}'}, "v0.1", "local"),
    ({"POLYAXON_RUN_OUTPUTS_PATH": "/out"}, "v0.1", "local"),
    ({"POLYAXON_EXPERIMENT_INFO": '{"experiment_name": "a.b.1"}'}, "v0.1", "local"),
    ({"POLYAXON_API": "http://api"}, "v0.1", "http-v0"),
    ({"POLYAXON_INTERNAL_SECRET_TOKEN": "t"}, "v0.1", "http-v0"),
    ({"POLYAXON_LOG_LEVEL": "DEBUG"}, "outside", "local"),
    ({"POLYAXON_LOG_LEVEL": "DEBUG", "POLYAXON_RUN_INSTANCE": "a.b.runs.1", "POLYAXON_COMPAT_BACKEND": "polyaxon-v2"},
     "outside", "polyaxon-v2"),
], ids=["cluster", "task info", "outputs path", "experiment info", "api", "token", "log level alone",
        "log level on a v2 laptop"])
def test_any_variable_of_0_1_9_means_a_v01_cluster(clean_env, monkeypatch, env, kind, backend):
    """Any variable polyaxon-helper 0.1.9 read but POLYAXON_LOG_LEVEL (Polyaxon v2's too): metrics go to the v0.1
    API when POLYAXON_API or its token says there is one, else to the local run store."""
    set_env(monkeypatch, env)
    ctx = _settings.get_context()
    assert (ctx.kind, ctx.backend) == (kind, backend)


def test_getter_without_a_cluster_reads_the_log_level(clean_env, monkeypatch):
    """POLYAXON_LOG_LEVEL alone: get_log_level() returns it (0.1.9 did; 0.5.0 raised), nothing else changes."""
    set_env(monkeypatch, {"POLYAXON_LOG_LEVEL": "DEBUG"})
    assert compat.get_log_level() == "DEBUG"
    assert compat.get_tf_config() is None and "TF_CONFIG" not in os.environ


def test_get_api_and_get_internal_token(clean_env, monkeypatch, capsys):
    """polyaxon-helper 0.1.9's get_api(version='v1') and get_internal_token(), in every context."""
    assert compat.get_api() is None and compat.get_internal_token() is None
    assert capsys.readouterr().out == "Could get api info, please make sure this is running inside a polyaxon job.\n"
    monkeypatch.setenv("POLYAXON_API", "http://10.0.0.1:80")
    monkeypatch.setenv("POLYAXON_INTERNAL_SECRET_TOKEN", "s3cret")
    assert (compat.get_api(), compat.get_api("v2"), compat.get_internal_token()) == (
        "http://10.0.0.1:80/api/v1", "http://10.0.0.1:80/api/v2", "s3cret")
    monkeypatch.setenv("POLYAXON_NO_OP", "true")
    assert (compat.get_api(), compat.get_internal_token()) == (None, None)
    assert capsys.readouterr().out == ""
