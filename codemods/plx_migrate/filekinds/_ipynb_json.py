"""The layout of a notebook's JSON text: where each cell's ``source`` is, and how to write a new one in its style.

:func:`source_spans` walks the text once (keys and strings with the standard decoder, every other value skipped with
its C scanner, so megabytes of outputs cost little) and returns the span of each cell's ``source`` value and, for
a list, of each of its items. :func:`render_source` writes a new value in the style of the old one: a list of
lines with the same indentation and separators, or one string, with ``\\uXXXX`` escapes when the file uses them.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Source", "escapes_unicode", "render_source", "source_spans"]

_WS = " \t\r\n"
_DECODER = json.JSONDecoder()


@dataclass
class Source:
    """Where a code cell's ``source`` is in the JSON text: the value's span and, for a list, each item's span."""

    start: int
    end: int
    items: list[tuple[int, int]] | None


def _ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _members(text: str, i: int, visit: Callable[[str, int], int | None]) -> int:
    """Walk the object at ``text[i]``: ``visit(key, value_start)`` returns the value's end, or ``None`` to skip it."""
    i = _ws(text, i + 1)
    if text.startswith("}", i):
        return i + 1
    while True:
        key, i = _DECODER.raw_decode(text, i)
        i = _ws(text, _ws(text, i) + 1)  # past the colon
        end = visit(key, i)
        i = _ws(text, end if end is not None else _DECODER.raw_decode(text, i)[1])
        if text[i] == ",":
            i = _ws(text, i + 1)
            continue
        return i + 1


def _elements(text: str, i: int, visit: Callable[[int, int], int | None]) -> int:
    """Walk the array at ``text[i]`` like :func:`_members`, with element indexes."""
    i = _ws(text, i + 1)
    if text.startswith("]", i):
        return i + 1
    index = 0
    while True:
        end = visit(index, i)
        i = _ws(text, end if end is not None else _DECODER.raw_decode(text, i)[1])
        index += 1
        if text[i] == ",":
            i = _ws(text, i + 1)
            continue
        return i + 1


def source_spans(text: str) -> dict[int, Source]:
    """The position of every cell's ``source`` value in the notebook's JSON text, by cell index."""
    found: dict[int, Source] = {}

    def value_end(i: int) -> int:
        return int(_DECODER.raw_decode(text, i)[1])

    def cell(index: int, i: int) -> int:
        def member(key: str, j: int) -> int | None:
            if key != "source":
                return None
            items: list[tuple[int, int]] = []

            def item(_index: int, start: int) -> int:
                items.append((start, value_end(start)))
                return items[-1][1]

            if text.startswith("[", j):
                end = _elements(text, j, item)
                found[index] = Source(j, end, items)
            else:
                end = value_end(j)
                found[index] = Source(j, end, None)
            return end

        return _members(text, i, member) if text.startswith("{", i) else value_end(i)

    _members(text, _ws(text, 0), lambda key, i: _elements(text, i, cell) if key == "cells" else None)
    return found


def escapes_unicode(text: str) -> bool:
    """Whether the file writes non-ASCII characters as ``\\uXXXX`` (it holds no raw ones, but such escapes)."""
    if any(ord(char) > 127 for char in text):
        return False
    return re.search(r"\\u(?!00[0-7])[0-9a-fA-F]{4}", text) is not None


def render_source(text: str, original: Source, lines: list[str], ensure_ascii: bool) -> str:
    """The new ``source`` value in the style of ``original`` (its text is ``text[original.start:original.end]``)."""
    if original.items is None:
        return json.dumps("".join(lines), ensure_ascii=ensure_ascii)
    if not lines:
        return "[]"
    items = original.items
    if items:
        prefix = text[original.start + 1:items[0][0]]
        suffix = text[items[-1][1]:original.end - 1]
        separator = text[items[0][1]:items[1][0]] if len(items) > 1 else "," + prefix
    else:
        prefix = suffix = ""
        separator = ", "
    return "[" + prefix + separator.join(json.dumps(line, ensure_ascii=ensure_ascii) for line in lines) + suffix + "]"
