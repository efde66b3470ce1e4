"""A corpus of realistic portal pages of both eras, 40-150 KB each, for the extraction benchmark.

Run: .venv/bin/python benchmarks/corpus.py [--pages N] [--seed S]   (prints where the corpus is)

Pages are the mirror's article pages (Liferay era and ".htm" era, half each, interviews included)
under the portal's own host, grown to a size drawn uniformly from 40-150 KB the way real pages are
big: longer bodies (paragraphs of other articles of the mirror), bigger menus (a second level of
menu entries) and more related items (the "Tin khác" / "Tin liên quan" rows of other articles).
The fixture pages already in that size range are added as they are. Deterministic from the seed;
cached in ``benchmarks/.corpus/`` (git-ignored), rebuilt when the parameters change.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from random import Random

from badinh_crawler.mirror import PORTAL, Mirror
from badinh_crawler.mirror.chrome import e

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".corpus"
FIXTURES = HERE.parent / "fixtures"
VERSION = 1
MIN_KB, MAX_KB = 40, 150

MENU_WORDS = (
    "Giới thiệu chung",
    "Cơ cấu tổ chức",
    "Lãnh đạo phường",
    "Văn bản chỉ đạo",
    "Thủ tục hành chính",
    "Quy hoạch - Kế hoạch",
    "Lịch công tác",
    "Hỏi đáp trực tuyến",
    "Thông tin tuyên truyền",
    "Chuyển đổi số",
    "Cải cách hành chính",
    "Văn hóa - Xã hội",
    "Kinh tế - Đô thị",
    "An ninh - Quốc phòng",
    "Giáo dục - Đào tạo",
    "Y tế - Dân số",
    "Tiếp công dân",
    "Công khai ngân sách",
)
_LIFERAY_RELATED = re.compile(r"\t\t<div class=\"item[^\"]*\">\n.*?\n\t\t</div>\n", re.S)
_HTM_RELATED = re.compile(r" {28}<div class=\"news-item\" data-id=\"\d+\">\n.*?\n {28}</div>\n", re.S)
_BYLINE = '<p style="text-align: right;">'


@dataclass(frozen=True)
class CorpusPage:
    name: str
    url: str
    content_type: str | None
    era: str
    body: bytes


def _paragraphs(m: Mirror, rng: Random, count: int) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        j = rng.randrange(len(m.articles))
        out.extend(f'<p style="text-align: justify;">{e(b.text)}</p>' for b in m.body(j).blocks if b.kind == "paragraph")
    return out[:count]


def _menu(era: str, rng: Random, count: int) -> str:
    rows = []
    for n in range(count):
        label = f"{MENU_WORDS[rng.randrange(len(MENU_WORDS))]} {n + 1}"
        slug = f"/gioi-thieu/muc-{n + 1}-{rng.randrange(1000, 9999)}"
        if era == "liferay":
            link = f'<a href="{PORTAL}{slug}" role="menuitem"><span>  {label}</span></a>'
            rows.append(f'\t\t\t\t\t<li class="" role="presentation">{link}</li>\n')
        else:
            link = f'<a class="nav-link" href="{slug}" title="{label}">{label}</a>'
            rows.append(f'                    <li class="nav-item">{link}</li>\n')
    return "".join(rows)


def _insert_after(page: str, marker: str, extra: str) -> str:
    at = page.find(marker)
    if at < 0 or not extra:
        return page
    at += len(marker)
    return page[:at] + extra + page[at:]


def _insert_before_last(page: str, marker: str, extra: str) -> str:
    at = page.rfind(marker)
    if at < 0 or not extra:
        return page
    return page[:at] + extra + page[at:]


def _grow(m: Mirror, i: int, rng: Random, target: int, related_pool: list[str]) -> str:
    era = m.articles[i].era
    page = m.render("GET", m.articles[i].path).with_base(PORTAL).body.decode("utf-8")
    missing = target - len(page.encode("utf-8"))
    # about 15% of the growth in menus, 25% in related items (at most 24 more), the rest in the body
    menu_rows = max(0, int(missing * 0.15) // 150)
    if era == "liferay":
        menu_marker = "<span>  Trang chủ</span></a></li>\n"
        related_marker = '<div class="tin-khac-list">\n'
    else:
        menu_marker = '<i class="icon-home"></i></a></li>\n'
        related_marker = '<div class="list-news-related">\n'
    page = _insert_after(page, menu_marker, _menu(era, rng, menu_rows))
    if related_marker in page:
        size = sum(len(r) for r in related_pool) // max(1, len(related_pool))
        rows = min(24, max(0, int(missing * 0.25) // max(1, size)))
        page = _insert_after(page, related_marker, "".join(rng.choice(related_pool) for _ in range(rows)))
    # the body takes the rest, a paragraph at a time, until the page reaches its size
    paragraphs: list[str] = []
    grown = len(page.encode("utf-8"))
    while grown < target:
        for p in _paragraphs(m, rng, 8):
            paragraphs.append(p + "\n")
            grown += len(p.encode("utf-8")) + 1
            if grown >= target:
                break
    return _insert_before_last(page, _BYLINE, "".join(paragraphs))


def _related_pool(m: Mirror, era: str, indices: list[int]) -> list[str]:
    pattern = _LIFERAY_RELATED if era == "liferay" else _HTM_RELATED
    pool: list[str] = []
    for i in indices[:200]:
        page = m.render("GET", m.articles[i].path).with_base(PORTAL).body.decode("utf-8")
        pool.extend(pattern.findall(page))
    return pool


def build(pages: int, seed: int) -> list[CorpusPage]:
    rng = Random(seed)
    fixtures = []
    for folder in sorted(p for p in FIXTURES.iterdir() if (p / "page.html").exists()):
        body = (folder / "page.html").read_bytes()
        if MIN_KB * 1024 <= len(body) <= MAX_KB * 1024:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            era = "htm" if folder.name.startswith("htm") else "liferay" if "liferay" in folder.name else "other"
            fixtures.append(CorpusPage(f"fixture-{folder.name}", meta["url"], meta.get("content_type"), era, body))
    m = Mirror(seed=seed, articles=max(200, pages * 2))
    generated = pages - len(fixtures)
    by_era = {era: [i for i, a in enumerate(m.articles) if a.era == era] for era in ("liferay", "htm")}
    out: list[CorpusPage] = []
    for era, indices in by_era.items():
        pool = _related_pool(m, era, indices)
        want = generated // 2 if era == "liferay" else generated - generated // 2
        for i in sorted(rng.sample(indices, min(want, len(indices)))):
            target = rng.randint(MIN_KB * 1024, MAX_KB * 1024)
            html = _grow(m, i, rng, target, pool)
            ctype = "text/html;charset=UTF-8" if era == "liferay" else "text/html; charset=utf-8"
            out.append(CorpusPage(f"{era}-{i:06d}", PORTAL + m.articles[i].path, ctype, era, html.encode("utf-8")))
    return out + fixtures


def load(pages: int = 1000, seed: int = 7) -> list[CorpusPage]:
    """The corpus, from the cache when it was built with the same parameters."""
    index_path = CACHE / "index.json"
    params = {"version": VERSION, "pages": pages, "seed": seed}
    if index_path.exists():
        index = json.loads(index_path.read_text(encoding="utf-8"))
        if index.get("params") == params:
            return [
                CorpusPage(row["name"], row["url"], row["content_type"], row["era"], (CACHE / f"{row['name']}.html").read_bytes())
                for row in index["pages"]
            ]
    corpus = build(pages, seed)
    if CACHE.exists():
        shutil.rmtree(CACHE)
    CACHE.mkdir(parents=True)
    for page in corpus:
        (CACHE / f"{page.name}.html").write_bytes(page.body)
    rows = [{"name": p.name, "url": p.url, "content_type": p.content_type, "era": p.era, "bytes": len(p.body)} for p in corpus]
    index_path.write_text(json.dumps({"params": params, "pages": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    return corpus


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    corpus = load(args.pages, args.seed)
    sizes = sorted(len(p.body) for p in corpus)
    eras: dict[str, int] = {}
    for p in corpus:
        eras[p.era] = eras.get(p.era, 0) + 1
    kb = (sizes[0] / 1024, sizes[len(sizes) // 2] / 1024, sizes[-1] / 1024)
    print(f"{len(corpus)} pages in {CACHE}: {eras}; KB min {kb[0]:.1f}, median {kb[1]:.1f}, max {kb[2]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
