"""Which files ``plx-migrate`` visits: folders walked in a fixed order, ignore rules, symbolic links.

:func:`walk` takes the paths of the command line and yields, lazily and in a deterministic order, the path of
every file to migrate, or a :class:`WalkIssue` for an entry decided without reading it (left alone on purpose,
or a failure such as a folder that cannot be listed). Inside a walked folder:

* each folder's files come first, sorted by name, then its subfolders, sorted by name, depth first;
* folders in :data:`SKIP_DIRS` (VCS, virtualenvs, ``node_modules``, build output, caches) and folders holding a
  ``pyvenv.cfg`` (a virtualenv of any name) are not entered;
* ``.gitignore`` files are honoured as Git does, each relative to its own folder, a deeper file overriding a
  shallower one, an ignored folder hiding everything under it; only ``.gitignore`` files inside the walked folder
  are read (never one above it, never one behind a symbolic link, as Git since 2.32);
* ``--exclude`` patterns (gitignore syntax, relative to the walked folder) exclude whatever they match, whatever
  ``.gitignore`` says;
* symbolic links are never followed, so nothing outside the walked folder is read and a link cycle cannot loop;
  a link that could have been followed (to a folder, or named like a file to migrate) is reported as skipped
  with the reason (points outside the folder, is a cycle, is broken, ...).

A path named on the command line is always used as it is (a folder is entered even if its name would be skipped,
a symbolic link given explicitly is followed, a file of any name is yielded): ignore rules and ``--exclude``
decide only what walking *finds*.

Only the CLI imports this module (``pathspec`` is imported here, never by the runtime).
"""
from __future__ import annotations

import errno
import fnmatch
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from pathspec import GitIgnoreSpec

__all__ = ["SKIP_DIRS", "SKIP_DIR_GLOBS", "IgnoreRules", "WalkIssue", "compile_patterns", "walk"]

#: Folder names never entered while walking (a folder given on the command line is always entered).
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "build", "dist", "__pycache__", ".tox", ".nox", ".eggs"}
)
#: Folder-name globs never entered while walking.
SKIP_DIR_GLOBS = ("*.egg-info",)


@dataclass(frozen=True)
class WalkIssue:
    """An entry decided without reading it: ``skipped`` on purpose, or ``failed`` (an error), with a reason.

    ``path`` is the entry's path as built from the command-line path (``os.path.join`` of the parts).
    """

    path: str
    status: Literal["skipped", "failed"]
    reason: str


def compile_patterns(lines: Iterable[str]) -> GitIgnoreSpec:
    """Compile gitignore-syntax ``lines`` into a :class:`pathspec.GitIgnoreSpec`, dropping invalid patterns.

    Git silently discards a pattern it cannot use (``!`` alone, a lone trailing backslash); so does this.
    Blank lines and ``#`` comments are ignored by pathspec itself.
    """
    lines = list(lines)
    try:
        return GitIgnoreSpec.from_lines(lines)
    except ValueError:  # GitIgnorePatternError is a ValueError: keep the patterns that compile, as Git does
        valid = []
        for line in lines:
            try:
                GitIgnoreSpec.from_lines([line])
            except ValueError:
                continue
            valid.append(line)
        return GitIgnoreSpec.from_lines(valid)


@dataclass(frozen=True)
class IgnoreRules:
    """The ignore rules in force in one folder: ``exclude`` (from ``--exclude``) and the ``.gitignore`` chain.

    ``gitignores`` holds ``(base, spec)`` pairs from the walked root down to the folder, ``base`` being the
    ``/``-separated path of the ``.gitignore``'s folder relative to the root (``""`` for the root itself).
    """

    exclude: GitIgnoreSpec | None
    gitignores: tuple[tuple[str, GitIgnoreSpec], ...] = ()

    def ignores(self, relative: str, *, is_dir: bool) -> bool:
        """Whether the entry at ``relative`` (``/``-separated, relative to the walked root) is ignored.

        An ``--exclude`` match always wins; otherwise the deepest ``.gitignore`` with a matching pattern decides
        (its last matching pattern, so ``!pattern`` re-includes), as Git does.
        """
        probe = relative + "/" if is_dir else relative
        if self.exclude is not None and self.exclude.check_file(probe).include:
            return True
        for base, spec in reversed(self.gitignores):
            included = spec.check_file(probe[len(base) + 1:] if base else probe).include
            if included is not None:
                return included
        return False

    def with_gitignore(self, base: str, spec: GitIgnoreSpec) -> IgnoreRules:
        """These rules plus the ``.gitignore`` ``spec`` of the folder ``base`` (relative to the root)."""
        return IgnoreRules(self.exclude, (*self.gitignores, (base, spec)))


def _is_skipped_dir(entry: os.DirEntry[str]) -> bool:
    return (
        entry.name in SKIP_DIRS
        or any(fnmatch.fnmatchcase(entry.name, pattern) for pattern in SKIP_DIR_GLOBS)
        or os.path.isfile(os.path.join(entry.path, "pyvenv.cfg"))
    )


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _link_reason(entry: os.DirEntry[str], root_real: str, directory: str) -> str:
    """Why the symbolic link ``entry`` (found in ``directory``) is not followed, in the words of the report."""
    try:
        os.stat(entry.path)  # follows the link: tells a broken link and a loop apart
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop, not followed"
        return "broken symbolic link, not followed"
    target = os.path.realpath(entry.path)
    if not _inside(target, root_real):
        return "symbolic link pointing outside the walked folder, not followed"
    if os.path.isdir(target) and _inside(os.path.realpath(directory), target):
        return "symbolic link to a parent folder (a cycle), not followed"
    return "symbolic link, not followed (its target is inside the walked folder)"


def _read_gitignore(path: str) -> GitIgnoreSpec:
    """Compile the ``.gitignore`` at ``path``; raises :class:`OSError` when it cannot be read."""
    with open(path, "rb") as f:
        data = f.read()
    return compile_patterns(data.decode("utf-8", "surrogateescape").splitlines())


def _walk_folder(
    root: str, wanted: Callable[[str], bool], exclude: GitIgnoreSpec | None
) -> Iterator[str | WalkIssue]:
    """Yield what to migrate under the folder ``root`` (see the module docstring for the rules)."""
    root_real = os.path.realpath(root)
    stack: list[tuple[str, str, IgnoreRules]] = [(root, "", IgnoreRules(exclude))]
    while stack:
        directory, relative, rules = stack.pop()
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            yield WalkIssue(directory, "failed", f"cannot read folder: {exc.strerror or exc}")
            continue
        gitignore = next((e for e in entries if e.name == ".gitignore" and e.is_file(follow_symlinks=False)), None)
        if gitignore is not None:
            try:
                rules = rules.with_gitignore(relative, _read_gitignore(gitignore.path))
            except OSError as exc:
                # Without its rules we cannot tell what it ignores: better leave the whole folder alone.
                reason = f"folder not entered, cannot read its .gitignore: {exc.strerror or exc}"
                yield WalkIssue(directory, "failed", reason)
                continue
        subdirs: list[tuple[str, str, IgnoreRules]] = []
        for entry in entries:
            entry_relative = f"{relative}/{entry.name}" if relative else entry.name
            if entry.is_symlink():  # Git never follows links: matched as a file, never entered
                if entry.name in SKIP_DIRS or rules.ignores(entry_relative, is_dir=False):
                    continue
                if wanted(entry.name) or entry.is_dir(follow_symlinks=True):
                    yield WalkIssue(entry.path, "skipped", _link_reason(entry, root_real, directory))
            elif entry.is_dir(follow_symlinks=False):
                if not _is_skipped_dir(entry) and not rules.ignores(entry_relative, is_dir=True):
                    subdirs.append((entry.path, entry_relative, rules))
            elif wanted(entry.name) and not rules.ignores(entry_relative, is_dir=False):
                if entry.is_file(follow_symlinks=False):
                    yield entry.path
                else:
                    yield WalkIssue(entry.path, "skipped", "not a regular file")
        stack.extend(reversed(subdirs))


def walk(
    paths: Sequence[str], *, wanted: Callable[[str], bool], exclude: GitIgnoreSpec | None = None
) -> Iterator[str | WalkIssue]:
    """Yield what to migrate under ``paths`` (files and folders from the command line), in a deterministic order.

    ``wanted(name)`` tells whether a file name is of a kind to migrate; ``exclude`` holds the ``--exclude``
    patterns (see :func:`compile_patterns`), matched relative to each walked folder. Yields a path (as built from
    the given path) for each file to migrate, or a :class:`WalkIssue`. An explicit path that is not a regular
    file nor a folder is skipped ("not a regular file"); a missing one is yielded (reading it will fail). A file
    reached twice (e.g. given alone and inside a given folder) is yielded once. Never raises for file-system
    errors: they become ``failed`` issues.
    """
    seen: set[str] | None = set() if len(paths) > 1 else None  # one path: walking alone never repeats a file
    for path in paths:
        items: Iterable[str | WalkIssue]
        if os.path.isdir(path):
            items = _walk_folder(path, wanted, exclude)
        elif os.path.exists(path) and not os.path.isfile(path):
            items = [WalkIssue(path, "skipped", "not a regular file")]
        else:
            items = [path]
        for item in items:
            if isinstance(item, str) and seen is not None:
                real = os.path.realpath(item)
                if real in seen:
                    continue
                seen.add(real)
            yield item
