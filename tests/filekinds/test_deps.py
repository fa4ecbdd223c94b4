"""The package-name policy (``_deps``): what each v0 requirement becomes at each stage."""
from __future__ import annotations

import re
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from plx_migrate.filekinds import _deps
from plx_migrate.filekinds._deps import Item, plan

FLOOR = _deps.compat_floor()
COMPAT = f"polyaxon-helper-compat>={FLOOR}"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def actions(texts: list[str], stage: str) -> list[tuple[int, str, str, str]]:
    """The actions on ``texts`` (the ``compat-still-needed`` note of stage polyaxon-v2 aside: tested on its own)."""
    return [(a.index, a.kind, a.rule, a.new) for a in plan([Item(t) for t in texts], stage)
            if a.rule != "compat-still-needed"]


def test_floor_is_this_release() -> None:
    assert FLOOR == version("polyaxon-helper-compat")
    declared = re.search(r'^version = "([^"]+)"', PYPROJECT.read_text(), re.MULTILINE)
    assert declared is not None and declared.group(1) == FLOOR
    assert _deps.FALLBACK_VERSION == FLOOR


def test_minimum_python_is_requires_python() -> None:
    assert _deps.minimum_python() == (3, 9)
    assert _deps.FALLBACK_PYTHON == (3, 9)
    assert sys.version_info[:2] >= _deps.minimum_python()

V2 = f"polyaxon-helper-compat[v2]>={FLOOR}"


@pytest.mark.parametrize(
    ("stage", "name", "floor"),
    [("compat", "polyaxon-helper-compat", FLOOR), ("experiment", "polyaxon-helper-compat", FLOOR),
     ("polyaxon-v2", "polyaxon-helper-compat", FLOOR)],
)
def test_targets(stage: str, name: str, floor: str | None) -> None:
    goal = _deps.target(stage)
    assert (goal.name, goal.floor) == (name, floor)
    # at polyaxon-v2 the extra [v2] brings polyaxon, and the compat imports the codemod keeps still work
    extras = "[v2]" if stage == "polyaxon-v2" else ""
    assert goal.requirement == f"{name}{extras}>={floor}"


def test_unknown_stage_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        _deps.target("v3")
    with pytest.raises(KeyError):
        plan([Item("polyaxon-helper")], "v3")


@pytest.mark.parametrize(
    ("text", "stage", "new"),
    [
        pytest.param("polyaxon-helper==0.5.0", "compat", COMPAT, id="d2 helper pin, compat"),
        pytest.param("polyaxon-helper==0.5.0", "experiment", COMPAT, id="d2 helper pin, experiment"),
        pytest.param("polyaxon-helper==0.5.0", "polyaxon-v2", V2, id="d2 helper pin, polyaxon-v2"),
        pytest.param("polyaxon-client==0.6.1", "experiment", COMPAT, id="d3 client pin, experiment"),
        pytest.param("polyaxon-client==0.6.1", "polyaxon-v2", V2, id="d3 client pin, polyaxon-v2"),
        pytest.param("polyaxon-helper", "compat", COMPAT, id="d4 unpinned"),
        pytest.param("polyaxon-helper>=0.4,<0.6", "compat", COMPAT, id="d4 range"),
        pytest.param("polyaxon_helper==0.5.0", "compat", COMPAT, id="d7 underscore"),
        pytest.param("Polyaxon.Helper==0.5.0", "compat", COMPAT, id="d7 case and dot"),
        pytest.param('polyaxon-helper==0.5.0 ; sys_platform == "linux"', "compat",
                     f'{COMPAT} ; sys_platform == "linux"', id="marker kept"),
        pytest.param('polyaxon-helper;python_version>="3.6"', "compat", f'{COMPAT};python_version>="3.6"',
                     id="marker kept without spaces"),
    ],
)
def test_replaced(text: str, stage: str, new: str) -> None:
    assert actions([text], stage) == [(0, "replace", "replace-v0-requirement", new)]


@pytest.mark.parametrize("stage", ["compat", "experiment", "polyaxon-v2"])
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("numpy==1.16.0", id="unrelated pin"),
        pytest.param("polyaxon-helper-compat>=0.1.0", id="already migrated"),
        pytest.param("polyaxon>=2.0", id="v2 package"),
        pytest.param("polyaxon-sdk==2.0", id="v2 sdk"),
        pytest.param("traceml", id="traceml"),
        pytest.param("polyaxon-deploy>=1", id="polyaxon-deploy 1.x"),
        pytest.param("marshmallow==3.19.0", id="released marshmallow"),
        pytest.param("not a requirement at all", id="unparseable, no polyaxon"),
    ],
)
def test_left_alone(text: str, stage: str) -> None:
    assert actions([text], stage) == []


@pytest.mark.parametrize("stage", ["compat", "experiment", "polyaxon-v2"])
def test_d3_helper_and_client_give_one_requirement(stage: str) -> None:
    new = _deps.target(stage).requirement
    assert actions(["polyaxon-helper==0.5.0", "numpy", "polyaxon-client==0.6.1"], stage) == [
        (0, "replace", "replace-v0-requirement", new), (2, "remove", "merge-v0-requirement", "")]


def test_d3_new_package_already_listed_removes_the_old_one() -> None:
    assert actions(["polyaxon-helper-compat", "polyaxon-helper==0.5.0"], "compat") == [
        (1, "remove", "merge-v0-requirement", "")]
    assert actions(["polyaxon-helper==0.5.0", "polyaxon-helper-compat[v2]"], "polyaxon-v2") == [
        (0, "remove", "merge-v0-requirement", "")]


def test_d3_different_markers_are_kept_apart() -> None:
    texts = ['polyaxon-helper; sys_platform == "linux"', 'polyaxon-client; sys_platform == "darwin"']
    assert [a[1] for a in actions(texts, "compat")] == ["replace", "replace"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        pytest.param("polyaxon-client[gcs]==0.6.1", "v0-extras", id="d5 extras"),
        pytest.param("polyaxon-helper @ git+https://github.com/me/polyaxon-helper", "v0-url", id="url"),
        pytest.param('polyaxon-helper==0.5.0; python_version < "3.8"', "v0-marker", id="marker excludes 3.9+"),
        pytest.param("git+https://github.com/me/polyaxon-helper.git", "unparsed-requirement", id="bare url"),
        pytest.param("polyaxon-cli==0.5.6", "v0-companion", id="d11 cli"),
        pytest.param("polyaxon-schemas==0.5.6", "v0-companion", id="d11 schemas"),
        pytest.param("polyaxon-deploy==0.5.6", "v0-companion", id="d11 deploy 0.x"),
        pytest.param("polystores==0.2.5", "v0-companion", id="d11 polystores"),
        pytest.param("rhea", "v0-companion", id="d11 rhea"),
        pytest.param("hestia==0.6.0", "v0-companion", id="d11 hestia"),
        pytest.param("marshmallow==3.0.0rc5", "v0-companion", id="d11 marshmallow rc"),
    ],
)
def test_reported_not_rewritten(text: str, rule: str) -> None:
    assert actions([text], "experiment") == [(0, "manual", rule, "")]


def test_hashed_and_editable_are_reported() -> None:
    hashed = plan([Item("polyaxon-helper==0.5.0", hashed=True)], "compat")
    assert [(a.kind, a.rule) for a in hashed] == [("manual", "v0-hashes")]
    editable = plan([Item("git+https://github.com/me/polyaxon-helper#egg=polyaxon-helper", editable=True)], "compat")
    assert [(a.kind, a.rule) for a in editable] == [("manual", "v0-url")]
    assert plan([Item(".", editable=True)], "compat") == []


def test_client_without_helper_is_noted_at_stage_compat_only() -> None:
    assert actions(["polyaxon-client==0.6.1"], "compat") == [
        (0, "replace", "replace-v0-requirement", COMPAT), (0, "manual", "client-without-helper", "")]
    assert [a.kind for a in plan([Item("polyaxon-client")], "compat", helper_listed=True)] == ["replace"]
    assert [a.kind for a in plan([Item("polyaxon-client"), Item("polyaxon-helper")], "compat")] == [
        "replace", "remove"]


def test_polyaxon_v2_notes_once_that_compat_may_still_be_needed() -> None:
    found = plan([Item("polyaxon-helper==0.5.0"), Item("polyaxon-client"), Item("numpy")], "polyaxon-v2")
    assert [(a.index, a.kind, a.rule) for a in found] == [
        (0, "replace", "replace-v0-requirement"), (0, "manual", "compat-still-needed"),
        (1, "remove", "merge-v0-requirement")]
    assert f"becomes polyaxon-helper-compat[v2]>={FLOOR}, which installs polyaxon" in found[1].reason
    assert all(a.rule != "compat-still-needed" for a in plan([Item("polyaxon-helper")], "experiment"))


def test_v2_marker_check_does_not_guess() -> None:
    assert [a[1:3] for a in actions(['polyaxon-helper; python_version < "3.8"'], "polyaxon-v2")] == [
        ("manual", "v0-marker")]  # the compat package needs Python >= 3.9: such a marker is for a human


@pytest.mark.parametrize(
    ("found", "stage", "expected"),
    [((3, 7), "compat", "base image Python 3.7 is older than polyaxon-helper-compat's minimum 3.9"),
     ((3, 9), "compat", None), ((3, 12), "experiment", None), ((2, 7), "experiment", "base image Python 2.7 is"
     " older than polyaxon-helper-compat's minimum 3.9"), ((3, 6), "polyaxon-v2", "base image Python 3.6 is older than polyaxon-helper-compat's minimum 3.9")],
)
def test_old_python_reason(found: tuple[int, int], stage: str, expected: str | None) -> None:
    assert _deps.old_python_reason(found, "base image", stage) == expected


def test_mentions_and_lists_helper() -> None:
    assert _deps.mentions_polyaxon("POLYAXON_helper") and not _deps.mentions_polyaxon("numpy")
    assert _deps.lists_helper("pip install polyaxon_helper") and _deps.lists_helper("Polyaxon-Helper==1")
    assert not _deps.lists_helper("polyaxon-helper-compat>=0.1.0") and not _deps.lists_helper("polyaxon-client")
