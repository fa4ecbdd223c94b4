"""Errors raised by polyaxon-helper-compat.

Hierarchy::

    PolyaxonCompatError                 base of everything we raise on purpose
    +-- PolyaxonClientException         same name as polyaxon-client's, for `except` clauses in old scripts
    |   +-- PolyaxonShouldExitError     the v0 REST client could not reach the server (connection refused, timeout)
    |   +-- PolyaxonHTTPError           the server answered a request of the v0 REST client with an error status
    |       +-- BadRequestError         400
    |       +-- AuthenticationError     401, or logging in failed
    |       +-- AuthorizationError      403
    |       +-- NotFoundError           404
    |       +-- OverLimitError          429
    |       +-- ServerError             500
    |       +-- BadGatewayError         502
    |       +-- ServiceUnavailableError 503
    |       +-- GatewayTimeoutError     504
    |       +-- SSLHandshakeError       525
    +-- ConfigurationError              an environment variable or option we cannot use
    +-- DeliveryError                   a request the server refused or that could not be sent (never raised
                                        into a training loop: reported and spooled by the backends)

The ``PolyaxonClientException`` branch is polyaxon-client 0.6.1's (``exceptions.py``: the same names, classes,
status codes and ``ERRORS_MAPPING``, ``str()`` of an HTTP error ``"404 on <url>."``); the v0 REST client
(``experiment.client``, ``PolyaxonClient``) raises it where 0.6.1 raised (``reraise=True``, a 401 answer, the
``version`` handler). Misuse of the API (a metric value that is not a number) raises the builtin ``TypeError``.
Transport errors from ``requests`` are translated at the boundary (``raise ... from exc``): into
:class:`DeliveryError` in the backends (never reaching user code), into :class:`PolyaxonShouldExitError` in the
REST client.
"""
from __future__ import annotations

from typing import Any

__all__ = ["ERRORS_MAPPING", "AuthenticationError", "AuthorizationError", "BadGatewayError", "BadRequestError",
           "ConfigurationError", "DeliveryError", "GatewayTimeoutError", "NotFoundError", "OverLimitError",
           "PolyaxonClientException", "PolyaxonCompatError", "PolyaxonHTTPError", "PolyaxonShouldExitError",
           "SSLHandshakeError", "ServerError", "ServiceUnavailableError", "describe", "http_error"]


class PolyaxonCompatError(Exception):
    """Base class of the errors this package raises on purpose."""


class PolyaxonClientException(PolyaxonCompatError):
    """Same name as ``polyaxon_client.exceptions.PolyaxonClientException`` (polyaxon-client 0.5/0.6).

    ``message`` is the text given (``str()`` of the exception), as the original.
    """

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message if self.message is not None else ""


class PolyaxonShouldExitError(PolyaxonClientException):
    """The server could not be reached (polyaxon-client 0.6.1's name and message for a connection error or a
    timeout of the REST client); ``endpoint`` (ours) is the URL."""

    def __init__(self, message: str | None = None, endpoint: str | None = None) -> None:
        super().__init__(message)
        self.endpoint = endpoint


class ConfigurationError(PolyaxonCompatError):
    """A configuration value (environment variable or argument) that cannot be used; the message names it."""


class DeliveryError(PolyaxonCompatError):
    """A request could not be delivered: ``status`` is the HTTP status (``None`` for a connection error)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class PolyaxonHTTPError(PolyaxonClientException):
    """The server answered a request with an error status (polyaxon-client 0.6.1's class).

    Attributes as the original's: ``endpoint`` (the URL), ``status_code`` (the class's code for the subclasses
    below, else the answer's), ``response`` (the ``requests.Response``, ``None`` when there is none) and
    ``message`` (``None``, as in 0.6.1, whose constructor overwrote it). ``reason`` (ours) is the server's answer
    or why the request failed. ``str()`` is ``"<status_code> on <endpoint>."``, as the original's.
    """

    STATUS: int | None = None

    def __init__(self, endpoint: str, status_code: int | None = None, reason: str | None = None,
                 response: Any = None) -> None:
        super().__init__(None)
        self.endpoint = endpoint
        self.response = response
        self.status_code = self.STATUS if self.STATUS is not None else status_code
        self.reason = reason

    def __str__(self) -> str:
        return "{} on {}.".format(self.status_code, self.endpoint)


class BadRequestError(PolyaxonHTTPError):
    """HTTP 400 (polyaxon-client 0.6.1)."""

    STATUS = 400


class AuthenticationError(PolyaxonHTTPError):
    """HTTP 401, or a login that failed (polyaxon-client 0.6.1; its ``status_code`` is the answer's, e.g. 403
    from ``auth.get_user``). Raised by the REST client even without ``reraise``, as the original."""


class AuthorizationError(PolyaxonHTTPError):
    """HTTP 403 (polyaxon-client 0.6.1)."""

    STATUS = 403


class NotFoundError(PolyaxonHTTPError):
    """HTTP 404 (polyaxon-client 0.6.1)."""

    STATUS = 404


class OverLimitError(PolyaxonHTTPError):
    """HTTP 429 (polyaxon-client 0.6.1)."""

    STATUS = 429


class ServerError(PolyaxonHTTPError):
    """HTTP 500 (polyaxon-client 0.6.1)."""

    STATUS = 500


class BadGatewayError(PolyaxonHTTPError):
    """HTTP 502 (polyaxon-client 0.6.1)."""

    STATUS = 502


class ServiceUnavailableError(PolyaxonHTTPError):
    """HTTP 503 (polyaxon-client 0.6.1)."""

    STATUS = 503


class GatewayTimeoutError(PolyaxonHTTPError):
    """HTTP 504 (polyaxon-client 0.6.1)."""

    STATUS = 504


class SSLHandshakeError(PolyaxonHTTPError):
    """HTTP 525 (polyaxon-client 0.6.1)."""

    STATUS = 525


#: polyaxon-client 0.6.1 ``ERRORS_MAPPING``: status -> class (``"base"``, ``"http"``: the base classes).
ERRORS_MAPPING: dict[Any, type[PolyaxonClientException]] = {
    "base": PolyaxonClientException, "http": PolyaxonHTTPError,
    400: BadRequestError, 401: AuthenticationError, 403: AuthorizationError, 404: NotFoundError,
    429: OverLimitError, 500: ServerError, 502: BadGatewayError, 503: ServiceUnavailableError,
    504: GatewayTimeoutError, 525: SSLHandshakeError,
}


def http_error(endpoint: str, status_code: int, reason: str | None = None, response: Any = None) -> PolyaxonHTTPError:
    """The error polyaxon-client 0.6.1 raises for an answer with ``status_code`` (``ERRORS_MAPPING``, else
    :class:`PolyaxonHTTPError`)."""
    cls = ERRORS_MAPPING.get(status_code, PolyaxonHTTPError)
    assert issubclass(cls, PolyaxonHTTPError)
    return cls(endpoint, status_code, reason, response)


def describe(exc: BaseException) -> str:
    """One line for a message: ``"HTTP 404 from <url>: <the server's answer>"`` for an HTTP error, ``"no answer
    from <url> (ConnectionError)"`` when the server could not be reached, else ``str(exc)``; whitespace
    collapsed, cut at 300 characters."""
    if isinstance(exc, PolyaxonHTTPError) and exc.status_code is not None:
        text = "HTTP %s from %s: %s" % (exc.status_code, exc.endpoint, exc.reason or "(no message)")
    elif isinstance(exc, PolyaxonShouldExitError) and exc.endpoint:
        cause = exc.__cause__
        text = "no answer from %s (%s)" % (exc.endpoint, type(cause).__name__ if cause else "no answer")
    else:
        text = str(exc)
    return " ".join(text.split())[:300]
