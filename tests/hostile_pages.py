"""The hostile-input corpus (``fixtures/hostile/``): case loading, page templates of both eras, and the
generators of the big pages (a 50 MB page, 10,000-level nesting, 10,000 related items, megabyte-long
attributes, entity floods) that are built in memory instead of being committed.

A case folder holds ``meta.json`` and either ``page.html`` or a ``"generator"`` name listed in
:data:`GENERATORS`. ``meta.json`` keys:

- ``url``, optional ``content_type``, ``description`` (why the case exists)
- ``expect``: ``"records"`` (an article is extracted), ``"no-article"`` (no article record; the page is
  still read) or ``"parse-error"`` (``ParseError`` is raised; ``parse_error`` is a substring of its message)
- ``article`` / ``qa`` / ``related`` / ``site_stats``: field matchers as in ``fixtures/*/expected.json``
  (see ``fixture_cases.check``); ``qa`` and ``related`` may also be a matcher on the list (``{"count": N}``)
- ``known_bug``: the exact problem of an extractor bug this case exposes; its test is a strict xfail
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "hostile"
EXPECTATIONS = ("records", "no-article", "parse-error")
RECORD_KINDS = ("article", "qa", "related", "site_stats")

LIFERAY_URL = "https://badinh.hanoi.gov.vn/tin-tuc-su-kien/-/asset_publisher/Ok4xgRzWdTXn/content/"
HTM_URL = "https://badinh.hanoi.gov.vn/tin-tuc-su-kien/"

PARAGRAPHS = (
    "Sáng 16/11, UBND phường Điện Biên phối hợp với Ủy ban MTTQ phường tổ chức lễ ra mắt mô hình "
    "“Tuyến phố văn minh, không rác thải nhựa” trên tuyến phố Lê Hồng Phong.",
    "Tuyến phố Lê Hồng Phong dài khoảng 600m, có 112 hộ dân và 35 hộ kinh doanh. Các hộ đã ký cam kết "
    "không sử dụng túi ni lông khó phân hủy và phân loại rác thải tại nguồn.",
    "Phát biểu tại buổi lễ, đại diện lãnh đạo UBND phường cho biết việc xây dựng mô hình nhằm nâng cao ý "
    "thức của người dân trong bảo vệ môi trường, xây dựng nếp sống văn minh đô thị.",
)


# --- page templates -------------------------------------------------------------------------------


def paragraphs(texts: tuple[str, ...] | list[str] = PARAGRAPHS) -> str:
    return "\n".join(f'<p style="text-align: justify;">{t}</p>' for t in texts)


def liferay_related(items: list[tuple[str, str, str, str]]) -> str:
    """A Liferay "Tin khác" box: (slug, title, 'dd/mm/yyyy - N Lượt xem', teaser) per item."""
    rows = "\n".join(
        f'<div class="item"><h3 class="asset-title"><a href="/tin-tuc-su-kien/-/asset_publisher/Ok4xgRzWdTXn/content/{slug}">'
        f'{title}</a></h3><div class="info"><span class="ngay-dang">{meta}</span><p class="mo-ta">{teaser}</p></div></div>'
        for slug, title, meta, teaser in items
    )
    return (
        '<section class="portlet" id="portlet_tinkhac_WAR_badinhportlet">'
        '<header class="portlet-topper"><h2 class="portlet-title"><span class="portlet-title-text">Tin khác</span></h2></header>'
        '<div class="portlet-content"><div class="portlet-body"><div class="tin-khac-list">\n'
        f"{rows}\n</div></div></div></section>"
    )


DEFAULT_LIFERAY_RELATED = liferay_related(
    [
        (
            "phuong-quan-thanh-to-chuc-ngay-hoi-dai-doan-ket",
            "Phường Quán Thánh tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2021",
            "15/11/2021 - 42 Lượt xem",
            "Ngày hội là dịp để nhân dân các khu dân cư ôn lại truyền thống vẻ vang của Mặt trận...",
        ),
        (
            "phuong-kim-ma-ra-quan-xu-ly-vi-pham-trat-tu-do-thi",
            "Phường Kim Mã ra quân xử lý vi phạm trật tự đô thị trên phố Giang Văn Minh",
            "12/11/2021 - 7 Lượt xem",
            "Lực lượng chức năng phường đã nhắc nhở, yêu cầu các hộ kinh doanh thu dọn hàng hóa lấn chiếm...",
        ),
    ]
)

VISITOR_WIDGET = (
    '<section class="portlet" id="portlet_thongketruycap_WAR_badinhportlet"><h2 class="portlet-title">Thống kê truy cập</h2>'
    '<table class="thongke-truycap"><tr><td class="lbl">Đang trực tuyến:</td><td class="val">215</td></tr>'
    '<tr><td class="lbl">Số lượt truy cập:</td><td class="val">1018934</td></tr></table></section>'
)


def liferay_page(
    title: str = "Phường Điện Biên ra mắt mô hình “Tuyến phố văn minh, không rác thải nhựa”",
    body: str | None = None,
    *,
    date: str = "Ngày đăng 16/11/2021 | 10:25 AM",
    views: str = "Lượt xem: 1.234",
    sapo: str = "",
    related: str = DEFAULT_LIFERAY_RELATED,
    head: str = '<meta content="text/html; charset=UTF-8" http-equiv="content-type" />',
    before_body: str = "",
    after_article: str = "",
    doc_title: str | None = None,
) -> str:
    """A compact page of the Liferay era (taglib header, asset-full-content, journal article, Tin khác)."""
    body = paragraphs() if body is None else body
    doc_title = title if doc_title is None else doc_title
    return f"""<!DOCTYPE html>
<html class="ltr" dir="ltr" lang="vi-VN">
<head>
<title>{doc_title} - Tin tức - Sự kiện - Cổng thông tin điện tử Quận Ba Đình</title>
{head}
</head>
<body class=" yui3-skin-sam controls-visible signed-out public-page site">
<div class="container-fluid" id="wrapper">
<header id="banner" role="banner"><div class="top-bar">
<span id="point_portal_egov_date" class="portal-date">Thứ Năm, ngày 18/11/2021</span></div>
<nav class="navbar site-navigation" id="navigation"><ul><li><a href="/trang-chu">Trang chủ</a></li>
<li><a href="/tin-tuc-su-kien">Tin tức - Sự kiện</a></li><li><a href="/hoi-ap">Hỏi đáp</a></li></ul></nav>
</header>
<div id="content"><div class="columns-2" id="main-content" role="main"><div class="portlet-column span8" id="column-1">
<ul aria-label="Breadcrumb" class="breadcrumb"><li><a href="https://badinh.hanoi.gov.vn/trang-chu">Trang chủ</a></li>
<li class="active last"><a href="https://badinh.hanoi.gov.vn/tin-tuc-su-kien">Tin tức - Sự kiện</a></li></ul>
<section class="portlet" id="portlet_101_INSTANCE_Ok4xgRzWdTXn"><div class="portlet-content"><div class="portlet-body">
{before_body}<div class="taglib-header"><h1 class="header-title"><span>{title}</span></h1></div>
<div class="asset-full-content default-asset-publisher show-asset-title">
<div class="news-meta"><span class="news-date">{date}</span> <span class="news-view">{views}</span></div>
<div class="asset-content"><div class="journal-content-article">
{sapo}{body}
</div></div></div>
</div></div></section>
{after_article}{related}
</div>
<div class="portlet-column span4" id="column-2">{VISITOR_WIDGET}</div></div></div>
<footer id="footer" class="footer-badinh" role="contentinfo"><h4>CỔNG THÔNG TIN ĐIỆN TỬ QUẬN BA ĐÌNH</h4>
<div>Cơ quan chủ quản: UBND quận Ba Đình - thành phố Hà Nội</div>
<div class="copyright">Copyright © 2016 - UBND quận Ba Đình</div></footer>
</div>
</body>
</html>
"""


def htm_related(items: list[tuple[str, str, str, str, str]]) -> str:
    """A ".htm" "Tin liên quan" box: (slug-id, title, date, 'N lượt xem', teaser) per item."""
    rows = "\n".join(
        f'<div class="news-item"><div class="news-content"><h3 class="news-title"><a href="/tin-tuc-su-kien/{slug}.htm" '
        f'title="{title}">{title}</a></h3><div class="news-meta"><span class="news-time">{date}</span> '
        f'<span class="news-view">{views}</span></div><p class="news-sapo">{teaser}</p></div></div>'
        for slug, title, date, views, teaser in items
    )
    return (
        '<div class="box-news-related"><div class="box-title"><h2 class="title">Tin liên quan</h2></div>'
        f'<div class="list-news-related">\n{rows}\n</div></div>'
    )


DEFAULT_HTM_RELATED = htm_related(
    [
        (
            "hdnd-quan-ba-dinh-to-chuc-ky-hop-cuoi-cung-cua-nhiem-ky-2809250627160512034",
            "HĐND quận Ba Đình tổ chức kỳ họp cuối cùng của nhiệm kỳ",
            "27/06/2025",
            "245 lượt xem",
            "Chiều 27/6, HĐND quận Ba Đình khóa XX tổ chức kỳ họp chuyên đề nhằm xem xét, thông qua các nội dung...",
        ),
        (
            "cong-bo-dia-chi-tru-so-lam-viec-cua-cac-phuong-moi-2809250626091045021",
            "Công bố địa chỉ trụ sở làm việc của các phường mới sau sắp xếp",
            "26/06/2025",
            "1.102 lượt xem",
            "UBND quận Ba Đình thông báo địa chỉ trụ sở làm việc của Đảng ủy, HĐND, UBND các phường mới…",
        ),
    ]
)


def htm_page(
    title: str = "Quận Ba Đình vận hành thử nghiệm mô hình chính quyền địa phương 2 cấp",
    body: str | None = None,
    *,
    time: str = "29/06/2025 13:30",
    views: str = "Lượt xem: 1.326",
    sapo: str = "Sáng 29/6, UBND quận Ba Đình tổ chức vận hành thử nghiệm hoạt động của chính quyền địa phương 2 cấp "
    "tại các phường mới Ba Đình, Ngọc Hà và Giảng Võ.",
    related: str = DEFAULT_HTM_RELATED,
    head: str = '<meta charset="utf-8" />',
    after_article: str = "",
) -> str:
    """A compact article page of the shared ".htm" platform (news-detail, detail-content afcbc-body)."""
    body = paragraphs() if body is None else body
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
{head}
<title>{title}</title>
<meta property="og:title" content="{title}" />
</head>
<body>
<header class="header"><div class="topbar"><span class="today">Chủ Nhật, 29/06/2025</span></div>
<nav class="main-nav"><ul><li><a href="/">Trang chủ</a></li>
<li><a href="/tin-tuc-su-kien.htm">Tin tức - Sự kiện</a></li></ul></nav></header>
<main class="main-content"><div class="container"><div class="row"><div class="col-lg-8 col-main">
<div class="news-detail" data-id="2809250629133018049">
<div class="detail-top"><ul class="breadcrumb"><li><a href="/" title="Trang chủ">Trang chủ</a></li>
<li><a href="/tin-tuc-su-kien.htm">Tin tức - Sự kiện</a></li></ul></div>
<h1 class="detail-title" data-role="title">{title}</h1>
<div class="news-info"><span class="detail-time">{time}</span> <span class="detail-view">{views}</span></div>
<h2 class="detail-sapo" data-role="sapo">{sapo}</h2>
<div class="detail-content afcbc-body" data-role="content">
{body}
</div>
{after_article}{related}
</div>
</div>
<div class="col-lg-4 col-sidebar"><div class="box-sidebar box-statistic"><div class="box-title"><h2>Thống kê truy cập</h2></div>
<ul class="statistic-list"><li><span class="label">Đang truy cập:</span> <span class="value">143</span></li>
<li><span class="label">Tổng:</span> <span class="value">4.801.226</span></li></ul></div></div>
</div></div></main>
<footer class="footer"><p><strong>CỔNG THÔNG TIN ĐIỆN TỬ PHƯỜNG BA ĐÌNH - THÀNH PHỐ HÀ NỘI</strong></p></footer>
</body>
</html>
"""


# --- generators of the big pages ------------------------------------------------------------------

MB = 1024 * 1024


def page_50mb() -> bytes:
    """A 50 MB article page (the body padded with 50 MB of paragraphs): over the size cap."""
    filler = paragraphs(list(PARAGRAPHS) * 1) + "\n"
    copies = 50 * MB // len(filler.encode("utf-8")) + 1
    return liferay_page(body=filler * copies).encode("utf-8")


def nesting_10000_after_article() -> bytes:
    """A widget of 10,000 nested <div> after a normal Liferay article."""
    deep = '<div class="w">' * 10_000 + "sâu" + "</div>" * 10_000
    return liferay_page(after_article=deep).encode("utf-8")


def nesting_10000_around_body() -> bytes:
    """The Liferay article body wrapped in 10,000 nested <div>: the body is deeper than parsers go."""
    body = "<div>" * 10_000 + paragraphs() + "</div>" * 10_000
    return liferay_page(body=body).encode("utf-8")


def nesting_10000_inline() -> bytes:
    """10,000 nested inline elements (<b><i><span>...) inside one body paragraph of a ".htm" page."""
    tags = ("b", "i", "span", "em", "strong")
    opened = "".join(f"<{tags[n % len(tags)]}>" for n in range(10_000))
    closed = "".join(f"</{tags[n % len(tags)]}>" for n in reversed(range(10_000)))
    body = paragraphs() + f"\n<p>Đoạn văn lồng nhau {opened}rất sâu{closed} kết thúc.</p>"
    return htm_page(body=body).encode("utf-8")


def nesting_10000_unclosed() -> bytes:
    """10,000 <div> opened and never closed, after the article (the parser closes them at the end)."""
    return liferay_page(after_article='<div class="x">' * 10_000).encode("utf-8")


def related_10000_liferay() -> bytes:
    """A Liferay article whose "Tin khác" box lists 10,000 items."""
    items = [
        (
            f"tin-so-{n}",
            f"Ba Đình triển khai nhiệm vụ trọng tâm số {n}",
            f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/2021 - {n} Lượt xem",
            f"Quận Ba Đình tập trung triển khai nhiệm vụ số {n} trong tháng...",
        )
        for n in range(1, 10_001)
    ]
    return liferay_page(related=liferay_related(items)).encode("utf-8")


def related_10000_htm() -> bytes:
    """A ".htm" article whose "Tin liên quan" box lists 10,000 items."""
    items = [
        (
            f"tin-lien-quan-so-{n}-28092506{n:010d}",
            f"Phường Ba Đình ra quân đợt cao điểm số {n}",
            f"{n % 28 + 1:02d}/06/2025",
            f"{n:,} lượt xem".replace(",", "."),
            f"UBND phường tổ chức ra quân đợt cao điểm số {n} trên địa bàn...",
        )
        for n in range(1, 10_001)
    ]
    return htm_page(related=htm_related(items)).encode("utf-8")


def attr_1mb_class_on_body() -> bytes:
    """The Liferay body container with a 1 MB class attribute (200,000 tokens)."""
    page = liferay_page()
    classes = " ".join(f"c{n}" for n in range(200_000))
    return page.replace('<div class="journal-content-article">', f'<div class="journal-content-article {classes}">', 1).encode()


def attr_3mb_data_uri_image() -> bytes:
    """A pasted image kept inline as a 3 MB base64 ``data:`` URI (editors do this), with a caption."""
    data = "iVBORw0KGgo" + "A" * (3 * MB)
    body = (
        paragraphs()
        + f'\n<p style="text-align: center;"><img alt="Lễ ra mắt mô hình" src="data:image/png;base64,{data}" /></p>'
        + '\n<p style="text-align: center;"><em>Các đại biểu tại lễ ra mắt mô hình.</em></p>'
    )
    return liferay_page(body=body).encode("utf-8")


def attr_1mb_href_related() -> bytes:
    """A related item whose link and title attribute are each 1 MB long (".htm" era)."""
    slug = "a" * MB
    items = [(slug, "Phường Giảng Võ ra mắt mô hình mới", "27/06/2025", "5 lượt xem", "Tóm tắt...")]
    page = htm_page(related=htm_related(items))
    return page.replace('title="Phường Giảng Võ ra mắt mô hình mới"', 'title="' + "T" * MB + '"', 1).encode("utf-8")


def attr_many_long_attributes() -> bytes:
    """Every body paragraph carries a 1 MB style attribute and a 1 MB data- attribute (".htm" era)."""
    long_style = "color:red;" * (MB // 10)
    long_data = "x" * MB
    body = "\n".join(f'<p style="{long_style}" data-x="{long_data}">{t}</p>' for t in PARAGRAPHS)
    return htm_page(body=body).encode("utf-8")


def entity_flood_numeric() -> bytes:
    """A body paragraph of 1,000,000 numeric character references (&#7899; is "ớ")."""
    body = paragraphs() + "\n<p>" + "&#7899;" * 1_000_000 + "</p>"
    return liferay_page(body=body).encode("utf-8")


def entity_flood_nbsp() -> bytes:
    """1,000,000 &nbsp; between two words of a ".htm" body paragraph."""
    body = paragraphs() + "\n<p>Trước" + "&nbsp;" * 1_000_000 + "sau.</p>"
    return htm_page(body=body).encode("utf-8")


def entity_flood_undefined() -> bytes:
    """500,000 undefined named entities (&bogus;) in a Liferay body paragraph."""
    body = paragraphs() + "\n<p>" + "&bogus;" * 500_000 + "</p>"
    return liferay_page(body=body).encode("utf-8")


def entity_flood_in_title() -> bytes:
    """A ".htm" headline of 200,000 &amp; entities after its words."""
    return htm_page(title="Ba Đình " + "&amp;" * 200_000).encode("utf-8")


GENERATORS: dict[str, Callable[[], bytes]] = {
    f.__name__.replace("_", "-"): f
    for f in (
        page_50mb,
        nesting_10000_after_article,
        nesting_10000_around_body,
        nesting_10000_inline,
        nesting_10000_unclosed,
        related_10000_liferay,
        related_10000_htm,
        attr_1mb_class_on_body,
        attr_3mb_data_uri_image,
        attr_1mb_href_related,
        attr_many_long_attributes,
        entity_flood_numeric,
        entity_flood_nbsp,
        entity_flood_undefined,
        entity_flood_in_title,
    )
}


# --- cases ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostileCase:
    name: str
    folder: Path
    meta: dict[str, Any] = field(hash=False, compare=False)

    @property
    def url(self) -> str:
        return str(self.meta["url"])

    @property
    def content_type(self) -> str | None:
        return self.meta.get("content_type")

    @property
    def expect(self) -> str:
        return str(self.meta["expect"])

    @property
    def generator(self) -> str | None:
        return self.meta.get("generator")

    @property
    def known_bug(self) -> str | None:
        return self.meta.get("known_bug")

    def page_bytes(self) -> bytes:
        if self.generator is not None:
            return GENERATORS[self.generator]()
        return (self.folder / "page.html").read_bytes()


def load_hostile_cases() -> list[HostileCase]:
    cases = []
    for folder in sorted(p for p in HOSTILE.iterdir() if (p / "meta.json").is_file()):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        cases.append(HostileCase(folder.name, folder, meta))
    return cases


# --- running one case in a child process ------------------------------------------------------------

#: how much more address space than it starts with the child may use for one extraction
MEMORY_HEADROOM = 1024 * MB


def _vm_size() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _text_problems(result: Any) -> list[str]:
    problems = []
    article = result.article
    if article is not None:
        if article["body_text"] != "\n\n".join(b["text"] for b in article["body"]):
            problems.append("article.body_text is not the body blocks joined by blank lines")
    for record in result.records():
        for key, value in record.items():
            if isinstance(value, str) and ("\x00" in value or "\xa0" in value):
                problems.append(f"{record['type']}.{key} holds a NUL or a no-break space")
    return problems


def run_case(name: str) -> dict[str, Any]:
    """Extract one case in this process: what happened, the records, their schema errors, time and memory."""
    import resource
    import time
    import traceback

    from badinh_crawler.extract import ParseError, extract_page
    from badinh_crawler.schemas import errors

    case = next(c for c in load_hostile_cases() if c.name == name)
    body = case.page_bytes()
    vm = _vm_size()
    if vm:
        resource.setrlimit(resource.RLIMIT_AS, (vm + MEMORY_HEADROOM, resource.RLIM_INFINITY))
    out: dict[str, Any] = {"bytes": len(body)}
    start = time.perf_counter()
    try:
        result = extract_page(body, case.url, content_type=case.content_type)
    except ParseError as exc:
        out.update(outcome="parse-error", error=str(exc))
    except BaseException as exc:  # what the test reports: any other exception is a bug
        out.update(outcome="exception", error=f"{type(exc).__name__}: {exc}"[:2000], traceback=traceback.format_exc()[-4000:])
    else:
        out["outcome"] = "records" if result.article is not None else "no-article"
        out["article"] = result.article
        out["qa"] = result.qa
        out["related"] = result.related
        out["site_stats"] = result.site_stats
        out["warnings"] = result.warnings
        out["schema_errors"] = [f"{r['type']}: {e}" for r in result.records() for e in errors(dict(r))]
        out["text_problems"] = _text_problems(result)
    out["seconds"] = round(time.perf_counter() - start, 3)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


if __name__ == "__main__":  # python tests/hostile_pages.py CASE OUT.json: one case, in its own process
    import sys

    report = run_case(sys.argv[1])
    Path(sys.argv[2]).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
