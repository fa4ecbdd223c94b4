"""Stage ``polyaxon-v2`` (codemod ``to-polyaxon-v2``): v0 Experiment and helper usage become ``polyaxon.tracking``."""
from __future__ import annotations

import functools

import pytest

from plx_migrate import STAGES, _testing, get_registry, run_stage
from plx_migrate._v2map import COMPAT_ONLY, REASONS
from plx_migrate.commands.to_polyaxon_v2 import ToPolyaxonV2Command

check_transformed = functools.partial(_testing.check_transformed, stage="polyaxon-v2")
check_noop = functools.partial(_testing.check_noop, stage="polyaxon-v2")
ID = "to-polyaxon-v2"


def test_registered_as_stage_polyaxon_v2():
    assert STAGES["polyaxon-v2"] == (ID,)
    assert get_registry()[ID] is ToPolyaxonV2Command
    assert ToPolyaxonV2Command.DESCRIPTION.endswith(".")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            """\
            from polyaxon_helper import send_metrics, get_outputs_path
            OUT = get_outputs_path()

            def main():
                send_metrics(loss=0.5)
            """,
            """\
            from polyaxon import tracking
            experiment = tracking.init()
            OUT = tracking.get_outputs_path()

            def main():
                tracking.log_metrics(loss=0.5)
            """,
            id="c7 helper-only: init after the import, before the module-level getter",
        ),
        pytest.param(
            """\
            from polyaxon_helper import get_outputs_path, get_log_level
            OUT = get_outputs_path()
            LEVEL = get_log_level()
            """,
            """\
            from polyaxon import tracking
            tracking.init()
            OUT = tracking.get_outputs_path()
            LEVEL = tracking.get_log_level()
            """,
            id="c7 getters only: one tracking.init() after the import",
        ),
        pytest.param(
            """\
            from polyaxon_client.tracking import Experiment

            def main():
                exp = Experiment()
                exp.log_params(lr=0.1, reset=True)
                exp.log_tags(["a"])
                exp.set_name("n")
                exp.set_description("d")
                exp.log_run_env()
                exp.log_code_ref()
                exp.log_metrics(loss=0.5)
                exp.succeeded()
            """,
            """\
            from polyaxon import tracking

            def main():
                exp = tracking.init()
                tracking.log_inputs(lr=0.1, reset=True)
                tracking.log_tags(["a"])
                tracking.set_name("n")
                tracking.set_description("d")
                tracking.log_env()
                tracking.log_code_ref()
                tracking.log_metrics(loss=0.5)
                tracking.log_succeeded()
            """,
            id="e1 e4 client Experiment in a function, renamed methods",
        ),
        pytest.param(
            """\
            from polyaxon_client.tracking import Experiment
            experimet = Experiment(track_code=False)
            experimet.log_data_ref(data=[1, 2, 3], data_name="dataset")
            experimet.log_data_ref(x_train, "train")
            experimet.log_data_ref(x_test)
            """,
            """\
            from polyaxon import tracking
            experimet = tracking.init(track_code=False)
            tracking.log_data_ref(name="dataset", content=[1, 2, 3])
            tracking.log_data_ref(name="train", content=x_train)
            tracking.log_data_ref(name="data", content=x_test)
            """,
            id="e7 log_data_ref(data, data_name) becomes (name=, content=)",
        ),
        pytest.param(
            """\
            from polyaxon_client.tracking import Experiment
            e = Experiment()
            e.log_status("running", "warming up")
            e.log_output("model.h5")
            e.log_artifact("model.h5")
            e.log_outputs("checkpoints")
            e.log_artifacts("logs")
            e.failed("boom")
            e.log_failed(message="boom")
            e.stop()
            e.log_stopped()
            e.log_succeeded()
            e.get_outputs_path()
            e.get_log_level()
            """,
            """\
            from polyaxon import tracking
            e = tracking.init()
            tracking.log_status("running", message="warming up")
            tracking.log_artifact("model.h5")
            tracking.log_artifact("model.h5")
            tracking.log_artifact("checkpoints", kind="dir")
            tracking.log_artifact("logs", kind="dir")
            tracking.log_failed(message="boom")
            tracking.log_failed(message="boom")
            tracking.log_stopped()
            tracking.log_stopped()
            tracking.log_succeeded()
            tracking.get_outputs_path()
            tracking.get_log_level()
            """,
            id="e7 statuses and artifacts, never v2 log_outputs",
        ),
        pytest.param(
            """\
            from polyaxon_client.tracking import Experiment
            Experiment().log_metrics(acc=0.9)
            """,
            """\
            from polyaxon import tracking
            tracking.init().log_metrics(acc=0.9)
            """,
            id="chained Experiment().log_metrics",
        ),
        pytest.param(
            """\
            from polyaxon_helper_compat.tracking import Experiment, get_outputs_path
            experiment = Experiment()
            experiment.log_metrics(loss=1.0)
            print(get_outputs_path())
            """,
            """\
            from polyaxon import tracking
            experiment = tracking.init()
            tracking.log_metrics(loss=1.0)
            print(tracking.get_outputs_path())
            """,
            id="stage experiment output as input",
        ),
        pytest.param(
            """\
            def main():
                from polyaxon_helper import get_outputs_path
                return get_outputs_path()
            """,
            """\
            def main():
                from polyaxon import tracking
                tracking.init()
                return tracking.get_outputs_path()
            """,
            id="i8 import in a function stays there, with its init",
        ),
        pytest.param(
            """\
            import os
            if os.environ.get("PLX"):
                from polyaxon_helper import send_metrics
                send_metrics(loss=1)
            """,
            """\
            import os
            if os.environ.get("PLX"):
                from polyaxon import tracking
                experiment = tracking.init()
                tracking.log_metrics(loss=1)
            """,
            id="i9 conditional import keeps the init in its branch",
        ),
        pytest.param(
            """\
            from polyaxon_helper import get_log_level
            tracking = "x"
            print(get_log_level())
            """,
            """\
            from polyaxon import tracking as plx_tracking
            plx_tracking.init()
            tracking = "x"
            print(plx_tracking.get_log_level())
            """,
            id="i4 a local name tracking is not shadowed",
        ),
        pytest.param(
            """\
            from polyaxon_helper import get_outputs_path, get_data_paths
            OUT = get_outputs_path()
            DATA = get_data_paths()["mnist"]
            """,
            """\
            from polyaxon_helper_compat.tracking import get_data_paths
            from polyaxon import tracking
            tracking.init()
            OUT = tracking.get_outputs_path()
            DATA = get_data_paths()["mnist"]
            """,
            id="c4 get_data_paths stays on compat next to the v2 import",
        ),
        pytest.param(
            """\
            from polyaxon_helper_compat import send_metrics, get_cluster_def
            send_metrics(acc=0.5)
            print(get_cluster_def())
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment
            from polyaxon import tracking
            experiment = tracking.init()
            tracking.log_metrics(acc=0.5)
            print(Experiment.get_cluster_def())
            """,
            id="stage compat output as input; static getter kept on compat",
        ),
    ],
)
def test_fixes(before: str, after: str) -> None:
    check_transformed(before, after)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            """\
            from polyaxon import tracking
            tracking.init()
            tracking.log_metrics(loss=0.1, step=1)
            """,
            id="v1 already on v2",
        ),
        pytest.param(
            """\
            from polyaxon.tracking import Run
            experiment = Run(project="mnist")
            experiment.log_metrics(loss=0.1)
            experiment.log_inputs(lr=0.1)
            """,
            id="v2 a v2 Run called experiment",
        ),
        pytest.param(
            """\
            def setup():
                try:
                    from polyaxon import tracking
                except ImportError:
                    tracking = None
                if tracking is not None:
                    tracking.init()
                    tracking.log_metrics(loss=1)
            """,
            id="v3 local tracking with a stub fallback",
        ),
        pytest.param(
            """\
            from comet_ml import Experiment as CometExperiment
            from comet_ml import Experiment
            experiment = Experiment(project_name="x")
            experiment.log_metrics({"a": 1})
            experiment.log_parameters({"lr": 1})
            """,
            id="v5 comet Experiment",
        ),
        pytest.param(
            """\
            try:
                from polyaxon import tracking
            except ImportError:
                from polyaxon_client.tracking import Experiment
            """,
            id="i16 v1 first, v0 fallback",
        ),
        pytest.param(
            """\
            # from polyaxon_helper import send_metrics
            # send_metrics(loss=1)
            print("no polyaxon")
            """,
            id="i13 only comments",
        ),
        pytest.param(
            """\
            def get_outputs_path():
                return "/tmp"
            def send_metrics(**m):
                print(m)
            send_metrics(path=get_outputs_path())
            """,
            id="c12 local functions with legacy names",
        ),
        pytest.param(
            """\
            from mylib.tracking import Experiment, get_outputs_path
            Experiment().log_params(a=1)
            get_outputs_path()
            """,
            id="unrelated module with the same names",
        ),
    ],
)
def test_noop(source: str) -> None:
    check_noop(source)


def _reasons(source: str) -> list[tuple[int, str]]:
    import textwrap

    result = run_stage(textwrap.dedent(source), "polyaxon-v2")
    assert result.error is None
    compile(result.code, "x.py", "exec")
    again = run_stage(result.code, "polyaxon-v2")
    assert not again.changed
    return [(m.line, m.reason) for m in result.manual if m.codemod == ID]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param('from polyaxon_client.tracking import Experiment\nexp = Experiment(project="a/b")\n'
                     'exp.create(framework="tf")\n',
                     [(2, REASONS["ctor"].format('project="a/b"'))], id="e3 ctor with a project"),
        pytest.param("from polyaxon_client.tracking import Experiment\nexp = Experiment()\n"
                     'exp.create(framework="tf")\n',
                     [(3, REASONS["method"].format("create"))], id="e3 create"),
        pytest.param("from polyaxon_client.tracking import Experiment\ndef main():\n    e = Experiment()\n"
                     "    train(e)\n",
                     [(4, REASONS["escapes"])], id="e6 passed on"),
        pytest.param("from polyaxon_client.tracking import Experiment\ne = Experiment() if ON else None\n",
                     [(2, REASONS["unbound"])], id="e5 conditional"),
        pytest.param("from polyaxon_client.tracking import Experiment\ndef a():\n    e = Experiment()\n"
                     "def b():\n    f = Experiment()\n",
                     [(3, REASONS["several"]), (5, REASONS["several"])], id="i15 two experiments"),
        pytest.param("from polyaxon_client.tracking import Experiment\ne = Experiment()\n"
                     "e.log_metrics(loss=1, step=3)\n",
                     [(3, REASONS["step"])], id="c2 step keyword (converted, reported)"),
        pytest.param("from polyaxon_client.tracking import Experiment\ne = Experiment()\ne.log_metrics(**m)\n",
                     [(3, REASONS["splat"])], id="c1 splat (converted, reported)"),
        pytest.param("from polyaxon_client.tracking import Experiment\ne = Experiment()\n"
                     "e.log_data_ref(x, 'x', reset=True)\n",
                     [(3, REASONS["reset"])], id="log_data_ref reset"),
        pytest.param("from polyaxon_client.tracking import Experiment\ne = Experiment()\n"
                     "e.failed('m', traceback=tb)\n",
                     [(3, REASONS["traceback"])], id="failed traceback"),
        pytest.param("import polyaxon_helper_compat.tracking as t\nt.get_outputs_path()\n",
                     [(1, REASONS["module"])], id="module import"),
        pytest.param("from polyaxon_helper_compat.tracking import Experiment\n"
                     "from polyaxon_helper_compat.tracking import Experiment\nExperiment()\n",
                     [(1, REASONS["rebound"].format("Experiment")), (2, REASONS["rebound"].format("Experiment"))],
                     id="bound twice"),
        pytest.param("from polyaxon_client.tracking import Experiment\nExperiment.log_framework('tf')\n",
                     [(2, REASONS["unknown"].format("Experiment.log_framework"))], id="unknown static"),
        *[pytest.param("from polyaxon_client.tracking import %s\nx = %s()\n" % (name, name), [(1, reason)],
                       id="compat only %s" % name)
          for name, reason in COMPAT_ONLY.items() if name not in ("get_params", "get_declarations", "Job", "Group",
                                                                  "get_cluster_def", "get_task_info", "get_tf_config",
                                                                  "get_experiment_info")],
        *[pytest.param("from polyaxon_client.tracking import Experiment\nx = Experiment.%s()\n" % name,
                       [(2, reason)], id="compat only Experiment.%s" % name)
          for name, reason in COMPAT_ONLY.items() if name in ("get_params", "get_declarations", "get_cluster_def",
                                                              "get_task_info", "get_tf_config", "get_experiment_info")],
        pytest.param("from polyaxon_client.tracking import Job\nJob.get_job_info()\n", [(1, COMPAT_ONLY["Job"])],
                     id="compat only Job"),
    ],
)
def test_manual_sites(source: str, expected: list[tuple[int, str]]) -> None:
    assert _reasons(source) == expected


def test_every_reason_is_tested() -> None:
    import inspect
    import sys

    text = inspect.getsource(sys.modules[__name__])
    assert all('REASONS["%s"]' % key in text for key in REASONS)


def test_changes_are_recorded_with_original_lines() -> None:
    result = run_stage("from polyaxon_client.tracking import Experiment\n\nexp = Experiment()\n"
                       "exp.log_params(a=1)\n", "polyaxon-v2")
    assert [(c.line, c.new) for c in result.changes if c.codemod == ID] == [
        (1, "from polyaxon import tracking"), (3, "exp = tracking.init()"), (4, "tracking.log_inputs(a=1)")]


def test_a_kept_experiment_keeps_the_functions_on_compat() -> None:
    source = ("from polyaxon_client.tracking import get_outputs_path, Experiment\n"
              "exp = Experiment()\nexp.create(name='x')\nprint(get_outputs_path())\n")
    result = run_stage(source, "polyaxon-v2")
    assert "polyaxon import tracking" not in result.code and "get_outputs_path()" in result.code
    assert [m.reason for m in result.manual if m.codemod == ID] == [
        REASONS["with_kept"].format("get_outputs_path"), REASONS["method"].format("create")]
