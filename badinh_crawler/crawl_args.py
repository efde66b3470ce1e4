"""The options of ``badinh-crawl crawl`` and ``badinh-crawl demo``.

Apart from :mod:`badinh_crawler.crawl` so that the command line can describe them without importing
Scrapy: the commands that do not crawl (``extract``, ``export``, ``--help``, ``--version``) start in a
fraction of the time."""

from __future__ import annotations

import argparse
from pathlib import Path

from .urls import DEFAULT_START_URL

__all__ = ["SITE_STATS_MODES", "add_crawl_arguments"]

#: the choices of ``--site-stats`` (``BADINH_SITE_STATS``)
SITE_STATS_MODES = ("once", "every-page")


def add_crawl_arguments(parser: argparse.ArgumentParser, *, demo: bool = False) -> None:
    if not demo:
        parser.add_argument("start_urls", nargs="*", metavar="START_URL", help=f"where to start (default: {DEFAULT_START_URL})")
    default_out = Path("demo-output" if demo else "output")
    parser.add_argument("--out", type=Path, default=default_out, help="output directory (default: %(default)s)")
    if demo:
        return
    parser.add_argument(
        "--source", choices=("live", "wayback"), help="the live site (default) or the Wayback Machine's captures of it"
    )
    parser.add_argument("--from", dest="wayback_from", metavar="YYYY[MMDD]", help="wayback: captures from this date")
    parser.add_argument("--to", dest="wayback_to", metavar="YYYY[MMDD]", help="wayback: captures up to this date")
    parser.add_argument("--wayback-url", metavar="URL", help="wayback: the archive (default https://web.archive.org)")
    parser.add_argument("--all-captures", action="store_true", help="wayback: every capture of a page, not only the newest")
    parser.add_argument("--max-pages", type=int, metavar="N", help="stop after N responses")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="do not write articles published before this date")
    parser.add_argument("--full", action="store_true", help="fetch every page again, known articles included")
    parser.add_argument("--resume", action="store_true", help="continue the interrupted run of --out")
    parser.add_argument("--state", type=Path, metavar="PATH", help="state database (default: OUT/state.sqlite)")
    parser.add_argument("--delay", type=float, metavar="SECONDS", help="delay between requests to one host (default: 5)")
    parser.add_argument("--concurrency", type=int, metavar="N", help="requests at a time per host (default: 1)")
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="extract pages in N worker processes (0: one per usable core; default 1: in the crawl's process)",
    )
    parser.add_argument("--recheck-days", type=int, metavar="N", help="recheck known articles of the last N days (0: never)")
    parser.add_argument("--site-stats", choices=SITE_STATS_MODES, help="site_stats records: once per run (default) or every page")
    parser.add_argument("--warc-out", type=Path, metavar="DIR", help="also write every request/response as WARC 1.1 there")
    parser.add_argument("--log-file", type=Path, metavar="PATH", help="write the log there instead of standard error")
    parser.add_argument("--quiet", action="store_true", help="warnings and errors only, no progress display")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="any Scrapy or BADINH_* setting")
