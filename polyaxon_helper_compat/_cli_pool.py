"""Run ``plx-migrate``'s per-file step in worker processes, hand results back in input order, survive crashes.

:func:`map_in_order` takes a lazy stream of items, each either a path to process with ``func`` in a worker or a
result decided already, and yields one result per item, in the input order, whatever the number of workers: so
the output of ``-j 4`` is the output of ``-j 1``. At most ``window`` results are buffered, so a long file list is
never held in memory (nor the diffs of its files).

Workers are *lanes*: one single-process :class:`~concurrent.futures.ProcessPoolExecutor` each (the ``spawn`` start
method, the same on every platform and safe with threads), given at most two tasks at a time. A worker runs its
tasks one after the other, so when one dies (a segmentation fault in a native extension: libcst's parser overflows
its stack on code nested thousands deep, LibCST issues 1000 and 1178), the task it was running is known exactly:
the lane's oldest unfinished task. That task is tried once more in a fresh worker and, if it crashes again, gets
the ``on_crash`` result; the lane's other task had not started, so it is simply queued again. Tasks of other lanes
are never disturbed (a shared pool would kill every worker when one dies, possibly half-way through a write).

Separate processes rather than threads: the per-file step changes process-wide state (``warnings.catch_warnings``
during the compile check) and most of its time is pure-Python parsing that threads would not run in parallel.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["ExecutorFactory", "map_in_order", "process_executor"]

R = TypeVar("R")

#: Builds the executor of one lane; it must run tasks one at a time, in submission order.
ExecutorFactory = Callable[[], Executor]

#: How many times a task runs before a crash of its worker is blamed on it.
ATTEMPTS = 2
#: Tasks given to one lane at a time: the one running and the next one, so a lane never waits for the parent.
DEPTH = 2


def process_executor() -> Executor:
    """Return a one-worker process pool using the ``spawn`` start method (the default lane executor)."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


@dataclass(eq=False)
class _Slot(Generic[R]):
    """One item of the input: its position, its work (a path) or its result, and how often it was tried."""

    index: int
    work: str | None
    result: R | None = None
    done: bool = False
    attempts: int = 0


@dataclass(eq=False)
class _Lane(Generic[R]):
    """One single-worker executor and its unfinished tasks, oldest first."""

    executor: Executor
    running: deque[tuple[_Slot[R], Future[R]]] = field(default_factory=deque)


class _Scheduler(Generic[R]):
    """The state of one :func:`map_in_order` run (see there)."""

    def __init__(
        self,
        func: Callable[[str], R],
        *,
        jobs: int,
        on_crash: Callable[[str], R],
        on_error: Callable[[str, BaseException], R],
        executor_factory: ExecutorFactory,
    ) -> None:
        self.func, self.jobs = func, jobs
        self.on_crash, self.on_error, self.executor_factory = on_crash, on_error, executor_factory
        self.lanes: list[_Lane[R]] = []
        self.waiting: deque[_Slot[R]] = deque()  # not yet submitted, in input order

    def dispatch(self) -> None:
        """Give waiting tasks to idle lanes, starting new lanes up to ``jobs``, then fill lanes up to DEPTH."""
        while self.waiting:
            lane = next((lane for lane in self.lanes if not lane.running), None)
            if lane is None and len(self.lanes) < self.jobs:
                lane = _Lane(self.executor_factory())
                self.lanes.append(lane)
            if lane is None:
                lane = min(self.lanes, key=lambda lane: len(lane.running))
                if len(lane.running) >= DEPTH:
                    return
            slot = self.waiting.popleft()
            assert slot.work is not None
            slot.attempts += 1
            try:
                future = lane.executor.submit(self.func, slot.work)
            except BrokenProcessPool:  # the worker died since the last collect: its futures will say so
                slot.attempts -= 1
                self.waiting.appendleft(slot)
                self.collect(lane, broken=True)
                continue
            lane.running.append((slot, future))

    def wait_any(self) -> None:
        """Block until some running task finishes, then collect what finished."""
        futures = [future for lane in self.lanes for _, future in lane.running]
        if not futures:
            return
        wait(futures, return_when=FIRST_COMPLETED)
        for lane in list(self.lanes):
            self.collect(lane)

    def collect(self, lane: _Lane[R], *, broken: bool = False) -> None:
        """Take the finished results of ``lane``, oldest first; on a crash, requeue or blame its tasks."""
        while lane.running and lane.running[0][1].done():
            slot, future = lane.running[0]
            error = future.exception()
            if isinstance(error, BrokenProcessPool):
                broken = True
                break
            lane.running.popleft()
            slot.result = self.func_result(slot, future, error)
            slot.done = True
        if broken:
            self.requeue(lane)

    def func_result(self, slot: _Slot[R], future: Future[R], error: BaseException | None) -> R:
        assert slot.work is not None
        return self.on_error(slot.work, error) if error is not None else future.result()

    def requeue(self, lane: _Lane[R]) -> None:
        """Drop the crashed ``lane``: its oldest task is blamed (after ATTEMPTS tries), the others run again."""
        self.lanes.remove(lane)
        lane.executor.shutdown(wait=True, cancel_futures=True)
        again: list[_Slot[R]] = []
        for position, (slot, future) in enumerate(lane.running):
            error = future.exception() if future.done() and not future.cancelled() else BrokenProcessPool()
            assert slot.work is not None
            if error is None or not isinstance(error, BrokenProcessPool):  # finished before the crash
                slot.result, slot.done = self.func_result(slot, future, error), True
            elif position == 0 and slot.attempts >= ATTEMPTS:
                slot.result, slot.done = self.on_crash(slot.work), True
            else:
                if position > 0:
                    slot.attempts -= 1  # it never started: this try does not count
                again.append(slot)
        lane.running.clear()
        self.waiting.extendleft(sorted(again, key=lambda slot: slot.index, reverse=True))

    def close(self) -> None:
        """Shut every lane down (pending tasks cancelled, workers joined)."""
        for lane in self.lanes:
            lane.executor.shutdown(wait=True, cancel_futures=True)
        self.lanes.clear()


def map_in_order(
    func: Callable[[str], R],
    items: Iterable[str | R],
    *,
    jobs: int,
    on_crash: Callable[[str], R],
    on_error: Callable[[str, BaseException], R],
    window: int | None = None,
    executor_factory: ExecutorFactory = process_executor,
) -> Generator[R, None, None]:
    """Yield ``func(item)`` for each path ``item`` (a ``str``), and every other item as it is, in input order.

    ``func`` must be picklable (a module-level function or a :func:`functools.partial` of one) and runs in up to
    ``jobs`` (>= 1) worker processes, each made by ``executor_factory``. When a worker dies while running
    ``func(path)`` twice in a row, ``on_crash(path)`` is yielded for that path; when ``func`` raises (it should
    not), ``on_error(path, exception)`` is. At most ``window`` items (default ``16 * jobs``) are read ahead of the
    one yielded. The workers are shut down when the iterator is exhausted or closed.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    window = window or 16 * jobs
    scheduler = _Scheduler(func, jobs=jobs, on_crash=on_crash, on_error=on_error, executor_factory=executor_factory)
    source = iter(items)
    buffered: deque[_Slot[R]] = deque()
    exhausted = False
    index = 0
    try:
        while True:
            while not exhausted and len(buffered) < window:
                try:
                    item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                if isinstance(item, str):
                    slot: _Slot[R] = _Slot(index, item)
                    scheduler.waiting.append(slot)
                else:
                    slot = _Slot(index, None, item, done=True)
                buffered.append(slot)
                index += 1
            if not buffered:
                return
            scheduler.dispatch()
            while buffered and buffered[0].done:
                head = buffered.popleft()
                yield head.result  # type: ignore[misc]  # set whenever done is
            if buffered and not buffered[0].done:
                scheduler.wait_any()
    finally:
        scheduler.close()
