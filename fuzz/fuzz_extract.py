"""atheris (libFuzzer) harness for the extractor: ``make fuzz`` (or see the Makefile for the command).

Property: for any bytes, ``extract_page`` raises nothing but ``ParseError`` and every record it returns
validates against the schemas (and ``body_text`` is the body blocks joined). A violation raises, and
libFuzzer writes the input to ``fuzz/findings/`` (``crash-*``; ``timeout-*`` for an input that takes
longer than ``-timeout`` seconds). Turn each finding into a case ``fixtures/hostile/fuzz-<what>/``.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["badinh_crawler"]):
    from badinh_crawler.extract import ParseError, extract_page
    from badinh_crawler.schemas import errors

#: the URL each input is extracted under (chosen by the input's length): both eras and an unknown site
URLS = (
    "https://badinh.hanoi.gov.vn/tin-tuc-su-kien/-/asset_publisher/Ok4xgRzWdTXn/content/trang-thu",
    "https://badinh.hanoi.gov.vn/tin-tuc-su-kien/trang-thu-2809250629133018049.htm",
    "https://example.gov.vn/news/2021/06/trang-thu",
)


class PropertyViolation(AssertionError):
    """The extractor broke its contract on this input."""


def check(data: bytes) -> None:
    url = URLS[len(data) % len(URLS)]
    try:
        result = extract_page(data, url)
    except ParseError:
        return
    for record in result.records():
        problems = errors(dict(record))
        if problems:
            raise PropertyViolation(f"{record['type']} record does not validate: {problems}")
    article = result.article
    if article is not None and article["body_text"] != "\n\n".join(b["text"] for b in article["body"]):
        raise PropertyViolation("body_text is not the body blocks joined")


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
