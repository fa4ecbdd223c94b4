"""``plx-migrate`` on a hostile tree built by the test: nothing outside the root is read or written, no file is
corrupted, every skip and failure is reported with its reason, and the exit code says so."""
from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import Result

from plx_migrate._migrate import CRASH_REASON

Run = Callable[..., Result]

USE = b"import polyaxon_helper\npolyaxon_helper.send_metrics(loss=1)\n"
USED = b"import polyaxon_helper_compat\npolyaxon_helper_compat.send_metrics(loss=1)\n"
LATIN1 = b"# -*- coding: latin-1 -*-\n# R\xe9sum\xe9\nfrom polyaxon_helper import send_metrics\ns = 'caf\xe9'\n"
BIG_LINE = b"values = [" + b", ".join(str(n).encode() for n in range(200)) + b"]\n"

#: name -> (bytes written, bytes expected after `--to compat`: None when the file must stay byte-identical)
FILES: dict[str, tuple[bytes, bytes | None]] = {
    "train.py": (USE, USED),
    "crlf.py": (USE.replace(b"\n", b"\r\n"), USED.replace(b"\n", b"\r\n")),
    "mixed.py": (b"import polyaxon_helper\r\nx = 1\npolyaxon_helper.send_metrics(a=1)\r\ny = 2\rz = 3\n",
                 b"import polyaxon_helper_compat\r\nx = 1\npolyaxon_helper_compat.send_metrics(a=1)\r\ny = 2\rz = 3\n"),
    "bom.py": (b"\xef\xbb\xbf" + USE + b"s = '\xc3\xa9'\n", b"\xef\xbb\xbf" + USED + b"s = '\xc3\xa9'\n"),
    "latin1.py": (LATIN1, LATIN1.replace(b"polyaxon_helper", b"polyaxon_helper_compat")),
    "no_newline_at_end.py": (USE.rstrip(b"\n"), USED.rstrip(b"\n")),
    "empty.py": (b"", None),
    "py2_plain.py": (b"print 'no helper here'\n", None),
    "py2.py": (b"import polyaxon_helper\nprint 'hello'\n", None),
    "syntax.py": (b"import polyaxon_helper\ndef f(:\n    pass\n", None),
    "not_utf8.py": (b"import polyaxon_helper\ns = 'caf\xe9'\n", None),
    "bad_cookie.py": (b"# coding: klingon\nimport polyaxon_helper\n", None),
    "nul.py": (b"import polyaxon_helper\nx = '\x00'\n", None),
    "big.py": (BIG_LINE * (5_000_000 // len(BIG_LINE)), None),
    "readonly.py": (USE, None),
    "submodule.py": (b"import polyaxon_helper.client\n", None),
    "pkg/deep.py": (b"import polyaxon_helper\nx = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", None),
    "pkg/ok.py": (USE, USED),
    "ignored/x.py": (USE, None),
    "pkg/generated_pb2.py": (USE, None),
    "notes.txt": (b"import polyaxon_helper\n", None),
}
#: What the report must say of each file (the ignored ones are not in it at all).
EXPECTED: dict[str, tuple[str, str | None]] = {
    "bad_cookie.py": ("failed", "cannot decode: unknown encoding: klingon"),
    "big.py": ("unchanged", None),
    "bom.py": ("changed", None),
    "crlf.py": ("changed", None),
    "empty.py": ("unchanged", None),
    "latin1.py": ("changed", None),
    "link_cycle": ("skipped", "symbolic link to a parent folder (a cycle), not followed"),
    "link_outside": ("skipped", "symbolic link pointing outside the walked folder, not followed"),
    "link_outside.py": ("skipped", "symbolic link pointing outside the walked folder, not followed"),
    "mixed.py": ("changed", None),
    "no_newline_at_end.py": ("changed", None),
    "not_utf8.py": ("failed", "cannot decode: 'utf-8' codec can't decode byte 0xe9: invalid continuation byte"),
    "nul.py": ("failed", "cannot parse: source code string cannot contain null bytes"),
    "py2.py": ("failed", "cannot parse: Missing parentheses in call to 'print'. Did you mean print(...)?"),
    "py2_plain.py": ("unchanged", None),
    "readonly.py": ("failed", "read-only file"),
    "submodule.py": ("unchanged", None),
    "syntax.py": ("failed", "cannot parse: invalid syntax"),
    "train.py": ("changed", None),
    "pkg/deep.py": ("failed", CRASH_REASON),
    "pkg/link_to_pkg": ("skipped", "symbolic link to a parent folder (a cycle), not followed"),
    "pkg/ok.py": ("changed", None),
}


def snapshot(root: Path) -> dict[str, tuple[bytes | str, int]]:
    """Every entry under ``root`` without following links: file bytes or link target, and permission bits."""
    found: dict[str, tuple[bytes | str, int]] = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(directory, name)
            mode = stat.S_IMODE(path.lstat().st_mode)
            if path.is_symlink():
                found[path.relative_to(root).as_posix()] = (os.readlink(path), mode)
            elif path.is_file():
                found[path.relative_to(root).as_posix()] = (path.read_bytes(), mode)
    return found


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """``(root, outside)``: the hostile tree (also the working directory) and a folder next to it."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    for name, (data, _) in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "readonly.py").chmod(0o444)
    (root / ".gitignore").write_bytes(b"ignored/\n")
    (root / "pkg" / ".gitignore").write_bytes(b"*_pb2.py\n")
    outside.mkdir()
    (outside / "victim.py").write_bytes(USE)
    (root / "link_outside.py").symlink_to(outside / "victim.py")
    (root / "link_outside").symlink_to(outside)
    (root / "link_cycle").symlink_to(root)
    (root / "pkg" / "link_to_pkg").symlink_to(root / "pkg")
    monkeypatch.chdir(root)
    return root, outside


class Audit:
    """Records the paths this process opens or lists (``sys.addaudithook`` hooks cannot be removed: one for all)."""

    events: list[tuple[str, str]] | None = None
    installed = False

    @classmethod
    def hook(cls, event: str, args: tuple[Any, ...]) -> None:
        if cls.events is not None and event in ("open", "os.scandir", "os.listdir") and isinstance(args[0], str):
            cls.events.append((event, os.path.abspath(args[0])))


def test_hostile_tree(hostile: tuple[Path, Path], run: Run, tmp_path: Path) -> None:
    root, outside = hostile
    before, outside_before = snapshot(root), snapshot(outside)
    if not Audit.installed:
        sys.addaudithook(Audit.hook)
        Audit.installed = True
    Audit.events = []
    try:
        result = run("--to", "compat", "-j", "2", "--report", str(tmp_path / "report.json"), ".")
    finally:
        events, Audit.events = Audit.events, None

    assert result.exit_code == 2
    assert result.stdout == ""
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert {entry["path"]: (entry["outcome"], entry["reason"]) for entry in report["files"]} == EXPECTED
    assert [entry["path"] for entry in report["files"]] == sorted(EXPECTED, key=lambda p: (p.count("/"), p))
    submodule = next(entry for entry in report["files"] if entry["path"] == "submodule.py")
    assert [(site["line"], site["column"]) for site in submodule["manual"]] == [(1, 8)]
    assert result.stderr.splitlines()[-1] == (
        "22 files scanned, 7 changed, 4 unchanged, 4 skipped, 7 failed, 1 manual sites"
    )

    # Nothing outside the root was listed, opened, written or changed (the report goes where it was asked to).
    touched = {path for _, path in events if path.startswith(str(tmp_path)) and not path.startswith(str(root))}
    assert touched == {str(tmp_path / "report.json")}
    assert snapshot(outside) == outside_before

    # Every file is byte-identical except those the codemods rewrote, which are exactly as expected.
    after = snapshot(root)
    assert sorted(after) == sorted(before)
    for name, (data, mode) in before.items():
        expected = FILES.get(name, (None, None))[1]
        assert after[name] == ((expected, mode) if expected is not None else (data, mode)), name
    assert not [name for name in os.listdir(root) if name.endswith(".tmp")]


def test_hostile_tree_check_and_diff_write_nothing(hostile: tuple[Path, Path], run: Run) -> None:
    root, _ = hostile
    before = snapshot(root)
    check = run("--to", "compat", "-j", "2", "--check", ".")
    diff = run("--to", "compat", "-j", "2", "--diff", ".")
    assert (check.exit_code, diff.exit_code) == (2, 2)
    assert check.stdout == ""
    assert diff.stdout.count("+++ b/") == 8  # the 7 rewritten files and the read-only one
    summary = "22 files scanned, 8 would change, 4 unchanged, 4 skipped, 6 failed, 1 manual sites"
    assert check.stderr.splitlines()[-1] == diff.stderr.splitlines()[-1] == summary
    assert snapshot(root) == before
