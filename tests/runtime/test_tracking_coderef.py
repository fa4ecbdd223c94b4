"""``_coderef.get_code_reference``: the git commands of polyaxon-client 0.6.1, and ``None`` (never an error)
outside a work tree, without ``git``, or for a folder that does not exist."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from polyaxon_helper_compat import _coderef
from polyaxon_helper_compat._coderef import get_code_reference

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

GIT_ENV = {"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.com",
           "GIT_AUTHOR_DATE": "2019-05-01T12:00:00+00:00", "GIT_COMMITTER_NAME": "Alice",
           "GIT_COMMITTER_EMAIL": "alice@example.com", "GIT_COMMITTER_DATE": "2019-05-01T12:00:00+00:00"}
#: The commit of make_repo (fixed content, author, dates): the same as in tests/oracle/scripts/_oracle_git.py.
COMMIT = "b6b489ab1541885c7e942a529c889a4f9b7dd4ee"


def git(path: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=path, env={**os.environ, **GIT_ENV},
                   check=True, capture_output=True)


def make_repo(path: Path, commit: bool = True, remote: bool = True) -> Path:
    path.mkdir()
    git(path, "init", "-q")
    git(path, "symbolic-ref", "HEAD", "refs/heads/main")
    (path / "train.py").write_text("print('training')\n")
    if commit:
        git(path, "add", "train.py")
        git(path, "commit", "-q", "-m", "first")
    if remote:
        git(path, "remote", "add", "origin", "https://github.com/alice/mnist.git")
    return path


def test_clean_repository(tmp_path):
    repo = make_repo(tmp_path / "repo")
    assert get_code_reference(str(repo)) == {"commit": COMMIT, "head": COMMIT, "branch": "main",
                                             "git_url": "https://github.com/alice/mnist.git", "is_dirty": False}


def test_subfolder_and_dirty_flag(tmp_path):
    repo = make_repo(tmp_path / "repo")
    (repo / "sub").mkdir()
    (repo / "untracked.txt").write_text("x")  # untracked files do not count, as in the original
    assert get_code_reference(str(repo / "sub"))["is_dirty"] is False
    (repo / "train.py").write_text("changed\n")
    assert get_code_reference(str(repo / "sub"))["is_dirty"] is True


def test_detached_head_and_no_remote(tmp_path):
    repo = make_repo(tmp_path / "repo", remote=False)
    git(repo, "checkout", "-q", "--detach")
    ref = get_code_reference(str(repo))
    assert (ref["branch"], ref["git_url"], ref["commit"]) == ("HEAD", "", COMMIT)


def test_repository_without_commits(tmp_path):
    ref = get_code_reference(str(make_repo(tmp_path / "repo", commit=False, remote=False)))
    assert ref is not None and ref["commit"] == "" and ref["is_dirty"] is False


def test_not_a_repository_and_missing_folder(tmp_path):
    assert get_code_reference(str(tmp_path)) is None
    assert get_code_reference(str(tmp_path / "missing")) is None


def test_inside_the_git_folder_is_not_a_work_tree(tmp_path):
    repo = make_repo(tmp_path / "repo")
    assert get_code_reference(str(repo / ".git")) is None


def test_git_missing(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert get_code_reference(str(repo)) is None


def test_git_hanging(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "git").write_text("#!/bin/sh\nsleep 5\n")
    (fake / "git").chmod(0o755)
    monkeypatch.setenv("PATH", str(fake))
    monkeypatch.setattr(_coderef, "GIT_TIMEOUT", 0.2)
    assert get_code_reference(str(repo)) is None
