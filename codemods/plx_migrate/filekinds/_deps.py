"""The package-name policy: what a Polyaxon v0 requirement becomes at each migration stage.

Every dependency-carrying file kind (requirements files, ``setup.py``/``setup.cfg``/``pyproject.toml``,
``Pipfile``, ``environment.yml``, ``pip install`` lines in Dockerfiles, shell scripts, polyaxonfiles and
notebooks) hands this module the requirement strings of one *list* (one file, one array, one ``pip install``
command) and applies the :class:`Action` s it returns. Names are compared PEP 503-normalised (D7:
``polyaxon_helper``, ``Polyaxon-Helper``), requirements parsed with ``packaging.requirements``.

============================  ==========================================  ==============================================
requirement (normalised)      ``compat`` / ``experiment``                 ``polyaxon-v2``
============================  ==========================================  ==============================================
``polyaxon-helper``           ``polyaxon-helper-compat>=<this version>``  ``polyaxon-helper-compat[v2]>=<this version>``
``polyaxon-client``           ``polyaxon-helper-compat>=<this version>``  ``polyaxon-helper-compat[v2]>=<this version>``
both in one list (D3)         one new requirement (the later ones go)     one new requirement
new package already listed    the old requirement is removed              the same
============================  ==========================================  ==============================================

At ``polyaxon-v2`` the extra ``[v2]`` installs ``polyaxon``, and the ``polyaxon_helper_compat`` imports that the
``to-polyaxon-v2`` codemod keeps where v2 has no equivalent keep working: a bare ``polyaxon`` would break them,
or, behind ``except ImportError``, silently turn metric logging into a no-op.

Reported, never rewritten (manual-attention sites, rule id in brackets):

* extras on the old package (D5, ``[v0-extras]``), a URL, path or VCS requirement, an editable install
  (``[v0-url]``), a hash-pinned line (``[v0-hashes]``: regenerate the lock file), an environment marker that
  excludes every Python the new package supports (``[v0-marker]``), a line that mentions polyaxon but cannot be
  parsed (``[unparsed-requirement]``);
* companion packages of the v0 stack (D11, ``[v0-companion]``): ``polyaxon-cli``, ``polyaxon-schemas``,
  ``polyaxon-k8s``, ``polyaxon-dockerizer``, ``polyaxon-gpustat``, ``polyaxon-lib``, ``polystores``, ``rhea``,
  ``hestia``, ``polyaxon-deploy`` pinned to 0.x and a pre-release ``marshmallow`` pin (the v0 stack pinned
  ``marshmallow==3.0.0rc5``): they conflict with the new stack, and whether something else needs them is the
  user's call;
* at stage ``compat``, a ``polyaxon-client`` listed *without* ``polyaxon-helper`` in the same file
  (``[client-without-helper]``): it is replaced, but code importing ``polyaxon_client`` directly is only
  migrated from stage ``experiment`` on (codemod ``client-to-compat``), so it needs a look;
* at stage ``polyaxon-v2``, once per list, on the rewritten requirement (``[compat-still-needed]``): once no
  code imports ``polyaxon_helper_compat`` any more (the ``to-polyaxon-v2`` codemod reports each import it kept,
  e.g. ``get_data_paths``), the requirement can become plain ``polyaxon``.

A pin on an unrelated package is never touched; commented-out requirements are never seen (D10);
``polyaxon-helper-compat`` and ``polyaxon`` themselves are kept as they are at every stage.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

__all__ = [
    "DISTRIBUTION",
    "STAGES",
    "Action",
    "Item",
    "Target",
    "compat_floor",
    "lists_helper",
    "mentions_polyaxon",
    "minimum_python",
    "old_python_reason",
    "plan",
    "target",
]

DISTRIBUTION = "polyaxon-helper-compat"
#: The stages the policy knows; ``polyaxon-v2`` is ready before its codemods exist.
STAGES = ("compat", "experiment", "polyaxon-v2")
#: The v0 packages whose requirement is rewritten.
V0_PACKAGES = frozenset({"polyaxon-helper", "polyaxon-client"})
#: Companions of the v0 stack, always reported (D11).
V0_COMPANIONS = frozenset({
    "polyaxon-cli", "polyaxon-schemas", "polyaxon-k8s", "polyaxon-dockerizer", "polyaxon-gpustat", "polyaxon-lib",
    "polystores", "rhea", "hestia",
})
#: The floor used when this package's own metadata cannot be read (kept equal to pyproject's version by a test).
FALLBACK_VERSION = "0.1.0"
FALLBACK_PYTHON = (3, 9)

Rule = Literal[
    "replace-v0-requirement", "merge-v0-requirement", "v0-extras", "v0-url", "v0-hashes", "v0-marker",
    "unparsed-requirement", "v0-companion", "client-without-helper", "compat-still-needed",
]


@lru_cache(maxsize=None)
def compat_floor() -> str:
    """This package's release (``0.1.0``), the floor of the ``polyaxon-helper-compat`` requirement it writes."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return Version(version(DISTRIBUTION)).base_version
    except (PackageNotFoundError, InvalidVersion):
        return FALLBACK_VERSION


@lru_cache(maxsize=None)
def minimum_python() -> tuple[int, int]:
    """The oldest Python ``polyaxon-helper-compat`` supports, from its ``Requires-Python`` (``>=3.9``)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        requires = " ".join(metadata(DISTRIBUTION).get_all("Requires-Python") or ())
    except PackageNotFoundError:
        requires = ""
    match = re.search(r">=\s*(\d+)\.(\d+)", requires)
    return (int(match.group(1)), int(match.group(2))) if match else FALLBACK_PYTHON


@dataclass(frozen=True)
class Target:
    """What the v0 packages become at one stage: ``name`` and an optional version ``floor``.

    ``min_python`` is the oldest Python the target supports when this tool knows it (``None`` for
    ``polyaxon``, whose support follows its own releases).
    """

    name: str
    floor: str | None
    min_python: tuple[int, int] | None
    extras: str = ""

    @property
    def requirement(self) -> str:
        """The requirement string written in place of the old one (``polyaxon-helper-compat>=0.1.0``)."""
        name = f"{self.name}[{self.extras}]" if self.extras else self.name
        return f"{name}>={self.floor}" if self.floor else name


def target(stage: str) -> Target:
    """The :class:`Target` of ``stage`` (one of :data:`STAGES`); raises ``KeyError`` for another name."""
    if stage in ("compat", "experiment"):
        return Target(DISTRIBUTION, compat_floor(), minimum_python())
    if stage == "polyaxon-v2":
        # polyaxon-helper-compat[v2] installs polyaxon (>= 1.0) AND keeps the polyaxon_helper_compat imports that
        # the to-polyaxon-v2 codemod leaves where v2 has no equivalent working: replacing the old package by a
        # bare `polyaxon` would break them (or, behind `except ImportError`, silently turn logging into a no-op).
        return Target(DISTRIBUTION, compat_floor(), minimum_python(), extras="v2")
    raise KeyError(stage)


def mentions_polyaxon(text: str) -> bool:
    """The cheap pre-filter: whether ``text`` mentions polyaxon at all (any case, ``-``/``_``/``.`` alike)."""
    return "polyaxon" in text.lower()


_HELPER = re.compile(r"polyaxon[-_.]helper(?![-_.]*compat)", re.IGNORECASE)


def lists_helper(text: str) -> bool:
    """Whether ``text`` names ``polyaxon-helper`` somewhere (any spelling), for files holding several lists."""
    return _HELPER.search(text) is not None


def old_python_reason(found: tuple[int, int], where: str, stage: str) -> str | None:
    """The manual-site reason when ``found`` (a Python ``(major, minor)``) is too old for ``stage``'s target.

    ``where`` names what holds that Python (``"base image"``, ``"environment"``). ``None`` when it is recent
    enough or the target's minimum is unknown.
    """
    goal = target(stage)
    if goal.min_python is None or found >= goal.min_python:
        return None
    have, need = ".".join(map(str, found)), ".".join(map(str, goal.min_python))
    return f"{where} Python {have} is older than {goal.name}'s minimum {need}"


@dataclass(frozen=True)
class Item:
    """One requirement as written in its list (no comment, no per-line options).

    ``editable`` marks ``-e``/``--editable`` values, ``hashed`` a requirements-file line with ``--hash``.
    """

    text: str
    editable: bool = False
    hashed: bool = False


@dataclass(frozen=True)
class Action:
    """What to do with item ``index``: ``replace`` it by ``new``, ``remove`` it, or report it (``manual``)."""

    index: int
    kind: Literal["replace", "remove", "manual"]
    rule: Rule
    new: str = ""
    reason: str = ""


@dataclass(frozen=True)
class _Parsed:
    index: int
    name: str
    requirement: Requirement
    text: str


_OTHER_MARKER_VARIABLES = re.compile(r"\b(?:os_name|sys_platform|platform_\w+|implementation_\w+|extra|os\.name"
                                     r"|sys\.platform|platform\.\w+)\b")


def _supports(marker: Marker, minimum: tuple[int, int] | None) -> bool:
    """Whether ``marker`` can hold on some Python from ``minimum`` (3.9) to 3.13.

    ``True`` when unknown: no minimum, or the marker also tests something other than the Python version.
    """
    if minimum is None or _OTHER_MARKER_VARIABLES.search(str(marker)):
        return True
    for minor in range(minimum[1], 14):
        version = f"{minimum[0]}.{minor}"
        try:
            if marker.evaluate({"python_version": version, "python_full_version": f"{version}.0"}):
                return True
        except Exception:  # an undefined or odd variable: do not guess
            return True
    return False


def _only_zero_x(specifier: SpecifierSet) -> bool:
    """Whether ``specifier`` pins a 0.x release (``==0.6.1``, ``<1``, ``~=0.5``)."""
    for spec in specifier:
        try:
            major = Version(spec.version.rstrip(".*")).major
        except InvalidVersion:
            continue
        if spec.operator in ("==", "===", "~=") and major == 0:
            return True
        if spec.operator in ("<", "<=") and (major < 1 or spec.version in ("1", "1.0", "1.0.0")):
            return True
    return False


def _prerelease_pin(specifier: SpecifierSet) -> bool:
    for spec in specifier:
        try:
            if Version(spec.version.rstrip(".*")).is_prerelease and spec.operator in ("==", "===", "~=", ">="):
                return True
        except InvalidVersion:
            continue
    return False


def _companion(name: str, requirement: Requirement) -> bool:
    if name in V0_COMPANIONS:
        return True
    if name == "polyaxon-deploy":
        return _only_zero_x(requirement.specifier)
    return name == "marshmallow" and _prerelease_pin(requirement.specifier)


def _replacement(text: str, new: str) -> str:
    """``new`` in place of the name, extras and specifier of ``text``, keeping its marker and spacing."""
    head, semicolon, _ = text.partition(";")
    if not semicolon:
        return new + text[len(text.rstrip()):]
    return new + text[len(head.rstrip()):]


def plan(items: Sequence[Item], stage: str, *, helper_listed: bool = False) -> list[Action]:
    """Decide what happens to each of ``items`` (one list of requirements) at ``stage``.

    ``helper_listed`` says that ``polyaxon-helper`` is installed elsewhere in the same file (another ``pip
    install`` command), which silences ``client-without-helper``. Returns the actions in item order; items not
    listed are left alone. Raises ``KeyError`` for an unknown stage. See the module docstring for the policy.
    """
    goal = target(stage)
    actions: list[Action] = []
    replaceable: list[_Parsed] = []
    target_listed = False
    names: set[str] = set()
    for index, item in enumerate(items):
        text = item.text.strip()
        if item.editable:
            if mentions_polyaxon(text):
                actions.append(Action(index, "manual", "v0-url", reason=(
                    f"editable install of a polyaxon package (a fork?): replace it by hand with {goal.requirement}"
                    " or keep it on purpose")))
            continue
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            if mentions_polyaxon(text):
                actions.append(Action(index, "manual", "unparsed-requirement", reason=(
                    "mentions polyaxon but is not a requirement this tool can read (a URL, a path, a variable?):"
                    " check it by hand")))
            continue
        name = canonicalize_name(requirement.name)
        names.add(name)
        if name == canonicalize_name(goal.name):
            target_listed = True
        elif name in V0_PACKAGES:
            reason = None
            if requirement.url:
                rule: Rule = "v0-url"
                reason = f"{name} from a URL or path (a fork?): replace it by hand with {goal.requirement}"
            elif item.hashed:
                rule = "v0-hashes"
                reason = (f"{name} is hash-pinned: regenerate this lock file (pip-compile, uv) with"
                          f" {goal.requirement} rather than editing it")
            elif requirement.extras:
                rule = "v0-extras"
                extras = ",".join(sorted(requirement.extras))
                reason = (f"{name} with extras [{extras}]: {goal.name} has no such extras; replace this"
                          f" requirement by hand (and install what the extras brought, if still needed)")
            elif requirement.marker is not None and not _supports(requirement.marker, goal.min_python):
                rule = "v0-marker"
                need = ".".join(map(str, goal.min_python or ()))
                reason = (f"the marker '{requirement.marker}' excludes every Python {goal.name} supports"
                          f" (>= {need}): replace this requirement by hand")
            if reason is not None:
                actions.append(Action(index, "manual", rule, reason=reason))
            else:
                replaceable.append(_Parsed(index, name, requirement, item.text))
        elif _companion(name, requirement):
            what = "a pre-release marshmallow pin (as polyaxon-schemas 0.x needed)" if name == "marshmallow" else name
            actions.append(Action(index, "manual", "v0-companion", reason=(
                f"{what} belongs to the Polyaxon v0 stack and conflicts with {goal.name}: remove it if"
                " nothing else needs it")))

    written: set[str] = set()
    noted = False
    for parsed in replaceable:
        marker = str(parsed.requirement.marker or "")
        if target_listed or marker in written:
            actions.append(Action(parsed.index, "remove", "merge-v0-requirement"))
        else:
            written.add(marker)
            new = _replacement(parsed.text, goal.requirement)
            actions.append(Action(parsed.index, "replace", "replace-v0-requirement", new=new))
            if stage == "polyaxon-v2" and not noted:
                noted = True
                actions.append(Action(parsed.index, "manual", "compat-still-needed", reason=(
                    f"{parsed.name} becomes {goal.requirement}, which installs polyaxon; once no code imports"
                    " polyaxon_helper_compat any more (the to-polyaxon-v2 codemod reports each import it kept),"
                    " it can become plain polyaxon")))
        if parsed.name == "polyaxon-client" and stage == "compat" and not (
                helper_listed or "polyaxon-helper" in names):
            actions.append(Action(parsed.index, "manual", "client-without-helper", reason=(
                f"polyaxon-client becomes {goal.name}, which has no polyaxon_client module: code importing"
                " polyaxon_client directly is migrated by stage experiment (client-to-compat), not by compat")))
    return sorted(actions, key=lambda action: action.index)
