"""Codemod ``client-to-compat`` (stage ``experiment``): ``polyaxon_client`` imports point at polyaxon_helper_compat.

Each case runs the whole stage (``v0-environment``, ``client-to-compat``, ``helper-to-experiment``), as plx-migrate
does; the inputs here use the client only, so what changes is this codemod's doing.
"""
from __future__ import annotations

import functools

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

from plx_migrate import _testing, run_stage
from plx_migrate.commands.client_to_compat import ClientToCompatCommand

check_transformed = functools.partial(_testing.check_transformed, stage="experiment")
check_noop = functools.partial(_testing.check_noop, stage="experiment")
ID = "client-to-compat"
E9 = " (E9: test the environment, e.g. POLYAXON_IS_MANAGED, explicitly)"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            """\
            from polyaxon_client import PolyaxonClient
            from polyaxon_client.api_config import ApiConfig
            from polyaxon_client.exceptions import NotFoundError, PolyaxonShouldExitError, ServerError

            client = PolyaxonClient(api_config=ApiConfig(host="plx.example.com", token="t"), reraise=True)
            try:
                client.experiment.get_experiment("alice", "mnist", 1)
            except (NotFoundError, ServerError, PolyaxonShouldExitError):
                pass
            """,
            """\
            from polyaxon_helper_compat.client import PolyaxonClient
            from polyaxon_helper_compat.client import ApiConfig
            from polyaxon_helper_compat.exceptions import NotFoundError, PolyaxonShouldExitError, ServerError

            client = PolyaxonClient(api_config=ApiConfig(host="plx.example.com", token="t"), reraise=True)
            try:
                client.experiment.get_experiment("alice", "mnist", 1)
            except (NotFoundError, ServerError, PolyaxonShouldExitError):
                pass
            """,
            id="the REST client, its config and polyaxon-client 0.6.1's error classes",
        ),
        pytest.param(
            """\
            from polyaxon_client.tracking import Experiment, get_data_paths, get_outputs_path

            experiment = Experiment()
            experiment.log_params(lr=0.05, epochs=5)
            data_root = (get_data_paths() or {}).get("data1", ".")
            experiment.log_metrics(step=1, loss=0.5)
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment, get_data_paths, get_outputs_path

            experiment = Experiment()
            experiment.log_params(lr=0.05, epochs=5)
            data_root = (get_data_paths() or {}).get("data1", ".")
            experiment.log_metrics(step=1, loss=0.5)
            """,
            id="e2 module-level Experiment, i1 names moved in place",
        ),
        pytest.param(
            """\
            def main(args):
                from polyaxon_client.tracking import Experiment

                exp = Experiment()
                exp.log_params(**vars(args))
                exp.log_data_ref(data=args.data, data_name="train")
                exp.log_run_env()
                info = exp.get_experiment_info()
                exp.succeeded()
                return info
            """,
            """\
            def main(args):
                from polyaxon_helper_compat.tracking import Experiment

                exp = Experiment()
                exp.log_params(**vars(args))
                exp.log_data_ref(data=args.data, data_name="train")
                exp.log_run_env()
                info = exp.get_experiment_info()
                exp.succeeded()
                return info
            """,
            id="e1 e7 c1 Experiment in a function: methods and keywords kept, i8 import not hoisted",
        ),
        pytest.param(
            """\
            from polyaxon_client.tracking import Experiment

            plx_exp = Experiment() if IN_CLUSTER else None
            if hvd.rank() == 0:
                experimet = Experiment()
                experimet.log_tags(["rank0"])
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment

            plx_exp = Experiment() if IN_CLUSTER else None
            if hvd.rank() == 0:
                experimet = Experiment()
                experimet.log_tags(["rank0"])
            """,
            id="e4 e5 other names, conditional creation kept",
        ),
        pytest.param(
            """\
            from polyaxon_client.tracking import Experiment
            from train import test

            def train(experiment, epochs):
                for epoch in range(epochs):
                    experiment.log_metrics(epoch=epoch)

            train(Experiment(), 3)
            test(Experiment())
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment
            from train import test

            def train(experiment, epochs):
                for epoch in range(epochs):
                    experiment.log_metrics(epoch=epoch)

            train(Experiment(), 3)
            test(Experiment())
            """,
            id="e6 experiment passed to functions and modules",
        ),
        pytest.param(
            """\
            import polyaxon_client.tracking as polytracking

            exp = polytracking.Experiment()
            level = polytracking.get_log_level()
            """,
            """\
            import polyaxon_helper_compat.tracking as polytracking

            exp = polytracking.Experiment()
            level = polytracking.get_log_level()
            """,
            id="i4 aliased tracking module keeps its alias",
        ),
        pytest.param(
            """\
            import polyaxon_client as polyaxon

            experiment = polyaxon.tracking.Experiment()
            """,
            """\
            import polyaxon_helper_compat.tracking as polyaxon

            experiment = polyaxon.Experiment()
            """,
            id="i4 package aliased as polyaxon: the alias now names the compat tracking module",
        ),
        pytest.param(
            """\
            import polyaxon_client.tracking

            outputs = polyaxon_client.tracking.get_outputs_path()
            polyaxon_client.tracking.Experiment().log_metrics(loss=0.1)
            """,
            """\
            import polyaxon_helper_compat.tracking

            outputs = polyaxon_helper_compat.tracking.get_outputs_path()
            polyaxon_helper_compat.tracking.Experiment().log_metrics(loss=0.1)
            """,
            id="i3 dotted module import, every use renamed",
        ),
        pytest.param(
            """\
            from polyaxon_client import tracking

            experiment = tracking.Experiment()
            experiment.log_metrics(loss=0.1)
            """,
            """\
            from polyaxon_helper_compat import tracking

            experiment = tracking.Experiment()
            experiment.log_metrics(loss=0.1)
            """,
            id="from polyaxon_client import tracking",
        ),
        pytest.param(
            """\
            try:
                from polyaxon_client.tracking import Experiment
                from polyaxon_client.exceptions import PolyaxonClientException
            except ImportError:
                Experiment = None
            """,
            """\
            try:
                from polyaxon_helper_compat.tracking import Experiment
                from polyaxon_helper_compat.exceptions import PolyaxonClientException
            except ImportError:
                Experiment = None
            """,
            id="i6 try-import with a fallback, exceptions module",
        ),
        pytest.param(
            """\
            from polyaxon_client.tracking.paths import (  # paths
                get_outputs_path,  # outputs
                get_data_paths,
            )
            """,
            """\
            from polyaxon_helper_compat.tracking import (  # paths
                get_outputs_path,  # outputs
                get_data_paths,
            )
            """,
            id="i2 tracking.paths, parenthesized list with comments",
        ),
        pytest.param(
            "from polyaxon_client.tracking import *\n\nexperiment = Experiment()\nexperiment.log_metrics(a=1)\n",
            "from polyaxon_helper_compat.tracking import *\n\nexperiment = Experiment()\nexperiment.log_metrics(a=1)\n",
            id="star import whose used names compat provides",
        ),
        pytest.param(
            """\
            from comet_ml import Experiment as CometExperiment
            from polyaxon_client.tracking import Experiment

            comet = CometExperiment(api_key="k")
            comet.log_metric("acc", 0.9)
            Experiment().log_metrics(acc=0.9)
            """,
            """\
            from comet_ml import Experiment as CometExperiment
            from polyaxon_helper_compat.tracking import Experiment

            comet = CometExperiment(api_key="k")
            comet.log_metric("acc", 0.9)
            Experiment().log_metrics(acc=0.9)
            """,
            id="v5 comet Experiment left alone",
        ),
        pytest.param(
            """\
            from polyaxon_client.tracking import Experiment, Group
            from polyaxon_client.tracking.job import Job

            experiment = Experiment(project="mnist")
            experiment.create(framework="tensorflow", tags=["cnn"])
            group = Group(project="mnist")
            job = Job()
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment, Group
            from polyaxon_helper_compat.tracking import Job

            experiment = Experiment(project="mnist")
            experiment.create(framework="tensorflow", tags=["cnn"])
            group = Group(project="mnist")
            job = Job()
            """,
            id="e3 out-of-cluster create and groups are provided by compat",
        ),
        pytest.param(
            "from polyaxon_client.client import PolyaxonClient\nclient = PolyaxonClient(host='h', token='t')\n",
            "from polyaxon_helper_compat.client import PolyaxonClient\nclient = PolyaxonClient(host='h', token='t')\n",
            id="client module",
        ),
        pytest.param(
            "from polyaxon_client.tracking import Experiment\r\nExperiment().log_metrics(a=1)\r\n",
            "from polyaxon_helper_compat.tracking import Experiment\r\nExperiment().log_metrics(a=1)\r\n",
            id="f1 CRLF",
        ),
        pytest.param(
            "if on_cluster: from polyaxon_client.tracking import Experiment\n",
            "if on_cluster: from polyaxon_helper_compat.tracking import Experiment\n",
            id="one-line compound statement, in place",
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
            from polyaxon_helper_compat.tracking import Experiment
            Experiment().log_metrics(a=1)
            """,
            id="already migrated",
        ),
        pytest.param(
            """\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from polyaxon_client import settings
            """,
            id="under TYPE_CHECKING, a module compat lacks",
        ),
        pytest.param("from .polyaxon_client import tracking\ntracking.x()\n", id="relative import"),
        pytest.param("import polyaxon_clients\npolyaxon_clients.tracking.Experiment()\n", id="similar module name"),
        pytest.param("# from polyaxon_client.tracking import Experiment\n", id="i13 only a comment"),
        pytest.param(
            "import polyaxon_client.tracking  # noqa: F401\nHAVE_CLIENT = True\n", id="i5 availability probe"
        ),
        pytest.param(
            "from polyaxon_client.tracking.contrib.keras import PolyaxonKeras\n"
            "callbacks = [PolyaxonKeras(experiment=e)]\n",
            id="e8 framework callback from contrib",
        ),
        pytest.param(
            "from polyaxon_client import settings\nif settings.IN_CLUSTER:\n    print('cluster')\n",
            id="e9 settings.IN_CLUSTER",
        ),
        pytest.param(
            "import polyaxon_client\n"
            "if polyaxon_client.settings.IN_CLUSTER:\n    polyaxon_client.tracking.Experiment()\n",
            id="e9 i3 attribute chain through the package",
        ),
        pytest.param(
            "from polyaxon_client.tracking import Experiment\n"
            "experiment = Experiment()\nexperiment.log_inputs(lr=0.1)\n",
            id="v4 v1 method on a v0 object is not repaired",
        ),
        pytest.param("from polyaxon_client.tracking import *\nBuildJob().create()\n", id="star import of a missing name"),
        pytest.param("import polyaxon_client as plx\nregister(plx)\n", id="module passed as a value"),
        pytest.param(
            "try:\n    import polyaxon_client\nexcept ImportError:\n    polyaxon_client = None\n", id="module fallback"
        ),
        pytest.param(
            "import polyaxon_client.tracking\npolyaxon_helper_compat = 1\npolyaxon_client.tracking.Experiment()\n",
            id="the compat name is taken",
        ),
    ],
)
def test_noop(source: str) -> None:
    check_noop(source)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "import polyaxon_client.tracking  # noqa: F401\n",
            [(1, 7, "the module is imported but never used (an availability probe?); left unchanged")],
            id="i5 probe",
        ),
        pytest.param(
            "from polyaxon_client.tracking.contrib.keras import PolyaxonKeras\n",
            [(1, 51, "polyaxon_client.tracking.contrib.keras.PolyaxonKeras is not provided by polyaxon_helper_compat "
                     "(E8: framework callbacks need a manual migration); left unchanged")],
            id="e8 contrib",
        ),
        pytest.param(
            "import polyaxon_client\nIN = polyaxon_client.settings.IN_CLUSTER\n",
            [(2, 5, f"polyaxon_client.settings.IN_CLUSTER is not provided by polyaxon_helper_compat{E9}; "
                    "left unchanged")],
            id="e9 settings",
        ),
        pytest.param(
            "from polyaxon_client.tracking import Experiment\n"
            "exp = Experiment(project='p')\nexp.log_inputs(lr=0.1)\n",
            [(3, 0, "polyaxon_client.tracking.Experiment.log_inputs is not provided by polyaxon_helper_compat; "
                    "left unchanged")],
            id="v4 v1 method on a v0 Experiment",
        ),
        pytest.param(
            "import polyaxon_client.tracking\npolyaxon_helper_compat = 1\npolyaxon_client.tracking.Experiment()\n",
            [(1, 7, "polyaxon_helper_compat names something else in this module; left unchanged")],
            id="compat name taken",
        ),
    ],
)
def test_manual_sites(source: str, expected: list[tuple[int, int, str]]) -> None:
    result = check_noop(source)
    assert [(m.line, m.column, m.reason) for m in result.manual] == expected
    assert {m.codemod for m in result.manual} == {ID}


def test_names_compat_lacks_stay_on_the_client_import() -> None:
    result = check_transformed(
        """\
        from polyaxon_client import (
            tracking,  # the v0 API
            settings,  # IN_CLUSTER
        )
        if settings.IN_CLUSTER:
            tracking.Experiment().log_metrics(loss=0.1)
        """,
        """\
        from polyaxon_client import (
            # the v0 API
            settings,  # IN_CLUSTER
        )
        from polyaxon_helper_compat import tracking
        if settings.IN_CLUSTER:
            tracking.Experiment().log_metrics(loss=0.1)
        """,
    )
    assert [(m.line, m.code) for m in result.manual] == [(3, "settings,  # IN_CLUSTER")]


def test_an_instance_method_compat_lacks_keeps_only_that_class_on_the_client() -> None:
    """E4 (the binding is followed, whatever the name) and V4 (a v1 method on a v0 object is not repaired)."""
    result = check_transformed(
        """\
        from polyaxon_client.tracking import Experiment, get_outputs_path
        experimet = Experiment(project="mnist")
        experimet.log_inputs(lr=0.1)
        path = get_outputs_path()
        """,
        """\
        from polyaxon_client.tracking import Experiment
        from polyaxon_helper_compat.tracking import get_outputs_path
        experimet = Experiment(project="mnist")
        experimet.log_inputs(lr=0.1)
        path = get_outputs_path()
        """,
    )
    assert [(m.line, m.column, m.codemod) for m in result.manual] == [(3, 0, ID)]


def test_command_alone_and_its_warnings() -> None:
    """The command as ``libcst.tool`` runs it: every manual site is also a libcst warning."""
    context = CodemodContext()
    command = ClientToCompatCommand(context)
    source = "from polyaxon_client.settings import IN_CLUSTER\nfrom polyaxon_client.tracking import Job\n"
    tree = command.transform_module(cst.parse_module(source))
    assert tree.code == (
        "from polyaxon_client.settings import IN_CLUSTER\nfrom polyaxon_helper_compat.tracking import Job\n"
    )
    assert context.warnings == [
        f"1:37: polyaxon_client.settings.IN_CLUSTER is not provided by polyaxon_helper_compat{E9}; left unchanged"
    ]


@pytest.mark.parametrize(
    "source",
    [
        "from polyaxon_client import tracking\ntracking.Experiment().log_metrics(a=1)\n",
        "from polyaxon_client.tracking import paths\nout = paths.get_outputs_path()\n",
        "import polyaxon_client.exceptions as errors\ntry:\n    pass\nexcept errors.PolyaxonClientException:\n    pass\n",
    ],
)
def test_compat_modules_moved_here_are_left_alone_by_the_rest_of_the_stage(source: str) -> None:
    """``from polyaxon_helper_compat import tracking`` is not a helper name for helper-to-experiment."""
    result = run_stage(source, "experiment")
    assert result.changed and result.manual == []
    assert {c.codemod for c in result.changes} == {ID}
    assert "polyaxon_client" not in result.code
