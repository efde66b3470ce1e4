"""Pages of the shared ``.htm`` platform (2024/25 on): zone pages, the NewsZone API fragment, articles."""

# ruff: noqa: E501  (HTML templates and Vietnamese text pools: long lines are the page's own)

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from .chrome import e, today_line
from .content import Block, teaser, thousands, weekday_vi
from .model import BASE, BASE_Q, GROUP_ID, Listing, dmy, hm_dmy, local_time

if TYPE_CHECKING:
    from .site import Mirror

SITE_ID = "28"
MEDIA = "https://sqhx-hanoi.mediacdn.invalid/91579363303869644"


def _head(title: str, canonical: str, description: str, og_type: str, image: str = "") -> str:
    og_image = f'\n    <meta property="og:image" content="{e(image)}" />' if image else ""
    return f"""<!DOCTYPE html>
<html lang="vi" xmlns="http://www.w3.org/1999/xhtml">
<head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=no" />
    <title>{e(title)} | Cổng thông tin điện tử phường Ba Đình</title>
    <meta name="description" content="{e(description)}" />
    <meta name="robots" content="index, follow" />
    <meta property="og:site_name" content="Cổng thông tin điện tử phường Ba Đình" />
    <meta property="og:type" content="{og_type}" />
    <meta property="og:title" content="{e(title)}" />
    <meta property="og:description" content="{e(description)}" />
    <meta property="og:url" content="{BASE}{e(canonical)}" />{og_image}
    <link rel="canonical" href="{BASE}{e(canonical)}" />
    <link rel="shortcut icon" href="https://static.hanoi.invalid/web/images/favicon.ico" type="image/x-icon" />
    <link rel="stylesheet" href="https://static.hanoi.invalid/web/css/portal.main.min.css?v=2.4.11" />
</head>
"""


def _header(m: Mirror) -> str:
    zones = "\n".join(
        f'                    <li class="nav-item"><a class="nav-link" href="/{z.key}.htm" title="{e(z.name)}">{e(z.name)}</a></li>'
        for z in m.listings
        if z.era == "htm"
    )
    return f"""<body>
<div class="wrapper">
    <header class="header">
        <div class="header-top">
            <div class="container d-flex justify-content-between align-items-center">
                <div class="header-date"><i class="icon-calendar"></i> <span id="current-date">{today_line()}</span></div>
                <ul class="header-links">
                    <li><a href="https://dichvucong.hanoi.invalid/" target="_blank" rel="nofollow">Dịch vụ công trực tuyến</a></li>
                </ul>
            </div>
        </div>
        <div class="header-banner">
            <div class="container">
                <a href="/" class="logo" title="Cổng thông tin điện tử phường Ba Đình"><img src="https://static.hanoi.invalid/web/images/badinh/banner-top.png" alt="Cổng thông tin điện tử phường Ba Đình - Thành phố Hà Nội" width="1170" height="140" /></a>
            </div>
        </div>
        <nav class="main-nav">
            <div class="container">
                <ul class="nav">
                    <li class="nav-item"><a class="nav-link" href="/" title="Trang chủ"><i class="icon-home"></i></a></li>
{zones}
                </ul>
            </div>
        </nav>
        <div class="header-marquee">
            <div class="container d-flex">
                <span class="marquee-label">Tiêu điểm</span>
                <marquee scrollamount="4" onmouseover="this.stop();" onmouseout="this.start();">Toàn dân đoàn kết xây dựng phường Ba Đình văn minh, hiện đại, đáng sống</marquee>
            </div>
        </div>
    </header>
"""


def _sidebar(m: Mirror, zone: Listing) -> str:
    online, total = m.site_stats()
    latest = "\n".join(
        f'                        <li><a href="{e(m.articles[i].path)}" title="{e(m.articles[i].title)}">{e(m.articles[i].title)}</a></li>'
        for i in zone.items[: min(3, zone.page_size)]
    )
    return f"""            <div class="col-lg-4 col-sidebar">
                <div class="box-sidebar box-latest">
                    <div class="box-title"><h2><a href="/{zone.key}.htm" title="Tin mới nhất">Tin mới nhất</a></h2></div>
                    <ul class="list-sidebar">
{latest}
                    </ul>
                </div>
                <div class="box-sidebar box-statistic">
                    <div class="box-title"><h2>Thống kê truy cập</h2></div>
                    <ul class="statistic-list">
                        <li><i class="icon-user"></i> <span class="label">Đang truy cập:</span> <span class="value" id="online-count">{online}</span></li>
                        <li><i class="icon-users"></i> <span class="label">Tổng:</span> <span class="value" id="total-count">{thousands(total)}</span></li>
                    </ul>
                </div>
            </div>
"""


_FOOTER = """    <footer class="footer">
        <div class="container">
            <div class="row">
                <div class="col-md-8 footer-info">
                    <p class="footer-name"><strong>CỔNG THÔNG TIN ĐIỆN TỬ PHƯỜNG BA ĐÌNH - THÀNH PHỐ HÀ NỘI</strong></p>
                    <p>Cơ quan chủ quản: Ủy ban nhân dân phường Ba Đình</p>
                    <p>Địa chỉ: Số 10 Đội Cấn, phường Ba Đình, thành phố Hà Nội</p>
                </div>
                <div class="col-md-4 footer-right">
                    <p class="copyright">© Bản quyền thuộc Ủy ban nhân dân phường Ba Đình.</p>
                </div>
            </div>
        </div>
    </footer>
    <a href="javascript:void(0)" class="back-to-top" title="Lên đầu trang"><i class="icon-up"></i></a>
</div>
"""


def _breadcrumb(zone: Listing) -> str:
    return f"""                <ul class="breadcrumb" itemscope itemtype="https://schema.org/BreadcrumbList">
                    <li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a href="/" itemprop="item" title="Trang chủ"><i class="icon-home"></i><span itemprop="name" class="d-none">Trang chủ</span></a><meta itemprop="position" content="1" /></li>
                    <li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a href="/{zone.key}.htm" itemprop="item" title="{e(zone.name)}"><span itemprop="name">{e(zone.name)}</span></a><meta itemprop="position" content="2" /></li>
                </ul>"""


def news_items(m: Mirror, indices: list[int]) -> str:
    """``div.news-item[data-id]`` teasers, as on the zone page and in the API's reply."""
    out = []
    for i in indices:
        a = m.articles[i]
        item = m.items[i]
        out.append(
            f"""                        <div class="news-item" data-id="{item.ident}">
                            <a href="{e(a.path)}" class="news-thumb" title="{e(a.title)}">
                                <img src="{MEDIA}/thumb_w/300/{_img_path(m, i, 0)}" alt="{e(a.title)}" loading="lazy" />
                            </a>
                            <div class="news-content">
                                <h3 class="news-title"><a href="{e(a.path)}" title="{e(a.title)}">{e(a.title)}</a></h3>
                                <span class="news-time" title="{hm_dmy(item.minutes)}"><i class="icon-clock"></i> {dmy(item.minutes)}</span>
                                <p class="news-sapo">{e(m.body(i).sapo)}</p>
                            </div>
                        </div>"""
        )
    return "\n".join(out)


def _img_path(m: Mirror, i: int, ref: int) -> str:
    t = local_time(m.items[i].minutes)
    return f"{t.year}/{t.month}/{t.day}/{m.items[i].slug[:24]}-{ref % 89}-{m.items[i].minutes * 60 + ref % 997}.jpg"


def zone_page(m: Mirror, zone: Listing) -> str:
    first = zone.items[: zone.page_size]
    script = """<script type="text/javascript">
    $(function () {
        var loading = false;
        $("#btnViewMore").on("click", function () {
            if (loading) return;
            loading = true;
            var pageIndex = parseInt($("#hdPageIndex").val(), 10) + 1;
            var ids = $("#list-news-zone .news-item").map(function () { return $(this).data("id"); }).get();
            $.ajax({
                url: "/api/NewsZone/NewsZone",
                type: "POST",
                data: { PageIndex: pageIndex, PageSize: $("#hdPageSize").val(), Catname: $("#hdCatname").val(),
                        LanguageId: $("#hdLanguageId").val(), Site: $("#hdSite").val(), DataIds: ids },
                success: function (html) {
                    if ($.trim(html) === "") { $("#btnViewMore").hide(); }
                    else { $("#list-news-zone").append(html); $("#hdPageIndex").val(pageIndex); }
                },
                complete: function () { loading = false; }
            });
        });
    });
</script>"""
    return (
        _head(zone.name, f"/{zone.key}.htm", f"{zone.name}: thông tin về hoạt động của phường Ba Đình.", "website")
        + _header(m)
        + f"""    <main class="main-content zone-page">
        <div class="container">
            <div class="row">
            <div class="col-lg-8 col-main">
                <div class="zone-header">
{_breadcrumb(zone)}
                    <h1 class="title-zone">{e(zone.name)}</h1>
                </div>
                <div class="box-list-news">
                    <div class="list-news" id="list-news-zone">
{news_items(m, first)}
                    </div>
                    <input type="hidden" id="hdPageIndex" name="PageIndex" value="0" />
                    <input type="hidden" id="hdPageSize" name="PageSize" value="{zone.page_size}" />
                    <input type="hidden" id="hdCatname" name="Catname" value="{zone.key}" />
                    <input type="hidden" id="hdLanguageId" name="LanguageId" value="1" />
                    <input type="hidden" id="hdSite" name="Site" value="{SITE_ID}" />
                    <div class="view-more text-center"><button type="button" class="btn btn-view-more" id="btnViewMore">Xem thêm <i class="icon-arrow-down"></i></button></div>
                </div>
            </div>
{_sidebar(m, zone)}            </div>
        </div>
    </main>
"""
        + _FOOTER
        + script
        + "\n</body>\n</html>\n"
    )


def _block(m: Mirror, i: int, b: Block, n: int) -> str:
    if b.kind in ("paragraph", "answer"):
        return f'<p style="text-align: justify;">{e(b.text)}</p>'
    if b.kind == "heading":
        return f"<h2>{e(b.text)}</h2>"
    if b.kind in ("question", "closing"):
        return f'<p style="text-align: justify;"><strong>{e(b.text)}</strong></p>'
    if m.items[i].migrated:
        src = f"/documents/{GROUP_ID}/0/{m.items[i].slug[:20]}-{b.ref % 89}.jpg/{m.uuid(i, b.ref)}?t={m.items[i].minutes * 60000}"
    else:
        src = f"{MEDIA}/{_img_path(m, i, b.ref)}"
    if n % 2 == 1 and not m.items[i].migrated:  # every other photo in the platform's embedded photo box
        return f"""<div class="VCSortableInPreviewMode" type="Photo" style=""><div><a href="{src}" data-fancybox-group="img-lightbox" title="{e(b.text)}" target="_blank"><img src="{src}" alt="{e(b.text[:60])}" width="1280" height="853" /></a></div>
<div class="PhotoCMS_Caption"><p data-placeholder="[nhập chú thích]">{e(b.text)}</p></div></div>"""
    return f"""<figure class="image align-center" style="text-align:center;"><img src="{src}" alt="{e(b.text[:60])}" width="1280" height="853" />
<figcaption>{e(b.text)}</figcaption>
</figure>"""


def article_page(m: Mirror, i: int) -> str:
    a = m.articles[i]
    item = m.items[i]
    zone = m.listings[item.listing]
    body = m.body(i)
    images = 0
    parts = []
    for b in body.blocks:
        parts.append(_block(m, i, b, images))
        images += b.kind == "image"
    byline = f"{body.author} - {body.outlet}" if item.interview or item.migrated else body.author
    t = local_time(item.minutes)
    if item.migrated:
        info = f"""                    <div class="news-info">
                        <span class="time">{weekday_vi(t.weekday())}, {t:%d/%m/%Y %H:%M}</span>
                        <span class="view">Lượt xem: {thousands(m.views(i))}</span>
                    </div>"""
    else:
        info = f"""                    <div class="news-info d-flex align-items-center">
                        <span class="detail-time"><i class="icon-clock"></i> {t:%d/%m/%Y %H:%M}</span>
                        <span class="detail-view"><i class="icon-eye"></i> Lượt xem: {thousands(m.views(i))}</span>
                    </div>"""
    related = []
    for j in m.related(i):
        rj = m.articles[j]
        related.append(
            f"""                            <div class="news-item" data-id="{m.items[j].ident}">
                                <div class="news-content">
                                    <h3 class="news-title"><a href="{e(rj.path)}" title="{e(rj.title)}">{e(rj.title)}</a></h3>
                                    <div class="news-meta"><span class="news-time" title="{hm_dmy(m.items[j].minutes)}">{dmy(m.items[j].minutes)}</span> <span class="news-view">{thousands(m.views(j))} lượt xem</span></div>
                                    <p class="news-sapo">{e(teaser(m.body(j).sapo, 26))}</p>
                                </div>
                            </div>"""
        )
    related_box = (
        f"""                    <div class="box-news-related">
                        <div class="box-title"><h2 class="title">Tin liên quan</h2></div>
                        <div class="list-news-related">
{chr(10).join(related)}
                        </div>
                    </div>"""
        if related
        else ""
    )
    share = quote(a.path, safe="")
    first_image = next((b for b in body.blocks if b.kind == "image"), None)
    og_image = f"{MEDIA}/{_img_path(m, i, first_image.ref)}" if first_image and not item.migrated else ""
    return (
        _head(a.title, a.path, body.sapo, "article", og_image)
        + _header(m)
        + f"""    <main class="main-content">
        <div class="container">
            <div class="row">
            <div class="col-lg-8 col-main">
                <div class="news-detail" data-id="{item.ident}">
                    <div class="detail-top d-flex justify-content-between">
{_breadcrumb(zone)}
                    <div class="detail-tools">
                        <a href="javascript:window.print()" class="btn-print" title="In bài viết"><i class="icon-print"></i> In bài</a>
                    </div>
                    </div>
                    <h1 class="detail-title" data-role="title">{e(a.title)}</h1>
{info}
                    <h2 class="detail-sapo" data-role="sapo">{e(body.sapo)}</h2>
                    <div class="detail-content afcbc-body" data-role="content">
{chr(10).join(parts)}
<p style="text-align: right;"><strong>{e(byline)}</strong></p>
                    </div>
                    <div class="detail-share">
                        <span>Chia sẻ:</span>
                        <a href="https://www.facebook.invalid/sharer/sharer.php?u={BASE_Q}{share}" target="_blank" rel="nofollow" class="share-fb" title="Chia sẻ Facebook"><i class="icon-fb"></i></a>
                        <a href="https://sp.zalo.invalid/share_inline?d={BASE_Q}{share}" target="_blank" rel="nofollow" class="share-zalo" title="Chia sẻ Zalo"><i class="icon-zalo"></i></a>
                    </div>
{related_box}
                </div>
            </div>
{_sidebar(m, zone)}            </div>
        </div>
    </main>
"""
        + _FOOTER
        + "</body>\n</html>\n"
    )
