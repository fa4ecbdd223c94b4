"""``shell`` kind and the shell scanner (``_shell``): ``pip install`` requirement words only (D9)."""
from __future__ import annotations

import functools

import pytest

from plx_migrate.filekinds import _deps, _shell, shell
from tests.filekinds import tools

COMPAT = _deps.target("compat").requirement
check_transformed = functools.partial(tools.check_transformed, shell.migrate, stage="compat")
check_noop = functools.partial(tools.check_noop, shell.migrate, stage="compat")


def test_d9_one_token_replaced_quoted_specs_next_to_it_kept() -> None:
    check_transformed(
        """\
        #!/usr/bin/env bash
        set -euo pipefail
        pip install --upgrade "tensorflow>=1.12,<2" polyaxon-helper 'scikit-learn==0.20.*'
        python train.py
        """,
        f"""\
        #!/usr/bin/env bash
        set -euo pipefail
        pip install --upgrade "tensorflow>=1.12,<2" "{COMPAT}" 'scikit-learn==0.20.*'
        python train.py
        """,
    )


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        pytest.param("python3 -m pip install polyaxon-helper", f'python3 -m pip install "{COMPAT}"',
                     id="python -m pip"),
        pytest.param("uv pip install polyaxon-helper", f'uv pip install "{COMPAT}"', id="uv pip"),
        pytest.param("pip --no-cache-dir install polyaxon-helper", f'pip --no-cache-dir install "{COMPAT}"',
                     id="global option first"),
        pytest.param("pip install -i https://x/simple polyaxon-helper > log 2>&1",
                     f'pip install -i https://x/simple "{COMPAT}" > log 2>&1', id="option value and redirections"),
        pytest.param("(cd app; pip install -q polyaxon-helper) || exit 1",
                     f'(cd app; pip install -q "{COMPAT}") || exit 1',
                     id="subshell"),
        pytest.param("sudo /usr/local/bin/pip3.7 install polyaxon-helper",
                     f'sudo /usr/local/bin/pip3.7 install "{COMPAT}"',
                     id="pip path"),
        pytest.param('pip install "polyaxon-helper==0.5.0"', f'pip install "{COMPAT}"', id="double quoted"),
    ],
)
def test_pip_forms(command: str, expected: str) -> None:
    check_transformed(command + "\n", expected + "\n", dedent=False)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("pip install numpy\n", id="unrelated"),
        pytest.param("# pip install polyaxon-helper\n", id="d10 commented out"),
        pytest.param("echo 'pip install polyaxon-helper'\n", id="inside a quoted string"),
        pytest.param("pip install -r polyaxon-requirements.txt\n", id="requirements file named polyaxon"),
        pytest.param("pip uninstall -y polyaxon-helper\n", id="uninstall"),
        pytest.param("export POLYAXON_NO_OP=1\n", id="no pip"),
    ],
)
def test_noop(source: str) -> None:
    check_noop(source, dedent=False)


def test_unquoted_specifier_is_a_redirection_reported() -> None:
    result = check_noop("pip install polyaxon-helper>=0.5 numpy\n", dedent=False)
    assert tools.rules(result) == ["unparsed-requirement"]
    assert "redirection" in result.manual[0].reason


def test_expansion_reported() -> None:
    result = check_noop('pip install "polyaxon-helper==${V}"\n', dedent=False)
    assert tools.rules(result) == ["unparsed-requirement"]


def test_client_alone_in_a_script_that_installs_the_helper_elsewhere() -> None:
    result = check_transformed("pip install polyaxon-helper\npip install polyaxon-client\n",
                               f'pip install "{COMPAT}"\npip install "{COMPAT}"\n', dedent=False)
    assert result.manual == []


def test_commands_and_words() -> None:
    text = "a 'b c' \"d\\\"e\" f\\ g $X && h # i\nj > k 2>&1"
    words = [[(w.value, w.quote, w.redirect) for w in command] for command in _shell.commands(text)]
    assert words == [
        [("a", "", False), ("b c", "'", False), ('d"e', "*", False), ("f g", "*", False), (None, "", False)],
        [("h", "", False)],
        [("j", "", False), ("k", "", True), ("2", "", True)],
    ]


def test_render_shell() -> None:
    plain, single = _shell.Word(0, 1, "x", ""), _shell.Word(0, 3, "x", "'")
    assert _shell.render_shell(plain, "polyaxon") == "polyaxon"
    assert _shell.render_shell(plain, "a>=1") == '"a>=1"'
    assert _shell.render_shell(plain, "a>=1", "'") == "'a>=1'"
    assert _shell.render_shell(single, "a>=1") == "'a>=1'"
    assert _shell.render_shell(single, "a; b=='1'") is None
    assert _shell.render_shell(_shell.Word(0, 3, "x", "*"), "a") is None
