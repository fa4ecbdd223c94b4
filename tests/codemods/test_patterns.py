"""Coverage of the pattern catalogue (the shared PATTERNS.md) by the codemod tests, and the cross-stage no-ops.

Every Python pattern id below is the name, or part of the id, of at least one test in ``tests/codemods``: a
``check_transformed`` rewrite, a ``check_noop`` no-op, or a manual-site report. ``test_every_pattern_has_a_test``
keeps it that way. The V* patterns (code already on Polyaxon v1/v2) and the v2 side of the E* patterns belong to
stage 3 (polyaxon-v2, tested in ``tests/v2``); for stages 1-2 they are no-ops, tested here for both stages.

Dependency and build files are not Python and are another issue's business (plx-migrate's file kinds), so these ids
are listed for a complete table but not tested here: D1 (v0 polyaxonfile build steps), D2 (pinned polyaxon-helper),
D3 (pinned polyaxon-client), D4 (unpinned lines), D5 (extras with a pin), D6 (Dockerfile pip install), D7 (underscore
distribution names), D8 (setup.py install_requires), D9 (shell pip install line), D10 (commented-out pins),
D11 (companion v0 packages), D12 (templated polyaxonfile cmd).
"""
from __future__ import annotations

import importlib
import re
import textwrap
from pathlib import Path

import pytest

from plx_migrate import _testing

#: Every id of PATTERNS.md except the D* ones (see the module docstring), in the catalogue's order.
PATTERNS = [
    "I1", "E1", "E7", "C1", "F2", "C7", "I11", "I3", "C5", "E4", "I6", "I8", "C2", "C4", "F5", "I9", "V1", "C10",
    "E3", "I10", "X1", "C6", "C9", "C12", "E2", "E5", "E6", "E9", "I2", "I5", "I7", "I13", "I15", "I16", "V2", "V4",
    "C3", "C8", "C11", "E8", "F1", "F3", "F4", "I4", "I12", "I14", "I17", "V3", "V5",
]
STAGES = ["compat", "experiment"]


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            """\
            from polyaxon import tracking

            tracking.init()
            tracking.log_inputs(lr=0.1)
            tracking.log_metrics(step=1, loss=0.5)
            """,
            id="V1 already on polyaxon.tracking",
        ),
        pytest.param(
            """\
            from polyaxon.client import RunClient
            from polyaxon.tracking import Run

            experiment = Run(client=RunClient())
            experiment.log_metrics(step=1, loss=0.5)
            """,
            id="V2 v1 Run named experiment",
        ),
        pytest.param(
            """\
            def get_tracking():
                try:
                    from polyaxon import tracking
                except ImportError:
                    class tracking:  # no-op stub
                        @staticmethod
                        def log_metrics(**kwargs):
                            pass
                return tracking

            tracking = get_tracking()
            tracking.log_metrics(loss=0.1)
            """,
            id="V3 local tracking stub shadows the module",
        ),
        pytest.param(
            """\
            from polyaxon import tracking

            tracking.init()
            tracking.log_metrics({"loss": 0.1})
            """,
            id="V4 dict passed positionally to v1 log_metrics is not repaired",
        ),
        pytest.param(
            """\
            from comet_ml import Experiment

            experiment = Experiment(api_key="k")
            experiment.log_metric("accuracy", 0.9)
            """,
            id="V5 comet Experiment only",
        ),
        pytest.param(
            """\
            # from polyaxon_helper import send_metrics
            # from polyaxon_client.tracking import Experiment
            #     send_metrics(loss=loss)
            # polyaxon-helper==0.4.4
            """,
            id="I13 only commented-out polyaxon code",
        ),
    ],
)
def test_v2_era_and_comment_only_code_is_left_alone(source: str, stage: str) -> None:
    result = _testing.check_noop(source, stage=stage)
    assert result.manual == []


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            """\
            from polyaxon_client.tracking import Experiment

            def main():
                experiment = Experiment()
                experiment.log_params(lr=0.1)
                experiment.log_data_ref(data=[1, 2], data_name="points")
                experiment.log_metrics(loss=0.1)
                experiment.succeeded()
            """,
            id="E1 E7 client Experiment in a function",
        ),
        pytest.param(
            """\
            from polyaxon_client.tracking import Experiment

            exp = Experiment(project="mnist") if on_cluster else None
            exp.create(framework="tensorflow", tags=["cnn"])
            """,
            id="E2 E3 E4 E5 module-level, out-of-cluster create",
        ),
        pytest.param(
            """\
            import polyaxon_client
            from polyaxon_client.tracking.contrib.keras import PolyaxonKeras

            def fit(model, experiment):
                if polyaxon_client.settings.IN_CLUSTER:
                    model.fit(callbacks=[PolyaxonKeras(experiment=experiment)])
            """,
            id="E6 E8 E9 passed around, contrib callback, settings",
        ),
    ],
)
def test_v0_tracking_api_is_not_stage_compat_business(source: str) -> None:
    _testing.check_noop(source, stage="compat")


def test_i16_version_compat_code_is_left_and_reported_in_stage_compat() -> None:
    result = _testing.check_noop(
        """\
        try:
            from polyaxon.tracking import Run
        except ImportError:
            import polyaxon_helper as plx
        """,
        stage="compat",
    )
    assert [(m.line, m.column, m.codemod) for m in result.manual] == [(4, 4, "helper-to-compat")]


def _test_names() -> list[str]:
    """Every test function name and ``pytest.param`` id of the modules of ``tests/codemods``."""
    names = []
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        module = importlib.import_module(f"{__package__}.{path.stem}")
        for name, function in vars(module).items():
            if not name.startswith("test_") or not callable(function):
                continue
            names.append(name)
            for mark in getattr(function, "pytestmark", []):
                if mark.name == "parametrize":
                    names += [getattr(value, "id", None) or "" for value in mark.args[1]]
    return names


def test_every_pattern_has_a_test() -> None:
    """A pattern id counts when it is a word of a test name or id (``test_i6_...``, ``"I6 try import"``)."""
    words = {word for name in _test_names() for word in re.split(r"[^a-z0-9]+", name.lower())}
    missing = [pattern for pattern in PATTERNS if pattern.lower() not in words]
    assert missing == []


def test_the_list_is_the_catalogue_without_dependency_files() -> None:
    """The list above is complete: the ids of the docstring's D* list plus ``PATTERNS`` make 61 distinct ids."""
    dependency = re.findall(r"\bD\d+\b", textwrap.dedent(__doc__ or ""))
    assert len(set(PATTERNS)) == len(PATTERNS) == 49
    assert sorted(set(dependency), key=lambda d: int(d[1:])) == [f"D{n}" for n in range(1, 13)]
