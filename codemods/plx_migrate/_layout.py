"""Layout of a rewritten import's name list: names replaced in their slots, comments never lost.

:func:`relayout` rebuilds the aliases of an ``import``/``from ... import`` statement from *slots*: slot ``i`` holds
what now stands where original alias ``i`` stood (nothing, the alias itself, or new aliases). Separators stay with
their slots, so every kept name keeps its own trailing comment; the comments of a slot that became empty move to
their own lines in the same place (I2: "comments inside the parentheses must be kept"), and the statement stays
valid: no empty ``()``, no dangling comma. :func:`realign` shifts continuation lines that were aligned on the first
name after the module name changed length.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, Union

import libcst as cst

__all__ = ["comment_lines", "realign", "relayout"]

ImportT = TypeVar("ImportT", cst.Import, cst.ImportFrom)
Space = Union[cst.BaseParenthesizableWhitespace, cst.MaybeSentinel]
PW = cst.ParenthesizedWhitespace


def comment_lines(space: Space, indent: cst.SimpleWhitespace) -> list[cst.EmptyLine]:
    """The comments held by ``space`` (end-of-line comment first, then own-line ones) as own lines at ``indent``."""
    if not isinstance(space, PW):
        return []
    first = space.first_line.comment
    own = [cst.EmptyLine(indent=space.indent, whitespace=indent, comment=first)] if first is not None else []
    return own + list(space.empty_lines)


def _with_lines(space: Space, lines: list[cst.EmptyLine], indent: cst.SimpleWhitespace) -> PW:
    """``space`` followed by ``lines`` (a single-line space becomes a line break before the next name)."""
    if isinstance(space, PW):
        return space.with_changes(empty_lines=[*space.empty_lines, *lines])
    return PW(first_line=cst.TrailingWhitespace(), empty_lines=lines, indent=True, last_line=indent)


def _close(space: PW, rpar: cst.RightParen, indent: cst.SimpleWhitespace) -> cst.RightParen:
    """``rpar`` preceded by ``space`` (the last name's separator, dropped with its comma), then what preceded it."""
    before = rpar.whitespace_before
    lines = [*space.empty_lines, *comment_lines(before, indent)]
    end = before.last_line if isinstance(before, PW) else cst.SimpleWhitespace("")
    return rpar.with_changes(whitespace_before=space.with_changes(
        empty_lines=lines, indent=before.indent if isinstance(before, PW) else True, last_line=end))


def relayout(node: ImportT, slots: Sequence[Sequence[cst.ImportAlias]]) -> ImportT:
    """``node`` with aliases rebuilt from ``slots`` (one sequence per original alias; at least one alias in all).

    The last alias of a slot takes that slot's original separator; an inserted alias gets a separator like the
    list's own (a line break and the names' indentation in a one-name-per-line list, ``", "`` otherwise).
    Raises ``TypeError`` for a star import and ``ValueError`` when the slots are empty.
    """
    if isinstance(node.names, cst.ImportStar):
        raise TypeError("a star import has no aliases")
    names = list(node.names)
    lpar: cst.LeftParen | None = getattr(node, "lpar", None)
    rpar: cst.RightParen | None = getattr(node, "rpar", None)
    spaces = ([lpar.whitespace_after] if lpar else []) + [a.comma.whitespace_after for a in names
                                                          if isinstance(a.comma, cst.Comma)]
    multi = next((s for s in spaces if isinstance(s, PW)), None)
    indent: cst.SimpleWhitespace = multi.last_line if multi else cst.SimpleWhitespace("")
    first = names[0].comma
    fresh = cst.Comma(whitespace_after=PW(indent=multi.indent, last_line=indent)) if multi else (
        first if isinstance(first, cst.Comma) and isinstance(first.whitespace_after, cst.SimpleWhitespace)
        and first.whitespace_after.value.strip() == "" else cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    out: list[tuple[cst.ImportAlias, int]] = []
    for i, (original, slot) in enumerate(zip(names, slots)):
        if not slot:
            orphans = comment_lines(original.comma.whitespace_after, indent) if isinstance(
                original.comma, cst.Comma) else []
            if orphans and out:
                alias, j = out[-1]
                sep = alias.comma if isinstance(alias.comma, cst.Comma) else fresh
                out[-1] = alias.with_changes(comma=sep.with_changes(
                    whitespace_after=_with_lines(sep.whitespace_after, orphans, indent))), j
            elif orphans and lpar is not None:
                lpar = lpar.with_changes(whitespace_after=_with_lines(lpar.whitespace_after, orphans, indent))
            continue
        out += [(alias.with_changes(comma=original.comma if k == len(slot) - 1 else fresh), i)
                for k, alias in enumerate(slot)]
    if not out:
        raise ValueError("an import needs at least one name")
    last, j = out[-1]
    if j != len(names) - 1:  # the names after it were dropped: it now ends the list
        own, end = last.comma, names[-1].comma
        own_space = own.whitespace_after if isinstance(own, cst.Comma) else None
        comma: cst.Comma | cst.MaybeSentinel = cst.MaybeSentinel.DEFAULT
        if isinstance(end, cst.Comma):
            comma = end
            if isinstance(own, cst.Comma) and isinstance(own_space, PW) and isinstance(end.whitespace_after, PW):
                comma = own.with_changes(whitespace_after=own_space.with_changes(
                    indent=end.whitespace_after.indent, last_line=end.whitespace_after.last_line))
        elif isinstance(own_space, PW) and rpar is not None:  # its comments go before the `)`, then the rest
            rpar = _close(own_space, rpar, indent)
        out[-1] = last.with_changes(comma=comma), j
    changes: dict[str, object] = {"names": [alias for alias, _ in out]}
    if lpar is not None:
        changes.update(lpar=lpar, rpar=rpar)
    return node.with_changes(**changes)


def realign(node: cst.ImportFrom, column: int, delta: int) -> cst.ImportFrom:
    """Shift by ``delta`` the continuation lines aligned on ``column`` (the first name's, from the statement start).

    Only for a parenthesized list whose first name follows ``(`` on the same line (visual indentation); a list
    with one name per line after ``(`` is indented by the block, not aligned, and is returned unchanged.
    """
    lpar, rpar = node.lpar, node.rpar
    if delta == 0 or lpar is None or isinstance(lpar.whitespace_after, PW) or isinstance(node.names, cst.ImportStar):
        return node

    def fix(space: Space) -> Space:
        if not isinstance(space, PW):
            return space
        lines = [line.with_changes(whitespace=cst.SimpleWhitespace(" " * (column + delta)))
                 if len(line.whitespace.value) == column else line for line in space.empty_lines]
        last = cst.SimpleWhitespace(" " * (column + delta)) if len(space.last_line.value) == column else space.last_line
        return space.with_changes(empty_lines=lines, last_line=last)

    names = [a.with_changes(comma=a.comma.with_changes(whitespace_after=fix(a.comma.whitespace_after)))
             if isinstance(a.comma, cst.Comma) else a for a in node.names]
    return node.with_changes(names=names, rpar=rpar.with_changes(whitespace_before=fix(rpar.whitespace_before))
                             if rpar is not None else None)
