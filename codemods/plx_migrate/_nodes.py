"""Reading and building the nodes the codemods deal with: dotted names, import aliases, new import lines.

Plain syntax, no metadata: what a ``Name``/``Attribute`` spells (:func:`full_name`), the name an import alias binds
(:func:`bound_name`), and the nodes of a dotted name, an import alias, a ``from ... import ...`` line and an
assignment line, as the codemods write them.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Union

import libcst as cst
from libcst.helpers import get_full_name_for_node

__all__ = ["ImportNode", "alias", "assign_line", "bound_name", "dotted", "full_name", "import_from_line"]

#: A statement importing something.
ImportNode = Union[cst.Import, cst.ImportFrom]


def full_name(node: cst.CSTNode | None) -> str:
    """Dotted name of a ``Name``/``Attribute`` node (``""`` for anything else, e.g. ``None``)."""
    return (get_full_name_for_node(node) or "") if node is not None else ""


def bound_name(alias: cst.ImportAlias) -> str:
    """The name an import alias binds: ``c`` for ``b as c``, ``b`` for ``b``, ``a.b`` for ``import a.b``."""
    return full_name(alias.asname.name) if alias.asname else full_name(alias.name)


def dotted(name: str) -> cst.Attribute | cst.Name:
    """The expression node for a dotted name such as ``"polyaxon_helper_compat.tracking"``."""
    first, *rest = name.split(".")
    node: cst.Attribute | cst.Name = cst.Name(first)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def alias(name: str, bound: str | None = None) -> cst.ImportAlias:
    """``name`` or ``name as bound`` (no ``as`` when ``bound`` is ``None`` or equal to ``name``)."""
    asname = cst.AsName(name=cst.Name(bound)) if bound and bound != name else None
    return cst.ImportAlias(name=dotted(name), asname=asname)


def import_from_line(module: str, aliases: Sequence[cst.ImportAlias]) -> cst.SimpleStatementLine:
    """A new ``from <module> import <aliases>`` line (separators reset to ``, ``)."""
    names = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in aliases]
    return cst.SimpleStatementLine(body=[cst.ImportFrom(module=dotted(module), names=names)])


def assign_line(target: str, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    """A new ``<target> = <value>`` line; its newline is the module's own (CRLF files stay CRLF)."""
    return cst.SimpleStatementLine(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(target))], value=value)])
