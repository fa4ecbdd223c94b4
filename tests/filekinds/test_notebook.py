"""``notebook`` kind: code cells through the codemods as one module, the JSON edited only where a cell changed."""
from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from plx_migrate._api import run_stage
from plx_migrate.filekinds import _deps, cell_diff, notebook
from plx_migrate.filekinds.notebook import CellChange, CellSite
from tests.filekinds import tools
from tests.filekinds.tools import nbformat, v4

COMPAT = _deps.target("compat").requirement


def make(*sources: str, **kwargs: Any) -> str:
    """A valid nbformat 4.5 notebook with these code cells (``# md`` sources become markdown), as Jupyter writes it."""
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell(s[5:]) if s.startswith("# md ") else v4.new_code_cell(s) for s in sources]
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"
    return str(nbformat.writes(nb, **kwargs))


def sources(text: str) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in json.loads(text)["cells"]]


def migrate(text: str, stage: str = "experiment") -> Any:
    result = notebook.migrate(text, stage, path="nb.ipynb")
    assert result.error is None, result.error
    if result.changed:
        nbformat.validate(nbformat.reads(result.text, as_version=nbformat.NO_CONVERT))
        again = notebook.migrate(result.text, stage, path="nb.ipynb")
        assert not again.changed and again.text == result.text  # idempotent
    return result


def without_sources(text: str) -> Any:
    doc = json.loads(text)
    for cell in doc["cells"]:
        cell.pop("source")
    return doc


def test_compat_stage_rewrites_the_import_only() -> None:
    text = make("# md polyaxon", "from polyaxon_helper import send_metrics\nsend_metrics(loss=1)")
    result = migrate(text, "compat")
    assert sources(result.text) == ["polyaxon", "from polyaxon_helper_compat import send_metrics\nsend_metrics(loss=1)"]
    assert without_sources(result.text) == without_sources(text)
    line = next(n for n, text_line in enumerate(text.splitlines(), 1) if "from polyaxon_helper import" in text_line)
    assert result.changes == [CellChange(line, "from polyaxon_helper import send_metrics",
                                         "from polyaxon_helper_compat import send_metrics", "helper-to-compat", cell=2)]
    assert result.text.splitlines()[line - 1] == '    "from polyaxon_helper_compat import send_metrics\\n",'


def test_cells_share_one_namespace_and_one_experiment() -> None:
    text = make(
        "import os\nfrom polyaxon_helper import send_metrics, get_outputs_path",
        "# md train",
        "for epoch in range(3):\n    send_metrics(epoch=epoch)",
        "print(get_outputs_path())\nsend_metrics(done=1)",
    )
    result = migrate(text)
    new = sources(result.text)
    joined = "\n".join(new)
    assert joined.count("Experiment()") == 1 and "experiment = Experiment()" in new[0]
    assert new[2] == "for epoch in range(3):\n    experiment.log_metrics(epoch=epoch)"
    assert new[3].endswith("experiment.log_metrics(done=1)")
    assert sorted({change.cell for change in result.changes}) == [1, 3, 4]
    assert [c.cell for c in result.cells] == [1, 3, 4]


def test_per_cell_stage_would_differ_one_module_is_what_runs() -> None:
    # Run alone, the third cell knows nothing of the import in the first: it would be left unchanged.
    assert not run_stage("send_metrics(done=1)", "experiment").changed
    text = make("from polyaxon_helper import send_metrics", "x = 1", "send_metrics(done=1)")
    assert sources(migrate(text).text)[2] == "experiment.log_metrics(done=1)"


IPYTHON = [
    "%matplotlib inline\nfrom polyaxon_helper import send_metrics",
    "!ls -la\nfiles = !ls\nsend_metrics?\n?send_metrics\nsend_metrics??",
    "for i in range(2):\n    !echo {i}\n    send_metrics(i=i)\n%time send_metrics(x=1)",
    "x = '''\n!not a magic\nwhy?\n'''\nsend_metrics(s=x)",
    "%%time\nsend_metrics(t=1)",
    "!pip install -q polyaxon-helper==0.5.0 numpy",
    "%pip install polyaxon-client",
    "%%bash\npip install polyaxon-helper\necho ok\n",
    "def broken(:\n    send_metrics(b=1)",
    "await something()\nsend_metrics(a=1)",
]


def test_ipython_lines_are_masked_and_restored() -> None:
    text = make(*IPYTHON)
    result = migrate(text)
    new = sources(result.text)
    assert new[0] == IPYTHON[0].replace("from polyaxon_helper import send_metrics",
                                        run_stage("from polyaxon_helper import send_metrics\nsend_metrics()",
                                                  "experiment").code.split("\nexperiment.log_metrics")[0])
    assert new[1] == IPYTHON[1]  # magics and help lines untouched (no call to rewrite there)
    assert new[2] == "for i in range(2):\n    !echo {i}\n    experiment.log_metrics(i=i)\n%time send_metrics(x=1)"
    assert new[3] == "x = '''\n!not a magic\nwhy?\n'''\nexperiment.log_metrics(s=x)"
    assert new[4] == IPYTHON[4]
    assert new[5] == f'!pip install -q "{COMPAT}" numpy'
    assert new[6] == f'%pip install "{COMPAT}"'
    assert new[7] == f'%%bash\npip install "{COMPAT}"\necho ok\n'
    assert new[8] == IPYTHON[8]
    assert new[9] == "await something()\nexperiment.log_metrics(a=1)"
    sites = [(site.cell, site.codemod) for site in result.manual]
    assert sites == [(5, "ipython-cell-magic"), (9, "unparsed-cell")]
    assert all(isinstance(site, CellSite) and site.reason.startswith(f"[cell {site.cell}] ") for site in result.manual)


def test_the_magic_cell_alone_is_byte_identical() -> None:
    text = make("%matplotlib inline\nimport json", "from polyaxon_helper import get_outputs_path")
    result = migrate(text, "compat")
    assert sources(result.text)[0] == "%matplotlib inline\nimport json"
    assert [c.cell for c in result.cells] == [2]


@pytest.mark.parametrize("stage", ["compat", "experiment"])
def test_noop_is_byte_identical(stage: str) -> None:
    for text in (make("import numpy\n%matplotlib inline", "# md polyaxon_helper is mentioned here only"),
                 make(f"!pip install {COMPAT}", "from polyaxon_helper_compat.tracking import Experiment")):
        result = tools.check_noop(notebook.migrate, text, stage=stage, path="nb.ipynb", dedent=False)
        assert result.manual == []


def test_helper_only_in_outputs_and_markdown_is_left_alone() -> None:
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("from polyaxon_helper import x"), v4.new_code_cell(
        "print(1)", outputs=[v4.new_output("stream", name="stdout", text="polyaxon_helper\n")])])
    text = nbformat.writes(nb)
    assert notebook.migrate(text, "compat").text is text


def test_string_source_two_space_indent_crlf_unicode_escapes() -> None:
    doc = json.loads(make("# md caf\u00e9", "from polyaxon_helper import send_metrics\nsend_metrics(a='\u00e9')"))
    for cell in doc["cells"]:
        cell["source"] = "".join(cell["source"])
    text = json.dumps(doc, indent=2, ensure_ascii=True).replace("\n", "\r\n")
    result = migrate(text, "compat")
    assert result.text == text.replace('"from polyaxon_helper import', '"from polyaxon_helper_compat import')
    assert "\\u00e9" in result.text and "\u00e9" not in result.text


def test_f3_raw_non_ascii_kept() -> None:
    text = make("# md \U0001f680 launch", "from polyaxon_helper import send_metrics\nsend_metrics(msg='\U0001f680')")
    result = migrate(text, "compat")
    assert result.text == text.replace("polyaxon_helper import", "polyaxon_helper_compat import")


def test_key_order_metadata_ids_and_counts_kept() -> None:
    nb = v4.new_notebook(cells=[v4.new_code_cell("from polyaxon_helper import send_metrics", execution_count=7,
                                           metadata={"tags": ["z", "a"], "collapsed": True})])
    nb.cells[0]["id"] = "keep-me"
    nb.metadata = {"zeta": 1, "alpha": {"b": 2, "a": 1}}
    text = json.dumps(nb, indent=4, sort_keys=False) + "\n"
    result = migrate(text, "compat")
    old_lines, new_lines = text.splitlines(), result.text.splitlines()
    assert [n for n, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b] == [
        next(n for n, line in enumerate(old_lines) if "polyaxon_helper" in line)]
    assert len(old_lines) == len(new_lines)


def test_invalid_notebooks_are_errors() -> None:
    not_json = notebook.migrate('{"cells": [\n  {"source": "polyaxon"\n', "compat")
    assert not_json.error is not None and not_json.error.reason.startswith("cannot parse: not a JSON document")
    assert not_json.error.line == 3
    v3 = notebook.migrate(json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "x": "polyaxon"}),
                          "compat")
    assert v3.error is not None and "nbformat 3 notebooks are not supported" in v3.error.reason
    bad_source = notebook.migrate(json.dumps({"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}],
                                              "metadata": {"polyaxon": 1}}), "compat")
    assert bad_source.error is not None and "cell 1" in bad_source.error.reason
    assert not any(r.changed for r in (not_json, v3, bad_source))
    unrelated = "{not json, and no mention of the tracking library"
    assert notebook.migrate(unrelated, "compat").text is unrelated  # not parsed, as Python files


def test_other_kernel_languages_are_left_alone() -> None:
    nb = v4.new_notebook(cells=[v4.new_code_cell("library(polyaxon_helper)")],
                      metadata={"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}})
    text = nbformat.writes(nb)
    assert notebook.migrate(text, "compat").text is text


def test_unknown_stage() -> None:
    with pytest.raises(KeyError):
        notebook.migrate(make("x = 1"), "v3")


def test_positions_point_into_the_ipynb() -> None:
    text = make("import os\n\nfrom polyaxon_helper.sub import x")
    result = notebook.migrate(text, "compat")
    [site] = result.manual
    line = text.splitlines()[site.line - 1]
    code_column = site.code.index("polyaxon_helper.sub")  # the codemod points at the module name
    assert line == '    "from polyaxon_helper.sub import x"' and line[site.column:].startswith("polyaxon_helper.sub")
    assert site.column == len('    "') + code_column


def test_cell_diff() -> None:
    text = make("# md x", "from polyaxon_helper import send_metrics\nsend_metrics(a=1)")
    result = migrate(text, "compat")
    assert cell_diff(result.cells, "nb/explore.ipynb") == (
        "--- a/nb/explore.ipynb [cell 2]\n"
        "+++ b/nb/explore.ipynb [cell 2]\n"
        "@@ -1,2 +1,2 @@\n"
        "-from polyaxon_helper import send_metrics\n"
        "+from polyaxon_helper_compat import send_metrics\n"
        " send_metrics(a=1)\n"
    )


def test_200_cells_and_5_mb_of_outputs_migrate_with_outputs_untouched() -> None:
    blob = "x" * 25_000 + "\n"
    cells = []
    for number in range(200):
        code = "from polyaxon_helper import send_metrics" if number == 0 else f"send_metrics(step={number}, loss=0.1)"
        cells.append(v4.new_code_cell(code, execution_count=number + 1, outputs=[
            v4.new_output("stream", name="stdout", text=[blob] * 1),
            v4.new_output("display_data", data={"image/png": "iVBOR" + "A" * 1_000, "text/plain": ["<Figure>"]}),
        ]))
    nb = v4.new_notebook(cells=cells)
    text = nbformat.writes(nb)
    assert len(text) > 5_000_000

    started = time.perf_counter()
    result = notebook.migrate(text, "experiment", path="big.ipynb")
    elapsed = time.perf_counter() - started

    assert result.error is None and result.changed and len(result.cells) == 200
    old, new = json.loads(text), json.loads(result.text)
    for before, after in zip(old["cells"], new["cells"]):
        assert json.dumps(after["outputs"]).encode() == json.dumps(before["outputs"]).encode()
        assert (after["id"], after["execution_count"], after["metadata"]) == (
            before["id"], before["execution_count"], before["metadata"])
    assert "experiment.log_metrics(step=199, loss=0.1)" in "".join(new["cells"][199]["source"])
    # byte for byte: with every cell's source array cut out, both files are the same text (outputs included)
    source_array = re.compile(r'"source": \[\n.*?\n   \]', re.DOTALL)
    assert len(source_array.findall(text)) == len(source_array.findall(result.text)) == 200
    assert source_array.sub("", result.text).encode() == source_array.sub("", text).encode()
    assert elapsed < 10, elapsed
