"""``plx-migrate`` in a repository that has its own ``codemods/`` package (a libcst convention): the toolkit is imported
as ``plx_migrate``, so the user's package is never imported, whatever the entry point, ``PYTHONPATH`` or workers."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from plx_migrate import run_stage

PLX_MIGRATE = str(Path(sys.executable).with_name("plx-migrate"))
LEGACY = {
    "train.py": "from polyaxon_helper import send_metrics\nsend_metrics(loss=1)\n",
    "pkg/evaluate.py": "import polyaxon_helper\npolyaxon_helper.send_metrics(accuracy=0.5)\n",
}
USER_CODEMODS = {
    "codemods/__init__.py": '"""The user\'s own libcst codemods."""\n',
    "codemods/_api.py": "raise RuntimeError(\"the user's codemods/_api.py was imported\")\n",
    "codemods/_registry.py": "raise RuntimeError(\"the user's codemods/_registry.py was imported\")\n",
}
COMMANDS = {
    "plx-migrate": [PLX_MIGRATE],
    "python -m plx_migrate": [sys.executable, "-m", "plx_migrate"],
    "python -m polyaxon_helper_compat": [sys.executable, "-m", "polyaxon_helper_compat"],
}


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    for name, text in {**USER_CODEMODS, **LEGACY}.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("pythonpath", [False, True], ids=["", "PYTHONPATH=."])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_users_codemods_package_is_never_imported(repository: Path, command: str, pythonpath: bool) -> None:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = "."

    def plx_migrate(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*COMMANDS[command], "--to", "experiment", "-j", "2", *args, "train.py", "pkg"],
                              cwd=repository, env=env, capture_output=True, text=True, check=False, timeout=120)

    checked = plx_migrate("--check")
    assert (checked.returncode, checked.stdout) == (1, ""), checked.stderr
    assert checked.stderr.splitlines() == [
        "would rewrite train.py",
        f"would rewrite {os.path.join('pkg', 'evaluate.py')}",
        "2 files scanned, 2 would change, 0 unchanged, 0 skipped, 0 failed, 0 manual sites",
    ]
    assert all((repository / name).read_text(encoding="utf-8") == text for name, text in LEGACY.items())

    written = plx_migrate()
    assert (written.returncode, written.stdout) == (0, ""), written.stderr
    assert "imported" not in written.stderr
    for name, text in LEGACY.items():
        expected = run_stage(text, "experiment").code
        assert expected != text and (repository / name).read_text(encoding="utf-8") == expected, name
    assert all((repository / name).read_text(encoding="utf-8") == text for name, text in USER_CODEMODS.items())
