"""Shared fixtures for the ``plx-migrate`` tests: a fake stage runner and a CLI runner in a temp folder."""
from __future__ import annotations

import re
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner, Result

from plx_migrate._api import Change, ManualSite, StageResult
from plx_migrate import _migrate, cli


@dataclass
class FakeStage:
    """Stands in for ``plx_migrate._api.run_stage`` with rules simple enough to predict byte for byte.

    * every ``old_api`` becomes ``new_api`` (one :class:`Change` per line containing it);
    * ``EURO`` becomes ``\u20ac`` when something else changed (to make Latin-1 encoding fail);
    * a line starting with ``print "`` is a parse error ``"<line>:1: print statement"``;
    * ``manual_call(`` is a manual-attention site at its column;
    * ``BREAK_OUTPUT`` makes the new code not compile; ``RAISE`` raises ``RuntimeError("boom")``.
    """

    calls: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, source: str, stage: str, *, path: str = "<string>") -> StageResult:
        self.calls.append((path, stage))
        if "RAISE" in source:
            raise RuntimeError("boom")
        lines = source.splitlines()
        for number, line in enumerate(lines, 1):
            if line.startswith('print "'):
                return StageResult(code=source, error=f"{number}:1: print statement")
        changes = [
            Change(line=number, old=line.strip(), new=line.replace("old_api", "new_api").strip(), codemod="fake-rename")
            for number, line in enumerate(lines, 1)
            if "old_api" in line
        ]
        manual = [
            ManualSite(line=number, column=m.start(), code=line.strip(), reason="needs a human", codemod="fake-manual")
            for number, line in enumerate(lines, 1)
            for m in re.finditer(r"manual_call\(", line)
        ]
        code = source.replace("old_api", "new_api")
        if code != source:
            code = code.replace("EURO", "\u20ac")
            if "BREAK_OUTPUT" in source:
                code += "\n)(\n"
        return StageResult(code=code, changed=code != source, changes=changes, manual=manual)


class InlineExecutor(Executor):
    """Runs each task in this process as it is submitted (so a monkeypatched ``run_stage`` is seen)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


@pytest.fixture
def inline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run ``plx-migrate``'s per-file step in the test process instead of worker processes."""
    monkeypatch.setattr(cli, "_new_executor", InlineExecutor)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, inline: None) -> FakeStage:
    """Replace the codemods' ``run_stage`` inside the CLI with a :class:`FakeStage` and return it.

    Files are migrated in the test process (worker processes would not see the fake).
    """
    stage = FakeStage()
    monkeypatch.setattr(_migrate, "run_stage", stage)
    return stage


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that is also the working directory, so reported paths are relative to it."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def run() -> Callable[..., Result]:
    """``run(*args)`` runs ``plx-migrate ARGS`` in-process; stdout and stderr stay apart (click >= 8.2)."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)

    return invoke
