"""Stage ``experiment`` (codemod ``helper-to-experiment``): helper calls become the v0 ``Experiment`` API."""
from __future__ import annotations

import functools

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

from plx_migrate import ManualSite, _testing, run_stage
from plx_migrate.commands.helper_to_experiment import HelperToExperimentCommand

check_transformed = functools.partial(_testing.check_transformed, stage="experiment")
check_noop = functools.partial(_testing.check_noop, stage="experiment")
ID = "helper-to-experiment"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            """\
            from polyaxon_helper import get_declarations, get_outputs_path, send_metrics

            def fit(epochs):
                for epoch in range(epochs):
                    send_metrics(epoch=epoch, loss=0.1)
                return get_outputs_path(), get_declarations()
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment, get_outputs_path
            experiment = Experiment()

            def fit(epochs):
                for epoch in range(epochs):
                    experiment.log_metrics(epoch=epoch, loss=0.1)
                return get_outputs_path(), Experiment.get_declarations()
            """,
            id="i1 from-import: metrics, static getter, tracking function",
        ),
        pytest.param(
            """\
            from polyaxon_helper import (
                get_outputs_path,  # where the model goes
                send_metrics,  # every epoch
                get_data_paths,
            )
            send_metrics(a=get_outputs_path(), b=get_data_paths())
            """,
            """\
            from polyaxon_helper_compat.tracking import (
                get_outputs_path,  # where the model goes
                Experiment,  # every epoch
                get_data_paths,
            )
            experiment = Experiment()
            experiment.log_metrics(a=get_outputs_path(), b=get_data_paths())
            """,
            id="i2 parenthesized list keeps its layout, Experiment takes send_metrics' place and comment",
        ),
        pytest.param(
            """\
            from polyaxon_helper import (get_outputs_path,
                                         send_metrics)
            send_metrics(path=get_outputs_path())
            """,
            """\
            from polyaxon_helper_compat.tracking import (get_outputs_path,
                                                         Experiment)
            experiment = Experiment()
            experiment.log_metrics(path=get_outputs_path())
            """,
            id="i2 parenthesized list without trailing comma, aligned continuation re-aligned",
        ),
        pytest.param(
            """\
            import json

            import polyaxon_helper as plx

            def describe():
                tf_config = plx.get_tf_config()  # also exports TF_CONFIG
                return tf_config, plx.get_cluster_def(), plx.get_task_info(),

            plx.send_metrics(workers=2)
            """,
            """\
            import json

            from polyaxon_helper_compat.tracking import Experiment
            experiment = Experiment()

            def describe():
                tf_config = Experiment.get_tf_config()  # also exports TF_CONFIG
                return tf_config, Experiment.get_cluster_def(), Experiment.get_task_info(),

            experiment.log_metrics(workers=2)
            """,
            id="i4 aliased module, c10 get_tf_config kept",
        ),
        pytest.param(
            """\
            import polyaxon_helper
            info = polyaxon_helper.get_experiment_info()
            first = list(polyaxon_helper.get_data_paths().values())[0]
            params = polyaxon_helper.get_params()
            level = polyaxon_helper.get_log_level
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment, get_data_paths, get_log_level
            info = Experiment.get_experiment_info()
            first = list(get_data_paths().values())[0]
            params = Experiment.get_params()
            level = get_log_level
            """,
            id="i3 bare module, c5 tracking functions imported by name",
        ),
        pytest.param(
            """\
            import os, polyaxon_helper as plx
            print(os.sep, plx.get_outputs_refs_paths())
            """,
            """\
            import os
            from polyaxon_helper_compat.tracking import get_outputs_refs_paths
            print(os.sep, get_outputs_refs_paths())
            """,
            id="i1 other names of the import stay",
        ),
        pytest.param(
            """\
            from polyaxon_helper import send_metrics as sm, get_job_info
            sm(**metrics,)
            info = get_job_info()
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment, Job
            experiment = Experiment()
            experiment.log_metrics(**metrics,)
            info = Job.get_job_info()
            """,
            id="c1 f4 alias, kwargs and trailing comma kept, job info",
        ),
        pytest.param(
            """\
            from polyaxon_helper import experiment
            import polyaxon_helper as plx
            experiment.log_params(lr=0.1)
            plx.experiment.log_tags(["baseline"])
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment
            experiment = Experiment()
            from polyaxon_helper_compat.tracking import Experiment
            experiment.log_params(lr=0.1)
            experiment.log_tags(["baseline"])
            """,
            id="module attribute experiment becomes the instance",
        ),
        pytest.param(
            """\
            import os

            try:
                from polyaxon_helper import send_metrics
                HAVE_POLYAXON = True
            except ImportError:
                HAVE_POLYAXON = False
                send_metrics = lambda **kwargs: None  # noqa: E731

            def log_dataset(rows):
                send_metrics(rows=len(rows))
            """,
            """\
            import os

            try:
                from polyaxon_helper_compat.tracking import Experiment
                experiment = Experiment()
                send_metrics = experiment.log_metrics
                HAVE_POLYAXON = True
            except ImportError:
                HAVE_POLYAXON = False
                send_metrics = lambda **kwargs: None  # noqa: E731

            def log_dataset(rows):
                send_metrics(rows=len(rows))
            """,
            id="i6 c11 fallback binding kept, call sites unchanged",
        ),
        pytest.param(
            """\
            try:
                from polyaxon_helper import get_tf_config, get_outputs_path, experiment
            except ImportError:
                get_tf_config = lambda: None
                get_outputs_path = lambda: "."
                experiment = None
            get_tf_config()
            """,
            """\
            try:
                from polyaxon_helper_compat.tracking import Experiment, get_outputs_path
                plx_experiment = Experiment()
                get_tf_config = Experiment.get_tf_config
                experiment = plx_experiment
            except ImportError:
                get_tf_config = lambda: None
                get_outputs_path = lambda: "."
                experiment = None
            get_tf_config()
            """,
            id="i6 fallback getters and instance stay bound",
        ),
        pytest.param(
            """\
            try:
                from polyaxon_helper import get_outputs_path
                outputs = get_outputs_path()
            except:
                outputs = "."
            """,
            """\
            try:
                from polyaxon_helper_compat.tracking import get_outputs_path
                outputs = get_outputs_path()
            except:
                outputs = "."
            """,
            id="i7 bare except around import and call",
        ),
        pytest.param(
            """\
            def data_root(default):
                from polyaxon_helper import get_data_paths

                paths = get_data_paths()
                return paths["data1"] if paths else default
            """,
            """\
            def data_root(default):
                from polyaxon_helper_compat.tracking import get_data_paths

                paths = get_data_paths()
                return paths["data1"] if paths else default
            """,
            id="i8 c4 import in a function stays there",
        ),
        pytest.param(
            """\
            if args.polyaxon:
                from polyaxon_helper import send_metrics
                send_metrics(a=1)
            else:
                import polyaxon_helper as plx
                plx.send_metrics(b=2)
            """,
            """\
            if args.polyaxon:
                from polyaxon_helper_compat.tracking import Experiment
                experiment = Experiment()
                experiment.log_metrics(a=1)
            else:
                from polyaxon_helper_compat.tracking import Experiment
                experiment = Experiment()
                experiment.log_metrics(b=2)
            """,
            id="i9 each branch creates what it uses",
        ),
        pytest.param(
            """\
            from polyaxon_helper import send_metrics

            def evaluate():
                from polyaxon_helper import send_metrics
                send_metrics(acc=0.9)

            send_metrics(loss=0.1)
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment
            experiment = Experiment()

            def evaluate():
                from polyaxon_helper_compat.tracking import Experiment
                experiment.log_metrics(acc=0.9)

            experiment.log_metrics(loss=0.1)
            """,
            id="i10 function reuses the module-level instance",
        ),
        pytest.param(
            """\
            try:
                from polyaxon_helper import send_metrics, get_job_info
                IN_POLYAXON = True
            except ImportError:
                IN_POLYAXON = False
            """,
            """\
            try:
                from polyaxon_helper_compat.tracking import Experiment, Job
                IN_POLYAXON = True
            except ImportError:
                IN_POLYAXON = False
            """,
            id="i11 unused names mapped, no instance created",
        ),
        pytest.param(
            """\
            from polyaxon_helper import get_outputs_path, get_params
            import tensorflow as tf

            tf.app.flags.DEFINE_string("train_dir", get_outputs_path(), "where to write")
            PARAMS = get_params() or {}
            """,
            """\
            from polyaxon_helper_compat.tracking import get_outputs_path, Experiment
            import tensorflow as tf

            tf.app.flags.DEFINE_string("train_dir", get_outputs_path(), "where to write")
            PARAMS = Experiment.get_params() or {}
            """,
            id="c7 c8 getters at import time",
        ),
        pytest.param(
            """\
            def report_progress(fields):
                send_metrics(**fields)

            from polyaxon_helper import send_metrics
            """,
            """\
            def report_progress(fields):
                experiment.log_metrics(**fields)

            from polyaxon_helper_compat.tracking import Experiment
            experiment = Experiment()
            """,
            id="c11 called from a function defined earlier",
        ),
        pytest.param(
            """\
            from comet_ml import Experiment
            import polyaxon_helper as helper

            experiment = Experiment(api_key="k")
            experiment.log_metric("acc", 1)

            def get_data_paths():
                return {}

            helper.send_metrics(acc=1)
            helper.get_params()
            x = helper.get_data_paths()
            """,
            """\
            from comet_ml import Experiment
            from polyaxon_helper_compat.tracking import Experiment as PlxExperiment, get_data_paths as plx_get_data_paths
            plx_experiment = PlxExperiment()

            experiment = Experiment(api_key="k")
            experiment.log_metric("acc", 1)

            def get_data_paths():
                return {}

            plx_experiment.log_metrics(acc=1)
            PlxExperiment.get_params()
            x = plx_get_data_paths()
            """,
            id="v5 taken names get free aliases",
        ),
        pytest.param(
            """\
            from polyaxon_helper import send_metrics

            def train(experiment, plx_experiment):
                send_metrics(loss=experiment.loss + plx_experiment)
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment
            plx_experiment_2 = Experiment()

            def train(experiment, plx_experiment):
                plx_experiment_2.log_metrics(loss=experiment.loss + plx_experiment)
            """,
            id="e4 instance name avoids every binding in the module",
        ),
        pytest.param(
            """\
            class Trainer:
                def __init__(self):
                    self.experiment = None

                def step(self):
                    from polyaxon_helper import send_metrics
                    send_metrics(loss=self.experiment)
            """,
            """\
            class Trainer:
                def __init__(self):
                    self.experiment = None

                def step(self):
                    from polyaxon_helper_compat.tracking import Experiment
                    experiment = Experiment()
                    experiment.log_metrics(loss=self.experiment)
            """,
            id="i8 method: attribute named experiment does not count",
        ),
        pytest.param(
            """\
            from polyaxon_helper import send_metrics, experiment, get_outputs_path
            __all__ = ["send_metrics", "experiment", "get_outputs_path"]
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment, get_outputs_path
            experiment = Experiment()
            send_metrics = experiment.log_metrics
            __all__ = ["send_metrics", "experiment", "get_outputs_path"]
            """,
            id="names exported in __all__ stay bound",
        ),
        pytest.param(
            """\
            def setup():
                global send_metrics
                from polyaxon_helper import send_metrics

            setup()
            send_metrics(a=1)
            """,
            """\
            def setup():
                global send_metrics
                from polyaxon_helper_compat.tracking import Experiment
                experiment = Experiment()
                send_metrics = experiment.log_metrics

            setup()
            send_metrics(a=1)
            """,
            id="global declaration: the module-level name stays bound",
        ),
        pytest.param(
            """\
            def make_reporter():
                from polyaxon_helper import send_metrics

                def report(**metrics):
                    send_metrics(**metrics)
                return report
            """,
            """\
            def make_reporter():
                from polyaxon_helper_compat.tracking import Experiment
                experiment = Experiment()

                def report(**metrics):
                    experiment.log_metrics(**metrics)
                return report
            """,
            id="closure uses the enclosing function's instance",
        ),
        pytest.param(
            """\
            from polyaxon_helper import send_metrics
            from polyaxon_helper import send_metrics
            send_metrics(a=1)
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment
            experiment = Experiment()
            send_metrics = experiment.log_metrics
            from polyaxon_helper_compat.tracking import Experiment
            send_metrics = experiment.log_metrics
            send_metrics(a=1)
            """,
            id="i14 the same name imported twice in one scope",
        ),
        pytest.param(
            """\
            import polyaxon_helper_compat as plx
            plx.send_metrics(a=1)
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment
            experiment = Experiment()
            experiment.log_metrics(a=1)
            """,
            id="output of stage compat",
        ),
        pytest.param(
            '''\
            """Train."""
            from __future__ import annotations
            import polyaxon_helper as plx  # noqa: E402
            plx.send_metrics(a=1)
            ''',
            '''\
            """Train."""
            from __future__ import annotations
            from polyaxon_helper_compat.tracking import Experiment  # noqa: E402
            experiment = Experiment()
            experiment.log_metrics(a=1)
            ''',
            id="after docstring and future import, comment kept",
        ),
        pytest.param(
            "import os; import polyaxon_helper as plx; plx.send_metrics(a=1)\n",
            "import os\nfrom polyaxon_helper_compat.tracking import Experiment\nexperiment = Experiment()\n"
            "experiment.log_metrics(a=1)\n",
            id="semicolons: new lines go before what follows",
        ),
        pytest.param(
            "# -*- coding: latin-1 -*-\r\nfrom polyaxon_helper import send_metrics\r\nsend_metrics(coût=1)\r\n",
            "# -*- coding: latin-1 -*-\r\nfrom polyaxon_helper_compat.tracking import Experiment\r\n"
            "experiment = Experiment()\r\nexperiment.log_metrics(coût=1)\r\n",
            id="f1 f3 CRLF and non-ASCII kept, new lines use CRLF",
        ),
        pytest.param(
            "from polyaxon_helper import send_metrics\nsend_metrics(a=1)",
            "from polyaxon_helper_compat.tracking import Experiment\nexperiment = Experiment()\n"
            "experiment.log_metrics(a=1)",
            id="f2 no newline at end of file",
        ),
        pytest.param(
            """\
            def main():
                  # send_metrics(old=1)
                from polyaxon_helper import get_log_level
                    # level = None
                return get_log_level()
            """,
            """\
            def main():
                  # send_metrics(old=1)
                from polyaxon_helper_compat.tracking import get_log_level
                    # level = None
                return get_log_level()
            """,
            id="f5 odd comments keep their place",
        ),
        pytest.param(
            """\
            from polyaxon_helper import get_data_paths

            paths = get_data_paths()
            train_dir = paths["mnist"]
            first = list(get_data_paths().values())[0]
            """,
            """\
            from polyaxon_helper_compat.tracking import get_data_paths

            paths = get_data_paths()
            train_dir = paths["mnist"]
            first = list(get_data_paths().values())[0]
            """,
            id="c4 c5 c6 get_data_paths keeps its dict (compat's), subscripts unchanged",
        ),
        pytest.param(
            """\
            from polyaxon_helper import get_declarations

            def main(lr=0.1, epochs=3):
                return lr * epochs

            if 1:
                main(**get_declarations())
            else:
                main()
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment

            def main(lr=0.1, epochs=3):
                return lr * epochs

            if 1:
                main(**Experiment.get_declarations())
            else:
                main()
            """,
            id="c9 get_declarations splatted, dead else kept",
        ),
        pytest.param(
            """\
            from polyaxon_helper import send_metrics

            send_metrics(loss=loss_tensor, accuracy=acc.item(), lr=scheduler.get_last_lr()[0])
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment
            experiment = Experiment()

            experiment.log_metrics(loss=loss_tensor, accuracy=acc.item(), lr=scheduler.get_last_lr()[0])
            """,
            id="c3 tensor values passed as they are",
        ),
        pytest.param(
            """\
            import polyaxon_helper

            def report(**measures):
                polyaxon_helper.send_metrics(
                    **measures,
                )
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment
            experiment = Experiment()

            def report(**measures):
                experiment.log_metrics(
                    **measures,
                )
            """,
            id="f4 trailing comma after **kwargs on its own line",
        ),
        pytest.param(
            "def report(fields):\n    send_metrics(**fields)\n\nfrom polyaxon_helper import send_metrics",
            "def report(fields):\n    experiment.log_metrics(**fields)\n\n"
            "from polyaxon_helper_compat.tracking import Experiment\nexperiment = Experiment()",
            id="f2 lines added after the last line, still no final newline",
        ),
        pytest.param(
            "# -*- coding: utf-8 -*-\nfrom polyaxon_helper import send_metrics\n"
            "send_metrics(note_\u00e9=1)  # \U0001f680\n",
            "# -*- coding: utf-8 -*-\nfrom polyaxon_helper_compat.tracking import Experiment\n"
            "experiment = Experiment()\nexperiment.log_metrics(note_\u00e9=1)  # \U0001f680\n",
            id="f3 non-ASCII identifiers and emoji kept",
        ),
        pytest.param(
            """\
            from polyaxon_helper import get_data_paths, get_outputs_path, send_metrics
            from polyaxon_client.tracking import get_data_paths, get_outputs_path

            send_metrics(loss=0.1, path=get_outputs_path(), data=get_data_paths())
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment
            experiment = Experiment()
            from polyaxon_helper_compat.tracking import get_data_paths, get_outputs_path

            experiment.log_metrics(loss=0.1, path=get_outputs_path(), data=get_data_paths())
            """,
            id="i14 i15 names imported from the helper then the client are bound once",
        ),
        pytest.param(
            """\
            from polyaxon_helper import get_outputs_path
            OUT = get_outputs_path()
            from polyaxon_client.tracking import get_outputs_path
            """,
            """\
            from polyaxon_helper_compat.tracking import get_outputs_path
            OUT = get_outputs_path()
            from polyaxon_helper_compat.tracking import get_outputs_path
            """,
            id="i14 a use between the two imports keeps both bindings",
        ),
        pytest.param(
            """\
            import polyaxon_helper
            from polyaxon_client.tracking import Experiment, get_log_level

            experiment = Experiment()
            polyaxon_helper.send_metrics(level=get_log_level())
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment
            plx_experiment = Experiment()
            from polyaxon_helper_compat.tracking import Experiment, get_log_level

            experiment = Experiment()
            plx_experiment.log_metrics(level=get_log_level())
            """,
            id="i15 helper and client in one file, one Experiment name",
        ),
        pytest.param(
            """\
            from polyaxon_helper import *

            def train(lr):
                send_metrics(lr=lr, path=get_outputs_path())
                experiment.log_tags(["star"])
                return get_params()
            """,
            """\
            from polyaxon_helper_compat.tracking import Experiment, get_outputs_path
            experiment = Experiment()

            def train(lr):
                experiment.log_metrics(lr=lr, path=get_outputs_path())
                experiment.log_tags(["star"])
                return Experiment.get_params()
            """,
            id="star import becomes the names the module uses",
        ),
        pytest.param(
            "from polyaxon_helper import *\n",
            "from polyaxon_helper_compat import *\n",
            id="star import binding nothing used here: same names from compat",
        ),
        pytest.param(
            """\
            from polyaxon_helper import (  # the v0 helper
                get_outputs_path,  # where to write
                get_params,  # hyper-parameters
            )
            """,
            """\
            from polyaxon_helper_compat.tracking import (  # the v0 helper
                get_outputs_path,  # where to write
                Experiment,  # hyper-parameters
            )
            """,
            id="i2 i11 last name replaced, its comment kept",
        ),
        pytest.param(
            """\
            from polyaxon_helper import (
                get_data_path,  # January 2018 name
                get_outputs_path,  # where to write
                send_metrics
            )
            send_metrics(path=get_outputs_path(), data=get_data_path())
            """,
            """\
            from polyaxon_helper import (
                get_data_path  # January 2018 name
                # where to write
            )
            from polyaxon_helper_compat.tracking import Experiment, get_outputs_path
            experiment = Experiment()
            experiment.log_metrics(path=get_outputs_path(), data=get_data_path())
            """,
            id="i2 i17 names that leave keep their comments in the statement that stays",
        ),
        pytest.param(
            "from polyaxon_helper import (send_metrics, get_outputs_path)\nsend_metrics(p=get_outputs_path())\n",
            "from polyaxon_helper_compat.tracking import (Experiment, get_outputs_path)\nexperiment = Experiment()\n"
            "experiment.log_metrics(p=get_outputs_path())\n",
            id="i2 parenthesized list on one line",
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
            def send_metrics(**metrics):
                print(sorted(metrics))

            def get_outputs_path():
                return "local-outputs"

            send_metrics(loss=0.5, where=get_outputs_path())
            """,
            id="c12 local functions named like the helper",
        ),
        pytest.param(
            """\
            class Store:
                def get_data_paths(self):
                    return {}

            paths = Store().get_data_paths()
            """,
            id="c12 method on another object",
        ),
        pytest.param(
            """\
            # from polyaxon_helper import send_metrics
            #     send_metrics(loss=loss)
            USAGE = "polyaxon_helper.send_metrics(loss=...)"
            """,
            id="i13 only comments and strings",
        ),
        pytest.param(
            """\
            from polyaxon_helper_compat.tracking import Experiment, get_outputs_path
            experiment = Experiment()
            experiment.log_metrics(loss=0.1, path=get_outputs_path())
            """,
            id="already migrated",
        ),
        pytest.param(
            """\
            from polyaxon import tracking
            tracking.init()
            tracking.log_metrics(loss=0.1)
            """,
            id="v1 on polyaxon.tracking",
        ),
        pytest.param(
            """\
            from polyaxon.tracking import Run
            experiment = Run()
            experiment.log_metrics(loss=0.1)
            """,
            id="v2 run named experiment",
        ),
        pytest.param(
            """\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from polyaxon_helper import send_metrics
            """,
            id="import under TYPE_CHECKING",
        ),
        pytest.param(
            """\
            import functools
            from polyaxon_helper import send_metrics
            callback = functools.partial(send_metrics, step=1)
            """,
            id="unsafe partial of send_metrics",
        ),
        pytest.param(
            """\
            import polyaxon_helper as plx
            report = getattr(plx, "send_metrics")
            """,
            id="unsafe getattr on the module",
        ),
        pytest.param("import polyaxon_helper as plx\nregister(plx)\n", id="unsafe module passed as a value"),
        pytest.param(
            "from polyaxon_helper import get_data_path\npath = get_data_path()\n", id="i17 unknown legacy name"
        ),
        pytest.param(
            "from polyaxon_helper import *\nsend_metrics(a=1)\nget_data_path()\n",
            id="star import binding an unknown name",
        ),
        pytest.param("from numpy import *\nfrom polyaxon_helper import *\nsend_metrics(a=1)\n", id="two star imports"),
        pytest.param(
            """\
            try:
                import polyaxon_helper as plx
            except ImportError:
                plx = None
            if plx:
                plx.send_metrics(a=1)
            """,
            id="i6 module with a fallback binding",
        ),
        pytest.param(
            """\
            try:
                import polyaxon_helper  # noqa: F401
                HAVE = True
            except ImportError:
                HAVE = False
            """,
            id="i5 availability probe",
        ),
        pytest.param("if cluster: from polyaxon_helper import send_metrics\n", id="one-line compound statement"),
        pytest.param("from polyaxon_helper.settings import IN_CLUSTER\n", id="submodule"),
        pytest.param("from .polyaxon_helper import send_metrics\nsend_metrics(a=1)\n", id="relative import"),
        pytest.param(
            "import polyaxon_helper as plx\nplx.settings.IN_CLUSTER\n", id="unknown module attribute"
        ),
        pytest.param("from polyaxon_helper import send_metrics\n\nprint 'x'\n", id="python 2 is not parsed"),
        pytest.param(
            "polyaxon_helper = load_plugin('x')\npolyaxon_helper.send_metrics(a=1)\n",
            id="a variable named polyaxon_helper, never imported",
        ),
        pytest.param(
            "from mylib.metrics import send_metrics  # was polyaxon_helper's\nsend_metrics(a=1)\n",
            id="send_metrics from another module",
        ),
        pytest.param(
            "from polyaxon_helper_compat.tracking import Job\ninfo = Job.get_job_info()\n", id="already migrated job"
        ),
        pytest.param("# polyaxon_helper\r\nx = 1", id="f1 f2 untouched text"),
    ],
)
def test_noop(source: str) -> None:
    check_noop(source)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "import functools\nfrom polyaxon_helper import send_metrics\n"
            "cb = functools.partial(send_metrics, step=1)\n",
            [(3, 23, "send_metrics is used without being called; left unchanged (its import is kept)")],
            id="partial",
        ),
        pytest.param(
            "import polyaxon_helper as plx\nf = getattr(plx, 'send_metrics')\n",
            [(2, 12, "the polyaxon_helper module is used as a value, its attributes cannot be resolved; "
                     "left unchanged")],
            id="getattr",
        ),
        pytest.param(
            "from polyaxon_helper import get_data_path\n",
            [(1, 28, "'get_data_path' is not in the polyaxon_helper 0.5.0 API (get_data_path is the January-2018 "
                     "name; 0.5.0 has get_data_paths, which returns a dict); left unchanged")],
            id="i17 get_data_path",
        ),
        pytest.param(
            "import polyaxon_helper as plx\nplx.settings.IN_CLUSTER\n",
            [(2, 0, "'settings' is not in the polyaxon_helper 0.5.0 API; left unchanged")],
            id="unknown attribute",
        ),
        pytest.param(
            "from polyaxon_helper import get_api, get_internal_token\nprint(get_api('v2'), get_internal_token())\n",
            [(1, 28, "'get_api' is a polyaxon-helper 0.1.x name (the v0.1 API's URL, from POLYAXON_API) with no "
                     "Experiment or Polyaxon v2 equivalent; left unchanged (polyaxon_helper_compat provides it)"),
             (1, 37, "'get_internal_token' is a polyaxon-helper 0.1.x name (POLYAXON_INTERNAL_SECRET_TOKEN) with no "
                     "Experiment or Polyaxon v2 equivalent; left unchanged (polyaxon_helper_compat provides it)")],
            id="0.1.x names get_api and get_internal_token",
        ),
        pytest.param(
            "import polyaxon_helper as plx\nurl = plx.get_api()\n",
            [(2, 6, "'get_api' is a polyaxon-helper 0.1.x name (the v0.1 API's URL, from POLYAXON_API) with no "
                    "Experiment or Polyaxon v2 equivalent; left unchanged (polyaxon_helper_compat provides it)")],
            id="0.1.x name as a module attribute",
        ),
        pytest.param(
            "from polyaxon_helper import *\nsend_metrics(a=1)\npath = get_data_path()\n",
            [(3, 7, "'get_data_path' is bound nowhere in this module, so it may come from `from polyaxon_helper "
                    "import *`, whose replacement does not provide it; the star import is left unchanged")],
            id="star import, unknown name",
        ),
        pytest.param(
            "import functools\nfrom polyaxon_helper import *\ncallback = functools.partial(send_metrics, stage=1)\n",
            [(3, 29, "send_metrics is used without being called; left unchanged (its import is kept)")],
            id="star import binding a name that cannot be converted",
        ),
        pytest.param(
            "from os.path import *\nfrom polyaxon_helper import *\nsend_metrics(a=join('a', 'b'))\n",
            [(2, 0, "star import next to another star import: which one binds a name cannot be known; left unchanged")],
            id="star imports of two modules",
        ),
        pytest.param(
            "try:\n    import polyaxon_helper as plx\nexcept ImportError:\n    plx = None\n",
            [(2, 11, "the module name is also bound elsewhere in this scope (a fallback?); its uses are left "
                     "unchanged")],
            id="fallback module",
        ),
        pytest.param(
            "import polyaxon_helper\n",
            [(1, 7, "the module is imported but never used (an availability probe?); left unchanged")],
            id="unused module",
        ),
        pytest.param(
            "if x: import polyaxon_helper\n",
            [(1, 6, "import in a one-line compound statement: split the line, then run the codemod again")],
            id="suite",
        ),
    ],
)
def test_manual_sites(source: str, expected: list[tuple[int, int, str]]) -> None:
    result = check_noop(source)
    assert [(m.line, m.column, m.reason) for m in result.manual] == expected
    assert {m.codemod for m in result.manual} == {ID}


def test_c2_step_key_is_kept_and_not_reported() -> None:
    """C2: v0 stored ``step`` as an ordinary metric, and so does ``Experiment.log_metrics``: stage 2 keeps v0
    semantics, so nothing changes in what is recorded and nothing is reported (stage 3, to v2, will have to)."""
    result = check_transformed(
        """\
        from polyaxon_helper import send_metrics
        metrics = {"loss": 0.1}
        metrics.update({"step": 10})
        send_metrics(step=10, loss=0.1)
        send_metrics(**metrics)
        """,
        """\
        from polyaxon_helper_compat.tracking import Experiment
        experiment = Experiment()
        metrics = {"loss": 0.1}
        metrics.update({"step": 10})
        experiment.log_metrics(step=10, loss=0.1)
        experiment.log_metrics(**metrics)
        """,
    )
    assert result.manual == []


def test_i12_import_used_only_in_a_comment() -> None:
    source = "import polyaxon_helper  # polyaxon_helper.send_metrics(loss=loss)\nprint('training')\n"
    result = check_noop(source)
    assert [(m.line, m.reason) for m in result.manual] == [
        (1, "the module is imported but never used (an availability probe?); left unchanged")
    ]


def test_i16_v1_first_v0_fallback_is_left_and_reported() -> None:
    result = check_noop(
        """\
        try:
            from polyaxon import tracking
            USE_V1 = True
        except ImportError:
            from polyaxon_helper import send_metrics
            from polyaxon_client.tracking import Experiment
            USE_V1 = False
        """
    )
    reason = ("version-compat code: another branch of this try imports Polyaxon v1 (polyaxon); the v0 import is "
              "left unchanged")
    assert [(m.line, m.reason, m.codemod) for m in result.manual] == [
        (6, reason, "client-to-compat"), (5, reason, ID)
    ]


def test_partial_migration_keeps_the_import_for_what_remains() -> None:
    result = check_transformed(
        """\
        import functools
        from polyaxon_helper import send_metrics, get_data_path, get_tf_config
        callback = functools.partial(send_metrics, step=1)
        send_metrics(loss=0.1)
        get_tf_config()
        path = get_data_path()
        """,
        """\
        import functools
        from polyaxon_helper import send_metrics, get_data_path
        from polyaxon_helper_compat.tracking import Experiment
        experiment = Experiment()
        callback = functools.partial(send_metrics, step=1)
        experiment.log_metrics(loss=0.1)
        Experiment.get_tf_config()
        path = get_data_path()
        """,
    )
    assert [(m.line, m.code) for m in result.manual] == [
        (2, "from polyaxon_helper import send_metrics, get_data_path, get_tf_config"),
        (3, "callback = functools.partial(send_metrics, step=1)"),
    ]


def test_instance_created_in_a_function_is_reported() -> None:
    result = check_transformed(
        """\
        def train():
            from polyaxon_helper import send_metrics
            send_metrics(loss=0.1)
        """,
        """\
        def train():
            from polyaxon_helper_compat.tracking import Experiment
            experiment = Experiment()
            experiment.log_metrics(loss=0.1)
        """,
    )
    assert result.manual == [
        ManualSite(2, 4, "from polyaxon_helper import send_metrics",
                   "a new Experiment() is created on every call of train(): consider one module-level instance", ID)
    ]


def test_changes_list_rewritten_statements() -> None:
    result = check_transformed(
        "import polyaxon_helper as plx\nplx.send_metrics(a=1)\n",
        "from polyaxon_helper_compat.tracking import Experiment\nexperiment = Experiment()\n"
        "experiment.log_metrics(a=1)\n",
    )
    assert [(c.line, c.old, c.new, c.codemod) for c in result.changes] == [
        (1, "import polyaxon_helper as plx",
         "from polyaxon_helper_compat.tracking import Experiment\nexperiment = Experiment()", ID),
        (2, "plx.send_metrics(a=1)", "experiment.log_metrics(a=1)", ID),
    ]


def test_tracking_module_option() -> None:
    """The seam: ``tracking_module`` picks where Experiment comes from (``--tracking-module`` in libcst.tool)."""
    source = "from polyaxon_helper import send_metrics, get_params\nsend_metrics(a=get_params())\n"
    command = HelperToExperimentCommand(CodemodContext(), tracking_module="polyaxon_client.tracking")
    tree = command.transform_module(cst.parse_module(source))
    assert tree.code == (
        "from polyaxon_client.tracking import Experiment\nexperiment = Experiment()\n"
        "experiment.log_metrics(a=Experiment.get_params())\n"
    )
    assert len(command.changes) == 2
    assert HelperToExperimentCommand.TRACKING_MODULE == "polyaxon_helper_compat.tracking"


def test_command_instance_is_reusable_across_files() -> None:
    command = HelperToExperimentCommand(CodemodContext())
    first = command.transform_module(cst.parse_module("from polyaxon_helper import send_metrics\nsend_metrics()\n"))
    assert command.changes and first.code.startswith("from polyaxon_helper_compat.tracking")
    untouched = cst.parse_module("import os\n")
    assert command.transform_module(untouched) is untouched
    assert command.changes == [] and command.manual == []


def test_parse_error_is_reported_not_raised() -> None:
    source = "from polyaxon_helper import send_metrics\n\nprint 'epoch done'\nsend_metrics(loss=0.25)\n"
    result = run_stage(source, "experiment", path="legacy_py2.py")
    assert (result.code, result.changed, result.changes) == (source, False, [])
    assert result.error == "3:1: Missing parentheses in call to 'print'. Did you mean print(...)?"


def test_prelude_runs_first_for_libcst_tool_too() -> None:
    """The command alone (as ``python -m libcst.tool`` runs it) also reports v0 variables and moves client imports,
    each edit recorded under its own codemod id, with lines of the input."""
    context = CodemodContext()
    command = HelperToExperimentCommand(context)
    source = (
        "import os\n"
        "from polyaxon_client.tracking import Experiment, get_outputs_path\n"
        "from polyaxon_helper import send_metrics\n"
        "send_metrics(out=get_outputs_path(), raw=os.getenv('POLYAXON_RUN_OUTPUTS_PATH'))\n"
    )
    tree = command.transform_module(cst.parse_module(source))
    assert tree.code == (
        "import os\n"
        "from polyaxon_helper_compat.tracking import Experiment, get_outputs_path\n"
        "experiment = Experiment()\n"
        "experiment.log_metrics(out=get_outputs_path(), raw=os.getenv('POLYAXON_RUN_OUTPUTS_PATH'))\n"
    )
    assert [(c.line, c.codemod) for c in command.changes] == [(2, "client-to-compat"), (3, ID), (4, ID)]
    assert [(m.line, m.column, m.codemod) for m in command.manual] == [(4, 51, "v0-environment")]
    assert context.warnings == [f"4:51: {command.manual[0].reason}"]
