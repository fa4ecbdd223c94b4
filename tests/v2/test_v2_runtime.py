"""The v2 context in the runtime: detection, getters, fallbacks, and the backend's mapping (with a fake
``polyaxon.tracking``, so these run without polyaxon installed)."""
from __future__ import annotations

import json
from typing import Any

import pytest

import polyaxon_helper_compat as helper
from polyaxon_helper_compat import _run, _settings
from polyaxon_helper_compat.backends import polyaxon_v2
from polyaxon_helper_compat.backends.polyaxon_v2 import PolyaxonV2Backend, V2Unavailable
from tests.v2.conftest import CATALOG, TF_CONFIG, UUID


@pytest.fixture
def no_polyaxon(monkeypatch):
    monkeypatch.setattr(_settings, "polyaxon_version", lambda: None)


@pytest.fixture
def with_polyaxon(monkeypatch):
    monkeypatch.setattr(_settings, "polyaxon_version", lambda: "2.18.0")


def test_v2_context_detected(v2_env, with_polyaxon):
    ctx = _settings.get_context()
    assert (ctx.kind, ctx.backend, ctx.is_managed) == ("v2", "polyaxon-v2", True)


def test_v2_context_without_polyaxon_records_locally(v2_env, no_polyaxon, capsys):
    assert _settings.get_context().backend == "local"
    assert "polyaxon >= 1.0 is not installed" in capsys.readouterr().err


def test_no_op_wins_over_v2(v2_env, monkeypatch):
    monkeypatch.setenv("POLYAXON_NO_OP", "true")
    assert _settings.get_context().kind == "no-op"
    assert helper.get_experiment_info() is None and helper.get_outputs_path() is None


def test_v0_context_without_run_instance(v2_env, monkeypatch):
    monkeypatch.delenv("POLYAXON_RUN_INSTANCE")
    assert _settings.get_context().kind == "v0"


def test_forced_backend_name_is_accepted(v2_env, monkeypatch, with_polyaxon):
    monkeypatch.delenv("POLYAXON_IS_MANAGED")
    monkeypatch.setenv("POLYAXON_COMPAT_BACKEND", "polyaxon-v2")
    ctx = _settings.get_context()
    assert (ctx.kind, ctx.backend) == ("outside", "polyaxon-v2")


def test_getters_in_a_v2_run_without_polyaxon(v2_env, no_polyaxon, monkeypatch, capsys):
    monkeypatch.setenv("TF_CONFIG", TF_CONFIG)
    monkeypatch.setenv("POLYAXON_CONNECTIONS_CATALOG", CATALOG)
    assert helper.get_cluster_def()["master"] == ["job-chief-0.ns.svc:2222"]
    assert helper.get_task_info() == {"type": "worker", "index": 1}
    assert helper.get_experiment_info()["experiment_uuid"] == UUID
    assert helper.get_job_info()["job_name"] == "alice.mnist.runs.%s" % UUID
    assert helper.get_data_paths() == {"data": "/plx-data", "gcs": "gs://bucket"}
    assert helper.get_outputs_refs_paths() is None
    assert helper.get_log_level() == "INFO"
    assert helper.get_params() is None and helper.get_declarations() is None  # inputs need polyaxon
    outputs = helper.get_outputs_path()
    assert outputs.endswith("outputs") and ".polyaxon-compat" in outputs  # the local fallback run
    config = helper.get_tf_config()
    assert config["task"] == {"type": "worker", "index": 1} and config["model_dir"] == outputs
    assert json.loads(__import__("os").environ["TF_CONFIG"])["cluster"]["chief"]


def test_plain_v2_run_has_no_distributed_config(v2_env, no_polyaxon):
    assert helper.get_cluster_def() is None and helper.get_task_info() is None
    assert helper.get_tf_config() is None
    assert helper.get_data_paths() is None


def test_forced_without_polyaxon_falls_back_to_local(v2_env, no_polyaxon, monkeypatch, capsys):
    monkeypatch.delenv("POLYAXON_IS_MANAGED")
    monkeypatch.setenv("POLYAXON_COMPAT_BACKEND", "polyaxon-v2")
    helper.send_metrics(loss=0.5)
    assert _run.get_backend().name == "local"
    assert "cannot use Polyaxon v2 (polyaxon >= 1.0 is not installed); recording locally" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["", "maybe"])
def test_bad_boolean_is_reported_before_importing_polyaxon(v2_env, with_polyaxon, monkeypatch, capsys, value):
    monkeypatch.setenv("POLYAXON_IS_OFFLINE", value)
    with pytest.raises(V2Unavailable, match="POLYAXON_IS_OFFLINE=%r is not a boolean" % value):
        PolyaxonV2Backend()
    assert _run.get_backend().name == "local"
    assert "cannot use Polyaxon v2 (POLYAXON_IS_OFFLINE" in capsys.readouterr().err


def test_bad_booleans_accepts_what_pydantic_accepts():
    env = {"POLYAXON_NO_OP": "TRUE", "POLYAXON_DEBUG": "y", "POLYAXON_IS_OFFLINE": "Off", "POLYAXON_NO_API": "2"}
    assert polyaxon_v2.bad_booleans(env) == ["POLYAXON_NO_API='2'"]


def test_polyaxon_version_needs_1_0(monkeypatch):
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.6.1")
    assert _settings.polyaxon_version() is None
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "2.18.0")
    assert _settings.polyaxon_version() == "2.18.0"


# -- the backend's mapping, against a fake polyaxon.tracking ---------------------------------------------
class FakeTracking:
    """Records calls; ``log_metrics`` refuses a row with a string value, as v2 does (all or nothing)."""

    def __init__(self, no_op: bool = False) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.no_op = no_op

    def __getattr__(self, name: str) -> Any:
        if name in ("log_params", "log_artifacts"):  # polyaxon.tracking answers None for unknown names
            return None

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            if name == "log_metrics" and any(isinstance(v, str) for v in kwargs.values()):
                raise ValueError("could not convert string to float")
            if name == "end" and self.no_op:
                raise AttributeError("'Run' object has no attribute '_exit_handler'")
            if name == "get_outputs_path":
                return "/plx-context/artifacts/u/outputs"
            return None
        return call


def make(tracking: FakeTracking) -> PolyaxonV2Backend:
    backend = PolyaxonV2Backend.__new__(PolyaxonV2Backend)
    backend._tracking, backend._reported, backend._closed, backend.run = tracking, set(), False, None
    return backend


def test_step_is_the_x_axis():
    fake = FakeTracking()
    make(fake).log_metrics({"step": 3, "loss": 0.5}, "now")
    assert fake.calls == [("log_metrics", (), {"step": 3, "loss": 0.5})]


def test_reserved_names_and_none_do_not_drop_the_row(capsys):
    fake = FakeTracking()
    make(fake).log_metrics({"step": 2.5, "timestamp": 7.0, "loss": None, "acc": 0.9}, "now")
    assert fake.calls == [("log_metric", (), {"name": "step", "value": 2.5, "step": None}),
                          ("log_metric", (), {"name": "timestamp", "value": 7.0, "step": None}),
                          ("log_metrics", (), {"step": None, "acc": 0.9})]
    err = capsys.readouterr().err
    assert "metric 'loss' is None, which Polyaxon v2 refuses; skipped" in err
    assert "metric 'step': logged as a metric named 'step'" in err


def test_one_bad_value_keeps_the_others(capsys):
    fake = FakeTracking()
    make(fake).log_metrics({"acc": 0.9, "bad": "abc"}, "now")
    assert [c[0] for c in fake.calls] == ["log_metrics", "log_metric", "log_metric"]
    assert fake.calls[1] == ("log_metric", (), {"name": "acc", "value": 0.9, "step": None})


def test_renamed_metric_is_reported_once(capsys):
    pytest.importorskip("polyaxon._utils.fqn_utils")
    backend = make(FakeTracking())
    backend.log_metrics({"val/loss": 1.0}, "now")
    backend.log_metrics({"val/loss": 0.5}, "now")
    assert capsys.readouterr().err.count("records metric 'val/loss' as 'val__loss'") == 1


def test_update_maps_v0_fields():
    fake = FakeTracking()
    backend = make(fake)
    backend.update({"params": {"lr": 0.1}, "merge": True})
    backend.update({"tags": ["a", "b"]})
    backend.update({"name": "n", "description": "d", "data_refs": {"ds": "49a5a960c571"}, "run_env": {"pid": 1},
                    "framework": "tensorflow", "build_job": None})
    assert fake.calls == [
        ("log_inputs", (), {"reset": False, "lr": 0.1}),
        ("log_tags", (["a", "b"],), {"reset": True}),
        ("set_name", ("n",), {}),
        ("set_description", ("d",), {}),
        ("log_data_ref", (), {"name": "ds", "hash": "49a5a960c571", "skip_hash_calculation": True}),
        ("log_meta", (), {"framework": "tensorflow"}),
    ]


def test_statuses():
    fake = FakeTracking()
    backend = make(fake)
    backend.log_status("running")
    backend.log_status("succeeded")
    backend.log_status("failed", message="boom", traceback="tb")
    backend.log_status("stopped")
    backend.log_status("unschedulable", message="m")
    assert fake.calls == [("log_succeeded", (), {}), ("log_failed", (), {"message": "boom\ntb"}),
                          ("log_stopped", (), {}), ("log_status", ("unschedulable",), {"message": "m"})]


def test_artifacts(tmp_path):
    fake = FakeTracking()
    backend = make(fake)
    (tmp_path / "f.txt").write_text("x")
    backend.log_artifact(str(tmp_path / "f.txt"))
    backend.log_artifact(str(tmp_path))
    assert fake.calls == [("log_artifact", (str(tmp_path / "f.txt"),), {}),
                          ("log_artifact", (str(tmp_path),), {"kind": "dir"})]
    assert backend.outputs_path() == "/plx-context/artifacts/u/outputs"


def test_missing_tracking_function_is_reported_not_raised(capsys):
    backend = make(FakeTracking())
    assert backend._call("log_params", lr=1) is None
    assert "polyaxon.tracking.log_params is not available" in capsys.readouterr().err


def test_close_under_no_op_does_not_raise():
    fake = FakeTracking(no_op=True)
    backend = make(fake)
    backend.close()
    backend.close()
    assert fake.calls == [("end", (), {})]
    assert backend.run_info() is None
