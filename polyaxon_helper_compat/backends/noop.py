"""The no-op backend: every operation is ignored (``POLYAXON_NO_OP=true``, as polyaxon-client's ``check_no_op``)."""
from __future__ import annotations

from polyaxon_helper_compat.backends.base import Backend

__all__ = ["NoOpBackend"]


class NoOpBackend(Backend):
    """Ignores every call; sends and writes nothing."""

    name = "no-op"
