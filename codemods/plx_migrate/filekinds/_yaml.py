"""YAML files edited as text, guided by a parse: never re-serialised (D12).

PyYAML's composer gives the node tree with the position of every scalar, without building Python objects or
losing anything. A kind computes edits on a scalar's *value* (e.g. one word of a ``build_steps`` command);
:func:`scalar_edits` maps them onto the scalar's text in the file (plain, quoted, literal or folded, on one line
or several; a quoted scalar with escapes is refused), and :func:`verify` parses the new text and checks that
every scalar of the document is what it was, except the edited ones, which hold exactly their new values.
Comments, layout, ``{{ }}`` templates and continuations are kept because nothing else is written.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import yaml

from plx_migrate.filekinds._text import Edit, apply_edits

__all__ = ["Path", "compose", "get", "scalar_edits", "scalars", "text_offset", "value_with", "verify"]

Path = tuple[object, ...]


def compose(text: str) -> list[yaml.Node]:
    """The node trees of the documents in ``text`` (raises ``yaml.YAMLError``)."""
    return [node for node in yaml.compose_all(text, Loader=yaml.SafeLoader) if node is not None]


def get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node of ``key`` in mapping ``node`` (the last one if repeated), ``None`` when absent."""
    found = None
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                found = value_node
    return found


def scalars(node: yaml.Node, path: Path = ()) -> Iterator[tuple[Path, yaml.ScalarNode]]:
    """Every scalar under ``node`` with its path (mapping keys and sequence indexes); keys are scalars too."""
    if isinstance(node, yaml.ScalarNode):
        yield path, node
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from scalars(item, (*path, index))
    elif isinstance(node, yaml.MappingNode):
        for index, (key_node, value_node) in enumerate(node.value):
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else index
            yield from scalars(key_node, (*path, "<key>", index))
            yield from scalars(value_node, (*path, key))


def _region(text: str, node: yaml.ScalarNode) -> tuple[int, int]:
    """The part of ``text`` holding the characters of the scalar ``node`` (no quotes, no block header)."""
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("'", '"'):
        return start + 1, end - 1
    if node.style in ("|", ">"):
        newline = text.find("\n", start)
        return (end if newline < 0 or newline >= end else newline + 1), end
    return start, end


def _align(value: str, raw: str) -> list[int] | None:
    """For each character of ``value`` (and its end), its offset in ``raw``; ``None`` when they do not match.

    ``raw`` may differ from ``value`` only by indentation, ``\\r``, and line breaks folded into one space.
    """
    positions: list[int] = []
    j = 0
    for char in value:
        while True:
            if j < len(raw) and raw[j] == char:
                break
            if char == " " and j < len(raw) and raw[j] in "\r\n":
                break
            if j < len(raw) and raw[j] in " \t\r\n":
                j += 1
                continue
            return None
        positions.append(j)
        j += 1
    positions.append(j)
    return positions


def scalar_edits(text: str, node: yaml.ScalarNode, value_edits: Sequence[Edit]) -> list[Edit] | None:
    """Map edits on ``node.value`` to edits on ``text``; ``None`` when the scalar's text cannot be mapped."""
    start, end = _region(text, node)
    positions = _align(node.value, text[start:end])
    if positions is None:
        return None
    edits = []
    for edit in value_edits:
        first = start + positions[edit.start]
        last = start + (positions[edit.end - 1] + 1 if edit.end > edit.start else positions[edit.start])
        edits.append(Edit(first, last, edit.new))
    return edits


def text_offset(text: str, node: yaml.ScalarNode, offset: int) -> int:
    """The offset in ``text`` of character ``offset`` of ``node.value`` (the scalar's start when unmappable)."""
    start, end = _region(text, node)
    positions = _align(node.value, text[start:end])
    if positions is None:
        return int(node.start_mark.index)
    return start + positions[min(offset, len(positions) - 1)]


def verify(old_text: str, new_text: str, expected: dict[Path, str]) -> bool:
    """Whether ``new_text`` parses to the scalars of ``old_text`` with ``expected`` (path -> value) replaced.

    Paths start with the document's index.
    """
    try:
        old_docs, new_docs = compose(old_text), compose(new_text)
    except yaml.YAMLError:
        return False
    if len(old_docs) != len(new_docs):
        return False
    for index, (old, new) in enumerate(zip(old_docs, new_docs)):
        want = {path: node.value for path, node in scalars(old, (index,))}
        want.update({path: value for path, value in expected.items() if path[0] == index})
        have = {path: node.value for path, node in scalars(new, (index,))}
        if want != have:
            return False
    return True


def value_with(node: yaml.ScalarNode, edits: Sequence[Edit]) -> str:
    """``node.value`` with ``edits`` (on the value) applied."""
    return apply_edits(node.value, edits)
