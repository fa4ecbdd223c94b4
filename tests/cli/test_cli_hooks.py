"""``.pre-commit-hooks.yaml``: the two hooks, their settings, and that pre-commit's command lines work."""
from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Callable, Union

import pytest
from click.testing import Result

REPO = Path(__file__).resolve().parents[2]
HOOKS = REPO / ".pre-commit-hooks.yaml"
Value = Union[str, bool, list[str]]


def scalar(text: str) -> Value:
    """The few YAML scalars the hooks file uses: ``true``/``false``, ``[a, b]`` flow lists and plain strings."""
    if text in ("true", "false"):
        return text == "true"
    if text.startswith("[") and text.endswith("]"):
        return [item.strip() for item in text[1:-1].split(",") if item.strip()]
    return text


def parse_hooks(text: str) -> list[dict[str, Value]]:
    """Parse the hooks file: a top-level list of flat mappings (``-   key: value`` starts one). Enough for it."""
    hooks: list[dict[str, Value]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.fullmatch(r"(-|\s)\s*([\w-]+):\s*(.*?)\s*", line)
        assert match is not None, f"line {number} is not `key: value`: {line!r}"
        dash, key, value = match.groups()
        if dash == "-":
            hooks.append({})
        assert hooks and key not in hooks[-1], f"line {number}: {line!r}"
        hooks[-1][key] = scalar(value)
    return hooks


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict[str, Value]]:
    parsed = parse_hooks(HOOKS.read_text(encoding="utf-8"))
    try:
        import yaml
    except ImportError:  # a test-only cross-check; PyYAML is not a dependency
        pass
    else:
        assert yaml.safe_load(HOOKS.read_text(encoding="utf-8")) == parsed
    return {str(hook["id"]): hook for hook in parsed}


def test_two_hooks_with_the_settings_pre_commit_needs(hooks: dict[str, dict[str, Value]]) -> None:
    assert sorted(hooks) == ["plx-migrate", "plx-migrate-check"]
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["python"]
        assert hook["require_serial"] is True
        assert set(hook) <= {"id", "name", "description", "entry", "language", "types", "require_serial", "args"}
        assert isinstance(hook["entry"], str) and shlex.split(hook["entry"])[0] == "plx-migrate"
    assert hooks["plx-migrate"]["entry"] == "plx-migrate"
    assert hooks["plx-migrate-check"]["entry"] == "plx-migrate --check --diff"


def test_the_entry_is_the_console_script(hooks: dict[str, dict[str, Value]]) -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'plx-migrate = "plx_migrate.cli:main"' in pyproject.split("[project.scripts]")[1]


def command(hook: dict[str, Value], *files: str) -> list[str]:
    """The arguments pre-commit gives the console script: entry's words after the first, args, then files."""
    entry, args = hook["entry"], hook.get("args", [])
    assert isinstance(entry, str) and isinstance(args, list)
    return [*shlex.split(entry)[1:], *args, *files]


def test_fixing_hook_rewrites_and_exits_zero(
    hooks: dict[str, dict[str, Value]], project: Path, fake: object, run: Callable[..., Result]
) -> None:
    (project / "a.py").write_bytes(b"old_api()\n")
    (project / "b.py").write_bytes(b"x = 1\n")
    result = run(*command(hooks["plx-migrate"], "a.py", "b.py"))
    assert (result.exit_code, result.stdout) == (0, "")  # pre-commit fails the hook anyway: a file was modified
    assert (project / "a.py").read_bytes() == b"new_api()\n"
    assert run(*command(hooks["plx-migrate"], "a.py", "b.py")).exit_code == 0


def test_check_hook_prints_the_diff_writes_nothing_and_exits_1(
    hooks: dict[str, dict[str, Value]], project: Path, fake: object, run: Callable[..., Result]
) -> None:
    (project / "a.py").write_bytes(b"old_api()\n")
    result = run(*command(hooks["plx-migrate-check"], "a.py"))
    assert result.exit_code == 1
    assert result.stdout == "--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-old_api()\n+new_api()\n"
    assert (project / "a.py").read_bytes() == b"old_api()\n"
    (project / "a.py").write_bytes(b"new_api()\n")
    assert run(*command(hooks["plx-migrate-check"], "a.py")).exit_code == 0


@pytest.mark.parametrize("hook_id", ["plx-migrate", "plx-migrate-check"])
def test_user_args_combine_with_the_entry(
    hooks: dict[str, dict[str, Value]], project: Path, fake: object, run: Callable[..., Result], hook_id: str
) -> None:
    (project / "a.py").write_bytes(b"x = 1\n")
    hook = dict(hooks[hook_id], args=["--to", "compat", "-q", "--exclude", "gen/"])
    assert run(*command(hook, "a.py")).exit_code == 0


def test_the_parser_used_here_reads_what_it_must() -> None:
    text = "# c\n-   id: a\n    types: [python, pyi]\n    require_serial: false\n-   id: b\n    entry: x --y\n"
    assert parse_hooks(text) == [
        {"id": "a", "types": ["python", "pyi"], "require_serial": False},
        {"id": "b", "entry": "x --y"},
    ]
