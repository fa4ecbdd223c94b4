"""An in-memory backend that records every call, for tests (in the spirit of httpx's ``MockTransport``)."""
from __future__ import annotations

from typing import Any

from polyaxon_helper_compat.backends.base import Backend

__all__ = ["RecordingBackend"]


class RecordingBackend(Backend):
    """Appends ``(operation, payload)`` tuples to :attr:`calls`; ``outputs_path`` is given at construction."""

    name = "recording"

    def __init__(self, outputs: str | None = None) -> None:
        self.calls: list[tuple[str, Any]] = []
        self._outputs = outputs

    def update(self, patch: dict[str, Any]) -> None:
        self.calls.append(("update", patch))

    def log_metrics(self, values: dict[str, Any], created_at: float) -> None:
        self.calls.append(("metrics", values))

    def log_status(self, status: str, message: str | None = None, traceback: str | None = None) -> None:
        self.calls.append(("status", (status, message)))

    def log_artifact(self, path: str) -> None:
        self.calls.append(("artifact", path))

    def log_code_ref(self, code_ref: dict[str, Any] | None) -> None:
        self.calls.append(("code_ref", code_ref))

    def outputs_path(self) -> str | None:
        return self._outputs

    def close(self, timeout: float = 10.0) -> None:
        self.calls.append(("close", None))
