"""The bundled mirror of the portal: ground truth against the extractor, listing behaviour, the
NewsZone API, errors and traps, reachability and the request budget, and the HTTP server."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
from collections import deque
from urllib.parse import quote, urljoin, urlsplit

import pytest

from badinh_crawler.extract import extract
from badinh_crawler.mirror import BASE, PORTAL, Mirror, MirrorServer, Response
from badinh_crawler.mirror.liferay import listing_target
from badinh_crawler.urls import canonicalize

API = "/api/NewsZone/NewsZone"
_A_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"', re.S)
_HIDDEN = re.compile(r'<input type="hidden" id="hd\w+" name="(\w+)" value="([^"]*)"')


@pytest.fixture(scope="module")
def mirror() -> Mirror:
    return Mirror()


def get(m: Mirror, target: str) -> Response:
    return m.render("GET", target).with_base(PORTAL)


def records(m: Mirror, target: str) -> list[dict]:  # type: ignore[type-arg]
    return [dict(r) for r in extract(get(m, target).body, PORTAL + target)]


def of_type(recs: list[dict], kind: str) -> list[dict]:  # type: ignore[type-arg]
    return [r for r in recs if r["type"] == kind]


def article_of(m: Mirror, path: str) -> dict:  # type: ignore[type-arg]
    found = of_type(records(m, path), "article")
    assert len(found) == 1, path
    return found[0]


def api(m: Mirror, zone: str, index: int, size: int) -> Response:
    body = f"PageIndex={index}&PageSize={size}&Catname={zone}&LanguageId=1&Site=28".encode()
    return m.render("POST", API, body).with_base(PORTAL)


def links(page: Response, url: str) -> list[str]:
    """Absolute targets of the page's <a href> links (fragments dropped)."""
    out = []
    for href in _A_HREF.findall(page.body.decode("utf-8")):
        href = html.unescape(href)
        if href.startswith(("javascript:", "mailto:", "#")):
            continue
        out.append(urljoin(url, href).split("#", 1)[0])
    return out


# --- ground truth against the extractor ----------------------------------------------------------


def test_every_article_page_gives_its_title_date_and_qa_pairs(mirror: Mirror) -> None:
    for a in mirror.articles:
        recs = records(mirror, a.path)
        art = of_type(recs, "article")
        assert len(art) == 1, a.path
        assert art[0]["title"] == a.title
        assert art[0]["published_at"] == a.published
        assert art[0]["url"] == PORTAL + a.path
        assert art[0]["layout"] == a.era
        assert len(of_type(recs, "qa")) == a.qa_pairs
        assert art[0]["is_interview"] == (a.qa_pairs >= 2)
        assert art[0]["view_count"] == mirror.views(mirror.articles.index(a))
        assert of_type(recs, "site_stats"), a.path


def test_the_mirror_holds_every_kind_of_article(mirror: Mirror) -> None:
    arts = mirror.articles
    assert len(arts) == 36
    assert sum(a.era == "liferay" and a.qa_pairs >= 2 for a in arts) >= 2
    assert sum(a.era == "htm" and a.qa_pairs >= 2 for a in arts) >= 1
    assert sum("/-/view_content/" in a.path and a.path.endswith(".html") for a in arts) == 2
    assert all(
        re.fullmatch(r"/[a-z-]+/-/(asset_publisher/\w{12}/content/[a-z0-9-]+|view_content/\d+-[a-z0-9-]+\.html)", a.path)
        for a in arts
        if a.era == "liferay"
    )
    htm_ids = [re.fullmatch(r"/[a-z-]+/[a-z0-9-]+-(\d+)\.htm", a.path) for a in arts if a.era == "htm"]
    assert all(htm_ids)
    ids = [m.group(1) for m in htm_ids if m]
    assert sum(len(i) == 5 for i in ids) == 1  # one migrated article with a short id
    for a, i in zip([a for a in arts if a.era == "htm"], ids, strict=True):
        if len(i) > 5:  # site prefix, then YYMMDDHHMM of the publication time
            assert i[2:12] == a.published[2:4] + a.published[5:7] + a.published[8:10] + a.published[11:13] + a.published[14:16]


def test_pdf_attachment_is_linked_and_served(mirror: Mirror) -> None:
    with_pdf = [a for a in mirror.articles if mirror.pdf_path in get(mirror, a.path).body.decode()]
    assert len(with_pdf) == 1
    art = article_of(mirror, with_pdf[0].path)
    assert [x["url"] for x in art["attachments"]] == [PORTAL + mirror.pdf_path]
    pdf = get(mirror, mirror.pdf_path)
    assert pdf.status == 200 and pdf.content_type == "application/pdf"
    assert pdf.body.startswith(b"%PDF-1.4") and pdf.body.rstrip().endswith(b"%%EOF") and 300 < len(pdf.body) < 2000
    assert b"startxref" in pdf.body and b"/Type /Catalog" in pdf.body


def test_home_and_listing_pages_give_no_article(mirror: Mirror) -> None:
    targets = ["/"]
    for listing in mirror.listings:
        if listing.era == "liferay":
            targets.append(f"/{listing.key}")
            targets += [listing_target(listing, n) for n in range(1, listing.pages() + 2)]
        else:
            targets.append(f"/{listing.key}.htm")
    for target in targets:
        recs = records(mirror, target)
        assert not of_type(recs, "article"), target
        assert not of_type(recs, "related"), target
        assert of_type(recs, "site_stats"), target


def test_edit_article_changes_the_extracted_content_hash() -> None:
    m = Mirror(seed=3)
    for a in (m.articles[0], next(x for x in m.articles if x.era == "htm")):
        before = article_of(m, a.path)
        m.edit_article(a.path)
        after = article_of(m, a.path)
        assert after["content_sha256"] != before["content_sha256"]
        assert after["title"] == before["title"]
        assert m.articles[[x.path for x in m.articles].index(a.path)].revision == 1


def test_bump_views_raises_every_view_count_and_the_visitor_widget() -> None:
    m = Mirror(seed=5)
    paths = [m.articles[0].path, m.articles[-1].path]
    before = [article_of(m, p)["view_count"] for p in paths]
    stats = of_type(records(m, "/"), "site_stats")[0]["total_visits"]
    related = [r["view_count"] for r in of_type(records(m, paths[0]), "related")]
    m.bump_views()
    assert all(b < a for b, a in zip(before, [article_of(m, p)["view_count"] for p in paths], strict=True))
    assert of_type(records(m, "/"), "site_stats")[0]["total_visits"] > stats
    assert all(b < a for b, a in zip(related, [r["view_count"] for r in of_type(records(m, paths[0]), "related")], strict=True))


def test_seeds_give_different_sites_and_the_same_seed_the_same_site() -> None:
    a, b, again = Mirror(seed=0), Mirror(seed=1), Mirror(seed=0)
    assert {x.path for x in a.articles}.isdisjoint({x.path for x in b.articles})
    assert [x.path for x in a.articles] == [x.path for x in again.articles]
    assert [lst.instance for lst in a.listings] != [lst.instance for lst in b.listings]
    assert get(a, a.articles[5].path).body == get(again, again.articles[5].path).body


def test_a_mirror_of_50000_articles_builds_and_renders() -> None:
    m = Mirror(seed=2, articles=50000)
    assert len(m.articles) == 50000 and len({a.path for a in m.articles}) == 50000
    last = m.articles[-1]
    assert article_of(m, last.path)["title"] == last.title
    liferay = m.listings[0]
    assert get(m, listing_target(liferay, liferay.pages())).status == 200
    assert m.distinct_pages > 50000


# --- listings and the NewsZone API ---------------------------------------------------------------


def _asset_links(page: Response) -> list[str]:
    """The canonical URLs of a listing page's items (their links carry the page's own URL as redirect)."""
    return [
        canonicalize(html.unescape(h)) for h in re.findall(r'<h3 class="asset-title">\s*<a href="([^"]+)"', page.body.decode())
    ]


def test_liferay_page_past_the_end_repeats_the_last_page(mirror: Mirror) -> None:
    for listing in (lst for lst in mirror.listings if lst.era == "liferay"):
        last = listing.pages()
        assert last >= 2
        last_items = _asset_links(get(mirror, listing_target(listing, last)))
        assert last_items
        assert _asset_links(get(mirror, listing_target(listing, last + 1))) == last_items
        assert _asset_links(get(mirror, listing_target(listing, 999))) == last_items
        assert _asset_links(get(mirror, listing_target(listing, 1))) == _asset_links(get(mirror, f"/{listing.key}"))
        assert _asset_links(get(mirror, listing_target(listing, 1))) != last_items


def test_liferay_listing_url_shapes(mirror: Mirror) -> None:
    old = next(lst for lst in mirror.listings if lst.portlet.startswith("101_INSTANCE_"))
    new = next(lst for lst in mirror.listings if lst.liferay7)
    page = get(mirror, f"/{old.key}")
    text = page.body.decode()
    assert (
        f"{PORTAL}/{old.key}?p_p_id=101_INSTANCE_{old.instance}&amp;p_p_lifecycle=0&amp;p_p_state=normal&amp;p_p_mode=view&amp;_101_INSTANCE_{old.instance}_cur=2"
        in text
    )
    assert ">Sau</a>" in text and ">Cuối</a>" in text and "Ngày đăng " in text and "Lượt xem: " in text
    hrefs = [html.unescape(h) for h in re.findall(r'<h3 class="asset-title">\s*<a href="([^"]+)"', text)]
    listing_url = quote(f"{PORTAL}/{old.key}", safe="")
    assert all(f"?redirect={listing_url}&inheritRedirect=true" in h or "/-/view_content/" in h for h in hrefs)
    assert any(";jsessionid=" in h for h in hrefs)
    text7 = get(mirror, f"/{new.key}").body.decode()
    assert f"_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_{new.instance}_cur=2" in text7


def test_zone_page_and_api_pages_then_an_empty_reply(mirror: Mirror) -> None:
    for zone in (lst for lst in mirror.listings if lst.era == "htm"):
        page = get(mirror, f"/{zone.key}.htm").body.decode()
        fields = dict(_HIDDEN.findall(page))
        assert fields == {"PageIndex": "0", "PageSize": str(zone.page_size), "Catname": zone.key, "LanguageId": "1", "Site": "28"}
        shown = set(re.findall(r'<div class="news-item" data-id="(\d+)"', page))
        assert len(shown) == min(zone.page_size, len(zone.items))
        seen = set(shown)
        index = 1
        while True:
            reply = api(mirror, zone.key, index, zone.page_size)
            assert reply.status == 200
            if not reply.body:
                break
            ids = re.findall(r'<div class="news-item" data-id="(\d+)"', reply.body.decode())
            assert ids and seen.isdisjoint(ids)
            assert re.search(r'<span class="news-time" title="\d\d:\d\d, \d\d/\d\d/\d{4}">', reply.body.decode())
            seen.update(ids)
            index += 1
        assert len(seen) == len(zone.items)
        assert api(mirror, zone.key, index + 5, zone.page_size).body == b""
    assert mirror.render("GET", API).status == 405


def test_some_htm_articles_are_reachable_only_through_the_api(mirror: Mirror) -> None:
    found = _crawl(mirror, use_api=False)[0]
    htm = {a.path for a in mirror.articles if a.era == "htm"}
    missing = htm - found
    assert missing and missing != htm


# --- reachability and the request budget ---------------------------------------------------------

_TRAP = re.compile(r"p_p_lifecycle=1|p_p_state=(?:pop_up|exclusive|maximized)|viewMode=|_keywords=|_delta=|_cur=1(?:&|$)")


def _crawl(m: Mirror, *, use_api: bool = True) -> tuple[set[str], int]:
    """A careful breadth-first crawl over render(): robots.txt obeyed, trap and duplicate URLs
    skipped, URLs canonicalised, zone pages paged through the API until an empty reply."""
    host = urlsplit(PORTAL).netloc
    requests = 0
    articles: set[str] = set()
    queue: deque[str] = deque([PORTAL + "/robots.txt", PORTAL + "/"])
    seen = {canonicalize(u) for u in queue}
    disallowed = [
        line.split(":", 1)[1].strip() for line in get(m, "/robots.txt").body.decode().splitlines() if line.startswith("Disallow")
    ]
    while queue:
        url = queue.popleft()
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        page = get(m, target)
        requests += 1
        if page.status in (301, 302):
            location = page.headers["Location"]
            key = canonicalize(location)
            if urlsplit(location).netloc == host and key not in seen:
                seen.add(key)
                queue.append(location)
            continue
        if page.status != 200 or not page.content_type.startswith("text/html"):
            continue
        if page.body.find(b'class="news-detail"') >= 0 or page.body.find(b'class="asset-full-content') >= 0:
            articles.add(urlsplit(canonicalize(url)).path)
        found = links(page, url)
        if use_api and "hdCatname" in page.body.decode():
            form = dict(_HIDDEN.findall(page.body.decode()))
            index = 1
            while True:
                form["PageIndex"] = str(index)
                reply = m.render("POST", API, "&".join(f"{k}={v}" for k, v in form.items()).encode()).with_base(PORTAL)
                requests += 1
                if not reply.body:
                    break
                found += links(reply, url)
                index += 1
        for link in found:
            p = urlsplit(link)
            if p.netloc != host or any(p.path.startswith(d) for d in disallowed) or _TRAP.search(p.query):
                continue
            if p.path.split("/")[1] in ("en", "vi", "dang-nhap", "tim-kiem"):
                continue
            key = canonicalize(link)
            if key not in seen:
                seen.add(key)
                queue.append(link)
    return articles, requests


def test_a_careful_crawl_reaches_every_article_in_distinct_pages_requests() -> None:
    for seed in (0, 7):
        m = Mirror(seed=seed)
        articles, requests = _crawl(m)
        assert articles == {a.path for a in m.articles}
        assert requests == m.distinct_pages


# --- errors, oddities and traps ------------------------------------------------------------------


def test_home_links_every_listing_errors_and_externals(mirror: Mirror) -> None:
    page = get(mirror, "/")
    found = links(page, PORTAL + "/")
    raw = page.body.decode()
    for listing in mirror.listings:
        assert PORTAL + f"/{listing.key}" + (".htm" if listing.era == "htm" else "") in found
    assert PORTAL + "/noi-bo/van-ban-noi-bo" in found
    assert "Disallow: /noi-bo/" in get(mirror, "/robots.txt").body.decode()
    assert PORTAL + "/en/" in found and PORTAL + "/vi/" in found  # from relative en/ and vi/ links
    assert any(u.startswith(PORTAL + "/dang-nhap?p_p_id=58&p_p_lifecycle=0&p_p_state=maximized") for u in found)
    assert any(u.startswith("https://hanoimoi.invalid/") for u in found)
    external = {urlsplit(u).netloc for u in found} - {urlsplit(PORTAL).netloc}
    assert all(h.endswith(".invalid") for h in external), external
    unsubstituted = mirror.render("GET", "/").body.decode()
    assert f'href="{BASE}/' in unsubstituted and 'href="/' in unsubstituted  # absolute and root-relative links
    assert "Đang trực tuyến: " in raw and "Số lượt truy cập: " in raw and 'id="point_portal_egov_date"' in raw
    statuses = {s: get(mirror, mirror.specials[s]).status for s in ("missing", "old_url", "external_redirect")}
    assert statuses == {"missing": 404, "old_url": 301, "external_redirect": 302}
    assert get(mirror, mirror.specials["old_url"]).headers["Location"] == PORTAL + mirror.articles[mirror.old_url_target].path
    assert get(mirror, mirror.specials["external_redirect"]).headers["Location"].startswith("https://kinhtedothi.invalid/")


def test_traps_answer_200_with_links_to_more_traps(mirror: Mirror) -> None:
    article = next(a for a in mirror.articles if a.era == "liferay" and "/asset_publisher/" in a.path)
    listing = mirror.listings[0]
    targets = [
        "/en/",
        "/en/en/vi/en/",
        "/vi/tin-tuc-su-kien",
        f"{article.path}?_{listing.portlet}_viewMode=print",
        f"{article.path}?p_p_state=pop_up",
        f"/{listing.key}?p_p_id={listing.portlet}&p_p_lifecycle=0&p_p_state=exclusive",
        f"{article.path}?p_p_id={listing.portlet}&p_p_lifecycle=1&p_p_state=normal",
        "/tim-kiem?p_p_id=3&_3_keywords=ba+dinh&_3_cur=41",
        "/?_3_keywords=x",
        "/dang-nhap?p_p_id=58&p_p_lifecycle=0&p_p_state=maximized",
        "/noi-bo/thu-muc/thu-muc/tai-lieu-3-1",
    ]
    for target in targets:
        page = get(mirror, target)
        assert page.status == 200, target
        assert len(links(page, PORTAL + target)) >= 5, target
    deeper = links(get(mirror, "/en/en/vi/en/"), PORTAL + "/en/en/vi/en/")
    assert PORTAL + "/en/en/vi/en/en/" in deeper and PORTAL + "/en/en/vi/en/vi/" in deeper
    assert PORTAL + "/tim-kiem?p_p_id=3&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&_3_keywords=ba+dinh&_3_cur=42" in links(
        get(mirror, targets[7]), PORTAL + targets[7]
    )
    on_article = links(get(mirror, article.path), PORTAL + article.path)
    assert any("viewMode=print" in u for u in on_article) and any("p_p_lifecycle=1" in u for u in on_article)
    assert any("p_p_state=pop_up" in u for u in on_article)
    assert get(mirror, "/no-such-page").status == 404


def test_articles_answer_under_jsessionid_redirect_and_group_id_variants(mirror: Mirror) -> None:
    a = next(x for x in mirror.articles if "/asset_publisher/" in x.path)
    plain = get(mirror, a.path).body
    for variant in (f"{a.path};jsessionid=0A1B2C3D?redirect=%2F&inheritRedirect=true", f"{a.path}/1062718?inheritRedirect=true"):
        assert get(mirror, variant).body == plain


# --- the server ----------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _fetch(url: str, data: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)
    try:
        with opener.open(url, data=data, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_server_serves_on_localhost_with_its_own_base_and_logs_requests() -> None:
    m = Mirror()
    with MirrorServer(m) as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        status, headers, body = _fetch(server.url + "/")
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert f'href="{server.url}/tin-tuc-su-kien"'.encode() in body and BASE.encode() not in body
        flaky = m.flaky_path
        assert _fetch(server.url + flaky)[0] == 500
        status, _, body = _fetch(server.url + flaky + "?redirect=x")
        assert status == 200 and article_of_bytes(body, server.url + flaky)["title"] == next(
            a.title for a in m.articles if a.path == flaky
        )
        assert _fetch(server.url + flaky)[0] == 200
        status, headers, _ = _fetch(server.url + m.specials["old_url"])
        assert status == 301 and headers["Location"] == server.url + m.articles[m.old_url_target].path
        assert _fetch(server.url + m.specials["missing"])[0] == 404
        status, headers, body = _fetch(server.url + m.pdf_path)
        assert status == 200 and headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
        zone = next(lst for lst in m.listings if lst.era == "htm")
        form = f"PageIndex=1&PageSize={zone.page_size}&Catname={zone.key}&LanguageId=1&Site=28".encode()
        status, _, body = _fetch(server.url + API, data=form)
        assert status == 200 and b'class="news-item"' in body
        assert _fetch(server.url + API, data=form.replace(b"PageIndex=1", b"PageIndex=99"))[2] == b""
    assert [(method, status) for method, _, status in server.requests] == [
        ("GET", 200),
        ("GET", 500),
        ("GET", 200),
        ("GET", 200),
        ("GET", 301),
        ("GET", 404),
        ("GET", 200),
        ("POST", 200),
        ("POST", 200),
    ]
    assert server.requests[1][1] == flaky


def article_of_bytes(body: bytes, url: str) -> dict:  # type: ignore[type-arg]
    return dict(next(r for r in extract(body, url) if r["type"] == "article"))


def test_each_server_instance_fails_the_flaky_article_once() -> None:
    m = Mirror(seed=4)
    for _ in range(2):
        with MirrorServer(m) as server:
            assert [_fetch(server.url + m.flaky_path)[0] for _ in range(3)] == [500, 200, 200]
