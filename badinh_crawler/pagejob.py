"""One page of ``badinh-crawl extract``: read, extracted and printed the same in any process.

The command runs :func:`extract_job` over its pages in this process or in worker processes
(``--jobs``, :mod:`badinh_crawler.batch`); each page's output is built whole where it is extracted
and written by the command in the order of the pages, so the output does not depend on ``--jobs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .extract import ParseError, extract_page
from .records import record_line

__all__ = ["PageJob", "PageOutput", "extract_job"]


@dataclass(frozen=True)
class PageJob:
    """A page to extract: its URL and file (``number``: its manifest line, 0 for a command-line
    path, negative for a manifest line that names no page). ``body``: the bytes when the command
    read them itself (standard input), else the file is read where the page is extracted."""

    url: str
    path: str
    number: int
    body: bytes | None = None
    #: why the command could not read the page itself
    unreadable: str | None = None


@dataclass(frozen=True)
class PageOutput:
    """What the command prints for one page: its JSON Lines (stdout, UTF-8 bytes) and its error and
    warning lines (stderr); ``ok`` is False for a page that failed."""

    out: bytes
    err: str
    ok: bool


def extract_job(job: PageJob, content_type: str | None = None, observed_at: str | None = None, quiet: bool = False) -> PageOutput:
    """Read and extract one page; never raises for a bad page (its error line says what happened)."""
    if job.number < 0:
        return PageOutput(b"", f"error: {job.path}: not a 'URL<TAB>PATH' line\n", False)
    if job.unreadable is not None:
        return PageOutput(b"", f"error: {job.path}: cannot read: {job.unreadable}\n", False)
    body = job.body
    if body is None:
        try:
            body = Path(job.path).read_bytes()
        except OSError as exc:
            return PageOutput(b"", f"error: {job.path}: cannot read: {exc.strerror or exc}\n", False)
    try:
        result = extract_page(body, job.url, content_type=content_type, observed_at=observed_at)
    except ParseError as exc:
        return PageOutput(b"", f"error: {job.path}: not a readable HTML page: {exc}\n", False)
    except Exception as exc:  # one bad page must not stop a batch: name it and go on
        return PageOutput(b"", f"error: {job.path}: extraction failed: {type(exc).__name__}: {exc}\n", False)
    try:
        out = b"".join([record_line(record) + b"\n" for record in result.records()])
    except UnicodeEncodeError as exc:  # a lone surrogate let through by a decoder: no UTF-8 line holds one
        return PageOutput(b"", f"error: {job.path}: a record cannot be written as UTF-8: {exc}\n", False)
    err = [f"warning: {job.path}: {problem}\n" for problem in result.problems]
    if not quiet:
        err.extend(f"warning: {job.path}: layout drift: {warning}\n" for warning in result.warnings)
    return PageOutput(out, "".join(err), True)
