#!/usr/bin/env python3
"""Generate a realistic, deterministic source tree for the ``plx-migrate`` benchmarks and tests.

    .venv/bin/python benchmarks/make_corpus.py OUT [--files 10000] [--density 0.01 | --dense] [--seed 0]

The tree holds ``--files`` Python files made of real code: copies of the installed standard library's modules
(``sysconfig.get_paths()["stdlib"]``, without ``site-packages`` and test folders), cycled in a fixed order. A
fraction ``--density`` of them (1% by default, 50% with ``--dense``) also carry one of :data:`TEMPLATES`: a small
snippet in a pattern of real Polyaxon v0 code (the ids of the shared pattern catalogue: ``from polyaxon_helper
import``, aliases, ``try/except ImportError``, imports in functions, the ``Experiment`` API, ``get_data_paths()``
subscripts, already-migrated v1 code, commented-out code, ...), put before the module's code (when the module has no
coding cookie and no ``from __future__`` import, which must stay first) or after it. Only modules of at most
:data:`MAX_HOST_BYTES` carry a template (training scripts are not 700 KB long; libcst also overflows its recursion
limit on ``pydoc_data/topics.py``). Besides, for every thousand Python files, one notebook and one requirements
file (half of each use the old packages). Files are spread over folders of 100 (``pkg000/``...); their names keep
the module's path (``pkg000/00042_json_decoder.py``). Prints the counts and bytes written.

Everything depends only on ``--seed`` and ``--files`` (and the Python whose standard library is copied), so two runs
give the same tree byte for byte. The functions are importable (``tests/perf`` builds small corpora with them).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = [
    "MAX_HOST_BYTES",
    "NOTEBOOK_TEMPLATES",
    "REQUIREMENT_TEMPLATES",
    "TEMPLATES",
    "CorpusStats",
    "build_corpus",
    "main",
    "notebook_json",
    "seed_module",
    "stdlib_modules",
]

#: Folders of the standard library that are not copied (tests, and what pip installed).
SKIP_DIRS = frozenset({"site-packages", "dist-packages", "test", "tests", "idle_test", "__pycache__"})
#: The largest module that gets a template.
MAX_HOST_BYTES = 100_000
#: Python files per folder of the tree.
PER_FOLDER = 100

#: Pattern id (PATTERNS.md) -> a snippet of legacy (or already-migrated, or commented-out) Polyaxon code.
TEMPLATES: dict[str, str] = {
    "I1": '''
from polyaxon_helper import get_outputs_path, send_metrics


def _plx_report(epoch, loss, accuracy):
    send_metrics(epoch=epoch, loss=loss, accuracy=accuracy)
    return get_outputs_path()
''',
    "I3": '''
import polyaxon_helper


def _plx_outputs():
    if polyaxon_helper.get_outputs_path() is None:
        return "./outputs"
    polyaxon_helper.send_metrics(ready=1)
    return polyaxon_helper.get_outputs_path()
''',
    "I4": '''
import polyaxon_helper as plx


def _plx_cluster_spec():
    tf_config = plx.get_tf_config()  # also exports TF_CONFIG for the framework
    cluster = plx.get_cluster_def() or {}
    task = plx.get_task_info() or {"type": "master", "index": 0}
    plx.send_metrics(workers=len(cluster.get("worker", [])))
    return tf_config, cluster, task
''',
    "I6": '''
try:
    from polyaxon_helper import send_metrics
    ON_POLYAXON = True
except ImportError:
    ON_POLYAXON = False
    send_metrics = lambda **kwargs: None  # noqa: E731


def _plx_report_size(n):
    send_metrics(dataset_size=n)
''',
    "I8": '''
def _plx_data_dir(local_default="./data"):
    from polyaxon_helper import get_data_paths

    paths = get_data_paths()
    return paths["data1"] if paths else local_default


def _plx_log(**metrics):
    from polyaxon_helper import send_metrics

    send_metrics(**metrics)
''',
    "I9": '''
if os.environ.get("PLX_TRACK") == "polyaxon":
    from polyaxon_helper import get_declarations

    PLX_PARAMS = get_declarations() or {}
else:
    PLX_PARAMS = {}
''',
    "I11": '''
from polyaxon_helper import get_cluster_def, get_log_level  # noqa: F401
''',
    "I13": '''
# from polyaxon_helper import send_metrics
# send_metrics(loss=loss)  # re-enable on the cluster
''',
    "I15": '''
from polyaxon_client.tracking import Experiment
from polyaxon_helper import get_outputs_path


def _plx_save(model_bytes):
    experiment = Experiment()
    path = os.path.join(get_outputs_path() or ".", "model.bin")
    with open(path, "wb") as f:
        f.write(model_bytes)
    experiment.log_artifact(path)
''',
    "I16": '''
try:
    from polyaxon import tracking
    tracking.init()
    _plx_log = tracking.log_metrics
except ImportError:
    from polyaxon_helper import send_metrics as _plx_log
''',
    "E1": '''
from polyaxon_client.tracking import Experiment, get_outputs_path


def _plx_train(args, epochs=3):
    experiment = Experiment()
    experiment.log_params(**vars(args))
    for epoch in range(epochs):
        experiment.log_metrics(epoch=epoch, loss=1.0 / (epoch + 1))
    experiment.log_data_ref(data=[1, 2, 3], data_name="toy")
    experiment.succeeded()
    return get_outputs_path()
''',
    "E5": '''
from polyaxon_client import settings
from polyaxon_client.tracking import Experiment

plx_exp = Experiment() if settings.IN_CLUSTER else None


def _plx_log_step(step, value):
    if plx_exp is not None:
        plx_exp.log_metrics(step=step, value=value)
''',
    "C4": '''
from polyaxon_helper import get_data_paths, get_outputs_path

PLX_DATA_DIR = get_data_paths()["data1"]
PLX_MNIST = list(get_data_paths().values())[0]
PLX_OUTPUTS = get_outputs_path()
''',
    "C12": '''
from polyaxon_helper import send_metrics as plx_send


def send_metrics(**metrics):  # a local function of the same name as the legacy one
    print(metrics)
    plx_send(**metrics)
''',
    "V1": '''
from polyaxon import tracking


def _plx_v1_report(loss):
    tracking.init()
    tracking.log_metrics(loss=loss)
''',
    "X1": '''
PLX_OUTPUTS_DIR = os.environ.get("POLYAXON_RUN_OUTPUTS_PATH", "./outputs")
''',
}

#: Code cells of the notebooks that use the old API (the others get a copy of a standard library module).
NOTEBOOK_TEMPLATES: tuple[tuple[str, ...], ...] = (
    ("import json\nfrom polyaxon_helper import get_outputs_path, send_metrics\n",
     "%matplotlib inline\nlosses = [1.0, 0.5, 0.25]\n",
     "for step, loss in enumerate(losses):\n    send_metrics(step=step, loss=loss)\nget_outputs_path()\n"),
    ("from polyaxon_client.tracking import Experiment\nexperiment = Experiment()\n",
     "experiment.log_params(lr=0.1)\nexperiment.log_metrics(loss=0.5)\n"),
)

#: Requirements files: with the old packages pinned, and without.
REQUIREMENT_TEMPLATES: tuple[str, ...] = (
    "numpy>=1.16\npolyaxon-helper==0.5.0\nrequests\n",
    "# v0 family\npolyaxon-client==0.5.6\npolyaxon-cli==0.5.6\ntorch>=1.4\n",
    "numpy>=1.16\npandas\nrequests>=2.25\n",
    "scikit-learn\nPyYAML>=5.4\n",
)

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)


@dataclass
class CorpusStats:
    """What :func:`build_corpus` wrote: counts of each kind of file, and bytes."""

    root: str
    python_files: int = 0
    seeded_python_files: int = 0
    notebooks: int = 0
    seeded_notebooks: int = 0
    requirement_files: int = 0
    seeded_requirement_files: int = 0
    bytes: int = 0
    templates: dict[str, int] = field(default_factory=dict)

    @property
    def files(self) -> int:
        """Every file written."""
        return self.python_files + self.notebooks + self.requirement_files


def stdlib_modules(root: str | None = None) -> list[Path]:
    """The ``.py`` files of the standard library at ``root`` (default: this Python's), sorted, test folders skipped."""
    base = Path(root or sysconfig.get_paths()["stdlib"])
    found: list[Path] = []
    for directory, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        found.extend(Path(directory, name) for name in sorted(files) if name.endswith(".py"))
    found.sort(key=lambda path: path.relative_to(base).as_posix())
    if not found:
        raise RuntimeError(f"no Python modules under {base}")
    return found


def _must_stay_first(host: bytes) -> bool:
    """Whether ``host`` starts with something a snippet put before it would break: a coding cookie, a shebang
    (harmless but unrealistic to move) or a ``from __future__`` import."""
    head = host.split(b"\n", 2)[:2]
    return host.startswith(b"#!") or any(_COOKIE.match(line) for line in head) or b"from __future__" in host


def seed_module(host: bytes, template: str, *, prepend: bool) -> bytes:
    """``host`` (a module's bytes) with ``template`` (a snippet) before its code, or after it.

    ``prepend`` is only a wish: a host whose first lines must stay first (see :func:`_must_stay_first`) gets the
    snippet at its end. The snippet uses ``os``: ``import os`` is added to it when the host does not import it.
    """
    snippet = template.strip("\n") + "\n"
    if "os." in snippet and not re.search(rb"^import os$", host, re.MULTILINE):
        snippet = "import os\n" + snippet
    data = snippet.encode("ascii")
    if prepend and not _must_stay_first(host):
        return data + b"\n\n" + host
    separator = b"" if host.endswith(b"\n") or not host else b"\n"
    return host + separator + b"\n\n" + data


def notebook_json(cells: Sequence[str]) -> str:
    """An nbformat 4 notebook (as Jupyter writes it: one-space indentation) with ``cells`` as code cells."""
    document = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": cell.splitlines(keepends=True),
            }
            for cell in cells
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def _python_name(index: int, module: Path, base: Path) -> str:
    relative = module.relative_to(base).as_posix().replace("/", "_")
    return f"pkg{index // PER_FOLDER:03d}/{index:05d}_{relative}"


def build_corpus(
    out: str | os.PathLike[str],
    *,
    files: int = 10_000,
    density: float = 0.01,
    seed: int = 0,
    stdlib: str | None = None,
    max_module_bytes: int | None = None,
) -> CorpusStats:
    """Write the tree described in the module docstring under ``out`` (created; must not hold files already).

    ``files`` Python files, of which ``round(files * density)`` carry a template (at least one when ``density`` > 0),
    plus ``max(2, files // 1000)`` notebooks and as many requirements files (half of them using the old packages,
    none when ``density`` is 0). ``seed`` decides which files carry which
    template, where, and which extras use the old packages. ``max_module_bytes`` copies only the modules of at most that
    size (small, fast corpora for tests). Returns the :class:`CorpusStats`.
    """
    if files < 1 or not 0.0 <= density <= 1.0:
        raise ValueError("files must be >= 1 and density in [0, 1]")
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    base = Path(stdlib or sysconfig.get_paths()["stdlib"])
    modules = stdlib_modules(str(base))
    contents = [module.read_bytes() for module in modules]
    if max_module_bytes is not None:
        kept = [i for i, data in enumerate(contents) if len(data) <= max_module_bytes]
        if not kept:
            raise ValueError(f"no standard library module of at most {max_module_bytes} bytes")
        modules, contents = [modules[i] for i in kept], [contents[i] for i in kept]
    rng = random.Random(seed)
    eligible = [i for i in range(files) if len(contents[i % len(modules)]) <= MAX_HOST_BYTES]
    wanted = min(len(eligible), max(1 if density > 0 else 0, round(files * density)))
    seeded = set(rng.sample(eligible, wanted))
    names = sorted(TEMPLATES)
    stats = CorpusStats(root=str(root))

    def write(relative: str, data: bytes) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        stats.bytes += len(data)

    for index in range(files):
        module = modules[index % len(modules)]
        data = contents[index % len(modules)]
        if index in seeded:
            template = names[rng.randrange(len(names))]
            data = seed_module(data, TEMPLATES[template], prepend=rng.random() < 0.5)
            stats.seeded_python_files += 1
            stats.templates[template] = stats.templates.get(template, 0) + 1
        write(_python_name(index, module, base), data)
        stats.python_files += 1

    extras = max(2, files // 1000)
    for number in range(extras):
        folder = f"pkg{rng.randrange(max(1, (files + PER_FOLDER - 1) // PER_FOLDER)):03d}"
        if number % 2 == 0 and density > 0:
            cells = NOTEBOOK_TEMPLATES[(number // 2) % len(NOTEBOOK_TEMPLATES)]
            stats.seeded_notebooks += 1
        else:  # a notebook of plain code: the start of a standard library module, in three cells
            lines = contents[rng.randrange(len(contents))].decode("utf-8", "replace").splitlines(keepends=True)[:90]
            cells = ("".join(lines[:30]), "".join(lines[30:60]), "".join(lines[60:]))
        write(f"{folder}/notebooks/explore_{number:03d}.ipynb", notebook_json(cells).encode("utf-8"))
        stats.notebooks += 1
        requirements = REQUIREMENT_TEMPLATES[number % len(REQUIREMENT_TEMPLATES)]
        if density == 0:  # a clean tree: nothing mentions polyaxon
            requirements = REQUIREMENT_TEMPLATES[2 + number % 2]
        stats.seeded_requirement_files += "polyaxon" in requirements
        write(f"{folder}/requirements-{number:03d}.txt", requirements.encode("ascii"))
        stats.requirement_files += 1
    return stats


def main(argv: Sequence[str] | None = None) -> int:
    """The command line (see the module docstring); prints the counts and bytes, returns the exit code."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="folder to create (must be empty or missing)")
    ap.add_argument("--files", type=int, default=10_000, help="Python files (default 10000)")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--density", type=float, default=0.01, help="share of Python files using the old APIs")
    group.add_argument("--dense", action="store_const", const=0.5, dest="density", help="same as --density 0.5")
    ap.add_argument("--seed", type=int, default=0)
    opts = ap.parse_args(argv)
    stats = build_corpus(opts.out, files=opts.files, density=opts.density, seed=opts.seed)
    print(json.dumps(dict(asdict(stats), files=stats.files), indent=2))
    print(f"{stats.files} files ({stats.python_files} Python, {stats.seeded_python_files} using the old APIs; "
          f"{stats.notebooks} notebooks, {stats.requirement_files} requirements files), {stats.bytes:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
