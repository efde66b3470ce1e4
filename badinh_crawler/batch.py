"""A batch's work in worker processes, its results in input order (``extract --jobs N``).

>>> for item, result in ordered_map(work, items, jobs=4):  # doctest: +SKIP
...     write(result)

With ``jobs`` 1 every item is worked on in this process, one after the other: no pool, no pickling.
With more, items go to ``jobs`` worker processes in chunks, a bounded number of chunks ahead of the
one being yielded (so a batch of a million pages holds a few dozen in memory), and the results come
back in the order of the items, whatever order the workers finish in: the output of a batch is the
same with any ``jobs``. ``work`` must be a module-level function (it is pickled by name), and, as
with any use of :mod:`multiprocessing` that starts fresh interpreters, a script calling this with
``jobs`` over 1 keeps its top-level code under ``if __name__ == "__main__":`` (the workers import
the script; without the guard they cannot start, which stops the batch with :class:`WorkerDied`).

A worker that dies without answering (killed, out of memory, crashed in C) stops the batch with
:class:`WorkerDied`, naming the first item not done; every result before it was yielded whole.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import TypeVar

__all__ = ["WorkerDied", "ordered_map", "worker_count"]

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: items sent to a worker at a time (a task's round trip costs a fraction of a millisecond)
CHUNK = 4
#: chunks in flight per worker, ahead of the one whose results are yielded next
AHEAD = 4


class WorkerDied(RuntimeError):
    """A worker process ended without answering; ``first`` is the first item whose result was not
    yielded, ``pending`` the count of items sent to workers and not yielded (``first`` included)."""

    def __init__(self, first: object, pending: int) -> None:
        super().__init__("an extraction worker process died without answering (killed, out of memory, crashed or not started)")
        self.first = first
        self.pending = pending


def worker_count(requested: int) -> int:
    """``--jobs`` as a number of processes: ``requested``, or one per usable CPU core for 0."""
    if requested > 0:
        return requested
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext:
    # a fresh interpreter per worker (safe whatever threads this process runs), forked from a
    # clean server process where the platform has one
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _run_chunk(work: Callable[[T], R], chunk: list[T]) -> list[tuple[bool, R | BaseException]]:
    """Each item's result, or the exception its work raised (raised again at its turn)."""
    results: list[tuple[bool, R | BaseException]] = []
    for item in chunk:
        try:
            results.append((True, work(item)))
        except Exception as exc:
            results.append((False, exc))
    return results


def ordered_map(work: Callable[[T], R], items: Iterable[T], jobs: int, *, chunk: int = CHUNK) -> Iterator[tuple[T, R]]:
    """``(item, work(item))`` for each item, in the order of ``items``, worked on by ``jobs`` processes.

    Raises :class:`WorkerDied` when a worker process dies; an exception raised by ``work`` itself
    comes out of this iterator unchanged, at its item's turn (``work`` should catch what it can)."""
    if jobs <= 1:
        for item in items:
            yield item, work(item)
        return
    source = iter(items)
    window: deque[tuple[list[T], Future[list[tuple[bool, R | BaseException]]]]] = deque()
    try:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context())
    except (OSError, ImportError, NotImplementedError) as exc:
        # no process semaphores here (a container without /dev/shm...): the same work, in this process
        logger.warning("worker processes are not available here (%s): working in this process", exc)
        for item in source:
            yield item, work(item)
        return
    finished = False
    try:

        def submit() -> bool:
            batch = list(islice(source, chunk))
            if not batch:
                return False
            window.append((batch, pool.submit(_run_chunk, work, batch)))
            return True

        more = True
        while more and len(window) < jobs * AHEAD:
            more = submit()
        while window:
            batch, future = window.popleft()
            try:
                results = future.result()
            except BrokenProcessPool:
                raise WorkerDied(batch[0], len(batch) + sum(len(b) for b, _ in window)) from None
            if more:
                more = submit()
            for item, (ok, value) in zip(batch, results, strict=True):
                if not ok:
                    raise value  # type: ignore[misc]
                yield item, value  # type: ignore[misc]
        finished = True
    finally:
        # a normal end waits for nothing; an early one (error, consumer gone) drops what is queued
        pool.shutdown(wait=finished, cancel_futures=not finished)
