"""``migrate_path``: a file kind as a ``plx-migrate`` handler (read, migrate, write atomically, diff per cell)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from plx_migrate.filekinds import _deps, handlers, migrate_path
from tests.filekinds.tools import nbformat, v4

COMPAT = _deps.target("compat").requirement
OLD = 1_500_000_000 * 10**9


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    os.utime(path, ns=(OLD, OLD))
    return str(path)


def test_write_keeps_bom_crlf_and_no_final_newline(tmp_path: Path) -> None:
    path = write(tmp_path / "requirements.txt", b"\xef\xbb\xbfnumpy\r\npolyaxon-helper==0.5.0")
    outcome = migrate_path("requirements", path, "compat", "write")
    assert outcome.status == "changed" and outcome.diff == ""
    assert Path(path).read_bytes() == b"\xef\xbb\xbfnumpy\r\n" + COMPAT.encode()
    assert [(c.line, c.codemod) for c in outcome.changes] == [(2, "replace-v0-requirement")]


def test_unchanged_file_is_not_written(tmp_path: Path) -> None:
    path = write(tmp_path / "requirements.txt", b"numpy\n# polyaxon-helper\n")
    outcome = migrate_path("requirements", path, "compat", "write")
    assert outcome.status == "unchanged"
    assert os.stat(path).st_mtime_ns == OLD


def test_check_and_diff_write_nothing(tmp_path: Path) -> None:
    data = b"FROM python:3.7\nRUN pip install polyaxon-helper\n"
    path = write(tmp_path / "Dockerfile", data)
    check = migrate_path("dockerfile", path, "experiment", "check")
    assert check.status == "changed" and check.diff == "" and [s.codemod for s in check.manual] == ["old-python-image"]
    diff = migrate_path("dockerfile", path, "experiment", "diff")
    assert diff.diff.splitlines()[:2] == [f"--- a/{Path(path).as_posix().lstrip('/')}",
                                          f"+++ b/{Path(path).as_posix().lstrip('/')}"]
    assert f'+RUN pip install "{COMPAT}"' in diff.diff.splitlines()
    assert Path(path).read_bytes() == data and os.stat(path).st_mtime_ns == OLD


def test_notebook_diff_is_per_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cells = [v4.new_code_cell("x = 1"), v4.new_code_cell("from polyaxon_helper import send_metrics")]
    nb = v4.new_notebook(cells=cells)
    write(tmp_path / "nb.ipynb", nbformat.writes(nb).encode())
    outcome = migrate_path("notebook", "nb.ipynb", "compat", "diff")
    assert outcome.diff == (
        "--- a/nb.ipynb [cell 2]\n+++ b/nb.ipynb [cell 2]\n@@ -1 +1 @@\n"
        "-from polyaxon_helper import send_metrics\n+from polyaxon_helper_compat import send_metrics\n"
    )


def test_errors_are_failed_outcomes(tmp_path: Path) -> None:
    bad = write(tmp_path / "nb.ipynb", b'{"cells": [\n"polyaxon"')
    outcome = migrate_path("notebook", bad, "compat", "write")
    assert (outcome.status, outcome.line) == ("failed", 2)
    assert outcome.reason is not None and outcome.reason.startswith("cannot parse: not a JSON document")
    missing = migrate_path("requirements", str(tmp_path / "nope.txt"), "compat", "write")
    assert missing.status == "failed" and missing.reason is not None and missing.reason.startswith("cannot read:")
    undecodable = write(tmp_path / "requirements.txt", b"polyaxon-helper\n\xff\n")
    assert migrate_path("requirements", undecodable, "compat", "write").status == "failed"


def test_read_only_file_is_not_written(tmp_path: Path) -> None:
    path = write(tmp_path / "requirements.txt", b"polyaxon-helper\n")
    os.chmod(path, stat.S_IRUSR)
    outcome = migrate_path("requirements", path, "compat", "write")
    assert (outcome.status, outcome.reason) == ("failed", "read-only file")
    assert Path(path).read_bytes() == b"polyaxon-helper\n"


def test_handlers_are_picklable_for_worker_processes() -> None:
    import pickle

    for pattern, handler in handlers().items():
        assert pickle.loads(pickle.dumps(handler)).args == handler.args, pattern  # type: ignore[attr-defined]
