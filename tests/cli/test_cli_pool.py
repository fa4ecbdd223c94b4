"""``_cli_pool.map_in_order``: real worker processes, input order, bounded read-ahead, crashes cost one item."""
from __future__ import annotations

import functools
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from plx_migrate._cli_pool import map_in_order


def work(log: str, item: str) -> str:
    """The task of these tests (runs in a worker): log the run, then obey the item's name.

    ``crash*`` kills its worker with SIGSEGV; ``flaky*`` does so only the first time; ``raise*`` raises;
    ``write*`` stands for a file written (see :func:`wrote`).
    """
    with open(log, "a", encoding="utf-8") as f:
        f.write(item + "\n")
    if item.startswith("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if item.startswith("flaky"):
        marker = f"{log}.{item}.seen"
        if not os.path.exists(marker):
            open(marker, "w").close()
            os.kill(os.getpid(), signal.SIGSEGV)
    if item.startswith("raise"):
        raise LookupError(item)
    return item.upper()


def wrote(result: object) -> bool:
    """``ends_batch``: a ``write*`` item had a lasting effect and must never run twice."""
    return isinstance(result, str) and result.startswith("WRITE")


def run(tmp_path: Path, items: Sequence[object], jobs: int, **options: object) -> tuple[list[object], list[str]]:
    """Run :func:`work` over ``items`` (tuples are ready results); return the results and the run log."""
    log = tmp_path / "log"
    log.touch()
    task: Callable[[str], object] = functools.partial(work, str(log))
    results = list(
        map_in_order(
            task,
            items,
            jobs=jobs,
            on_crash=lambda item: ("crashed", item),
            on_error=lambda item, exc: ("error", item, type(exc).__name__),
            ends_batch=wrote,
            **options,  # type: ignore[arg-type]
        )
    )
    return results, log.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_back_in_input_order_with_ready_items_in_place(tmp_path: Path, jobs: int) -> None:
    items: list[str | tuple[str]] = [("ready-0",), *[f"f{n:02}" for n in range(20)], ("ready-1",), "last"]
    results, log = run(tmp_path, items, jobs)
    assert results == [("ready-0",), *[f"F{n:02}" for n in range(20)], ("ready-1",), "LAST"]
    assert sorted(log) == sorted([f"f{n:02}" for n in range(20)] + ["last"])  # each item ran exactly once
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crashing_item_is_blamed_after_a_second_try_and_nothing_else_is_lost(tmp_path: Path, jobs: int) -> None:
    names = ["a", "write-b", "c", "crash-d", "write-e", "f", *[f"g{n}" for n in range(30)], "crash-h", "write-i"]
    results, log = run(tmp_path, names, jobs)
    assert results == [("crashed", name) if name.startswith("crash") else name.upper() for name in names]
    assert (log.count("crash-d"), log.count("crash-h")) == (2, 2)
    assert all(log.count(name) == 1 for name in names if name.startswith("write"))  # never run twice
    assert all(1 <= log.count(name) <= 2 for name in names)  # others may run again after a crash in their batch


def test_items_that_had_an_effect_end_their_batch(tmp_path: Path) -> None:
    names = [f"f{n:02}" for n in range(40)]
    names[5] = "write-5"
    results, log = run(tmp_path, names, 1)
    assert results == [name.upper() for name in names]
    assert sorted(log) == sorted(names)  # every item ran once: the rest of write-5's batch was sent again


def test_a_crash_that_does_not_happen_again_is_forgiven(tmp_path: Path) -> None:
    results, log = run(tmp_path, ["a", "flaky-b", "c"], 2)
    assert results == ["A", "FLAKY-B", "C"]
    assert log.count("flaky-b") == 2


def test_an_exception_in_the_task_becomes_on_error(tmp_path: Path) -> None:
    results, _ = run(tmp_path, ["a", "raise-b", "c"], 2)
    assert results == ["A", ("error", "raise-b", "LookupError"), "C"]


def test_several_crashes_in_a_row(tmp_path: Path) -> None:
    items: list[str | tuple[str]] = ["crash-1", "crash-2", "a", "crash-3", "b"]
    results, _ = run(tmp_path, items, 2)
    assert results == [("crashed", "crash-1"), ("crashed", "crash-2"), "A", ("crashed", "crash-3"), "B"]
    assert multiprocessing.active_children() == []


def test_items_are_read_lazily_within_the_window(tmp_path: Path) -> None:
    pulled: list[int] = []

    def items() -> Iterator[str]:
        for n in range(40):
            pulled.append(n)
            yield f"f{n}"

    log = tmp_path / "log"
    results = map_in_order(
        functools.partial(work, str(log)), items(), jobs=2, window=5, ends_batch=wrote,
        on_crash=lambda item: item, on_error=lambda item, exc: item,
    )
    for count, _ in enumerate(results, 1):
        assert len(pulled) - count <= 5
    assert len(pulled) == 40


def test_closing_early_stops_the_workers(tmp_path: Path) -> None:
    results = map_in_order(
        functools.partial(work, str(tmp_path / "log")), [f"f{n}" for n in range(50)], jobs=2,
        on_crash=lambda item: item, on_error=lambda item, exc: item,
    )
    assert next(results) == "F0"
    results.close()
    assert multiprocessing.active_children() == []


def test_jobs_must_be_positive() -> None:
    with pytest.raises(ValueError, match="jobs must be at least 1, not 0"):
        next(map_in_order(str.upper, ["a"], jobs=0, on_crash=str, on_error=lambda item, exc: item))
