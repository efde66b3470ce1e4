"""Command line: ``badinh-crawl extract ...`` (also ``python -m badinh_crawler``)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TextIO

from . import __version__
from .batch import WorkerDied, ordered_map, worker_count
from .crawl_args import add_crawl_arguments
from .pagejob import PageJob, extract_job
from .records import record_line

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
#: ``extract`` stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it)
EXIT_INTERRUPTED = 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="badinh-crawl",
        description="Crawler and structured-content extractor for the Ba Đình district portal (Hanoi).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ex = sub.add_parser(
        "extract",
        help="print the records of saved pages as JSON Lines",
        description="Print every record (article, qa, related, site_stats) of each saved page as JSON Lines on stdout.",
    )
    ex.add_argument("paths", nargs="*", metavar="PATH", help="saved page files; '-' reads standard input")
    ex.add_argument("--url", help="the page's URL (default: the file's file:// URL); only with one PATH")
    ex.add_argument("--content-type", help="the HTTP Content-Type header the page was served with (its charset is used)")
    ex.add_argument("--observed-at", help="when the page was fetched (ISO 8601), stamped on site_stats records")
    ex.add_argument(
        "--manifest",
        type=Path,
        help="a file of 'URL<TAB>PATH' lines (relative paths are relative to the manifest); all pages in one process",
    )
    ex.add_argument("--quiet", action="store_true", help="do not print layout-drift warnings on stderr")
    ex.add_argument(
        "--jobs",
        type=_jobs_count,
        default=1,
        metavar="N",
        help="extract in N worker processes (0: one per CPU core); the output is the same, in the same order (default 1)",
    )
    ex.add_argument(
        "--warc",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a WARC (.warc, .warc.gz) or WACZ file: every HTML response in it (repeatable)",
    )

    cr = sub.add_parser(
        "crawl",
        help="crawl the portal into per-type JSON Lines files (incremental, resumable)",
        description="Crawl the portal's news pages into OUT/articles.jsonl, qa.jsonl, related.jsonl, site_stats.jsonl "
        "(and views.jsonl, rejects.jsonl, run.json). Exit status: 0 success, 1 run failed, 2 usage error, "
        "3 layout drift, 4 output directory locked by another run.",
    )
    add_crawl_arguments(cr)
    exp = sub.add_parser(
        "export",
        help="package a run's output directory",
        description="Package a run's output directory (JSON Lines, run.json, WARCs, the JSON Schemas) as a BagIt bag "
        "with sha256 manifests; the bag is validated before the command returns.",
    )
    exp.add_argument("--bagit", type=Path, required=True, metavar="DEST", help="the bag to create (new or empty directory)")
    exp.add_argument("outdir", type=Path, metavar="OUTDIR", help="the crawl's output directory")
    exp.add_argument("--source-organization", help="bag-info Source-Organization")
    exp.add_argument("--contact-email", help="bag-info Contact-Email")
    demo = sub.add_parser(
        "demo",
        help="crawl the bundled mirror of the portal, served on 127.0.0.1",
        description="Serve the bundled mirror of the portal on 127.0.0.1 and crawl it with the real spider and pipelines.",
    )
    add_crawl_arguments(demo, demo=True)
    return parser


def _jobs_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"not a number of processes: {text!r} (0 or more)")
    return value


def _jobs(args: argparse.Namespace) -> Iterator[tuple[str, str, int]]:
    """(url, path, line number) of every page to extract; line 0 for command-line paths."""
    for path in args.paths:
        if args.url:
            url = args.url
        elif path == "-":
            url = "file:///dev/stdin"
        else:
            url = Path(path).resolve().as_uri()
        yield url, path, 0
    if args.manifest is not None:
        base = args.manifest.parent
        with args.manifest.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                line = line.rstrip("\r\n")
                if not line.strip() or line.startswith("#"):
                    continue
                url, sep, path = line.partition("\t")
                if not sep or not url.strip() or not path.strip():
                    yield "", f"{args.manifest}:{number}", -number
                    continue
                full = Path(path.strip())
                yield url.strip(), str(full if full.is_absolute() else base / full), number


def _job(url: str, path: str, number: int, stdin: TextIO) -> PageJob:
    """The page to extract; standard input is read here, the files where they are extracted."""
    if path != "-" or number != 0:
        return PageJob(url, path, number)
    try:
        body = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode("utf-8")
    except OSError as exc:
        return PageJob(url, path, number, unreadable=str(exc.strerror or exc))
    return PageJob(url, path, number, body)


def _extract(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    if args.url and len(args.paths) != 1:
        err.write("badinh-crawl extract: --url goes with exactly one PATH\n")
        return EXIT_USAGE
    if not args.paths and args.manifest is None and not args.warc:
        err.write("badinh-crawl extract: give PATH..., --manifest FILE or --warc FILE\n")
        return EXIT_USAGE
    failed = pages = 0
    try:
        listed = list(_jobs(args))
    except OSError as exc:
        err.write(f"error: {args.manifest}: cannot read the manifest: {exc.strerror or exc}\n")
        return EXIT_FAILED
    jobs = [_job(url, path, number, stdin) for url, path, number in listed]
    workers = worker_count(args.jobs)
    work = partial(extract_job, content_type=args.content_type, observed_at=args.observed_at, quiet=args.quiet)
    where = "pages"
    write = _byte_writer(out)
    try:
        with _terminate_as_interrupt():
            try:
                for _item, page in ordered_map(work, jobs, min(workers, len(jobs))):
                    write(page.out)
                    err.write(page.err)
                    if page.ok:
                        pages += 1
                    else:
                        failed += 1
            except WorkerDied as exc:
                first = exc.first if isinstance(exc.first, PageJob) else None
                left = len(jobs) - pages - failed
                err.write(
                    f"error: {first.path if first else '?'}: {exc}, extracting this page or one of the "
                    f"{exc.pending - 1} after it; {left} pages not extracted (--jobs 1 names the page)\n"
                )
                failed += left
            for archive in args.warc:
                where = f"archive {archive}"
                done, problems = _extract_archive(archive, args.quiet, write, err, workers)
                pages += done
                failed += problems
    except KeyboardInterrupt:
        out.flush()
        done_text = f"{pages + failed} of {len(jobs)} pages" if where == "pages" else f"{where}, {pages + failed} pages before it"
        err.write(f"badinh-crawl extract: interrupted while extracting {done_text}; the records printed are whole\n")
        return EXIT_INTERRUPTED
    out.flush()
    if failed:
        what = "pages or archive parts had problems" if args.warc else "pages failed"
        err.write(f"badinh-crawl extract: {failed} of {failed + pages} {what}\n")
        return EXIT_FAILED
    return EXIT_OK


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a scheduler's stop) ends the command as Ctrl-C does: cleanly, saying where it stopped."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield  # (signal handlers belong to the main thread)
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _byte_writer(out: TextIO) -> Callable[[bytes], object]:
    """Writes UTF-8 JSON Lines to ``out``: to its binary buffer when it has one (standard output,
    set to UTF-8 by :func:`main`), after what was written to it as text before (the command writes
    its records only through this)."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        return lambda data: out.write(data.decode("utf-8"))
    out.flush()
    write: Callable[[bytes], object] = buffer.write
    return write


def _extract_archive(path: Path, quiet: bool, write: Callable[[bytes], object], err: TextIO, jobs: int = 1) -> tuple[int, int]:
    """(pages extracted, problems) of one WARC/WACZ; every readable record is extracted."""
    from .archive.errors import ArchiveError, ArchiveProblem
    from .archive.warc_in import extract_warc

    pages = problems = 0
    try:
        for entry in extract_warc(path, jobs=jobs):
            if isinstance(entry, ArchiveProblem):
                if entry.kind == "unparsable" and entry.message.endswith("empty document"):
                    if not quiet:  # a 200 with no body (an API's "no more items"): not a page
                        err.write(f"warning: {entry}\n")
                    continue
                err.write(f"error: {entry}\n")
                problems += 1
                continue
            pages += 1
            write(b"".join([record_line(record) + b"\n" for record in entry.records]))
            if not quiet:
                for warning in entry.warnings:
                    err.write(f"warning: {entry.page.url}: layout drift: {warning}\n")
    except (ArchiveError, OSError) as exc:
        err.write(f"error: {path}: {exc}\n")
        problems += 1
    return pages, problems


def _export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .archive.bagit_export import export_bagit, validate_bag

    info = {"Source-Organization": args.source_organization, "Contact-Email": args.contact_email}
    try:
        bag = export_bagit(args.bagit, args.outdir, info={k: v for k, v in info.items() if v})
    except (OSError, ValueError) as exc:
        err.write(f"badinh-crawl export: {exc}\n")
        return EXIT_FAILED
    problems = validate_bag(bag)
    if problems:
        for problem in problems:
            err.write(f"error: {bag}: {problem}\n")
        return EXIT_FAILED
    out.write(f"bag {bag} written and valid\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failed, 2 usage error, 3 layout drift, 4 locked,
    130 extract interrupted)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    for stream in (out, err):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8")
            except (ValueError, OSError):
                pass
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.command == "extract":
        return _extract(args, out, err, sys.stdin)
    if args.command in ("crawl", "demo"):
        # (Scrapy is imported by the commands that crawl, and only by them)
        from .crawl import run_crawl, run_demo

        return (run_crawl if args.command == "crawl" else run_demo)(args, out, err)
    if args.command == "export":
        return _export(args, out, err)
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands
