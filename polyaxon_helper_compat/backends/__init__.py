"""Tracking backends: one small interface (:class:`~.base.Backend`), one module per transport.

``http_v0`` (Polyaxon v0 REST), ``local`` (on-disk run store), ``noop``, and ``recording`` (in memory,
for tests). The runtime picks one from the context (:mod:`polyaxon_helper_compat._run`).
"""
from __future__ import annotations

__all__: list[str] = []
