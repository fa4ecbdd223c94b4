"""``dockerfile`` kind: ``RUN pip install`` requirement words, old Python base images reported."""
from __future__ import annotations

import functools

import pytest

from plx_migrate.filekinds import _deps, dockerfile
from tests.filekinds import tools

COMPAT = _deps.target("compat").requirement
QUOTED = f'"{COMPAT}"'
check_transformed = functools.partial(tools.check_transformed, dockerfile.migrate, stage="experiment")
check_noop = functools.partial(tools.check_noop, dockerfile.migrate, stage="experiment")
OLD_IMAGE = "base image Python 3.7 is older than polyaxon-helper-compat's minimum 3.9"


def test_d6_pinned_client_token_only() -> None:
    check_transformed(
        """\
        FROM python:3.10
        RUN pip install --no-cache-dir numpy==1.16 polyaxon-client==0.6.1 'torch>=1.4'
        """,
        f"""\
        FROM python:3.10
        RUN pip install --no-cache-dir numpy==1.16 {QUOTED} 'torch>=1.4'
        """,
    )


def test_d6_continuations_and_and_chains() -> None:
    result = check_transformed(
        """\
        FROM python:3.11-slim
        RUN apt-get update && \\
            pip install -U \\
              polyaxon-helper==0.5.0 \\
              polyaxon-client==0.6.1 \\
              numpy && \\
            rm -rf /root/.cache
        """,
        f"""\
        FROM python:3.11-slim
        RUN apt-get update && \\
            pip install -U \\
              {QUOTED} \\
              numpy && \\
            rm -rf /root/.cache
        """,
    )
    assert [c.codemod for c in result.changes] == ["replace-v0-requirement"]  # replace and merge share a record
    assert result.manual == []


def test_comment_lines_inside_a_continuation_are_skipped() -> None:
    check_transformed(
        """\
        FROM python:3.12
        RUN pip install \\
        # the tracking helper
            polyaxon-helper
        """,
        f"""\
        FROM python:3.12
        RUN pip install \\
        # the tracking helper
            {QUOTED}
        """,
    )


def test_escape_directive_backtick() -> None:
    check_transformed(
        """\
        # escape=`
        FROM python:3.9-windowsservercore
        RUN pip install `
            polyaxon_helper
        """,
        f"""\
        # escape=`
        FROM python:3.9-windowsservercore
        RUN pip install `
            {QUOTED}
        """,
    )


def test_exec_form() -> None:
    check_transformed(
        'FROM python:3.12\nRUN ["python", "-m", "pip", "install", "polyaxon-helper==0.5.0"]\n',
        f'FROM python:3.12\nRUN ["python", "-m", "pip", "install", "{COMPAT}"]\n',
    )


def test_heredoc_run() -> None:
    check_transformed(
        "FROM python:3.12\nRUN <<EOF\npip install polyaxon-helper\necho done\nEOF\nCMD [\"python\"]\n",
        f"FROM python:3.12\nRUN <<EOF\npip install {QUOTED}\necho done\nEOF\nCMD [\"python\"]\n",
    )


def test_quoted_requirement_keeps_its_quotes() -> None:
    check_transformed(
        "FROM python:3.12\nRUN pip3 install 'polyaxon-helper==0.5.0' \"numpy>=1\"\n",
        f"FROM python:3.12\nRUN pip3 install '{COMPAT}' \"numpy>=1\"\n",
    )


def test_legacy_image_python_37_reported_from_not_rewritten() -> None:
    source = "FROM python:3.7-slim\nRUN pip install -U polyaxon-helper\n"
    result = check_transformed(source, f"FROM python:3.7-slim\nRUN pip install -U {QUOTED}\n")
    assert [(s.line, s.column, s.code, s.reason, s.codemod) for s in result.manual] == [
        (1, 0, "FROM python:3.7-slim", OLD_IMAGE, "old-python-image")]


def test_old_image_through_arg_and_stage_name() -> None:
    result = dockerfile.migrate(
        "ARG PY=3.6\nFROM docker.io/library/python:${PY} AS base\nFROM base AS train\n"
        "RUN pip install polyaxon-helper\n",
        "compat")
    assert [(s.line, s.reason) for s in result.manual] == [
        (2, "base image Python 3.6 is older than polyaxon-helper-compat's minimum 3.9")]


def test_old_image_reported_only_with_a_v0_install() -> None:
    assert dockerfile.migrate("FROM python:3.7\nRUN pip install polyaxon-helper-compat\n", "compat").manual == []
    # at polyaxon-v2 the new requirement is polyaxon-helper-compat[v2] too: Python 3.7 is too old for it
    result = dockerfile.migrate("FROM python:3.7\nRUN pip install polyaxon-helper\n", "polyaxon-v2")
    assert tools.rules(result) == ["old-python-image", "compat-still-needed"]
    assert 'pip install "polyaxon-helper-compat[v2]>=' in result.text


def test_only_the_stage_that_installs_is_checked() -> None:
    result = dockerfile.migrate(
        "FROM python:3.7 AS build\nRUN echo polyaxon\nFROM python:3.11\nRUN pip install polyaxon-helper\n", "compat")
    assert result.manual == []


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("FROM python:3.7\nRUN pip install numpy\n", id="unrelated"),
        pytest.param("FROM python:3.7\n# RUN pip install polyaxon-helper\n", id="d10 commented out"),
        pytest.param("FROM python:3.12\nRUN pip install -r requirements.txt\nENV POLYAXON_NO_OP=1\n", id="env only"),
        pytest.param("FROM python:3.12\nRUN echo pip install polyaxon-helper-compat\n", id="already migrated"),
        pytest.param("FROM python:3.12\nRUN pip download polyaxon-helper\n", id="not an install"),
    ],
)
def test_noop(source: str) -> None:
    check_noop(source, dedent=False)


def test_shell_variable_reported() -> None:
    result = check_noop("FROM python:3.12\nRUN pip install polyaxon-helper==$HELPER_VERSION\n", dedent=False)
    assert tools.rules(result) == ["unparsed-requirement"]


def test_f1_crlf_and_f2_no_final_newline() -> None:
    check_transformed("FROM python:3.12\r\nRUN pip install \\\r\n  polyaxon-helper", f"FROM python:3.12\r\nRUN pip "
                      f"install \\\r\n  {QUOTED}", dedent=False)


def test_instructions() -> None:
    found = dockerfile.instructions("FROM x\n\nRUN a \\\n  # c\n  b\nCMD [\"y\"]")
    assert [(i.keyword, i.body) for i in found] == [("FROM", " x"), ("RUN", " a \\\n  # c\n  b"), ("CMD", ' ["y"]')]
    assert found[1].scan == " a " + " " * 8 + "  b"  # continuation and comment line blanked, same length


@pytest.mark.parametrize(
    ("image", "python"),
    [("python:3.7-slim", (3, 7)), ("python:3.10", (3, 10)), ("docker.io/library/python:3.6.12-alpine", (3, 6)),
     ("registry.local:5000/python:3.8", (3, 8)), ("python:3", None), ("python", None),
     ("tensorflow/tensorflow:1.15.0-py3", None), ("mypython:3.7", None)],
)
def test_python_of_image(image: str, python: tuple[int, int] | None) -> None:
    assert dockerfile.python_of_image(image) == python
