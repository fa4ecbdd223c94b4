"""``iter_files``: which files ``plx-migrate`` visits, in which order, and what it never follows."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result

from polyaxon_helper_compat.cli import FileOutcome, display_path, iter_files


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x = 1\n")


def walk(*paths: str) -> list[str | FileOutcome]:
    return list(iter_files(paths))


def test_sorted_python_files_only_files_before_subfolders(project: Path) -> None:
    touch(project, "b.py", "a.py", "README.md", "notebook.ipynb", "pkg/z.py", "pkg/sub/y.py", "aa/x.py", "c.pyc")
    assert walk(".") == ["a.py", "b.py", "aa/x.py", "pkg/z.py", "pkg/sub/y.py"]


@pytest.mark.parametrize(
    "folder",
    [
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "build",
        "dist",
        "__pycache__",
        ".tox",
        ".nox",
        ".eggs",
        "mypkg.egg-info",
    ],
)
def test_skipped_folders(project: Path, folder: str) -> None:
    touch(project, "keep.py", f"{folder}/skipped.py", f"src/{folder}/nested.py")
    assert walk(".") == ["keep.py"]


def test_folder_with_pyvenv_cfg_is_a_virtualenv(project: Path) -> None:
    touch(project, "keep.py", "env311/lib/site.py", "notenv/lib/ok.py")
    (project / "env311" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert walk(".") == ["keep.py", "notenv/lib/ok.py"]


def test_explicit_paths_are_processed_even_when_their_name_is_skipped(project: Path) -> None:
    touch(project, "build/gen.py", "venv/tool.py", "dist/sub/m.py", "dist/.git/hooks.py")
    assert walk("build", "venv/tool.py", "dist") == ["build/gen.py", "venv/tool.py", "dist/sub/m.py"]


def test_explicit_file_of_any_name_is_yielded(project: Path) -> None:
    touch(project, "requirements.txt")
    assert walk("requirements.txt") == ["requirements.txt"]


def test_a_file_reached_twice_is_yielded_once(project: Path) -> None:
    touch(project, "pkg/a.py", "pkg/b.py")
    assert walk("pkg/b.py", "pkg", "./pkg/a.py") == ["pkg/b.py", "pkg/a.py"]


def test_symlink_loop_is_not_followed(project: Path) -> None:
    touch(project, "pkg/a.py")
    (project / "pkg" / "loop").symlink_to(project)
    (project / "pkg" / "self").symlink_to(project / "pkg")
    assert walk(".") == ["pkg/a.py"]


def test_symlinks_out_of_the_root_are_not_followed(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside, "secret.py", "deep/more.py")
    touch(project, "a.py")
    (project / "linked_dir").symlink_to(outside)
    (project / "linked.py").symlink_to(outside / "secret.py")
    (project / "linked.txt").symlink_to(outside / "secret.py")
    (project / "dangling.py").symlink_to(project / "missing.py")
    assert walk(".") == [
        "a.py",
        FileOutcome("dangling.py", "skipped", reason="symbolic link, not followed"),
        FileOutcome("linked.py", "skipped", reason="symbolic link, not followed"),
    ]


def test_symlinked_root_given_explicitly_is_entered(project: Path, tmp_path: Path) -> None:
    touch(tmp_path / "elsewhere", "m.py")
    (project / "src").symlink_to(tmp_path / "elsewhere")
    assert walk("src") == ["src/m.py"]


def test_paths_outside_the_working_directory_are_absolute(project: Path, tmp_path: Path) -> None:
    touch(tmp_path / "other", "m.py")
    assert walk(str(tmp_path / "other")) == [str(tmp_path / "other" / "m.py")]
    assert display_path("../other/m.py") == str(tmp_path / "other" / "m.py")
    assert display_path(str(project / "a" / "b.py")) == "a/b.py"


def test_folder_that_cannot_be_listed_is_a_failure(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(project, "a.py", "locked/b.py", "z/c.py")
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert walk(".") == ["a.py", FileOutcome("locked", "failed", reason="cannot read folder: Permission denied"), "z/c.py"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_special_file_given_explicitly_is_skipped(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    assert walk("pipe.py") == [FileOutcome("pipe.py", "skipped", reason="not a regular file")]
    assert walk(".") == []


def test_symlink_out_of_root_is_left_untouched_by_the_command(
    project: Path, tmp_path: Path, fake: object, run: Callable[..., Result]
) -> None:
    outside = tmp_path / "outside"
    touch(outside, "dep.py")
    (outside / "dep.py").write_bytes(b"old_api()\n")
    (project / "dep.py").symlink_to(outside / "dep.py")
    (project / "lib").symlink_to(outside)
    result = run("-v", ".")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "dep.py: skipped: symbolic link, not followed",
        "1 files scanned, 0 changed, 0 unchanged, 1 skipped, 0 failed, 0 manual sites",
    ]
    assert (outside / "dep.py").read_bytes() == b"old_api()\n"
