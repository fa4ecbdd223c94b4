#!/usr/bin/env python3
"""Regenerate the golden recordings in tests/recordings from the ORIGINAL polyaxon-helper (the oracle).

Every (script, env, variant) in CASES below is run with the oracle's Python 3.7 through the in-repo
recorder (tests/oracle/recorder.py), normalised (tests/oracle/normalize.py) and written to
tests/recordings/<script>__<env>[__<variant>].json (sorted keys, indent 2).

The oracles are built by the shared oracle setup script (polyaxon-helper 0.5.0 and polyaxon-client 0.6.1
on Python 3.7, outside the repo); pass --oracle-python / --client-oracle-python to use existing ones.

    .venv/bin/python scripts/record_oracle.py            # everything
    .venv/bin/python scripts/record_oracle.py -k metrics_loop

This is a maintainer's tool: the tests only read the files it writes.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.oracle import cases  # noqa: E402
from tests.oracle.normalize import leftover_volatile  # noqa: E402

DEFAULT_SETUP = REPO.parent / "shared" / "oracle" / "setup.sh"

HELPER = "0.5.0"                      # polyaxon-helper 0.5.0 (pins polyaxon-client 0.5.0)
CLIENT = "polyaxon-client==0.6.1"     # the v0 tracking API, for experiment_api.py
HELPER_V01 = "0.1.9"                  # polyaxon-helper 0.1.9, the standalone v0.1 generation

# (script, env, oracle, variant, recorder options). Scripts: tests/oracle/scripts/ or the fixture project.
CASES: List[Tuple[str, str, str, str, Dict[str, Any]]] = [
    (script, env, HELPER, "", {})
    for script in ("all_getters", "metrics_loop", "train", "distributed")
    for env in ("v0-incluster", "no-op", "outside")
] + [
    ("metrics_loop", "v0-incluster", HELPER, "status500", {"status": 500}),
    ("metrics_loop", "v0-incluster", HELPER, "fail-first2", {"fail_first": 2}),
    ("experiment_api", "v0-incluster", CLIENT, "client061", {}),
] + [
    (script, "v01-incluster", HELPER_V01, "", {})
    for script in ("all_getters", "metrics_loop", "train", "distributed")
] + [
    ("metrics_loop", "v01-incluster", HELPER_V01, "status500", {"status": 500}),
] + [
    # The v0 tracking API (tests/oracle/test_experiment_api.py): every Experiment and Job method in a
    # cluster, and Experiment/Job/Group against a v0 server from outside one.
    ("experiment_api_all", "v0-incluster", CLIENT, "client061", {}),
    ("job_api", "v0-incluster", CLIENT, "client061", {}),
    ("experiment_server", "v0-server", CLIENT, "client061", {}),
] + [
    # polyaxon-helper 0.1.9 in every environment it handled (tests/oracle/test_v01.py): each variable it reads set
    # alone, invalid JSON, a whole v0.1 cluster and nothing at all; every public name; send_metrics where it could
    # not send; variables set after import.
    ("v01_getters", env, HELPER_V01, "helper019", {})
    for env in sorted(p.stem for p in cases.ENVS.glob("v01-only-*.json")) + ["v01-bad-json", "v01-incluster",
                                                                          "outside"]
] + [
    ("v01_names", "v01-incluster", HELPER_V01, "helper019", {}),
    ("after_import", "outside", HELPER_V01, "helper019", {}),
] + [
    ("v01_send", env, HELPER_V01, "helper019", {})
    for env in ("v01-only-experiment-info", "v01-only-api", "outside")
] + [
    # polyaxon-client 0.6.1's PolyaxonClient (tests/oracle/test_client_api.py): configuration in each environment,
    # every handler's requests and answers (the server's answers for some paths in tests/oracle/routes/).
    ("client_config", env, CLIENT, "client061", {}) for env in ("v0-incluster", "v0-client-settings", "outside")
] + [
    ("client_api", "v0-server", CLIENT, "client061", {}),
] + [
    # polyaxon-helper 0.5.0: variables changed after import, in a v0.2+ cluster and outside one.
    ("after_import_v0", env, HELPER, "helper050", {}) for env in ("v0-incluster", "outside")
]


def oracle_python(setup: Path, version: str) -> str:
    out = subprocess.run(["bash", str(setup), version], check=True, stdout=subprocess.PIPE, text=True).stdout
    return out.strip().splitlines()[-1]


def interpreter_paths(python: str) -> List[Tuple[str, str]]:
    """The interpreter's prefixes (they show in the original's tracebacks) -> placeholders."""
    code = "import sys; print(sys.prefix); print(sys.base_prefix)"
    prefix, base = subprocess.run([python, "-c", code], check=True, stdout=subprocess.PIPE,
                                  text=True).stdout.split("\n")[:2]
    return [(p, name) for p, name in ((prefix, "<ORACLE_VENV>"), (base, "<ORACLE_PYTHON_HOME>"))
            if p.strip("/")]


def problems(doc: Dict[str, Any]) -> List[str]:
    """What must never be in a golden file (see normalize.leftover_volatile), plus this machine's paths."""
    found = leftover_volatile(doc)
    text = json.dumps(doc)
    for needle in {tempfile.gettempdir() + "/", os.path.realpath(tempfile.gettempdir()) + "/", str(REPO)}:
        if needle in text:
            found.append("contains %r" % needle)
    return found


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--setup", type=Path, default=Path(os.environ.get("ORACLE_SETUP", DEFAULT_SETUP)),
                    help="the oracle setup script (default: %(default)s)")
    ap.add_argument("--oracle-python", help="python of polyaxon-helper %s (default: from --setup)" % HELPER)
    ap.add_argument("--client-oracle-python", help="python of %s (default: from --setup)" % CLIENT)
    ap.add_argument("--v01-oracle-python", help="python of polyaxon-helper %s (default: from --setup)" % HELPER_V01)
    ap.add_argument("-k", dest="select", help="only the recordings whose file name contains this")
    ap.add_argument("-j", "--jobs", type=int, default=4)
    ap.add_argument("--grace", type=float, default=1.0, help="seconds to wait for late requests (default 1.0)")
    ap.add_argument("--out", type=Path, default=cases.RECORDINGS)
    opts = ap.parse_args(argv)

    todo = [c for c in CASES if not opts.select or opts.select in cases.recording_name(c[0], c[1], c[3])]
    pythons: Dict[str, str] = {}
    given = {HELPER: opts.oracle_python, CLIENT: opts.client_oracle_python, HELPER_V01: opts.v01_oracle_python}
    for version in sorted({c[2] for c in todo}):
        pythons[version] = given[version] or oracle_python(opts.setup, version)
    paths = {v: interpreter_paths(p) for v, p in pythons.items()}
    opts.out.mkdir(parents=True, exist_ok=True)

    def one(case: Tuple[str, str, str, str, Dict[str, Any]]) -> Tuple[str, List[str]]:
        script, env, version, variant, kwargs = case
        kwargs = dict({"grace": opts.grace}, **kwargs)
        doc, _, _ = cases.run_case(pythons[version], script, env, paths=paths[version], **kwargs)
        name = cases.recording_name(script, env, variant)
        with open(opts.out / name, "w") as f:
            json.dump(doc, f, indent=2, sort_keys=True)
            f.write("\n")
        summary = "%s: rc=%s, %d request(s)" % (name, doc["returncode"], len(doc["requests"]))
        return summary, problems(doc)

    failed = False
    with ThreadPoolExecutor(max(1, opts.jobs)) as pool:
        for summary, found in pool.map(one, todo):
            print(summary)
            for p in found:
                print("  PROBLEM: " + p)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
