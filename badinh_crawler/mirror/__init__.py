"""A bundled, realistic mirror of the Ba Đình district portal, served on 127.0.0.1 for the demo and
the crawl tests.

>>> from badinh_crawler.mirror import Mirror, MirrorServer
>>> with MirrorServer(Mirror(seed=0)) as server:  # doctest: +SKIP
...     print(server.url)  # http://127.0.0.1:PORT
"""

from __future__ import annotations

from .model import BASE, BASE_Q, PORTAL, MirrorArticle, Response
from .server import MirrorServer
from .site import Mirror

__all__ = ["BASE", "BASE_Q", "PORTAL", "Mirror", "MirrorArticle", "MirrorServer", "Response"]
