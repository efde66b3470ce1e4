"""Serve a :class:`~badinh_crawler.mirror.site.Mirror` over HTTP on 127.0.0.1, threaded and quiet."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from .model import Response
from .site import HTML, Mirror
from .traps import ERROR_500

_JSESSIONID = re.compile(r";jsessionid=[^/?#]*", re.I)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:  # a client hanging up is not news
        pass


class MirrorServer:
    """The mirror on ``http://127.0.0.1:PORT`` (``port=0``: a free port), in a background thread.

    It fills the pages' host placeholders with its own URL, answers 500 to the first request for
    ``mirror.flaky_path`` (and 200 after, per server instance), and records every request in
    :attr:`requests` as ``(method, path?query, status)``."""

    def __init__(self, mirror: Mirror, port: int = 0) -> None:
        self.mirror = mirror
        self.requests: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        self._failed: set[str] = set()
        self._thread: threading.Thread | None = None
        self._httpd = _QuietServer(("127.0.0.1", port), self._handler())
        self.port: int = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def respond(self, method: str, target: str, body: bytes = b"") -> Response:
        """What the server sends for one request (also recorded in :attr:`requests`)."""
        response = self.mirror.render(method, target, body)
        path = _JSESSIONID.sub("", target.split("?", 1)[0])
        if response.status == 200 and path == self.mirror.flaky_path:
            with self._lock:
                first = path not in self._failed
                self._failed.add(path)
            if first:
                response = Response(500, {"Content-Type": HTML}, ERROR_500.encode("utf-8"))
        response = response.with_base(self.url)
        with self._lock:
            self.requests.append((method, target, response.status))
        return response

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "Apache-Coyote/1.1"
            sys_version = ""

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length > 0 else b""
                response = server.respond(self.command, self.path, body)
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def start(self) -> MirrorServer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
