"""Work functions for the worker-process tests: module level, so worker processes import them by name."""

from __future__ import annotations

import os
import signal

from badinh_crawler.pagejob import PageJob, PageOutput, extract_job


def square(n: int) -> tuple[int, int]:
    """The item squared, with the worker's process id."""
    return n * n, os.getpid()


def fail_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven")
    return n


def die_on_seven(n: int) -> int:
    """A worker that dies without answering (as one killed by the kernel would)."""
    if n == 7:
        os._exit(9)
    return n


def dying_job(job: PageJob, **options: object) -> PageOutput:
    """:func:`extract_job`, except that the worker dies on a page named "die.html"."""
    if job.path.endswith("die.html"):
        os._exit(9)
    return extract_job(job, **options)  # type: ignore[arg-type]


def dying_entry(entry: object, run_id: str | None) -> None:
    """A worker that dies on the first archived page it is given."""
    os._exit(9)


def terminating_job(job: PageJob, **options: object) -> PageOutput:
    """:func:`extract_job`, except that a page named "stop.html" has this process sent SIGTERM (a
    scheduler stopping the command)."""
    if job.path.endswith("stop.html"):
        os.kill(os.getpid(), signal.SIGTERM)
    return extract_job(job, **options)  # type: ignore[arg-type]
