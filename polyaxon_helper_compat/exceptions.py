"""Errors raised by polyaxon-helper-compat.

Hierarchy::

    PolyaxonCompatError                 base of everything we raise on purpose
    +-- PolyaxonClientException         same name as polyaxon-client's, for `except` clauses in old scripts
    +-- ConfigurationError              an environment variable or option we cannot use
    +-- DeliveryError                   a request the server refused or that could not be sent (never raised
                                        into a training loop: reported and spooled by the backends)

Misuse of the API (a metric value that is not a number) raises the builtin ``TypeError``.
Transport errors from ``requests`` are translated into :class:`DeliveryError` at the backend boundary
(``raise ... from exc``) and never reach user code.
"""
from __future__ import annotations

__all__ = ["ConfigurationError", "DeliveryError", "PolyaxonClientException", "PolyaxonCompatError"]


class PolyaxonCompatError(Exception):
    """Base class of the errors this package raises on purpose."""


class PolyaxonClientException(PolyaxonCompatError):
    """Same name as ``polyaxon_client.exceptions.PolyaxonClientException`` (polyaxon-client 0.5/0.6)."""


class ConfigurationError(PolyaxonCompatError):
    """A configuration value (environment variable or argument) that cannot be used; the message names it."""


class DeliveryError(PolyaxonCompatError):
    """A request could not be delivered: ``status`` is the HTTP status (``None`` for a connection error)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
