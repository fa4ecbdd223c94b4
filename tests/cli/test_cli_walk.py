"""``iter_files``: which files ``plx-migrate`` visits, in which order, what it ignores and never follows."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result

from plx_migrate import _walk
from plx_migrate._walk import compile_patterns
from plx_migrate._migrate import display_path, iter_files
from plx_migrate._outcome import FileOutcome

Run = Callable[..., Result]


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x = 1\n")


def walk(*paths: str, exclude: tuple[str, ...] = ()) -> list[str | FileOutcome]:
    return list(iter_files(paths, exclude=compile_patterns(exclude) if exclude else None))


def skipped(path: str, reason: str) -> FileOutcome:
    return FileOutcome(path, "skipped", reason=reason)


LOOP = "symbolic link to a parent folder (a cycle), not followed"
OUTSIDE = "symbolic link pointing outside the walked folder, not followed"
BROKEN = "broken symbolic link, not followed"
INSIDE = "symbolic link, not followed (its target is inside the walked folder)"


# ------------------------------------------------------------------------------------------ order, folders


def test_sorted_python_files_only_files_before_subfolders(project: Path) -> None:
    touch(project, "b.py", "a.py", "README.md", "notebook.ipynb", "pkg/z.py", "pkg/sub/y.py", "aa/x.py", "c.pyc")
    assert walk(".") == ["a.py", "b.py", "notebook.ipynb", "aa/x.py", "pkg/z.py", "pkg/sub/y.py"]


@pytest.mark.parametrize(
    "folder",
    [".git", ".hg", ".svn", ".venv", "venv", "node_modules", "build", "dist", "__pycache__", ".tox", ".nox", ".eggs",
     "mypkg.egg-info"],
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
def test_special_files_are_skipped(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    os.mkfifo(project / "pipe.txt")
    assert walk("pipe.py") == [skipped("pipe.py", "not a regular file")]
    assert walk(".") == [skipped("pipe.py", "not a regular file")]


# ---------------------------------------------------------------------------------------- symbolic links


def test_symlink_cycles_are_reported_and_not_followed(project: Path) -> None:
    touch(project, "pkg/a.py")
    (project / "pkg" / "loop").symlink_to(project)
    (project / "pkg" / "self").symlink_to(project / "pkg")
    (project / "pkg" / "knot.py").symlink_to(project / "pkg" / "knot.py")
    assert walk(".") == ["pkg/a.py", skipped("pkg/knot.py", "symbolic link loop, not followed"),
                         skipped("pkg/loop", LOOP), skipped("pkg/self", LOOP)]


def test_symlinks_are_never_followed(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside, "secret.py", "deep/more.py")
    touch(project, "a.py", "pkg/real.py")
    (project / "linked_dir").symlink_to(outside)
    (project / "linked.py").symlink_to(outside / "secret.py")
    (project / "linked.txt").symlink_to(outside / "secret.py")  # not a file kind we migrate: not even reported
    (project / "dangling.py").symlink_to(project / "missing.py")
    (project / "alias.py").symlink_to(project / "pkg" / "real.py")
    (project / "pkg_alias").symlink_to(project / "pkg")
    assert walk(".") == [
        "a.py",
        skipped("alias.py", INSIDE),
        skipped("dangling.py", BROKEN),
        skipped("linked.py", OUTSIDE),
        skipped("linked_dir", OUTSIDE),
        skipped("pkg_alias", INSIDE),
        "pkg/real.py",
    ]


def test_symlinked_root_given_explicitly_is_entered(project: Path, tmp_path: Path) -> None:
    touch(tmp_path / "elsewhere", "m.py", "sub/n.py")
    (tmp_path / "elsewhere" / "back").symlink_to(tmp_path / "elsewhere" / "sub")
    (project / "src").symlink_to(tmp_path / "elsewhere")
    assert walk("src") == [skipped("src/back", INSIDE), "src/m.py", "src/sub/n.py"]


def test_symlink_out_of_root_is_left_untouched_by_the_command(
    project: Path, tmp_path: Path, fake: object, run: Run
) -> None:
    outside = tmp_path / "outside"
    touch(outside, "dep.py")
    (outside / "dep.py").write_bytes(b"old_api()\n")
    (project / "dep.py").symlink_to(outside / "dep.py")
    (project / "lib").symlink_to(outside)
    result = run("-v", ".")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"dep.py: skipped: {OUTSIDE}",
        f"lib: skipped: {OUTSIDE}",
        "2 files scanned, 0 changed, 0 unchanged, 2 skipped, 0 failed, 0 manual sites",
    ]
    assert (outside / "dep.py").read_bytes() == b"old_api()\n"


# -------------------------------------------------------------------------------------------- .gitignore


def test_gitignore_patterns_and_negation(project: Path) -> None:
    touch(project, "a.py", "x.gen.py", "keep.gen.py", "top_only.py", "pkg/top_only.py", "generated/m.py",
          "pkg/generated/n.py", "notes/generated", "notes/ok.py")
    (project / ".gitignore").write_text("# generated code\n*.gen.py\n!keep.gen.py\n/top_only.py\ngenerated/\n")
    assert walk(".") == ["a.py", "keep.gen.py", "notes/ok.py", "pkg/top_only.py"]


def test_nested_gitignore_is_relative_to_its_folder(project: Path) -> None:
    touch(project, "local.py", "x.py", "sub/local.py", "sub/x.py", "sub/deeper/local.py", "sub/deeper/x.py")
    (project / "sub" / ".gitignore").write_text("/local.py\nx.py\n")
    assert walk(".") == ["local.py", "x.py", "sub/deeper/local.py"]


def test_deeper_gitignore_overrides_a_shallower_one(project: Path) -> None:
    touch(project, "a.tmp.py", "keep.tmp.py", "sub/a.tmp.py", "sub/keep.tmp.py", "sub/b.py")
    (project / ".gitignore").write_text("*.tmp.py\n")
    (project / "sub" / ".gitignore").write_text("!keep.tmp.py\nb.py\n")
    assert walk(".") == ["sub/keep.tmp.py"]


def test_files_under_an_ignored_folder_cannot_be_included_again(project: Path) -> None:
    touch(project, "data/keep.py", "data/more/x.py", "a.py")
    (project / ".gitignore").write_text("data/\n!data/keep.py\n")
    (project / "data" / ".gitignore").write_text("!keep.py\n")
    assert walk(".") == ["a.py"]


def test_ignored_symlinks_are_not_reported(project: Path, tmp_path: Path) -> None:
    touch(tmp_path / "outside", "m.py")
    touch(project, "a.py")
    (project / "cache").symlink_to(tmp_path / "outside")
    (project / "venv").symlink_to(tmp_path / "outside")
    (project / ".gitignore").write_text("cache\n")
    assert walk(".") == ["a.py"]


def test_only_gitignore_files_inside_the_walked_folder_are_read(project: Path, tmp_path: Path) -> None:
    touch(project, "pkg/a.py", "pkg/b.py")
    (project / ".gitignore").write_text("a.py\n")  # above the walked folder `pkg`: not read
    touch(tmp_path / "outside", "rules")
    (tmp_path / "outside" / "rules").write_text("b.py\n")
    (project / "pkg" / ".gitignore").symlink_to(tmp_path / "outside" / "rules")  # behind a link: not read
    assert walk("pkg") == ["pkg/a.py", "pkg/b.py"]
    assert walk(".") == ["pkg/b.py"]


def test_invalid_gitignore_lines_are_dropped_as_git_does(project: Path) -> None:
    touch(project, "a.py", "b.py", "c.py")
    (project / ".gitignore").write_text("!\nb.py\n\\\n")
    assert walk(".") == ["a.py", "c.py"]


def test_gitignore_that_cannot_be_read_leaves_its_folder_alone(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(project, "a.py", "pkg/b.py", "pkg/sub/c.py", "z/d.py")
    (project / "pkg" / ".gitignore").write_text("x.py\n")
    real = _walk._read_gitignore

    def read(path: str) -> object:
        if path.startswith(os.path.join(".", "pkg")):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(_walk, "_read_gitignore", read)
    reason = "folder not entered, cannot read its .gitignore: Permission denied"
    assert walk(".") == ["a.py", FileOutcome("pkg", "failed", reason=reason), "z/d.py"]


# ---------------------------------------------------------------------------------------------- --exclude


def test_exclude_patterns_are_relative_to_each_walked_folder(project: Path) -> None:
    touch(project, "setup.py", "src/setup.py", "src/m_pb2.py", "src/m.py", "src/tests/t.py", "tests/t.py")
    excludes = ("/setup.py", "*_pb2.py", "tests/")
    assert walk(".", exclude=excludes) == ["src/m.py", "src/setup.py"]
    assert walk("src", exclude=excludes) == ["src/m.py"]


def test_exclude_wins_over_a_gitignore_negation(project: Path) -> None:
    touch(project, "a.py", "keep.py")
    (project / ".gitignore").write_text("*.py\n!keep.py\n!a.py\n")
    assert walk(".", exclude=("keep.py",)) == ["a.py"]


def test_exclude_negation_only_undoes_other_excludes(project: Path) -> None:
    touch(project, "a.py", "b.py", "c.py")
    (project / ".gitignore").write_text("c.py\n")
    assert walk(".", exclude=("*.py", "!b.py", "!c.py")) == ["b.py"]


def test_files_given_by_name_are_never_excluded(project: Path) -> None:
    touch(project, "gen/m.py")
    (project / ".gitignore").write_text("gen/\n")
    assert walk("gen/m.py", ".", exclude=("m.py",)) == ["gen/m.py"]


def test_exclude_option_on_the_command(project: Path, fake: object, run: Run) -> None:
    for name in ("a.py", "vendor/b.py", "c_pb2.py"):
        touch(project, name)
        (project / name).write_bytes(b"old_api()\n")
    result = run("--exclude", "vendor/", "--exclude", "*_pb2.py", ".")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "rewrote a.py",
        "1 files scanned, 1 changed, 0 unchanged, 0 skipped, 0 failed, 0 manual sites",
    ]
    assert (project / "vendor" / "b.py").read_bytes() == b"old_api()\n"


def test_invalid_exclude_pattern_is_a_usage_error(project: Path, fake: object, run: Run) -> None:
    touch(project, "a.py")
    result = run("--exclude", "!", ".")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith(
        "Error: Invalid value for '--exclude': '!' is not a valid gitignore pattern"
    )


# ------------------------------------------------------------------------------------------- odd names


@pytest.mark.skipif(os.name != "posix", reason="file names are bytes on POSIX only")
def test_file_name_that_is_not_utf8(project: Path, fake: object, run: Run) -> None:
    name = os.fsdecode(b"caf\xe9.py")
    (project / name).write_bytes(b"old_api()\n")
    assert walk(".") == [name]
    result = run("--diff", "--report", "report.json", ".")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == ["--- a/caf\\xe9.py", "+++ b/caf\\xe9.py"]
    assert result.stderr.splitlines()[0] == "would rewrite caf\\xe9.py"
    assert '"path": "caf\\\\xe9.py"' in (project / "report.json").read_text(encoding="utf-8")
    assert (project / name).read_bytes() == b"old_api()\n"
