"""Stage ``compat`` (codemod ``helper-to-compat``): imports of polyaxon_helper point at polyaxon_helper_compat."""
from __future__ import annotations

import functools

import pytest

from plx_migrate import ManualSite, _testing, run_stage

check_transformed = functools.partial(_testing.check_transformed, stage="compat")
check_noop = functools.partial(_testing.check_noop, stage="compat")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            """\
            from polyaxon_helper import get_outputs_path, send_metrics as sm
            sm(loss=0.1, path=get_outputs_path())
            """,
            """\
            from polyaxon_helper_compat import get_outputs_path, send_metrics as sm
            sm(loss=0.1, path=get_outputs_path())
            """,
            id="i1 from-import keeps names and aliases",
        ),
        pytest.param(
            """\
            from polyaxon_helper import (  # v0 helper
                get_data_paths,  # volumes
                send_metrics,
            )
            """,
            """\
            from polyaxon_helper_compat import (  # v0 helper
                get_data_paths,  # volumes
                send_metrics,
            )
            """,
            id="i2 parenthesized list with comments",
        ),
        pytest.param(
            """\
            import polyaxon_helper

            def report(loss):
                polyaxon_helper.send_metrics(loss=loss)  # polyaxon_helper in a comment stays
                return polyaxon_helper.get_outputs_path(), "polyaxon_helper"
            """,
            """\
            import polyaxon_helper_compat

            def report(loss):
                polyaxon_helper_compat.send_metrics(loss=loss)  # polyaxon_helper in a comment stays
                return polyaxon_helper_compat.get_outputs_path(), "polyaxon_helper"
            """,
            id="i3 bare import and every attribute use renamed",
        ),
        pytest.param(
            """\
            import polyaxon_helper
            plugins = [polyaxon_helper]
            send = getattr(polyaxon_helper, "send_metrics")
            """,
            """\
            import polyaxon_helper_compat
            plugins = [polyaxon_helper_compat]
            send = getattr(polyaxon_helper_compat, "send_metrics")
            """,
            id="i3 module used as a value is renamed too",
        ),
        pytest.param(
            "import polyaxon_helper as plx\nplx.send_metrics(a=1)\n",
            "import polyaxon_helper_compat as plx\nplx.send_metrics(a=1)\n",
            id="i4 aliased module import",
        ),
        pytest.param(
            "import os, polyaxon_helper as plx, json\n",
            "import os, polyaxon_helper_compat as plx, json\n",
            id="i4 one alias among others",
        ),
        pytest.param(
            """\
            try:
                from polyaxon_helper import send_metrics
                HAVE_POLYAXON = True
            except ImportError:
                HAVE_POLYAXON = False
                send_metrics = lambda **kwargs: None
            """,
            """\
            try:
                from polyaxon_helper_compat import send_metrics
                HAVE_POLYAXON = True
            except ImportError:
                HAVE_POLYAXON = False
                send_metrics = lambda **kwargs: None
            """,
            id="i6 try-import with fallback stays in place",
        ),
        pytest.param(
            """\
            try:
                import polyaxon_helper
            except ImportError:
                polyaxon_helper = None
            if polyaxon_helper is not None:
                polyaxon_helper.send_metrics(a=1)
            """,
            """\
            try:
                import polyaxon_helper_compat as polyaxon_helper
            except ImportError:
                polyaxon_helper = None
            if polyaxon_helper is not None:
                polyaxon_helper.send_metrics(a=1)
            """,
            id="i6 bare import with a fallback binding keeps the name",
        ),
        pytest.param(
            """\
            def train():
                from polyaxon_helper import send_metrics
                send_metrics(a=1)
            """,
            """\
            def train():
                from polyaxon_helper_compat import send_metrics
                send_metrics(a=1)
            """,
            id="i8 import inside a function is not hoisted",
        ),
        pytest.param(
            """\
            if model_dir == "polyaxon":
                import polyaxon_helper
                model_dir = polyaxon_helper.get_outputs_path()
            """,
            """\
            if model_dir == "polyaxon":
                import polyaxon_helper_compat
                model_dir = polyaxon_helper_compat.get_outputs_path()
            """,
            id="i9 import inside an if branch",
        ),
        pytest.param(
            """\
            def a():
                import polyaxon_helper
                return polyaxon_helper.get_params()

            def b():
                import polyaxon_helper
                return polyaxon_helper.get_declarations()
            """,
            """\
            def a():
                import polyaxon_helper_compat
                return polyaxon_helper_compat.get_params()

            def b():
                import polyaxon_helper_compat
                return polyaxon_helper_compat.get_declarations()
            """,
            id="i10 repeated imports each in their scope",
        ),
        pytest.param(
            "from polyaxon_helper import *\n",
            "from polyaxon_helper_compat import *\n",
            id="star import (same names exported)",
        ),
        pytest.param(
            """\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from polyaxon_helper import experiment
            """,
            """\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from polyaxon_helper_compat import experiment
            """,
            id="under TYPE_CHECKING too",
        ),
        pytest.param(
            """\
            import polyaxon_helper

            def enable():
                global polyaxon_helper
                polyaxon_helper = None
            """,
            """\
            import polyaxon_helper_compat as polyaxon_helper

            def enable():
                global polyaxon_helper
                polyaxon_helper = None
            """,
            id="global statement keeps the name",
        ),
        pytest.param(
            'import polyaxon_helper\n__all__ = ["polyaxon_helper"]\n',
            'import polyaxon_helper_compat as polyaxon_helper\n__all__ = ["polyaxon_helper"]\n',
            id="module exported in __all__ keeps its name",
        ),
        pytest.param(
            "if cluster: import polyaxon_helper; polyaxon_helper.send_metrics(a=1)\n",
            "if cluster: import polyaxon_helper_compat; polyaxon_helper_compat.send_metrics(a=1)\n",
            id="one-line compound statement",
        ),
        pytest.param(
            "import polyaxon_helper\r\n\r\npolyaxon_helper.send_metrics(a=1)\r\n",
            "import polyaxon_helper_compat\r\n\r\npolyaxon_helper_compat.send_metrics(a=1)\r\n",
            id="f1 CRLF kept",
        ),
        pytest.param(
            "from polyaxon_helper import send_metrics\nsend_metrics(a=1)",
            "from polyaxon_helper_compat import send_metrics\nsend_metrics(a=1)",
            id="f2 no newline at end of file",
        ),
        pytest.param(
            """\
            import json
                # from polyaxon_helper import get_data_paths
            from polyaxon_helper import send_metrics
              # send_metrics(loss=loss)
            """,
            """\
            import json
                # from polyaxon_helper import get_data_paths
            from polyaxon_helper_compat import send_metrics
              # send_metrics(loss=loss)
            """,
            id="f5 comments at odd indentation do not move",
        ),
        pytest.param(
            "import polyaxon_helper  # polyaxon_helper.send_metrics(loss=loss)\nprint('training')\n",
            "import polyaxon_helper_compat  # polyaxon_helper.send_metrics(loss=loss)\nprint('training')\n",
            id="i12 a use in a comment is not a use, and the comment is kept",
        ),
        pytest.param(
            "import polyaxon_helper\npolyaxon_helper.experiment.log_params(lr=0.1)  # \U0001f680 d\u00e9part\n",
            "import polyaxon_helper_compat\npolyaxon_helper_compat.experiment.log_params(lr=0.1)  # \U0001f680 d\u00e9part\n",
            id="f3 module attribute experiment, non-ASCII comment kept",
        ),
        pytest.param(
            """\
            from polyaxon_helper import get_data_paths, get_outputs_path, send_metrics
            from polyaxon_client.tracking import get_data_paths, get_outputs_path
            """,
            """\
            from polyaxon_helper_compat import get_data_paths, get_outputs_path, send_metrics
            from polyaxon_client.tracking import get_data_paths, get_outputs_path
            """,
            id="i14 i15 only the helper import is this stage's business",
        ),
    ],
)
def test_fixes(before: str, after: str) -> None:
    check_transformed(before, after)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            """\
            def send_metrics(**metrics):
                print(metrics)

            class Store:
                def get_data_paths(self):
                    return {}

            send_metrics(loss=Store().get_data_paths())
            """,
            id="c12 local look-alike definitions",
        ),
        pytest.param(
            """\
            # from polyaxon_helper import send_metrics
            USAGE = "import polyaxon_helper; polyaxon_helper.send_metrics()"
            """,
            id="i13 only comments and strings",
        ),
        pytest.param("from polyaxon_helper_compat import send_metrics\nsend_metrics(a=1)\n", id="already compat"),
        pytest.param("import polyaxon_helper_compat as plx\nplx.get_params()\n", id="already compat module"),
        pytest.param("from polyaxon_helper_compat.tracking import Experiment\n", id="already on tracking"),
        pytest.param("from .polyaxon_helper import send_metrics\n", id="relative import of a local module"),
        pytest.param("from my.polyaxon_helper import send_metrics\n", id="module of another package"),
        pytest.param("import polyaxon_helpers\npolyaxon_helpers.send_metrics()\n", id="similar module name"),
        pytest.param("config.polyaxon_helper.send_metrics(a=1)\n", id="attribute of another object"),
        pytest.param(
            "from polyaxon_client.tracking import Experiment\nExperiment().log_metrics(a=1)\n",
            id="polyaxon_client is not this stage's business",
        ),
        pytest.param("from polyaxon import tracking\ntracking.init()\n", id="v1 already on polyaxon"),
        pytest.param("from polyaxon_helper_compat import *\n", id="already compat star import"),
        pytest.param(
            "polyaxon_helper = load_plugin('x')\npolyaxon_helper.send_metrics(a=1)\n",
            id="a variable named polyaxon_helper, never imported",
        ),
        pytest.param(
            "def report(polyaxon_helper):\n    polyaxon_helper.send_metrics(a=1)\n", id="a parameter named polyaxon_helper"
        ),
        pytest.param("", id="empty file"),
        pytest.param("\ufeff# polyaxon_helper mentioned with a BOM\n", id="BOM kept without a change"),
        pytest.param("import polyaxon_helper.utils\n", id="submodule reported not rewritten"),
        pytest.param("from polyaxon_helper.settings import IN_CLUSTER\n", id="submodule from-import"),
        pytest.param("x = 1\r\n# polyaxon_helper\r\n", id="f1 CRLF untouched"),
        pytest.param("# polyaxon_helper", id="f2 no final newline untouched"),
        pytest.param("print('polyaxon_helper')\nprint 'py2'\n", id="unparseable file is left alone"),
    ],
)
def test_noop(source: str) -> None:
    check_noop(source)


def test_submodules_are_reported() -> None:
    result = check_noop("import os\nimport polyaxon_helper.utils\nfrom polyaxon_helper.settings import X\n")
    reason = "polyaxon_helper 0.5.0 has no submodules to map (nor has polyaxon_helper_compat); left unchanged"
    assert result.manual == [
        ManualSite(2, 7, "import polyaxon_helper.utils", reason, "helper-to-compat"),
        ManualSite(3, 5, "from polyaxon_helper.settings import X", reason, "helper-to-compat"),
    ]


NOT_PROVIDED = ("{!r} is neither a polyaxon-helper 0.5.0 nor a 0.1.x name: polyaxon_helper_compat does not provide "
                "it either (it fails as it did before); the module is rewritten, this name needs a decision")


def test_v01_names_are_provided_and_not_reported() -> None:
    """polyaxon-helper 0.1.x's get_api and get_internal_token exist in polyaxon_helper_compat: a plain rewrite."""
    result = check_transformed(
        """\
        from polyaxon_helper import get_api, get_internal_token as token, send_metrics
        import polyaxon_helper as plx
        headers = {"Authorization": "Internaltoken " + token()}
        send_metrics(url=plx.get_api("v2"), api=get_api())
        """,
        """\
        from polyaxon_helper_compat import get_api, get_internal_token as token, send_metrics
        import polyaxon_helper_compat as plx
        headers = {"Authorization": "Internaltoken " + token()}
        send_metrics(url=plx.get_api("v2"), api=get_api())
        """,
    )
    assert result.manual == []


def test_names_compat_does_not_provide_are_reported() -> None:
    """A name that neither 0.5.0 nor 0.1.x had fails under compat as it failed before: rewritten, and reported."""
    result = check_transformed(
        """\
        from polyaxon_helper import get_data_path, send_metrics
        import polyaxon_helper
        polyaxon_helper.get_data_path()
        polyaxon_helper.get_outputs_path()
        """,
        """\
        from polyaxon_helper_compat import get_data_path, send_metrics
        import polyaxon_helper_compat
        polyaxon_helper_compat.get_data_path()
        polyaxon_helper_compat.get_outputs_path()
        """,
    )
    assert [(m.line, m.column, m.reason, m.codemod) for m in result.manual] == [
        (1, 28, NOT_PROVIDED.format("get_data_path"), "helper-to-compat"),
        (3, 0, NOT_PROVIDED.format("get_data_path"), "helper-to-compat"),
    ]


def test_changes_record_each_rewritten_statement() -> None:
    result = check_transformed(
        """\
        import polyaxon_helper
        if polyaxon_helper.get_cluster_def():
            polyaxon_helper.send_metrics(a=1)
        """,
        """\
        import polyaxon_helper_compat
        if polyaxon_helper_compat.get_cluster_def():
            polyaxon_helper_compat.send_metrics(a=1)
        """,
    )
    assert [(c.line, c.old, c.new) for c in result.changes] == [
        (1, "import polyaxon_helper", "import polyaxon_helper_compat"),
        (2, "polyaxon_helper", "polyaxon_helper_compat"),  # in a compound statement's header: the expression
        (3, "polyaxon_helper.send_metrics(a=1)", "polyaxon_helper_compat.send_metrics(a=1)"),
    ]
    assert {c.codemod for c in result.changes} == {"helper-to-compat"}
    assert result.manual == []


def test_parse_error_is_reported_not_raised() -> None:
    source = "from polyaxon_helper import send_metrics\n\nprint 'epoch done'\n"
    result = run_stage(source, "compat", path="legacy.py")
    assert result.code is source
    assert not result.changed and result.changes == []
    assert result.error == "3:1: Missing parentheses in call to 'print'. Did you mean print(...)?"


def test_bom_is_kept_when_the_file_changes() -> None:
    result = run_stage("\ufeffimport polyaxon_helper as plx\n", "compat")
    assert result.changed
    assert result.code == "\ufeffimport polyaxon_helper_compat as plx\n"
