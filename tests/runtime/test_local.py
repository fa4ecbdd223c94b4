"""The local run store and the Experiment API recorded in it."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from polyaxon_helper_compat import _run
from polyaxon_helper_compat.backends.local import LocalBackend
from polyaxon_helper_compat.exceptions import PolyaxonClientException
from polyaxon_helper_compat.tracking import Experiment, validate_metrics

from tests.runtime.conftest import read_jsonl


def run_json(backend: LocalBackend) -> dict:
    return json.loads(Path(backend.path, "run.json").read_text())


def params_json(backend: LocalBackend) -> dict:
    return json.loads(Path(backend.path, "params.json").read_text())


@pytest.fixture
def local(clean_env) -> LocalBackend:
    backend = LocalBackend(runs_dir=str(clean_env / "runs"), run_id="r1", announce=False)
    _run.set_backend(backend)
    return backend


def test_layout_and_metrics_rows_in_order(local):
    for i in range(5):
        local.log_metrics({"i": i}, 1767225600.0 + i / 4)  # 2026-01-01 00:00:00 UTC
    assert local.flush(5)
    rows = read_jsonl(Path(local.path, "metrics.jsonl"))
    assert [r["values"]["i"] for r in rows] == list(range(5))
    assert [r["created_at"] for r in rows[:2]] == ["2026-01-01 00:00:00+00:00", "2026-01-01 00:00:00.250000+00:00"]
    assert Path(local.outputs_path()).is_dir()
    assert local.path.endswith("/runs/r1")


def test_nan_is_written_as_null_with_one_warning(local, capsys):
    local.log_metrics({"loss": float("nan"), "acc": 0.5}, 0.0)
    local.log_metrics({"loss": float("-inf"), "acc": 0.5}, 0.0)
    assert local.flush(5)
    rows = read_jsonl(Path(local.path, "metrics.jsonl"))
    assert [r["values"] for r in rows] == [{"loss": None, "acc": 0.5}, {"loss": None, "acc": 0.5}]
    assert capsys.readouterr().err.count("metric 'loss' is nan, which JSON cannot carry: recorded as null") == 1


def test_params_merge_and_reset(local):
    exp = Experiment()
    exp.log_params(lr=0.1, dropout=0.5)
    exp.log_params(lr=0.2)
    assert params_json(local) == {"lr": 0.2, "dropout": 0.5}
    exp.log_params(batch_size=32, reset=True)
    assert params_json(local) == {"batch_size": 32}


def test_tags_name_description_data_refs(local):
    exp = Experiment()
    exp.log_tags(["tensorflow", "nlp"])
    exp.log_tags("nlp, gpu")
    assert run_json(local)["tags"] == ["tensorflow", "nlp", "gpu"]
    exp.log_tags("only", reset=True)
    exp.set_name("renamed")
    exp.set_description("a description")
    data = list(range(10))
    exp.log_data_ref(data=data, data_name="dataset_X")
    doc = run_json(local)
    assert doc["tags"] == ["only"]
    assert (doc["name"], doc["description"]) == ("renamed", "a description")
    assert doc["data_refs"] == {"dataset_X": hashlib.md5(str(data).encode()).hexdigest()[:12]}


@pytest.mark.parametrize("tags", [[""], ["ok", 3]])
def test_invalid_tags_raise_like_the_original(local, tags):
    with pytest.raises(PolyaxonClientException, match="Received an invalid tag"):
        Experiment().log_tags(tags)


def test_statuses_final_once(local):
    exp = Experiment()
    exp.log_status("running", message="started")
    exp.succeeded()
    exp.failed(message="too late")  # ignored: the run already ended, as in polyaxon-client
    doc = run_json(local)
    assert [(s["status"], s.get("message")) for s in doc["statuses"]] == [("running", "started"), ("succeeded", None)]
    assert doc["status"] == "succeeded"


def test_artifacts_are_copied_into_outputs(local, clean_env):
    model = clean_env / "model.bin"
    model.write_bytes(b"\x00" * 16)
    folder = clean_env / "ckpt"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    exp = Experiment()
    exp.log_artifact(str(model))
    exp.log_outputs(str(folder))
    out = Path(local.outputs_path())
    assert (out / "model.bin").read_bytes() == b"\x00" * 16
    assert (out / "ckpt" / "a.txt").read_text() == "a"


def test_local_run_starts_on_first_use_and_records_run_env_once(clean_env):
    exp = Experiment()  # e.g. a migrated module's `experiment = Experiment()` at import time
    assert not (clean_env / ".polyaxon-compat").exists()  # importing such a module records nothing
    exp.log_metrics(a=1)
    Experiment().log_metrics(a=2)
    backend = _run.get_backend()
    assert isinstance(backend, LocalBackend)
    env = run_json(backend)["run_env"]
    assert {"pid", "hostname", "python_version", "packages", "sys.argv", "filename"} <= set(env)
    assert backend.flush(5)
    assert [r["values"] for r in read_jsonl(Path(backend.path, "metrics.jsonl"))] == [{"a": 1}, {"a": 2}]


class Scalar:
    """Stands for a numpy scalar / 0-d tensor: has .item()."""

    def __init__(self, value):
        self.value = value

    def item(self):
        return self.value


def test_metric_values_are_converted_or_rejected():
    assert validate_metrics({"a": 1, "b": 0.5, "c": None, "d": Scalar(2.5), "e": True}) == {
        "a": 1, "b": 0.5, "c": None, "d": 2.5, "e": True}
    with pytest.raises(TypeError, match="metric 'loss' must be a number, got str: 'x'"):
        validate_metrics({"loss": "x"})
    with pytest.raises(TypeError, match="metric 'v' must be a number, got Scalar"):
        validate_metrics({"v": Scalar("nope")})
