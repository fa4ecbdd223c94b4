"""``requirements`` kind: pip requirements files, line by line, lines it does not own left untouched."""
from __future__ import annotations

import functools

import pytest

from plx_migrate.filekinds import _deps, requirements
from tests.filekinds import tools

COMPAT = _deps.target("compat").requirement
check_transformed = functools.partial(tools.check_transformed, requirements.migrate, stage="compat")
check_noop = functools.partial(tools.check_noop, requirements.migrate, stage="compat")


def test_d2_pinned_helper_replaced_other_lines_comments_order_kept() -> None:
    check_transformed(
        """\
        # training dependencies
        numpy>=1.16  # arrays
        polyaxon-helper==0.5.0
        requests
        """,
        f"""\
        # training dependencies
        numpy>=1.16  # arrays
        {COMPAT}
        requests
        """,
    )


@pytest.mark.parametrize("stage", ["compat", "experiment", "polyaxon-v2"])
def test_d3_helper_and_client_become_one_requirement(stage: str) -> None:
    new = _deps.target(stage).requirement
    result = tools.check_transformed(
        requirements.migrate,
        "polyaxon-helper==0.5.0\nnumpy\npolyaxon-client==0.6.1  # the helper's client\nrequests\n",
        f"{new}\nnumpy\nrequests\n",
        stage=stage,
    )
    assert [(c.line, c.codemod) for c in result.changes] == [(1, "replace-v0-requirement"), (3, "merge-v0-requirement")]
    assert result.changes[1].new == ""
    assert tools.rules(result) == (["compat-still-needed"] if stage == "polyaxon-v2" else [])


def test_d4_unpinned_gets_the_floor_not_an_invented_pin() -> None:
    check_transformed("polyaxon-helper\n", f"{COMPAT}\n")
    tools.check_transformed(requirements.migrate, "polyaxon-helper\n",
                            "polyaxon-helper-compat[v2]>=%s\n" % _deps.compat_floor(), stage="polyaxon-v2")


def test_d5_extras_reported_not_copied() -> None:
    result = check_noop("polyaxon-client[gcs]==0.6.1\nnumpy\n")
    assert tools.rules(result) == ["v0-extras"]
    assert (result.manual[0].line, result.manual[0].column, result.manual[0].code) == (
        1, 0, "polyaxon-client[gcs]==0.6.1")


def test_d7_underscore_and_case_names() -> None:
    check_transformed("polyaxon_helper==0.5.0\nPolyaxon-Helper>=0.4\n", f"{COMPAT}\n")


def test_d10_commented_out_pins_untouched() -> None:
    check_noop("""\
        numpy
        # polyaxon-helper==0.4.4
          #polyaxon-client==0.6.1
        """)


def test_d10_commented_pin_next_to_a_live_one() -> None:
    check_transformed("# polyaxon-helper==0.4.4\npolyaxon-helper==0.5.0\n", f"# polyaxon-helper==0.4.4\n{COMPAT}\n")


def test_d11_companions_reported_and_kept() -> None:
    source = """\
        polyaxon-helper==0.5.0
        polyaxon-cli==0.5.6
        polyaxon-schemas==0.5.6
        polystores==0.2.5
        rhea==0.5.5
        hestia==0.6.0
        marshmallow==3.0.0rc5
        """
    result = check_transformed(source, source.replace("polyaxon-helper==0.5.0", COMPAT))
    assert [(site.line, site.codemod) for site in result.manual] == [(n, "v0-companion") for n in range(2, 8)]


def test_file_without_polyaxon_is_left_as_it_is() -> None:
    source = "numpy==1.16.0 \\\n    --hash=sha256:abc\n-r base.txt\nrequests[socks]>=2 ; python_version >= '3'"
    assert requirements.migrate(source, "compat").text is source
    check_noop(source, dedent=False)


def test_markers_kept() -> None:
    check_transformed(
        'polyaxon-helper==0.5.0 ; sys_platform == "linux"  # on the cluster\n',
        f'{COMPAT} ; sys_platform == "linux"  # on the cluster\n',
    )


def test_marker_excluding_supported_pythons_reported() -> None:
    result = check_noop('polyaxon-helper==0.5.0; python_version < "3.8"\n')
    assert tools.rules(result) == ["v0-marker"]


def test_hash_pinned_line_with_continuation_reported() -> None:
    source = "polyaxon-helper==0.5.0 \\\n    --hash=sha256:0123\nnumpy==1.0 \\\n    --hash=sha256:4567\n"
    result = check_noop(source, dedent=False)
    assert tools.rules(result) == ["v0-hashes"]
    assert result.manual[0].line == 1


def test_continuation_without_hash_rewrites_the_requirement_only() -> None:
    check_transformed(
        "polyaxon-helper==0.5.0 \\\n    --config-settings=x=y\nnumpy\n",
        f"{COMPAT} \\\n    --config-settings=x=y\nnumpy\n",
        dedent=False,
    )


def test_options_and_includes_untouched() -> None:
    check_transformed(
        """\
        --index-url https://pypi.example/simple/polyaxon
        -r base-requirements.txt
        -c constraints.txt
        -e .
        polyaxon-helper
        """,
        f"""\
        --index-url https://pypi.example/simple/polyaxon
        -r base-requirements.txt
        -c constraints.txt
        -e .
        {COMPAT}
        """,
    )


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("-e git+https://github.com/me/polyaxon-helper.git#egg=polyaxon-helper", id="editable fork"),
        pytest.param("polyaxon-helper @ https://example.com/polyaxon_helper-0.5.0.tar.gz", id="direct url"),
        pytest.param("https://example.com/polyaxon_helper-0.5.0-py3-none-any.whl", id="bare url"),
        pytest.param("./vendor/polyaxon-helper", id="local path"),
        pytest.param("polyaxon-helper==${HELPER_VERSION}", id="environment variable"),
    ],
)
def test_ambiguous_requirements_reported(line: str) -> None:
    result = check_noop(line + "\n")
    assert len(result.manual) == 1
    assert result.manual[0].codemod in ("v0-url", "unparsed-requirement")


def test_f1_crlf_kept() -> None:
    check_transformed("numpy\r\npolyaxon-helper==0.5.0\r\nrequests\r\n", f"numpy\r\n{COMPAT}\r\nrequests\r\n",
                      dedent=False)


def test_f2_no_newline_at_end_of_file_kept() -> None:
    check_transformed("numpy\npolyaxon-helper==0.5.0", f"numpy\n{COMPAT}", dedent=False)


def test_f2_removed_last_line_keeps_no_final_newline() -> None:
    check_transformed("polyaxon-helper==0.5.0\nnumpy\npolyaxon-client==0.6.1", f"{COMPAT}\nnumpy", dedent=False)


def test_already_migrated_is_a_noop() -> None:
    check_noop(f"{COMPAT}\nnumpy\n")
    tools.check_noop(requirements.migrate, "polyaxon>=2\n", stage="polyaxon-v2")


def test_parse_line() -> None:
    assert requirements.parse_line("  foo==1 ; python_version>'3' --hash=x # c") == requirements.RequirementSpan(
        2, 29, hashed=True)
    assert requirements.parse_line("# only a comment") is None
    assert requirements.parse_line("-r other.txt") is None
    assert requirements.parse_line("--editable=./x") == requirements.RequirementSpan(11, 14, editable=True)
