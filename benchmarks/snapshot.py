"""Full extraction output of every fixture page, to check that a change keeps it byte-identical.

Run: .venv/bin/python benchmarks/snapshot.py OUT.json        (write)
     .venv/bin/python benchmarks/snapshot.py OUT.json --check (compare with a saved one)

Each page is extracted four ways: under its own URL, under a ``file://`` URL, with its class names
scrambled (no era selector matches: the generic path), and with class names and ids scrambled.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import re
import sys
from pathlib import Path

from badinh_crawler.extract import extract_page

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_ATTR = {name: re.compile(rb"(\s" + name + rb"\s*=\s*)(\"[^\"]*\"|'[^']*')", re.I) for name in (b"class", b"id")}


def _scramble_word(word: bytes) -> bytes:
    return b"x" + hashlib.md5(word).hexdigest()[:8].encode()


def scramble(body: bytes, names: tuple[bytes, ...]) -> bytes:
    for name in names:

        def repl(m: re.Match[bytes]) -> bytes:
            quote = m.group(2)[:1]
            words = m.group(2)[1:-1].split()
            return m.group(1) + quote + b" ".join(_scramble_word(w) for w in words) + quote

        body = _ATTR[name].sub(repl, body)
    return body


def snapshot() -> dict[str, object]:
    out: dict[str, object] = {}
    for folder in sorted(p for p in FIXTURES.iterdir() if (p / "page.html").exists()):
        body = (folder / "page.html").read_bytes()
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        url, ct = meta["url"], meta.get("content_type")
        variants = {
            "url": (body, url),
            "file": (body, f"file:///fixtures/{folder.name}/page.html"),
            "scrambled": (scramble(body, (b"class",)), url),
            "scrambled-ids": (scramble(body, (b"class", b"id")), url),
        }
        for name, (data, page_url) in variants.items():
            result = extract_page(data, page_url, content_type=ct, observed_at=meta.get("observed_at"))
            out[f"{folder.name}/{name}"] = dataclasses.asdict(result)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = json.dumps(snapshot(), ensure_ascii=False, indent=1, sort_keys=True)
    if not args.check:
        args.path.write_text(text, encoding="utf-8")
        return 0
    saved = args.path.read_text(encoding="utf-8")
    if saved == text:
        print("identical")
        return 0
    old, new = json.loads(saved), json.loads(text)
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            print("differs:", key)
    return 1


if __name__ == "__main__":
    sys.exit(main())
