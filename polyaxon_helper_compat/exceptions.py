"""Errors raised by polyaxon-helper-compat.

Hierarchy::

    PolyaxonCompatError                 base of everything we raise on purpose
    +-- PolyaxonClientException         same name as polyaxon-client's, for `except` clauses in old scripts
    |   +-- PolyaxonHTTPError           a request of the explicit REST client (``client.PolyaxonClient``) failed
    |       +-- AuthenticationError     the server refused the token (401/403), or logging in failed
    +-- ConfigurationError              an environment variable or option we cannot use
    +-- DeliveryError                   a request the server refused or that could not be sent (never raised
                                        into a training loop: reported and spooled by the backends)

Misuse of the API (a metric value that is not a number) raises the builtin ``TypeError``.
Transport errors from ``requests`` are translated into :class:`DeliveryError` at the backend boundary
(``raise ... from exc``) and never reach user code. The explicit REST client (``experiment.client``,
``PolyaxonClient``) translates them into :class:`PolyaxonHTTPError`, raised only where polyaxon-client 0.6.1
raised (``auth.get_user``, or ``reraise=True``).
"""
from __future__ import annotations

__all__ = ["AuthenticationError", "ConfigurationError", "DeliveryError", "PolyaxonClientException",
           "PolyaxonCompatError", "PolyaxonHTTPError"]


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


class PolyaxonHTTPError(PolyaxonClientException):
    """A REST request failed (same name as polyaxon-client 0.6.1's).

    ``endpoint`` is the URL, ``status_code`` the HTTP status (``None`` for a connection error or a timeout),
    ``message`` the server's answer or the reason.
    """

    def __init__(self, endpoint: str, status_code: int | None, message: str) -> None:
        super().__init__("%s (%s): %s" % (endpoint, status_code if status_code is not None else "no answer",
                                          message))
        self.endpoint = endpoint
        self.status_code = status_code
        self.message = message


class AuthenticationError(PolyaxonHTTPError):
    """The server refused the credentials (HTTP 401/403) or a login failed (same name as polyaxon-client's)."""
