"""A hostile web server on 127.0.0.1 for crawl tests: errors, resets, silence, drips, loops, bombs.

Every path is linked from the home page. Good article pages are plain Liferay-like pages, so the
run has data to lose."""

from __future__ import annotations

import socket
import struct
import threading
import time
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GOOD = [f"/tin-tuc/-/asset_publisher/Hx1/content/bai-viet-tot-{n}" for n in range(1, 4)]
#: pages that fail at first and succeed later: their articles must be in the output too
RECOVERING = {
    "/tin-tuc/-/asset_publisher/Hx1/content/ban-qua-tai-429": 1,
    "/tin-tuc/-/asset_publisher/Hx1/content/loi-503-lien-tiep": 2,
}
HOSTILE = [
    "/khong-con/404",
    "/khong-con/410",
    "/ngat-ket-noi",
    "/im-lang",
    "/nho-giot",
    "/vong-lap/0",
    "/sang-host-khac",
    "/sang-file",
    "/bom-gzip",
    "/qua-lon",
    "/noi-bo/mat",
]
SIZE_CAP = 16 * 1024 * 1024


def article_page(path: str, paragraphs_count: int = 4) -> bytes:
    slug = path.rsplit("/", 1)[-1]
    title = f"Bài viết {slug.replace('-', ' ')}"
    paragraphs = "".join(
        f"<p>Đoạn {n} của bài {slug}: UBND quận Ba Đình triển khai kế hoạch năm 2021 tại các phường trên địa bàn quận.</p>"
        for n in range(1, paragraphs_count + 1)
    )
    html = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="portlet-boundary"><div class="taglib-header"><h1 class="header-title"><span>{title}</span></h1></div>
<div class="asset-metadata"><span class="metadata-publish-date">Ngày đăng 04/06/2021 | 10:25 AM</span></div>
<div class="asset-full-content"><div class="journal-content-article">{paragraphs}<p>Tiến Thành - Hanoimoi</p></div></div></div>
</body></html>"""
    return html.encode("utf-8")


def home_page(hostile: bool = True) -> bytes:
    links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in [*GOOD, *RECOVERING, *(HOSTILE if hostile else [])])
    return f"<!DOCTYPE html><html><head><title>Cổng</title></head><body><ul>{links}</ul></body></html>".encode()


def _gzip_bomb(decompressed: int) -> bytes:
    """A gzip member of ``decompressed`` zero bytes (about 1000:1)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1024 * 1024)
    parts = [b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"]
    crc = 0
    for _ in range(decompressed // len(chunk)):
        parts.append(comp.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    parts.append(comp.flush())
    parts.append(struct.pack("<II", crc & 0xFFFFFFFF, decompressed & 0xFFFFFFFF))
    return b"".join(parts)


class HostileServer:
    """``with HostileServer() as s: s.url``; ``s.hits`` counts requests per path."""

    def __init__(self, *, robots_delay: float = 0.0, big_articles: bool = False, hostile: bool = True) -> None:
        self.hostile = hostile
        self.paragraphs = 4000 if big_articles else 4
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.robots_delay = robots_delay
        self.bomb = _gzip_bomb(64 * 1024 * 1024)
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                with server.lock:
                    server.hits[self.path] += 1
                    hit = server.hits[self.path]
                server.answer(self, self.path, hit)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # resets and abandoned drips are the point here

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> HostileServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- the answers --------------------------------------------------------------------------
    def answer(self, h: BaseHTTPRequestHandler, path: str, hit: int) -> None:
        if path == "/robots.txt":
            if self.robots_delay:
                self.stopping.wait(self.robots_delay)
            self.send(h, 200, b"User-agent: *\nDisallow: /noi-bo/\n", "text/plain")
        elif path == "/":
            self.send(h, 200, home_page(self.hostile))
        elif path in GOOD:
            self.send(h, 200, article_page(path, self.paragraphs))
        elif path in RECOVERING:
            if hit <= RECOVERING[path]:
                status = 429 if "429" in path else 503
                self.send(h, status, b"<html><body>Busy</body></html>", headers={"Retry-After": "1"})
            else:
                self.send(h, 200, article_page(path, self.paragraphs))
        elif path.startswith("/khong-con/"):
            self.send(h, int(path.rsplit("/", 1)[-1]), b"<html><body>Gone</body></html>")
        elif path == "/ngat-ket-noi":
            self.reset(h)
        elif path == "/im-lang":
            self.stopping.wait(30)
        elif path == "/nho-giot":
            self.drip(h)
        elif path.startswith("/vong-lap/"):
            n = int(path.rsplit("/", 1)[-1])
            self.send(h, 302, b"", headers={"Location": f"/vong-lap/{n + 1}"})
        elif path == "/sang-host-khac":
            self.send(h, 302, b"", headers={"Location": "http://elsewhere.invalid/tin-tuc"})
        elif path == "/sang-file":
            self.send(h, 302, b"", headers={"Location": "file:///etc/passwd"})
        elif path == "/bom-gzip":
            self.send(h, 200, self.bomb, headers={"Content-Encoding": "gzip"})
        elif path == "/qua-lon":
            self.send(h, 200, b"<html><body>" + b"a" * (SIZE_CAP + 1024) + b"</body></html>")
        else:
            self.send(h, 404, b"<html><body>Not found</body></html>")

    def send(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                h.send_header(name, value)
            h.end_headers()
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def reset(self, h: BaseHTTPRequestHandler) -> None:
        """Headers and half the body, then a TCP reset."""
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", "20000")
        h.end_headers()
        h.wfile.write(b"<html><body>" + b"x" * 5000)
        h.wfile.flush()
        h.close_connection = True
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.wfile.close()
        h.rfile.close()
        h.connection.close()

    def drip(self, h: BaseHTTPRequestHandler) -> None:
        """A byte every 0.2 s, for as long as the client listens."""
        try:
            h.send_response(200)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            while not self.stopping.is_set():
                h.wfile.write(b"x")
                h.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
