#!/usr/bin/env bash
# `make demo`: the main job on the bundled legacy project (tests/fixtures/legacy_project), step by step.
# 1. the unchanged legacy train.py runs on this Python, outside any cluster (local run store);
# 2. the unchanged train.py in a simulated Polyaxon v0 cluster (a recording API server on 127.0.0.1):
#    the requests it sends, as polyaxon-helper 0.5.0 sent them;
# 3. plx-migrate on a copy of the project: the diff, then the rewrite, then the migrated train.py runs.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
out="$repo/demo-out"
rm -rf "$out"
mkdir -p "$out"
cp -R tests/fixtures/legacy_project "$out/legacy_project"
cd "$out/legacy_project"

echo "== 1. unchanged train.py outside any cluster (Python $(python -c 'import platform; print(platform.python_version())'))"
python train.py
run="$(ls -d .polyaxon-compat/runs/* | head -n 1)"
echo "-- $run/metrics.jsonl:"
cat "$run/metrics.jsonl"
echo "-- outputs: $(ls "$run/outputs")"

echo
echo "== 2. unchanged train.py in a simulated Polyaxon v0 cluster (requests received by the API server)"
python "$repo/tests/oracle/recorder.py" --python "$(command -v python)" --grace 0.3 \
    --env "$repo/tests/oracle/envs/v0-incluster.json" train.py > "$out/incluster-recording.json"
python - "$out/incluster-recording.json" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
print("exit code", rec["returncode"])
for r in rec["requests"]:
    body = r["body"]
    if isinstance(body, dict) and "run_env" in body:
        body = {"run_env": "{%d keys: %s, ...}" % (len(body["run_env"]), ", ".join(sorted(body["run_env"])[:4]))}
    print(r["method"], r["path"], r["headers"].get("Authorization"), json.dumps(body)[:300])
PY

echo
echo "== 3. plx-migrate --to experiment --diff (nothing written)"
cd "$out"
set +e
plx-migrate --to experiment --diff legacy_project
echo "(exit code $?: 2 because legacy_py2.py is Python 2 and cannot be parsed; it is left untouched)"
echo
echo "== 3b. plx-migrate --to experiment (in place)"
plx-migrate --to experiment legacy_project
echo "(exit code $?)"
set -e
echo
echo "== 3c. the migrated train.py runs"
cd legacy_project
rm -rf .polyaxon-compat
python train.py
echo
echo "Demo done: everything is under $out"
