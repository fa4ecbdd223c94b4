"""A patch of libcst: ``BatchableCSTVisitor.get_visitors`` finds a class's visitor methods once, not per instance.

libcst builds every batchable metadata provider anew per module and lists its methods with ``inspect.getmembers``,
about a fifth of the codemods' time on a small module. :func:`cache_visitor_methods` installs the patch (once per
process); :mod:`plx_migrate._command` calls it when the codemods' base class is imported.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import libcst as cst

__all__ = ["cache_visitor_methods"]


def cache_visitor_methods() -> None:
    """Make libcst's ``BatchableCSTVisitor.get_visitors`` find a class's visitor methods once, not per instance.

    libcst builds every batchable metadata provider (``ExpressionContextProvider``, which ``ScopeProvider`` needs)
    anew per module and lists its ``visit_*``/``leave_*`` methods with ``inspect.getmembers``, which scans every
    attribute of the class: about a fifth of the codemods' time on a small module. The names found for the first
    instance of a class are kept (the original method decides them, so the filter is libcst's), and later
    instances get the same names bound to themselves. Installed once per process; a class that overrides
    ``get_visitors`` is not affected.
    """
    from libcst._batched_visitor import BatchableCSTVisitor

    original = BatchableCSTVisitor.get_visitors
    if getattr(original, "cached_per_class", False):
        return
    names: dict[type, tuple[str, ...]] = {}

    def get_visitors(self: BatchableCSTVisitor) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        known = names.get(type(self))
        if known is None:
            methods = original(self)
            names[type(self)] = tuple(methods)
            return dict(methods)
        return {name: getattr(self, name) for name in known}

    get_visitors.cached_per_class = True  # type: ignore[attr-defined]
    get_visitors.__doc__ = original.__doc__
    BatchableCSTVisitor.get_visitors = get_visitors  # type: ignore[method-assign]  # the patch itself
