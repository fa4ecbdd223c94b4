"""IPython syntax in notebook cells, set aside so that the codemods see plain Python, and put back afterwards.

:func:`mask` replaces each IPython line at the start of a statement (``!cmd``, ``%magic``, ``?help``/``obj?``,
``files = !ls``, autocall ``,f``/``;f``/``/f``), with the lines it continues onto, by a token statement
``__plx_ipython_<n>__`` at its indentation; a ``%%`` cell magic is not masked but flagged. Lines inside brackets,
strings or backslash continuations are never taken for IPython. :func:`compiles` says whether the masked cell is
Python (top-level ``await`` allowed, as in notebooks).
"""
from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field

from plx_migrate.filekinds._text import split_lines

__all__ = ["TOKEN_LINE", "Masked", "compiles", "mask"]

TOKEN = "__plx_ipython_{}__"
#: A masked line as it comes back from the codemods: indentation, token number.
TOKEN_LINE = re.compile(r"([ \t]*)__plx_ipython_(\d+)__[ \t]*$")
_MAGIC_START = re.compile(r"[ \t]*(?:[!%?]|[,;/](?=[A-Za-z_]))")
_MAGIC_ASSIGN = re.compile(r"[ \t]*[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*[!%]")


@dataclass
class Masked:
    """A code cell prepared for the codemods: ``text`` with IPython lines replaced by tokens.

    ``units`` maps each token number to ``(first line, last line)`` (0-based, in the cell) of the IPython lines it
    stands for; ``cell_magic`` is the ``%%`` line when the cell is a cell magic.
    """

    text: str
    units: dict[int, tuple[int, int]] = field(default_factory=dict)
    cell_magic: str | None = None


def _scan(line: str, quote: str | None, depth: int) -> tuple[str | None, int, bool, str]:
    """Scan one line: ``(open string quote, bracket depth, continues with a backslash, last code character)``."""
    i, last = 0, ""
    content = line.rstrip("\r\n")
    while i < len(content):
        char = content[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if content.startswith(quote, i):
                i, quote, last = i + len(quote), None, char
                continue
            i += 1
            continue
        if char == "#":
            return None, depth, False, last
        if char in "'\"":
            quote = content[i:i + 3] if content[i:i + 3] in ("'''", '"""') else char
            i += len(quote)
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        if not char.isspace():
            last = char
        i += 1
    backslash = len(content) - len(content.rstrip("\\"))
    continued = backslash % 2 == 1
    if quote in ("'", '"') and not continued:
        quote = None  # a one-line string cannot go on: an error Python will report
    return quote, depth, continued and quote is None, last


def mask(source: str, counter: list[int]) -> Masked:
    """Mask the IPython lines of one cell (see the module docstring); ``counter`` numbers tokens notebook-wide."""
    lines = split_lines(source)
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        return Masked(source, cell_magic=lines[first].strip())
    out: list[str] = []
    units: dict[int, tuple[int, int]] = {}
    quote: str | None = None
    depth, continued = 0, False
    k = 0
    while k < len(lines):
        line = lines[k]
        at_start = quote is None and depth == 0 and not continued
        magic = at_start and bool(line.strip()) and (
            _MAGIC_START.match(line) is not None or _MAGIC_ASSIGN.match(line) is not None)
        if at_start and not magic and line.strip():
            _, _, _, last = _scan(line, None, 0)
            magic = last == "?"
        if not magic:
            quote, depth, continued, _ = _scan(line, quote, depth)
            out.append(line)
            k += 1
            continue
        end = k
        while lines[end].rstrip("\r\n").endswith("\\") and end + 1 < len(lines):
            end += 1
        token = counter[0]
        counter[0] += 1
        units[token] = (k, end)
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        for j in range(k, end + 1):
            ending = lines[j][len(lines[j].rstrip("\r\n")):]
            out.append(f"{indent}{TOKEN.format(token)}{ending}")
        k = end + 1
    return Masked("".join(out), units)


def compiles(code: str) -> str | None:
    """``None`` when ``code`` compiles (as a notebook cell may: top-level await allowed), else the error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, "<cell>", "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except ValueError as exc:
        return str(exc)
    return None
