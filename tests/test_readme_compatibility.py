"""The README's compatibility table: every row names the tests that assert it, and those tests exist."""
from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTION = "## Compatibility with the originals"
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def _rows() -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION):]
    section = section[:section.index("\n## ", len(SECTION))]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    assert lines[0].split("|")[1:-1] == [" behaviour ", " the original ", " polyaxon-helper-compat ", " why ", " test "]
    return [[cell.strip() for cell in line.split("|")[1:-1]] for line in lines[2:]]


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_row_names_tests_that_exist():
    rows = _rows()
    assert len(rows) >= 30
    for row in rows:
        assert len(row) == 5 and all(row[:2] + row[2:4]), row
        refs = TEST_REF.findall(row[4])
        assert refs, "no test named for: %s" % row[0]
        assert len(refs) == row[4].count("::"), row[4]
        for path, name in refs:
            assert (REPO / path).is_file(), path
            assert name in _functions(REPO / path), "%s::%s does not exist" % (path, name)
