"""A background worker that drains a queue of operations in batches.

``put`` is a lock-free ``deque.append`` (no syscall, no allocation beyond the item) so that logging a
metric costs the training loop microseconds. A daemon thread, started on the first ``put``, wakes every
``interval`` seconds (or as soon as ``max_batch`` items are waiting) and hands everything queued to
``handler`` in arrival order. ``flush``/``close`` wait for the queue to drain with a deadline. Exceptions
from ``handler`` are logged and never propagate to the caller of ``put``.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import Any, Callable

__all__ = ["BatchWorker"]

logger = logging.getLogger(__name__)


class BatchWorker:
    """Run ``handler(items)`` on a daemon thread for the items given to :meth:`put`.

    Args:
        name: thread name, for debugging.
        handler: called with a non-empty ``list`` of items, in arrival order, on the worker thread.
        interval: seconds between two drains when fewer than ``max_batch`` items wait.
        max_batch: number of waiting items that wakes the worker early.
        tick: called on the worker thread after every wake-up, items or not (e.g. to send heartbeats).
    """

    def __init__(self, name: str, handler: Callable[[list[Any]], None], interval: float = 1.0,
                 max_batch: int = 200, tick: Callable[[], None] | None = None) -> None:
        self._name = name
        self._handler = handler
        self._tick = tick
        self._interval = interval
        self._max_batch = max_batch
        self.reset_after_fork()

    def reset_after_fork(self) -> None:
        """Start afresh: empty queue, no thread. Called at construction and, by the owner, in a child
        process after ``os.fork`` (the parent's queued items stay the parent's to send)."""
        self._items: deque[Any] = deque()
        self._wake = threading.Event()
        self._idle = threading.Condition()
        self._busy = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def put(self, item: Any) -> None:
        """Queue ``item`` for the handler; starts the thread on first use. Never blocks, never raises."""
        self._items.append(item)
        if self._thread is None:
            self._start()
        if len(self._items) >= self._max_batch and not self._wake.is_set():
            self._wake.set()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def _drain(self) -> None:
        while self._items:
            batch = []
            while self._items:
                batch.append(self._items.popleft())
            with self._idle:
                self._busy = True
            try:
                self._handler(batch)
            except Exception:  # a bug in a handler must never kill the worker or the training loop
                logger.exception("polyaxon-helper-compat: worker %s failed to process %d items",
                                 self._name, len(batch))
            finally:
                with self._idle:
                    self._busy = False
                    self._idle.notify_all()

    def _run(self) -> None:
        while True:
            self._wake.wait(self._interval)
            self._wake.clear()
            self._drain()
            with self._idle:
                self._idle.notify_all()
            if self._stopping and not self._items:
                return
            if self._tick is not None:
                try:
                    self._tick()
                except Exception:
                    logger.exception("polyaxon-helper-compat: worker %s tick failed", self._name)

    def pending(self) -> int:
        """Return the number of items queued and not yet handed to the handler."""
        return len(self._items)

    def flush(self, timeout: float) -> bool:
        """Wake the worker and wait up to ``timeout`` seconds until everything queued is handled.

        Returns ``True`` when the queue drained in time, ``False`` otherwise (items stay queued).
        """
        if self._thread is None:
            return not self._items
        deadline = time.monotonic() + timeout
        self._wake.set()
        with self._idle:
            while self._items or self._busy:
                left = deadline - time.monotonic()
                if left <= 0 or not self._thread.is_alive():
                    return False
                self._wake.set()
                self._idle.wait(min(left, 0.05))
        return True

    def close(self, timeout: float) -> list[Any]:
        """Flush within ``timeout`` seconds, stop the thread, and return the items that were not handled."""
        self._stopping = True
        self.flush(timeout)
        self._wake.set()
        if self._thread is not None:
            self._thread.join(max(0.0, min(timeout, 0.5)))
        left = []
        while True:  # popleft is atomic: an item is either handled by the thread or returned here, never both
            try:
                left.append(self._items.popleft())
            except IndexError:
                return left
