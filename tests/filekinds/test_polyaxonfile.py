"""``polyaxonfile`` kind: ``build_steps``/``run.cmd`` pip installs edited as text, never re-serialised (D1, D12)."""
from __future__ import annotations

import functools

import pytest

from plx_migrate.filekinds import _deps, polyaxonfile
from tests.filekinds import tools

COMPAT = _deps.target("compat").requirement
QUOTED = f'"{COMPAT}"'
check_transformed = functools.partial(tools.check_transformed, polyaxonfile.migrate, stage="compat")
check_noop = functools.partial(tools.check_noop, polyaxonfile.migrate, stage="compat")


def test_d1_only_the_package_token_changes() -> None:
    result = check_transformed(
        """\
        ---
        version: 1

        kind: experiment

        build:
          image: tensorflow/tensorflow:1.12.0-py3
          build_steps:
            - pip install -U polyaxon-helper
            - pip install --no-cache-dir numpy

        run:
          cmd: python model.py
        """,
        f"""\
        ---
        version: 1

        kind: experiment

        build:
          image: tensorflow/tensorflow:1.12.0-py3
          build_steps:
            - pip install -U {QUOTED}
            - pip install --no-cache-dir numpy

        run:
          cmd: python model.py
        """,
    )
    assert [(c.line, c.old, c.new) for c in result.changes] == [
        (9, "- pip install -U polyaxon-helper", f"- pip install -U {QUOTED}")]
    assert result.manual == []


def test_d12_templates_continuations_comments_and_quoting_survive() -> None:
    check_transformed(
        """\
        version: 1
        kind: group  # hyper-parameter search

        hptuning:
          matrix:
            lr:
              logspace: 0.01:0.1:5

        declarations:
          batch_size: 128

        build:
          image: python:3.10
          build_steps:
          - "pip install polyaxon-helper==0.5.0"   # quoted step
          - 'pip install "numpy>=1.16" polyaxon-client==0.6.1'
          - >-
            pip install
            polyaxon_client

        run:
          cmd: pip install -U polyaxon-helper &&
               python3 train.py --batch-size={{ batch_size }} \\
                                --lr={{lr}} --log_level={{log_level }}
        """,
        f"""\
        version: 1
        kind: group  # hyper-parameter search

        hptuning:
          matrix:
            lr:
              logspace: 0.01:0.1:5

        declarations:
          batch_size: 128

        build:
          image: python:3.10
          build_steps:
          - "pip install '{COMPAT}'"   # quoted step
          - 'pip install "numpy>=1.16" "{COMPAT}"'
          - >-
            pip install
            {QUOTED}

        run:
          cmd: pip install -U {QUOTED} &&
               python3 train.py --batch-size={{{{ batch_size }}}} \\
                                --lr={{{{lr}}}} --log_level={{{{log_level }}}}
        """,
    )


def test_literal_block_with_continuation_and_d3() -> None:
    check_transformed(
        """\
        version: 1
        kind: job
        build:
          image: python:3.12
          build_steps:
            - |
              pip install \\
                polyaxon-helper==0.5.0 \\
                polyaxon-client==0.6.1 \\
                numpy
        """,
        f"""\
        version: 1
        kind: job
        build:
          image: python:3.12
          build_steps:
            - |
              pip install \\
                {QUOTED} \\
                numpy
        """,
    )


def test_legacy_image_reported_with_the_install() -> None:
    result = polyaxonfile.migrate(
        "version: 1\nkind: experiment\nbuild:\n  image: python:3.7-slim\n  build_steps:\n"
        "    - pip install -U polyaxon-helper\n", "experiment")
    assert [(s.line, s.column, s.codemod) for s in result.manual] == [(4, 9, "old-python-image")]
    assert result.manual[0].reason == "base image Python 3.7 is older than polyaxon-helper-compat's minimum 3.9"


def test_polyaxon_v2_replaces_with_compat_v2_and_reports_the_format() -> None:
    result = tools.check_transformed(
        polyaxonfile.migrate,
        "version: 1\nkind: experiment\nbuild:\n  image: python:3.11\n  build_steps:\n  - pip install polyaxon-helper\n",
        "version: 1\nkind: experiment\nbuild:\n  image: python:3.11\n  build_steps:\n"
        '  - pip install "polyaxon-helper-compat[v2]>=%s"\n' % _deps.compat_floor(),
        stage="polyaxon-v2",
    )
    assert [(s.line, s.codemod) for s in result.manual] == [(2, "polyaxonfile-v0-format"), (6, "compat-still-needed")]


def test_flow_sequence_that_cannot_take_the_v2_requirement_is_refused_not_corrupted() -> None:
    # `[v2]` inside a flow sequence `[...]` would change the YAML structure: the file is left untouched
    text = "version: 1\nkind: experiment\nbuild:\n  image: python:3.11\n  build_steps: [pip install polyaxon-helper]\n"
    result = polyaxonfile.migrate(text, "polyaxon-v2", path="file")
    assert result.error is not None and "did not check out" in result.error.reason
    assert not result.changed


def test_polyaxon_v2_reports_a_v0_file_without_installs() -> None:
    result = tools.check_noop(polyaxonfile.migrate, "version: 1\nkind: experiment\nrun:\n  cmd: python t.py\n",
                              stage="polyaxon-v2")
    assert tools.rules(result) == ["polyaxonfile-v0-format"]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("version: 1.1\nkind: component\nrun:\n  kind: job\n  container:\n    image: polyaxon/x\n",
                     id="v1 component"),
        pytest.param("name: ci\non: [push]\njobs:\n  t:\n    steps:\n      - run: pip install polyaxon-helper\n",
                     id="not a polyaxonfile"),
        pytest.param("version: 1\nkind: experiment\nbuild:\n  build_steps:\n    # - pip install polyaxon-helper\n"
                     "    - pip install numpy\n", id="d10 commented out step"),
        pytest.param("version: 1\nkind: experiment\nbuild:\n  build_steps:\n    - pip install polyaxon-helper-compat\n",
                     id="already migrated"),
        pytest.param("version: 1\nkind: experiment\nrun:\n  cmd: echo polyaxon {{ x }}\n", id="no install"),
        pytest.param("{{- if .Values.polyaxon }}\nkind: experiment\n{{- end }}\n", id="a template, not YAML"),
    ],
)
def test_noop(source: str) -> None:
    check_noop(source, dedent=False)


def test_invalid_polyaxonfile_is_an_error() -> None:
    result = polyaxonfile.migrate("version: 1\nkind: experiment\nbuild:\n  build_steps: [pip install polyaxon-helper\n",
                                  "compat")
    assert result.error is not None and result.error.reason.startswith("cannot parse: ")
    assert result.error.line is not None and not result.changed


def test_conda_environment_under_a_yml_name_goes_to_environment_yml() -> None:
    check_transformed("dependencies:\n  - pip:\n    - polyaxon-helper\n", f"dependencies:\n  - pip:\n    - {COMPAT}\n",
                      dedent=False)


def test_f1_crlf() -> None:
    check_transformed("version: 1\r\nkind: job\r\nbuild:\r\n  build_steps:\r\n    - pip install polyaxon-helper\r\n",
                      f"version: 1\r\nkind: job\r\nbuild:\r\n  build_steps:\r\n    - pip install {QUOTED}\r\n",
                      dedent=False)
