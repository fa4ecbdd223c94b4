"""Run ``plx-migrate``'s per-file step in worker processes, hand results back in input order, survive crashes.

:func:`map_in_order` takes a lazy stream of items, each either a path to process with ``func`` in a worker or a
result decided already, and yields one result per item, in the input order, whatever the number of workers: so
the output of ``-j 4`` is the output of ``-j 1``. At most ``window`` results are buffered, so a long file list is
never held in memory (nor the diffs of its files).

Workers are *lanes*: one single-process :class:`~concurrent.futures.ProcessPoolExecutor` each (forked from a fork
server where it can be used safely, else spawned: never forked from the parent, which has threads), given at most
two tasks at a time, the one running and the next. A task is a *batch* of consecutive paths (most files are only
read and found not to mention polyaxon: one task per file would cost more in inter-process traffic than the work
itself). A batch stops
early, right after an item for which ``ends_batch(result)`` is true (a file that was rewritten): its other items
go back to the queue untouched. So when a worker dies (a segmentation fault in a native extension: libcst's
parser overflows its stack on code nested thousands deep, LibCST issues 1000 and 1178), the results lost with it
are those of items that changed nothing, which can safely run again:

* the items of the batch it was running are tried again, one per task; an item whose worker dies while it runs
  alone, after it already was in a crash, gets the ``on_crash`` result (so the culprit runs at most twice);
* the lane's next task had not started: it is simply queued again;
* tasks of other lanes are never disturbed (a shared pool would kill every worker when one dies, possibly
  half-way through a write).

Every result is therefore what one undisturbed run of ``func`` on that path gives, whatever the batches and
timing were. Separate processes rather than threads: the per-file step changes process-wide state
(``warnings.catch_warnings`` during the compile check) and most of its time is pure-Python parsing that threads
would not run in parallel.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import pickle
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Generic, TypeVar, Union

__all__ = ["ExecutorFactory", "map_in_order", "process_executor", "stop_fork_server"]

R = TypeVar("R")

#: Builds the executor of one lane; it must run tasks one at a time, in submission order.
ExecutorFactory = Callable[[], Executor]

#: How many crashes of its worker an item may be part of before it is blamed (the last one while running alone).
ATTEMPTS = 2
#: Tasks given to one lane at a time: the one running and the next one, so a lane never waits for the parent.
DEPTH = 2
#: The most paths in one task.
BATCH = 16


def process_executor(preload: Sequence[str] = ()) -> Executor:
    """Return a one-worker process pool (the default lane executor).

    Where it can (Python >= 3.11 on Linux or macOS), the worker is forked from a *fork server*: one process started
    for the whole run, which imports the modules named in ``preload`` once, so that each worker starts with them
    already imported (importing libcst's codemod package costs about half a second) and no worker is ever forked
    from the parent, whose threads a fork would copy in an unknown state. Otherwise, and when the fork server
    cannot start (its socket path is too long under a long ``TMPDIR``), the ``spawn`` start method.
    """
    context = _fork_server(preload)
    if context is None:
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return ProcessPoolExecutor(max_workers=1, mp_context=context)


def _fork_server(preload: Sequence[str]) -> multiprocessing.context.ForkServerContext | None:
    """The running fork server's context (started here, with ``preload``), or ``None`` where it is not usable.

    The server is started with ``python -c``, which puts the current directory first on its ``sys.path``: a
    ``random.py``, a ``queue.py`` or a ``plx_migrate/`` package in the folder being migrated would be imported
    instead of the real ones. ``PYTHONSAFEPATH`` (Python 3.11+) keeps it out, hence no fork server on older versions.
    """
    if sys.version_info < (3, 11) or "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    if preload:
        context.set_forkserver_preload(list(preload))
    saved = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    except OSError:  # e.g. "AF_UNIX path too long"
        return None
    finally:
        if saved is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = saved
    return context


def stop_fork_server() -> None:
    """Stop the fork server :func:`process_executor` started, if any, and wait for it to exit.

    Without this it exits on its own once this process has exited, unseen: waited for here, its resource usage,
    which includes its workers' (CPU time, peak memory), counts as this process's children's, as ``time`` and
    ``os.wait4`` report it. Uses the standard library's private ``ForkServer._stop`` (Python 3.8 to 3.13); does
    nothing where it is missing or the server already stopped.
    """
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        try:
            stop()
        except OSError:  # already gone
            pass


@dataclass(frozen=True)
class _Raised:
    """``func`` raised ``error`` for an item (sent back from the worker in place of its result)."""

    error: BaseException


def _run_batch(
    func: Callable[[str], R], ends_batch: Callable[[R], bool], works: Sequence[str]
) -> list[Union[R, _Raised]]:
    """Run ``func`` on ``works`` in order, in a worker; stop after the first result ``ends_batch`` accepts."""
    results: list[R | _Raised] = []
    for work in works:
        try:
            result = func(work)
        except Exception as exc:  # noqa: BLE001 - reported through on_error, in the parent
            try:
                pickle.dumps(exc)
            except Exception:  # noqa: BLE001 - an exception that cannot travel is described instead
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            results.append(_Raised(exc))
            continue
        results.append(result)
        if ends_batch(result):
            break
    return results


def _never(result: object) -> bool:
    return False


@dataclass(eq=False)
class _Slot(Generic[R]):
    """One item of the input: its position, its work (a path) or its result, and the crashes it was part of."""

    index: int
    work: str | None
    result: R | None = None
    done: bool = False
    crashes: int = 0


@dataclass(eq=False)
class _Lane(Generic[R]):
    """One single-worker executor and its unfinished tasks (each a batch of slots), oldest first."""

    executor: Executor
    running: deque[tuple[list[_Slot[R]], Future[list[R | _Raised]]]] = field(default_factory=deque)


class _Scheduler(Generic[R]):
    """The state of one :func:`map_in_order` run (see there)."""

    def __init__(
        self,
        func: Callable[[str], R],
        *,
        jobs: int,
        ends_batch: Callable[[R], bool],
        on_crash: Callable[[str], R],
        on_error: Callable[[str, BaseException], R],
        executor_factory: ExecutorFactory,
    ) -> None:
        self.func, self.jobs, self.ends_batch = func, jobs, ends_batch
        self.on_crash, self.on_error, self.executor_factory = on_crash, on_error, executor_factory
        self.lanes: list[_Lane[R]] = []
        self.waiting: deque[_Slot[R]] = deque()  # not yet submitted, in input order

    def _batch(self) -> list[_Slot[R]]:
        """Take the next task's slots from ``waiting``: one after a crash, else a share of what waits."""
        if self.waiting[0].crashes:
            return [self.waiting.popleft()]
        size = max(1, min(BATCH, len(self.waiting) // (self.jobs * DEPTH)))
        batch: list[_Slot[R]] = []
        while self.waiting and len(batch) < size and not self.waiting[0].crashes:
            batch.append(self.waiting.popleft())
        return batch

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
            batch = self._batch()
            works = [slot.work for slot in batch if slot.work is not None]
            try:
                future = lane.executor.submit(_run_batch, self.func, self.ends_batch, works)
            except BrokenProcessPool:  # the worker died since the last collect: its futures will say so
                self.waiting.extendleft(reversed(batch))
                self.collect(lane, broken=True)
                continue
            lane.running.append((batch, future))

    def wait_any(self) -> None:
        """Block until some running task finishes, then collect what finished."""
        futures = [future for lane in self.lanes for _, future in lane.running]
        if not futures:
            return
        wait(futures, return_when=FIRST_COMPLETED)
        for lane in list(self.lanes):
            self.collect(lane)

    def collect(self, lane: _Lane[R], *, broken: bool = False) -> None:
        """Take the finished tasks of ``lane``, oldest first; on a crash, requeue or blame its slots."""
        while not broken and lane.running and lane.running[0][1].done():
            batch, future = lane.running[0]
            error = future.exception()
            if isinstance(error, BrokenProcessPool):
                broken = True
                break
            lane.running.popleft()
            self._finish(batch, future, error)
        if broken:
            self._requeue(lane)

    def _finish(
        self, batch: list[_Slot[R]], future: Future[list[R | _Raised]], error: BaseException | None
    ) -> None:
        """Store the results of a finished task; slots it did not reach go back to the queue, untouched."""
        results: list[R | _Raised] = [_Raised(error)] * len(batch) if error is not None else future.result()
        for slot, result in zip(batch, results):
            assert slot.work is not None
            slot.result = self.on_error(slot.work, result.error) if isinstance(result, _Raised) else result
            slot.done = True
        self._put_back(batch[len(results):])

    def _put_back(self, slots: Iterable[_Slot[R]]) -> None:
        """Return ``slots`` to the front of the queue, keeping the queue in input order."""
        self.waiting.extendleft(sorted(slots, key=lambda slot: slot.index, reverse=True))

    def _requeue(self, lane: _Lane[R]) -> None:
        """Drop the crashed ``lane``: its running task's slots are suspects, its next task never started."""
        self.lanes.remove(lane)
        lane.executor.shutdown(wait=True, cancel_futures=True)  # afterwards every future of the lane is done
        again: list[_Slot[R]] = []
        for position, (batch, future) in enumerate(lane.running):
            error = future.exception() if future.done() and not future.cancelled() else BrokenProcessPool()
            if not isinstance(error, BrokenProcessPool):  # finished before the crash
                self._finish(batch, future, error)
                continue
            for slot in batch:
                if position == 0:  # the task that was running when the worker died
                    slot.crashes += 1
                    if len(batch) == 1 and slot.crashes >= ATTEMPTS:
                        assert slot.work is not None
                        slot.result, slot.done = self.on_crash(slot.work), True
                        continue
                again.append(slot)
        lane.running.clear()
        self._put_back(again)

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
    ends_batch: Callable[[R], bool] = _never,
    window: int | None = None,
    executor_factory: ExecutorFactory = process_executor,
) -> Generator[R, None, None]:
    """Yield ``func(item)`` for each path ``item`` (a ``str``), and every other item as it is, in input order.

    ``func`` and ``ends_batch`` must be picklable (module-level functions or :func:`functools.partial` of them);
    ``func`` runs in up to ``jobs`` (>= 1) worker processes, each made by ``executor_factory``. ``ends_batch(result)``
    must be true for every result whose computation had a lasting effect (a file written): such an item is never
    run twice. When a worker dies while running ``func(path)`` (twice: see the module docstring),
    ``on_crash(path)`` is yielded for that path; when ``func`` raises, ``on_error(path, exception)`` is. At most
    ``window`` items (default ``64 * jobs``) are read ahead of the one yielded. The workers are shut down when
    the generator is exhausted or closed. Raises ``ValueError`` when ``jobs`` is less than 1.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    window = window or 64 * jobs
    scheduler = _Scheduler(
        func, jobs=jobs, ends_batch=ends_batch, on_crash=on_crash, on_error=on_error, executor_factory=executor_factory
    )
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
