"""``python -m badinh_crawler.mirror [--seed N] [--articles N] [--port P]``: serve the mirror in the
foreground on 127.0.0.1 and print its URL; Ctrl-C stops."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from .server import MirrorServer
from .site import Mirror


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m badinh_crawler.mirror", description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seed", type=int, default=0, help="site seed (slugs, titles, counts, portlet ids)")
    parser.add_argument("--articles", type=int, default=36, help="number of articles (default 36)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default 0: a free port)")
    args = parser.parse_args(argv)
    try:
        mirror = Mirror(seed=args.seed, articles=args.articles)
    except ValueError as exc:
        parser.error(str(exc))
    # Ctrl-C (and a plain kill) stop the server, even when started in the background
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    server = MirrorServer(mirror, port=args.port)
    server.start()
    print(server.url, flush=True)
    print(f"{len(mirror.articles)} articles, {mirror.distinct_pages} distinct pages; Ctrl-C stops", file=sys.stderr, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
