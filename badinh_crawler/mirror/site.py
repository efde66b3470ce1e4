"""The mirror: a deterministic, lazily rendered copy of the portal's shape, and its URL routing."""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import replace
from datetime import date
from random import Random
from urllib.parse import parse_qsl, urlsplit

from . import content, htm, liferay, traps
from .content import INTERVIEW_LEADS, INTERVIEWEES, PREDICATES, SUBJECTS, TOPICS, Body
from .model import BASE, GROUP_ID, Item, Listing, MirrorArticle, Response, local_time

LIFERAY_SECTIONS = (
    ("tin-tuc-su-kien", "Tin tức - Sự kiện", False),
    ("chi-dao-dieu-hanh", "Chỉ đạo điều hành", False),
    ("tin-trong-quan", "Tin trong quận", True),  # a Liferay 7 page: long portlet ids in its URLs
)
HTM_ZONES = (("tin-tuc", "Tin tức"), ("thong-bao", "Thông báo"))
#: date.toordinal() of 1970-01-01: article times are local minutes since then
EPOCH_ORDINAL = 719163
LIFERAY_DAYS = (date(2019, 3, 1).toordinal() - EPOCH_ORDINAL, date(2022, 6, 30).toordinal() - EPOCH_ORDINAL)
HTM_DAYS = (date(2025, 1, 6).toordinal() - EPOCH_ORDINAL, date(2025, 11, 20).toordinal() - EPOCH_ORDINAL)
MIGRATED_DAYS = (date(2021, 11, 1).toordinal() - EPOCH_ORDINAL, date(2021, 12, 20).toordinal() - EPOCH_ORDINAL)
#: Liferay's default page size of an asset publisher
LIFERAY_DELTA = 5
MIN_ARTICLES = 30
#: "HH:MM" of every minute of the day
CLOCK = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)]
LIFERAY7_PORTLET = "com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet"

_JSESSIONID = re.compile(r";jsessionid=[^/?#]*", re.I)
_GROUP_SUFFIX = re.compile(r"^(/[^/]+/-/asset_publisher/[^/]+/content/[^/]+)/\d+$")
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

HTML = "text/html; charset=utf-8"
LIFERAY_HTML = "text/html;charset=UTF-8"
ROBOTS = """User-agent: *
Disallow: /noi-bo/
Disallow: /c/
Disallow: /group/
"""


def _qualifier(n: int, year: int, month: int) -> tuple[str, str, str]:
    """(text, liferay slug, htm slug) of headline ending ``n`` (0 to 4)."""
    if n == 1:
        return f" năm {year}", f"-nam-{year}", f"-nam-{year}"
    if n == 2:
        return " trên địa bàn", "-tren-ia-ban", "-tren-dia-ban"
    if n == 3:
        return f" tháng {month}/{year}", f"-thang-{month}-{year}", f"-thang-{month}-{year}"
    if n == 4:
        return " tại các khu dân cư", "-tai-cac-khu-dan-cu", "-tai-cac-khu-dan-cu"
    return "", "", ""


class Mirror:
    """A bundled, realistic mirror of badinh.hanoi.gov.vn: two Liferay-era sections with 6.2-style
    pagination and one with Liferay 7 pagination, two ``.htm`` zones with the NewsZone API, and the
    errors and traps of the real site. Everything derives from ``seed``; pages are rendered on
    request, so building a mirror of 50,000 articles takes a fraction of a second."""

    def __init__(self, seed: int = 0, articles: int = 36) -> None:
        if articles < MIN_ARTICLES:
            raise ValueError(f"a mirror needs at least {MIN_ARTICLES} articles")
        self.seed = seed
        self._day = 0
        self._bodies: dict[tuple[int, int], Body] = {}
        rng = Random(seed)
        self.listings: list[Listing] = []
        for key, name, l7 in LIFERAY_SECTIONS:
            inst = "".join(rng.choice(_ALNUM) for _ in range(12))
            pid = (
                f"com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_{inst}" if l7 else f"101_INSTANCE_{inst}"
            )
            self.listings.append(Listing(key, name, "liferay", pid, inst, LIFERAY_DELTA))
        zone_size = rng.choice((4, 5))
        for key, name in HTM_ZONES:
            self.listings.append(Listing(key, name, "htm", "", "", zone_size))

        self.articles: list[MirrorArticle] = []
        self.items: list[Item] = []
        self._by_path: dict[str, int] = {}
        self._build(rng, self._split(rng, articles))

        by_key = {listing.key: listing for listing in self.listings}
        news = by_key["tin-tuc-su-kien"].items
        self.flaky_path = self.articles[news[2]].path
        self.old_url_target = by_key["tin-trong-quan"].items[0]
        target = self.articles[self.old_url_target]
        slug = target.path.rsplit("/", 1)[1]
        missing = content.liferay_slug("Thông báo lịch tiếp công dân tháng 12/2021 (đã gỡ)")
        self.specials = {
            "old_url": f"/web/guest/tin-trong-quan/-/asset_publisher/{by_key['tin-trong-quan'].instance}/content/{slug}",
            "external_redirect": "/lien-ket/bao-kinh-te-do-thi",
            "missing": f"/tin-tuc-su-kien/-/asset_publisher/{by_key['tin-tuc-su-kien'].instance}/content/{missing}",
        }
        number = 100 + seed % 800
        self.pdf_info = (
            f"Ke+hoach+so+{number}-KH-UBND.pdf",
            self.uuid(-1, number),
            f"Kế hoạch số {number}/KH-UBND của UBND quận Ba Đình",
        )
        self.pdf_path = f"/documents/{GROUP_ID}/0/{self.pdf_info[0]}/{self.pdf_info[1]}"
        self._redirects = {
            self.specials["old_url"]: (301, BASE + target.path),
            self.specials["external_redirect"]: (302, "https://kinhtedothi.invalid/ba-dinh"),
        }

    # --- building ---------------------------------------------------------------------------------

    def _split(self, rng: Random, total: int) -> list[int]:
        zone_size = self.listings[3].page_size
        n_htm = max(zone_size + 4, round(total * rng.uniform(0.3, 0.4)))
        notices = max(2, round(n_htm * rng.uniform(0.15, 0.25)))
        n_liferay = total - n_htm
        weights = [rng.uniform(1.0, 2.0) for _ in LIFERAY_SECTIONS]
        spare = n_liferay - 6 * len(weights)
        sizes = [6 + int(spare * w / sum(weights)) for w in weights]
        sizes[0] += n_liferay - sum(sizes)
        return [*sizes, n_htm - notices, notices]

    def _build(self, rng: Random, sizes: list[int]) -> None:
        # rng.random() rather than randrange(): about ten times faster, for mirrors of 50,000 articles
        rand = rng.random
        seen: set[str] = set()
        suffixes: dict[str, int] = {}
        days: dict[int, date] = {}
        articles, items, by_path = self.articles, self.items, self._by_path
        for li, (listing, count) in enumerate(zip(self.listings, sizes, strict=True)):
            key = listing.key
            liferay_era = listing.era == "liferay"
            era, instance, members = listing.era, listing.instance, listing.items
            lo, hi = LIFERAY_DAYS if listing.era == "liferay" else HTM_DAYS
            span = hi - lo
            minutes = sorted(((lo + int(rand() * span)) * 1440 + 420 + 5 * int(rand() * 132) for _ in range(count)), reverse=True)
            # ranks that must be interviews / plain news (the flaky, view_content, PDF, redirect and migrated ones)
            forced = {"tin-tuc-su-kien": {1}, "tin-trong-quan": {2}, "tin-tuc": {1}}.get(key, set())
            plain = {"tin-tuc-su-kien": {2, 3}, "chi-dao-dieu-hanh": {0, 1}, "tin-trong-quan": {0}, "tin-tuc": {count - 1}}
            plain_ranks = plain.get(key, set())
            for rank in range(count):
                mins = minutes[rank]
                migrated = key == "tin-tuc" and rank == count - 1
                if migrated:
                    mins = rng.randrange(*MIGRATED_DAYS) * 1440 + 420 + 5 * rng.randrange(132)
                interview = rank in forced or (rank not in plain_ranks and key != "thong-bao" and rand() < 0.15)
                day, minute = divmod(mins, 1440)
                d = days.get(day)
                if d is None:
                    d = days[day] = date.fromordinal(day + EPOCH_ORDINAL)
                if interview:
                    a, b = int(rand() * len(INTERVIEWEES)), int(rand() * len(TOPICS))
                    lead = INTERVIEW_LEADS[int(rand() * len(INTERVIEW_LEADS))]
                    who, topic = INTERVIEWEES[a], TOPICS[b]
                    title = f"{lead.text} {who.text} về {topic.text}"
                    if liferay_era:
                        slug = f"{lead.liferay}-{who.liferay}-ve-{topic.liferay}"
                    else:
                        slug = f"{lead.htm}-{who.htm}-ve-{topic.htm}"
                else:
                    a, b = int(rand() * len(SUBJECTS)), int(rand() * len(PREDICATES))
                    q_text, q_lr, q_htm = _qualifier(int(rand() * 5), d.year, d.month)
                    subject, predicate = SUBJECTS[a], PREDICATES[b]
                    title = f"{subject.text} {predicate.text}{q_text}"
                    if liferay_era:
                        slug = f"{subject.liferay}-{predicate.liferay}{q_lr}"
                    else:
                        slug = f"{subject.htm}-{predicate.htm}{q_htm}"
                if slug in seen:  # the portal appends -1, -2, ... to a repeated urlTitle
                    n = suffixes.get(slug, 1)
                    while f"{slug}-{n}" in seen:
                        n += 1
                    suffixes[slug] = n + 1
                    slug = f"{slug}-{n}"
                seen.add(slug)
                view_content = (rank == 3 and key == "tin-tuc-su-kien") or (rank == 1 and key == "chi-dao-dieu-hanh")
                clock = CLOCK[minute]
                if liferay_era:
                    ident = str(1_070_000 + int(rand() * 3_830_000))
                    if view_content:
                        path = f"/{key}/-/view_content/{ident}-{slug}.html"
                    else:
                        path = f"/{key}/-/asset_publisher/{instance}/content/{slug}"
                elif migrated:
                    ident = str(30000 + int(rand() * 9999))
                    path = f"/{key}/{slug}-{ident}.htm"
                else:
                    stamp = f"{d.year % 100:02d}{d.month:02d}{d.day:02d}{clock[:2]}{clock[3:]}"
                    ident = f"{htm.SITE_ID}{stamp}{int(rand() * 60):02d}{int(rand() * 1000):03d}"
                    path = f"/{key}/{slug}-{ident}.htm"
                published = f"{d.isoformat()}T{clock}:00+07:00"
                index = len(articles)
                articles.append(MirrorArticle(path, title, era, published, 2 + int(rand() * 4) if interview else 0))
                pdf = rank == 0 and key == "chi-dao-dieu-hanh"
                items.append(Item(li, rank, interview, a, b, mins, ident, slug, view_content, pdf, migrated))
                members.append(index)
                by_path[path] = index

    # --- state ------------------------------------------------------------------------------------

    def edit_article(self, path: str) -> None:
        """Change that article's body text (a dated update paragraph) and bump its revision."""
        i = self._by_path[_JSESSIONID.sub("", path.split("?", 1)[0])]
        self.articles[i] = replace(self.articles[i], revision=self.articles[i].revision + 1)

    def bump_views(self) -> None:
        """A later day: every view counter and the visitor totals go up."""
        self._day += 1

    def views(self, i: int) -> int:
        """The article's view counter: a per-article base plus a per-article daily rise."""
        h = zlib.crc32(f"{self.seed}:{i}".encode())
        return 20 + h % 2980 + self._day * (1 + h // 2980 % 39)

    def site_stats(self) -> tuple[int, int]:
        """(online now, total visits) as the visitor widget shows them."""
        return 97 + self.seed % 200 + 3 * self._day, 1_022_477 + (self.seed * 1013) % 500_000 + 1873 * self._day

    def body(self, i: int) -> Body:
        a = self.articles[i]
        key = (i, a.revision)
        cached = self._bodies.get(key)
        if cached is not None:
            return cached
        item = self.items[i]
        rng = Random(self.seed * 1_000_003 + i)
        if item.interview:
            body = content.interview_body(
                rng, INTERVIEWEES[item.a].text, TOPICS[item.b].text, pairs=a.qa_pairs, revision=a.revision
            )
        else:
            t = local_time(item.minutes)
            subject, predicate = SUBJECTS[item.a].text, PREDICATES[item.b].text
            body = content.news_body(rng, subject, predicate, day=(t.day, t.month), images=i % 3, revision=a.revision)
        if len(self._bodies) > 4096:
            self._bodies.clear()
        self._bodies[key] = body
        return body

    def related(self, i: int) -> list[int]:
        """Liferay "Tin khác": the next four older articles of the section (wrapping round);
        ``.htm`` "Tin liên quan": up to three newer articles of the zone, so that articles beyond the
        zone page stay reachable only through the NewsZone API."""
        item = self.items[i]
        items = self.listings[item.listing].items
        if self.listings[item.listing].era == "htm":
            return [items[r] for r in range(item.rank - 1, max(-1, item.rank - 4), -1)]
        picks = [items[(item.rank + k) % len(items)] for k in range(1, 5)]
        return [j for j in dict.fromkeys(picks) if j != i]

    def link_path(self, i: int) -> str:
        """The path pages link an article by (its canonical path)."""
        return self.articles[i].path

    def session_id(self, i: int) -> str:
        return hashlib.md5(f"{self.seed}:{i}".encode()).hexdigest().upper()

    def uuid(self, i: int, ref: int) -> str:
        h = hashlib.md5(f"{self.seed}:{i}:{ref}".encode()).hexdigest()
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"

    @property
    def distinct_pages(self) -> int:
        """Requests a perfect crawler needs for the whole mirror, each URL fetched once:
        robots.txt, the home page, every Liferay listing page from the plain section URL (page 1) up
        to its real last page, every ``.htm`` zone page plus its NewsZone API replies up to and
        including the first empty one (the documented end signal), every article, the PDF
        attachment, and the linked 404 page, 301 old URL and 302 external redirect. Not counted: the
        one extra request the article that fails once with 500 costs (a perfect crawl makes
        ``distinct_pages + 1`` requests), duplicate URLs (``_cur=1``, ``_delta=``, language, print,
        pop-up, action, search, login) and the robots.txt-disallowed ``/noi-bo/`` family."""
        total = 2 + 1 + 3  # robots.txt, home, PDF, 404, 301, 302
        for listing in self.listings:
            if listing.era == "liferay":
                total += listing.pages()
            else:
                total += 1 + listing.pages()
        return total + len(self.articles)

    # --- routing ----------------------------------------------------------------------------------

    def render(self, method: str, target: str, body: bytes = b"") -> Response:
        """The response to ``method target`` (``target`` is path?query as in the request line).
        Pure: the same mirror state always gives the same bytes, apart from the header clock."""
        method = method.upper()
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
        raw_path, _, query = target.partition("?")
        path = _JSESSIONID.sub("", raw_path) or "/"
        params = dict(parse_qsl(query, keep_blank_values=True))
        if path == "/api/NewsZone/NewsZone":
            return self._api(body) if method == "POST" else Response(405, {"Allow": "POST", "Content-Type": HTML}, b"")
        if method not in ("GET", "HEAD"):
            return Response(405, {"Allow": "GET, HEAD", "Content-Type": HTML}, b"")
        return self._get(path, params, target)

    def _get(self, path: str, params: dict[str, str], target: str) -> Response:
        if path == "/robots.txt":
            return Response(200, {"Content-Type": "text/plain; charset=utf-8"}, ROBOTS.encode())
        first = path.strip("/").split("/", 1)[0]
        if first in ("en", "vi"):
            return _page(traps.language_page(self, path))
        if first == "noi-bo":
            return _page(traps.internal_page(self, path))
        if path == "/dang-nhap":
            return _page(traps.login_page(self, target))
        if path == "/tim-kiem":
            return _page(traps.search_page(self, params.get("_3_keywords", ""), _int(params.get("_3_cur"), 1)))
        if path == self.pdf_path:
            return Response(200, {"Content-Type": "application/pdf"}, self._pdf())
        if path in self._redirects:
            status, location = self._redirects[path]
            return Response(status, {"Location": location, "Content-Type": HTML}, b"")
        if path in ("/", "/trang-chu", "/web/guest", "/web/guest/trang-chu"):
            return self._trap(path, params, None) or _page(liferay.home(self))
        for listing in self.listings:
            if listing.era == "liferay" and path in (f"/{listing.key}", f"/{listing.key}/"):
                trap = self._trap(path, params, None)
                if trap is not None:
                    return trap
                p = listing.portlet
                delta = _int(params.get(f"_{p}_delta"), 0)
                page = _int(params.get(f"_{p}_cur"), 1)
                html = liferay.listing_page(self, listing, page, delta if 0 < delta <= 200 else None, target=target)
                return _page(html)
            if listing.era == "htm" and path == f"/{listing.key}.htm":
                return _page(htm.zone_page(self, listing), HTML)
        i = self._by_path.get(path)
        if i is None:
            m = _GROUP_SUFFIX.match(path)
            i = self._by_path.get(m.group(1)) if m else None
        if i is None:
            return Response(404, {"Content-Type": LIFERAY_HTML}, traps.not_found(self, path).encode())
        if self.articles[i].era == "htm":
            return _page(htm.article_page(self, i), HTML)
        return self._trap(path, params, i) or _page(liferay.article_page(self, i))

    def _trap(self, path: str, params: dict[str, str], article: int | None) -> Response | None:
        if params.get("p_p_lifecycle") == "1":
            return _page(traps.action_page(self, path))
        if article is not None and any(k.endswith("viewMode") and v == "print" for k, v in params.items()):
            return _page(liferay.print_page(self, article))
        state = params.get("p_p_state")
        if state in ("pop_up", "exclusive"):
            return _page(traps.popup_page(self, path, state))
        words = next((v for k, v in params.items() if k.endswith("_keywords")), None)
        if words is not None:
            return _page(traps.search_page(self, words, _int(params.get("_3_cur"), 1)))
        return None

    def _api(self, body: bytes) -> Response:
        """POST /api/NewsZone/NewsZone: the next teasers of a zone as an HTML fragment, empty past the end."""
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        zone = next((z for z in self.listings if z.era == "htm" and z.key == form.get("Catname")), None)
        if zone is None or form.get("Site", htm.SITE_ID) != htm.SITE_ID:
            return Response(200, {"Content-Type": HTML}, b"")
        size = min(max(_int(form.get("PageSize"), zone.page_size), 1), 50)
        index = max(_int(form.get("PageIndex"), 0), 0)
        rows = zone.items[index * size : (index + 1) * size]
        return Response(200, {"Content-Type": HTML}, htm.news_items(self, rows).encode() if rows else b"")

    def _pdf(self) -> bytes:
        name, _, title = self.pdf_info
        return content.minimal_pdf(
            title,
            ["UY BAN NHAN DAN QUAN BA DINH", "Ke hoach trien khai nhiem vu nam 2022", f"Tai lieu: {name}"],
        )


def _page(html: str, content_type: str = LIFERAY_HTML) -> Response:
    return Response(200, {"Content-Type": content_type}, html.encode("utf-8"))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
