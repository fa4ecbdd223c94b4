#!/usr/bin/env python3
"""plx-migrate throughput against named baselines, on generated trees, in the same run.

    .venv/bin/python benchmarks/migrate_bench.py [--files 10000] [--quick] [--repeat 2] [--workdir DIR] [--json FILE]
        [--skip-standard-runner | --standard-runner-full] [--parse-full] [--dense-files N] [--breakdown-files N]

Builds (with ``benchmarks/make_corpus.py``, seed 0) in a temporary folder, or reuses from ``--workdir``:
- ``clean/``: ``--files`` Python files (copies of standard library modules), none using the old APIs: what the
  pre-filter costs, against reading the files;
- ``sparse/``: ``--files`` Python files, 1% of them using polyaxon_helper /
  polyaxon_client.tracking, plus a few notebooks and requirements files;
- ``dense/``: ``--dense-files`` Python files (default ``--files`` / 10, so the run stays in minutes), 50% of them
  using the old APIs;
- ``small/``: ``--files`` / 10 files as sparse, and ``small_x10/``: ten copies of it, only to show that peak memory
  does not grow with the tree (the same files, so the same largest module to parse).

Every command on clean, sparse and dense runs ``--repeat`` times (default 2, interleaved, ``-j 1``/``-j 2`` in
alternating order); the fastest run counts (other load only ever slows a run down), all are kept in the JSON.

Then measures, each command a fresh subprocess (whole-process wall and CPU time, interpreter start-up included; peak
RSS is the largest process of its tree, from ``os.wait4``):
- ``grep -rl polyaxon TREE``: the I/O floor;
- the floor script: one Python process reading every file and ``libcst.parse_module``-ing only the ``.py`` files
  whose bytes contain ``polyaxon_helper`` or ``polyaxon_client`` (the least any libcst-based tool must do);
- ``libcst.parse_module`` on every ``.py`` file (naive), on a 10% sample (every 10th file) scaled by 10 unless
  ``--parse-full``;
- the standard runner ``python -m libcst.tool codemod helper_to_experiment.HelperToExperimentCommand -j 2 --no-format``
  (the same stage-2 codemod, found through a ``.libcst.codemod.yaml`` naming the ``plx_migrate.commands`` package;
  its options must follow the command name; it rewrites in place, so it runs on a copy): on the full sparse tree this
  takes 10+ minutes on 2 cores, so by default it runs on a 10% sample of the sparse tree (every 10th ``.py`` file),
  next to ``plx-migrate -j 2`` on that same sample (the ratio needs no scaling), and the full-tree figure is that run
  scaled by 10; ``--standard-runner-full`` runs it on a copy of the whole tree, ``--skip-standard-runner`` not at all;
- ``plx-migrate --to experiment --check -j 1`` and ``-j 2`` on each tree (only ``-j 2`` on clean);
- where the time goes: ``migrate_python_file`` on ``--breakdown-files`` files of dense that pass the pre-filter, in
  one process, per phase (parse, the codemods' pre-pass walks, metadata walks, transform, codegen, checks).

Prints two tables (the commands; then figure/ours/baseline/ratio with the targets) and writes JSON (default
benchmarks/results/migrate.json). Ratios are ours / baseline: "<= 0.02" means at least 50 times faster. The
machine's other load shows in every figure; ratios of commands run back to back are the reliable part.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import make_corpus  # noqa: E402  (a script next to this one)

PYTHON = sys.executable
PLX_MIGRATE = str(Path(sys.executable).with_name("plx-migrate"))
GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
SEED = 0
#: Substrings that make the floor script parse a file.
MARKERS = (b"polyaxon_helper", b"polyaxon_client")
LIBCST_CONFIG = """\
# written by benchmarks/migrate_bench.py: the standard runner finds the repository's codemods package
generated_code_marker: '@generated'
formatter: ['black', '-']
blacklist_patterns: []
modules: ['plx_migrate.commands']
repo_root: '.'
"""
_SUMMARY = re.compile(r"(\d+) files scanned, (\d+) (?:would change|changed), (\d+) unchanged, (\d+) skipped, "
                      r"(\d+) failed, (\d+) manual sites")


# ------------------------------------------------------------------------------------ in-subprocess parts


def floor_script(tree: str) -> dict[str, Any]:
    """Read every file under ``tree``; parse with libcst only the ``.py`` files that contain a marker."""
    start = time.perf_counter()
    import libcst

    import_s = time.perf_counter() - start
    files = nbytes = parsed = errors = 0
    parse_s = 0.0
    for directory, dirs, names in os.walk(tree):
        dirs.sort()
        for name in sorted(names):
            with open(os.path.join(directory, name), "rb") as f:
                data = f.read()
            files += 1
            nbytes += len(data)
            if name.endswith(".py") and any(marker in data for marker in MARKERS):
                t = time.perf_counter()
                try:
                    libcst.parse_module(data)
                except Exception:  # noqa: BLE001 - counted, the floor goes on
                    errors += 1
                parse_s += time.perf_counter() - t
                parsed += 1
    return {"files": files, "bytes": nbytes, "parsed": parsed, "errors": errors, "parse_s": parse_s,
            "import_s": import_s, "inside_s": time.perf_counter() - start}


def parse_script(tree: str, every: int) -> dict[str, Any]:
    """``libcst.parse_module`` on every ``every``-th ``.py`` file under ``tree`` (sorted walk order)."""
    start = time.perf_counter()
    import libcst

    paths: list[str] = []
    for directory, dirs, names in os.walk(tree):
        dirs.sort()
        paths.extend(os.path.join(directory, name) for name in sorted(names) if name.endswith(".py"))
    sample = paths[::every]
    nbytes = errors = 0
    parse_s = 0.0
    for path in sample:
        with open(path, "rb") as f:
            data = f.read()
        nbytes += len(data)
        t = time.perf_counter()
        try:
            libcst.parse_module(data)
        except Exception:  # noqa: BLE001
            errors += 1
        parse_s += time.perf_counter() - t
    return {"python_files": len(paths), "parsed": len(sample), "bytes": nbytes, "errors": errors,
            "parse_s": parse_s, "inside_s": time.perf_counter() - start}


def breakdown_script(tree: str, limit: int) -> dict[str, Any]:
    """Where ``migrate_python_file`` spends its time on the first ``limit`` ``.py`` files under ``tree`` that the
    pre-filter lets through, in one process: seconds per phase (exclusive: a phase nested in another is subtracted
    from it). libcst tree walks are told apart by the visitor's class (``_Collector``: the codemods' pre-pass;
    ``ScopeVisitor``, ``ExpressionContextVisitor``, ``_BatchedCSTVisitor``, ``QualifiedNameVisitor``: metadata;
    a codemod class: the transform); ``codegen`` is ``Module.code`` (also what ``PositionProvider`` runs).
    """
    sys.path.insert(0, str(REPO / "codemods"))
    import libcst
    import libcst._batched_visitor as batched

    from plx_migrate import _api, _migrate

    seconds: dict[str, float] = {}
    calls: dict[str, int] = {}
    stack: list[float] = []

    def wrap(owner: Any, attribute: str, label: Any) -> None:
        original = getattr(owner, attribute)

        def timed(*args: Any, **kwargs: Any) -> Any:
            name = label if isinstance(label, str) else label(*args)
            start = time.perf_counter()
            stack.append(0.0)
            try:
                return original(*args, **kwargs)
            finally:
                spent, inner = time.perf_counter() - start, stack.pop()
                seconds[name] = seconds.get(name, 0.0) + spent - inner
                calls[name] = calls.get(name, 0) + 1
                if stack:
                    stack[-1] += spent

        setattr(owner, attribute, timed)

    bare_parse = libcst.parse_module  # the baseline, not timed as a phase
    wrap(libcst, "parse_module", "parse_module")
    wrap(libcst.Module, "_codegen_impl", "codegen")
    wrap(libcst.Module, "visit", lambda module, visitor: "walk " + type(visitor).__name__)
    wrap(batched, "visit_batched", lambda node, visitors, *rest: "walk _BatchedCSTVisitor")
    from plx_migrate import _slice

    wrap(_slice, "plan_slice", "slice planning (ast.parse, bindings)")
    wrap(_slice.Slice, "restore", "slice restoring")
    wrap(_migrate, "stray_line", "stray_line")
    wrap(_migrate, "_compile_error", "compile check")
    wrap(_api, "_keep_untouched", "keep untouched lines")
    paths: list[str] = []
    for directory, dirs, names in os.walk(tree):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(directory, name)
            if name.endswith(".py") and any(m in open(path, "rb").read() for m in (*MARKERS, b"POLYAXON_")):
                paths.append(path)
    paths = paths[:limit]
    _migrate.migrate_python_file(paths[0], "experiment", "check")  # warm: the codemod registry, commands' set-up
    seconds.clear()
    calls.clear()
    start = time.perf_counter()
    statuses: dict[str, int] = {}
    for path in paths:
        status = _migrate.migrate_python_file(path, "experiment", "check").status
        statuses[status] = statuses.get(status, 0) + 1
    total = time.perf_counter() - start
    seconds["other (reading, decoding, planning, ...)"] = total - sum(seconds.values())
    bare = time.perf_counter()
    for path in paths:  # the baseline: a bare libcst parse of each whole file (the codemods may parse slices)
        with open(path, "rb") as f:
            bare_parse(f.read())
    bare_s = time.perf_counter() - bare
    return {"files": len(paths), "statuses": statuses, "total_s": total, "seconds": seconds, "calls": calls,
            "bare_parse_s": bare_s}


# ---------------------------------------------------------------------------------------- measuring


@dataclass
class Run:
    """One measured command: whole-process wall and CPU seconds (its whole process tree), peak RSS, exit code."""

    name: str
    tree: str
    argv: list[str]
    wall_s: float
    cpu_s: float
    maxrss_mib: float
    exit_code: int
    files: int = 0
    bytes: int = 0
    scale: float = 1.0
    details: dict[str, Any] = field(default_factory=dict)
    repeats: list[dict[str, float]] = field(default_factory=list)

    def merge(self, other: Run) -> None:
        """Add the figures of another run of the same command: the fastest run's wall and CPU time are kept
        (other load only ever slows a run down), the largest peak RSS, and every run in ``repeats``."""
        if other.wall_s < self.wall_s:
            self.wall_s, self.cpu_s, self.details = other.wall_s, other.cpu_s, {**self.details, **other.details}
        self.maxrss_mib = max(self.maxrss_mib, other.maxrss_mib)
        self.exit_code = max(self.exit_code, other.exit_code)
        self.repeats.extend(other.repeats)

    @property
    def est_wall_s(self) -> float:
        """Wall seconds for the whole tree (scaled when the command ran on a sample)."""
        return self.wall_s * self.scale


def measure(name: str, tree: str, argv: Sequence[str], cwd: Path, *, env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` in ``cwd`` (stdout and stderr to files) and return its figures.

    CPU time and peak RSS cover the command's whole process tree (workers included): they come from GNU time
    (``/usr/bin/time``, which reports what ``wait4`` gives for its child), else from ``os.wait4`` here (then the
    peak RSS cannot be less than this process's own size at the fork, about 30 MiB).
    """
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")
    out_path, err_path, time_path = cwd / f".{slug}.out", cwd / f".{slug}.err", cwd / f".{slug}.time"
    timed = [GNU_TIME, "-f", "%e %U %S %M %x", "-o", str(time_path), *argv] if GNU_TIME else list(argv)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(timed, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    cpu, maxrss_kib = usage.ru_utime + usage.ru_stime, float(usage.ru_maxrss)
    if GNU_TIME:
        fields = time_path.read_text().split()[-5:]  # "Command exited with non-zero status N" may come first
        cpu, maxrss_kib, code = float(fields[1]) + float(fields[2]), float(fields[3]), int(fields[4])
    run = Run(name, tree, list(argv), wall, cpu, maxrss_kib / 1024.0, code)
    run.repeats.append({"wall_s": wall, "cpu_s": cpu, "maxrss_mib": run.maxrss_mib, "load_avg_1min": os.getloadavg()[0]})
    run.details["stdout_tail"] = out_path.read_bytes()[-2000:].decode("utf-8", "replace")
    run.details["stderr_tail"] = err_path.read_bytes()[-2000:].decode("utf-8", "replace")
    print(f"  {name:<34} {wall:8.2f} s wall {run.cpu_s:8.2f} s CPU {run.maxrss_mib:7.1f} MiB  exit {run.exit_code}",
          flush=True)
    return run


def inner_json(run: Run) -> dict[str, Any]:
    """The JSON line a ``_floor``/``_parse`` subprocess printed last."""
    lines = run.details["stdout_tail"].strip().splitlines()
    if run.exit_code != 0 or not lines:
        raise RuntimeError(f"{run.name} failed: {run.details['stderr_tail']}")
    return dict(json.loads(lines[-1]))


def plx_summary(run: Run) -> dict[str, int]:
    """The counts of plx-migrate's summary line (exit 0/1 expected; 2 means a file failed, kept in the figures)."""
    match = None
    for match in _SUMMARY.finditer(run.details["stderr_tail"]):
        pass
    if match is None or run.exit_code not in (0, 1, 2):
        raise RuntimeError(f"{run.name} failed: {run.details['stderr_tail']}")
    keys = ("scanned", "changed", "unchanged", "skipped", "failed", "manual")
    return dict(zip(keys, map(int, match.groups())))


def tree_size(root: Path, suffix: str = "") -> tuple[int, int]:
    """Files (ending with ``suffix``) and bytes under ``root``."""
    count = size = 0
    for directory, _, names in os.walk(root):
        for name in names:
            if name.endswith(suffix):
                count += 1
                size += os.path.getsize(os.path.join(directory, name))
    return count, size


def corpus(workdir: Path, name: str, files: int, density: float) -> dict[str, Any]:
    """Build ``workdir/name`` unless a previous run built it with the same parameters; return its stats."""
    root, stamp = workdir / name, workdir / f"{name}.corpus.json"
    wanted = {"files": files, "density": density, "seed": SEED, "python": platform.python_version()}
    if stamp.exists() and root.is_dir():
        saved = json.loads(stamp.read_text())
        if saved.get("params") == wanted:
            print(f"reusing {root}", flush=True)
            return dict(saved["stats"])
    if root.exists():
        shutil.rmtree(root)
    start = time.perf_counter()
    stats = make_corpus.build_corpus(root, files=files, density=density, seed=SEED)
    result = dict(asdict(stats), files=stats.files)
    stamp.write_text(json.dumps({"params": wanted, "stats": result}, indent=2) + "\n")
    print(f"built {root}: {stats.files} files, {stats.bytes:,} bytes in {time.perf_counter() - start:.1f} s",
          flush=True)
    return result


def sample_copy(tree: Path, target: Path, every: int) -> tuple[int, int]:
    """Copy every ``every``-th ``.py`` file of ``tree`` (sorted walk order) to ``target``; return files, bytes."""
    if target.exists():
        shutil.rmtree(target)
    paths: list[Path] = []
    for directory, dirs, names in os.walk(tree):
        dirs.sort()
        paths.extend(Path(directory, name) for name in sorted(names) if name.endswith(".py"))
    count = size = 0
    for path in paths[::every]:
        destination = target / path.relative_to(tree)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        count += 1
        size += destination.stat().st_size
    return count, size


def plx(name: str, tree: str, jobs: int, workdir: Path) -> Run:
    """``plx-migrate --to experiment --check -j JOBS TREE``, with the counts of its summary line."""
    run = measure(name, tree, [PLX_MIGRATE, "--to", "experiment", "--check", "-j", str(jobs), tree], workdir)
    run.details["summary"] = plx_summary(run)
    return run


def floor(name: str, tree: str, workdir: Path) -> Run:
    """The floor script (:func:`floor_script`) in a subprocess, with its inside figures."""
    run = measure(name, tree, [PYTHON, __file__, "_floor", tree], workdir)
    run.details.update(inner_json(run))
    return run


# ------------------------------------------------------------------------------------------- report


def ratio_row(figure: str, ours: float | None, base: float | None, note: str = "") -> dict[str, Any]:
    """One row of the figures table; ``ratio`` is ``ours / base`` (``None`` when a value is missing)."""
    return {"figure": figure, "ours": ours, "baseline": base,
            "ratio": (ours / base) if ours is not None and base else None, "note": note}


def main(argv: Sequence[str] | None = None) -> int:
    """The benchmark (see the module docstring); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["_floor"]:
        print(json.dumps(floor_script(args[1])))
        return 0
    if args[:1] == ["_parse"]:
        print(json.dumps(parse_script(args[1], int(args[2]))))
        return 0
    if args[:1] == ["_breakdown"]:
        print(json.dumps(breakdown_script(args[1], int(args[2]))))
        return 0

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=10_000, help="Python files of the sparse tree (default 10000)")
    ap.add_argument("--dense-files", type=int, help="Python files of the dense tree (default --files / 10, at least 200)")
    ap.add_argument("--quick", action="store_true", help="a smoke run: --files 1000 (dense 200), --repeat 1")
    ap.add_argument("--repeat", type=int, help="runs of each command on clean, sparse and dense (default 2)")
    ap.add_argument("--workdir", help="keep the trees here and reuse them on the next run (default: a temp dir)")
    ap.add_argument("--json", default=str(REPO / "benchmarks" / "results" / "migrate.json"))
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--skip-standard-runner", action="store_true", help="do not run libcst.tool codemod")
    group.add_argument("--standard-runner-full", action="store_true",
                       help="run libcst.tool codemod on (a copy of) the whole sparse tree, not a 10%% sample")
    ap.add_argument("--parse-full", action="store_true", help="naive parse of every file, not a 10%% sample")
    ap.add_argument("--breakdown-files", type=int, default=100,
                    help="files of the dense tree for the per-phase breakdown (default 100; 0: none)")
    opts = ap.parse_args(args)
    files = 1_000 if opts.quick and opts.files == 10_000 else opts.files
    dense_files = opts.dense_files or max(200, files // 10)
    opts.repeat = max(1, opts.repeat or (1 if opts.quick else 2))
    every = 10

    temp = None
    if opts.workdir:
        workdir = Path(opts.workdir).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        temp = tempfile.TemporaryDirectory(prefix="plx-migrate-bench-")
        workdir = Path(temp.name)
    try:
        return _bench(workdir, files, dense_files, every, opts)
    finally:
        if temp is not None:
            temp.cleanup()


def _bench(workdir: Path, files: int, dense_files: int, every: int, opts: argparse.Namespace) -> int:
    """Build or reuse the trees in ``workdir``, run every command, print the tables, write the JSON."""
    (workdir / ".libcst.codemod.yaml").write_text(LIBCST_CONFIG)
    corpora = {
        "clean": corpus(workdir, "clean", files, 0.0),
        "sparse": corpus(workdir, "sparse", files, 0.01),
        "dense": corpus(workdir, "dense", dense_files, 0.5),
        "small": corpus(workdir, "small", max(10, files // 10), 0.01),
    }
    replica = workdir / "small_x10"
    if not replica.is_dir():
        for copy in range(10):
            shutil.copytree(workdir / "small", replica / f"copy{copy}")
    runs: dict[str, Run] = {}

    def keep(run: Run) -> Run:
        if run.name in runs:
            runs[run.name].merge(run)
        else:
            runs[run.name] = run
        return runs[run.name]

    # Warm the page cache and the byte-code caches: nothing below is a cold-start figure.
    for name in corpora:
        subprocess.run(["grep", "-rlq", "warm-up-no-such-text", name], cwd=workdir, check=False)
    subprocess.run([PLX_MIGRATE, "--to", "experiment", "--check", "-j", "1", "small"], cwd=workdir,
                   capture_output=True, check=False)

    for name in ("clean", "sparse", "dense"):
        count, size = tree_size(workdir / name)
        print(f"{name}: {count} files, {size:,} bytes", flush=True)
        for repeat in range(opts.repeat):
            grep = keep(measure(f"{name}: grep -rl polyaxon", name, ["grep", "-rl", "polyaxon", name], workdir))
            grep.details["matches"] = len(grep.details["stdout_tail"].splitlines())
            keep(floor(f"{name}: floor script", name, workdir))
            if name == "sparse" and repeat == 0:
                step = 1 if opts.parse_full else every
                parse = keep(measure(f"{name}: parse every file" + ("" if step == 1 else f" (1/{step})"), name,
                                     [PYTHON, __file__, "_parse", name, str(step)], workdir))
                parse.details.update(inner_json(parse))
                parse.scale = parse.details["python_files"] / parse.details["parsed"]
                parse.files, parse.bytes = parse.details["parsed"], parse.details["bytes"]
            for jobs in ((2,) if name == "clean" else (1, 2) if repeat % 2 == 0 else (2, 1)):
                keep(plx(f"{name}: plx-migrate --check -j {jobs}", name, jobs, workdir))
        for run in runs.values():
            if run.tree == name and not run.files:
                run.files, run.bytes = count, size

    for name in ("small", "small_x10"):
        run = keep(plx(f"{name}: plx-migrate --check -j 2", name, 2, workdir))
        run.files, run.bytes = tree_size(workdir / name)

    if not opts.skip_standard_runner:
        step = 1 if opts.standard_runner_full else every
        target = workdir / "std_sample"
        source = workdir / "sparse"
        count, size = sample_copy(source, target, step)
        print(f"standard runner input: {count} .py files of sparse (1/{step}), {size:,} bytes", flush=True)
        same = keep(plx(f"sample 1/{step}: plx-migrate --check -j 2", "std_sample", 2, workdir))
        same.files, same.bytes = count, size
        env = {**os.environ, "PYTHONPATH": str(REPO / "codemods")}
        standard = keep(measure(f"sample 1/{step}: libcst.tool codemod -j 2", "std_sample",
                                [PYTHON, "-m", "libcst.tool", "codemod", "helper_to_experiment.HelperToExperimentCommand",
                                 "-j", "2", "--no-format", "--hide-progress", "std_sample"], workdir, env=env))
        standard.files, standard.bytes = count, size
        standard.scale = tree_size(source, ".py")[0] / count
        standard.details["summary"] = re.findall(r"- (.*)", standard.details["stderr_tail"])
        shutil.rmtree(target)

    phases = None
    if opts.breakdown_files:
        run = measure("dense: per-phase breakdown", "dense",
                      [PYTHON, __file__, "_breakdown", "dense", str(opts.breakdown_files)], workdir)
        phases = inner_json(run)
    rows = figures(runs, corpora)
    print_tables(runs, rows)
    if phases is not None:
        print_breakdown(phases)
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine(), "load_avg": os.getloadavg()},
        "options": {"files": files, "dense_files": dense_files, "sample_every": every, "repeat": opts.repeat,
                    "standard_runner": "skipped" if opts.skip_standard_runner
                    else "full" if opts.standard_runner_full else "sample"},
        "corpora": corpora,
        "runs": {name: dict(asdict(run), est_wall_s=run.est_wall_s) for name, run in runs.items()},
        "table": rows,
        "breakdown": phases,
    }
    Path(opts.json).parent.mkdir(parents=True, exist_ok=True)
    Path(opts.json).write_text(json.dumps(results, indent=2, default=str) + "\n")
    print("written", opts.json)
    return 0


def figures(runs: dict[str, Run], corpora: dict[str, Any]) -> list[dict[str, Any]]:
    """The figure/ours/baseline/ratio rows (ratios are ours / baseline)."""
    get = runs.get
    rows = []
    c2, cf, cg = get("clean: plx-migrate --check -j 2"), get("clean: floor script"), get("clean: grep -rl polyaxon")
    if c2 and cf and cg:
        rows.append(ratio_row("clean (no file uses the old APIs): wall s, plx-migrate -j 2 vs floor script", c2.wall_s,
                              cf.wall_s, "reading cost"))
        rows.append(ratio_row("clean: wall s, plx-migrate -j 2 vs grep -rl polyaxon", c2.wall_s, cg.wall_s))
    s1, s2, sf = get("sparse: plx-migrate --check -j 1"), get("sparse: plx-migrate --check -j 2"), get(
        "sparse: floor script")
    sg = get("sparse: grep -rl polyaxon")
    sp = next((run for name, run in runs.items() if name.startswith("sparse: parse every file")), None)
    if s2 and sf:
        rows.append(ratio_row("sparse: wall s, plx-migrate --check -j 2 vs floor script", s2.wall_s, sf.wall_s,
                              "target <= 1.5"))
    if s1 and sf:
        rows.append(ratio_row("sparse: wall s, plx-migrate --check -j 1 vs floor script", s1.wall_s, sf.wall_s))
        rows.append(ratio_row("sparse: CPU s, plx-migrate --check -j 1 vs floor script", s1.cpu_s, sf.cpu_s))
    if s2 and sg:
        rows.append(ratio_row("sparse: wall s, plx-migrate -j 2 vs grep -rl polyaxon", s2.wall_s, sg.wall_s))
    if s2 and sp:
        note = "naive: measured on 1/%d, x%.0f" % (round(sp.scale), sp.scale) if sp.scale > 1 else ""
        rows.append(ratio_row("sparse: wall s, plx-migrate -j 2 vs parse every file", s2.wall_s, sp.est_wall_s, note))
    same = next((run for name, run in runs.items() if name.startswith("sample") and "plx-migrate" in name), None)
    standard = next((run for name, run in runs.items() if "libcst.tool" in name), None)
    if same and standard:
        label = "sample (%d files)" % standard.files if standard.scale > 1 else "whole tree"
        rows.append(ratio_row("sparse %s: wall s, plx-migrate -j 2 vs libcst.tool -j 2" % label, same.wall_s,
                              standard.wall_s, "target <= 0.02 (>= 50x faster)"))
        rows.append(ratio_row("sparse %s: CPU s, plx-migrate -j 2 vs libcst.tool -j 2" % label, same.cpu_s,
                              standard.cpu_s))
    if s2 and standard and standard.scale > 1:
        rows.append(ratio_row("sparse: wall s, plx-migrate -j 2 vs libcst.tool -j 2 (sample x%.0f)" % standard.scale,
                              s2.wall_s, standard.est_wall_s, "estimate"))
    d1, d2, df = get("dense: plx-migrate --check -j 1"), get("dense: plx-migrate --check -j 2"), get(
        "dense: floor script")
    if d1 and df:
        changed = d1.details["summary"]["changed"]
        parsed = df.details["parsed"]
        fixed = df.wall_s - df.details["parse_s"]  # start-up, imports, reading every file
        ours_ms = (d1.wall_s - fixed) / changed * 1e3 if changed else None
        base_ms = df.details["parse_s"] / parsed * 1e3 if parsed else None
        rows.append(ratio_row("dense: ms per changed file, plx-migrate -j 1 vs bare parse", ours_ms, base_ms,
                              "target <= 2 (%d changed, %d parsed)" % (changed, parsed)))
        rows.append(ratio_row("dense: wall s, plx-migrate --check -j 1 vs floor script", d1.wall_s, df.wall_s))
    if d1 and d2:
        rows.append(ratio_row("dense: wall s, plx-migrate -j 2 vs -j 1", d2.wall_s, d1.wall_s,
                              "target <= 0.59 (speed-up %.2fx, target >= 1.7x)" % (d1.wall_s / d2.wall_s)))
    small, replica = get("small: plx-migrate --check -j 2"), get("small_x10: plx-migrate --check -j 2")
    if small and replica:
        rows.append(ratio_row("peak RSS MiB, plx-migrate -j 2, %d files (small x10) vs %d (small)" % (
            replica.files, small.files), replica.maxrss_mib, small.maxrss_mib, "independent of tree size: ~1.0"))
    for label, run in (("sparse", s2), ("dense", d2), ("clean", c2)):
        if run and small:
            rows.append(ratio_row("peak RSS MiB, plx-migrate -j 2, %s %d files vs small %d" % (
                label, run.files, small.files), run.maxrss_mib, small.maxrss_mib, "the largest file parsed decides"))
    return rows


def fmt(value: Any) -> str:
    """A table cell: floats with 3 decimals, ``-`` for a missing value."""
    return ("%.3f" % value) if isinstance(value, float) else ("-" if value is None else str(value))


def print_tables(runs: dict[str, Run], rows: list[dict[str, Any]]) -> None:
    """The commands table, then the figure/ours/baseline/ratio table."""
    print()
    print("%-42s %7s %9s %9s %9s %8s %8s %5s %4s" % ("command", "files", "MB", "wall s", "CPU s", "files/s", "MiB",
                                                     "exit", "runs"))
    for run in runs.values():
        files_per_s = run.files / run.wall_s if run.wall_s else 0.0  # what it did, in the time it took
        wall = "%.2f" % run.wall_s + ("" if run.scale == 1 else " (x%.0f: %.1f)" % (run.scale, run.est_wall_s))
        print("%-42s %7d %9.1f %9s %9.2f %8.0f %8.1f %5d %4d" % (run.name, run.files, run.bytes / 1e6, wall, run.cpu_s,
                                                                  files_per_s, run.maxrss_mib, run.exit_code,
                                                                  len(run.repeats)))
        summary = run.details.get("summary")
        if summary:
            print("%-42s %s" % ("", summary))
    print()
    print("%-66s %10s %10s %8s  %s" % ("figure", "ours", "baseline", "ratio", "note"))
    for row in rows:
        print("%-66s %10s %10s %8s  %s" % (row["figure"], fmt(row["ours"]), fmt(row["baseline"]),
                                             fmt(row["ratio"]), row["note"]))


def print_breakdown(phases: dict[str, Any]) -> None:
    """The per-phase table of :func:`breakdown_script`, in multiples of a bare ``libcst.parse_module`` of the same
    whole files (the codemods' own ``parse_module`` calls may parse slices of them)."""
    parse = phases.get("bare_parse_s") or float("nan")
    print()
    print("where the time goes: migrate_python_file on %d files of dense that pass the pre-filter (%s), one process"
          % (phases["files"], ", ".join("%d %s" % (n, s) for s, n in sorted(phases["statuses"].items()))))
    print("%-46s %9s %8s %7s" % ("phase", "seconds", "x bare parse", "calls"))
    for name, value in sorted(phases["seconds"].items(), key=lambda item: -item[1]):
        print("%-46s %9.2f %8.2f %7s" % (name, value, value / parse, phases["calls"].get(name, "")))
    print("%-46s %9.2f %8.2f" % ("total", phases["total_s"], phases["total_s"] / parse))


if __name__ == "__main__":
    sys.exit(main())
