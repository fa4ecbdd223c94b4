"""Metric values as a script logs them: numbers, ``None``, or numpy/tensor scalars converted to numbers.

Shared by the tracking API (``Experiment.log_metrics``, ``send_metrics``) and the v0 client (``create_metric``); a
value that is not a number raises ``TypeError`` naming the metric: a wrong metric is a bug in the script.
"""
from __future__ import annotations

from typing import Any

__all__ = ["validate_metrics"]


def _metric_value(name: str, value: Any) -> int | float | None:
    """Validate one metric value as polyaxon-client 0.5.0 ``create_metric`` does (numbers, ``None``, numpy
    scalars and anything with ``.item()`` such as 0-d tensors); raise ``TypeError`` naming the metric."""
    if value is None or isinstance(value, (int, float)):
        return value
    item = getattr(value, "item", None)
    if callable(item):
        try:
            result = item()
        except Exception as exc:
            raise TypeError("metric %r: cannot convert %s to a number (%s)" % (name, type(value).__name__, exc)) from exc
        if isinstance(result, (int, float)):
            return result
    raise TypeError("metric %r must be a number, got %s: %r" % (name, type(value).__name__, value))


def validate_metrics(metrics: dict[str, Any]) -> dict[str, int | float | None]:
    """Return ``metrics`` with numpy/tensor scalars converted to Python numbers.

    Raises ``TypeError`` naming the first metric whose value is not a number (the original raised
    ``PolyaxonClientException``; a wrong metric is a bug in the script, so it is not swallowed).
    """
    for value in metrics.values():  # fast path: plain Python numbers need no conversion
        if type(value) is not float and type(value) is not int:
            return {name: _metric_value(name, value) for name, value in metrics.items()}
    return metrics
