"""Liferay-era pages (up to 2022): home, asset-publisher listings, articles and their print view."""

# ruff: noqa: E501  (HTML templates and Vietnamese text pools: long lines are the page's own)

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from .chrome import (
    INTERNAL,
    SEARCH_WORDS,
    banner_widget,
    e,
    gallery_widget,
    liferay_columns,
    liferay_footer,
    liferay_head,
    liferay_header,
    portlet,
    prefixed_lang_links,
    relative_lang_links,
    search_url,
    visitor_widget,
)
from .content import Block, Body, teaser, thousands
from .model import BASE, BASE_Q, GROUP_ID, Listing, dmy, liferay_stamp
from .traps import trap_links

if TYPE_CHECKING:
    from .site import Mirror


def nav(m: Mirror) -> list[tuple[str, str]]:
    out = []
    for listing in m.listings:
        out.append((f"/{listing.key}" + (".htm" if listing.era == "htm" else ""), listing.name))
    return out


def listing_target(listing: Listing, page: int, delta: int | None = None, *, bare_first: bool = False) -> str:
    """A listing page as Liferay links it (``bare_first``: page 1 as the plain section URL)."""
    if page <= 1 and delta is None and bare_first:
        return f"/{listing.key}"
    p = listing.portlet
    q = f"p_p_id={p}&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
    if delta is not None:
        q += f"&_{p}_delta={delta}"
    return f"/{listing.key}?{q}&_{p}_cur={page}"


# --- home ----------------------------------------------------------------------------------------


def home(m: Mirror) -> str:
    blocks: list[str] = []
    for listing in m.listings:
        link = f"/{listing.key}" + (".htm" if listing.era == "htm" else "")
        rows = []
        for i in listing.items[: 3 if listing.era == "liferay" else 2]:
            a = m.articles[i]
            href = m.link_path(i)
            absolute = BASE if listing.era == "liferay" else ""
            rows.append(
                f"""		<div class="item">
			<h3 class="asset-title"><a href="{absolute}{e(href)}">{e(a.title)}</a></h3>
			<span class="ngay-dang">{dmy(m.items[i].minutes)}</span> <span class="luot-xem">{thousands(m.views(i))} Lượt xem</span>
		</div>"""
            )
        inner = f"""	<div class="tin-noi-bat">
{chr(10).join(rows)}
		<a class="xem-tat-ca" href="{e(link)}">Xem tất cả</a>
	</div>"""
        blocks.append(portlet(listing.name, inner, pid=f"101_INSTANCE_home{len(blocks)}", css="portlet-asset-publisher"))
    words = "\n".join(f'\t\t<a class="tag" href="{e(search_url(w))}">{e(w)}</a>' for w in SEARCH_WORDS[:4])
    specials = m.specials
    links = f"""	<ul class="lien-ket-nhanh">
		<li><a href="https://hanoimoi.invalid/chinh-tri/ba-dinh" target="_blank">Báo Hànộimới - Tin Ba Đình</a></li>
		<li><a href="{e(specials["external_redirect"])}">Báo Kinh tế &amp; Đô thị</a></li>
		<li><a href="{INTERNAL}van-ban-noi-bo" rel="nofollow">Văn bản nội bộ</a></li>
		<li><a href="{BASE}{e(specials["missing"])}">Thông báo lịch tiếp công dân tháng 12/2021</a></li>
		<li><a href="{e(specials["old_url"])}">{e(m.articles[m.old_url_target].title)}</a></li>
	</ul>
	<div class="tu-khoa">
{words}
	</div>"""
    main = "\n".join(blocks) + portlet("Liên kết nhanh", links, pid="56_INSTANCE_qLinks01", css="portlet-journal-content")
    side = banner_widget() + gallery_widget() + visitor_widget(*m.site_stats())
    return (
        liferay_head("Trang chủ", "/")
        + liferay_header(nav(m), lang_links=relative_lang_links())
        + liferay_columns(main, side)
        + liferay_footer()
    )


# --- listings ------------------------------------------------------------------------------------


def listing_page(m: Mirror, listing: Listing, page: int, delta: int | None, *, target: str) -> str:
    size = delta or listing.page_size
    last = listing.pages(size)
    page = min(max(page, 1), last)  # past the end: Liferay shows the last page again
    start = (page - 1) * size
    rows = listing.items[start : start + size]
    here = target if "?" in target else f"/{listing.key}"
    redirect = BASE_Q + quote(here, safe="")
    p = listing.portlet
    items = []
    for n, i in enumerate(rows):
        a = m.articles[i]
        item = m.items[i]
        link = m.link_path(i)
        if m.items[i].view_content:
            href = f"{BASE}{link}"
        else:
            session = f";jsessionid={m.session_id(i)}" if (start + n) % 4 == 1 else ""
            href = f"{BASE}{link}{session}?redirect={redirect}&inheritRedirect=true"
        summary = teaser(m.body(i).sapo, 30)
        items.append(
            f"""	<div class="asset-abstract {"last" if n == len(rows) - 1 else ""}">
			<div class="lfr-meta-actions asset-actions"></div>
		<h3 class="asset-title">
			<a href="{e(href)}">{e(a.title)}</a>
		</h3>
		<div class="asset-content">
			<div class="asset-summary">
					<div class="asset-small-image">
						<img alt="" class="asset-small-image" src="/documents/{GROUP_ID}/0/{item.slug[:22]}.jpg/{m.uuid(i, 1)}?t={item.minutes * 60000}&amp;imageThumbnail=1" width="150" />
					</div>
				{e(summary)}
				<div class="asset-more">
					<a href="{e(href)}">Xem thêm <span class="hide-accessible">về {e(a.title)}</span></a>
				</div>
			</div>
		</div>
		<div class="asset-metadata">
			<span class="metadata-entry metadata-publish-date">Ngày đăng {liferay_stamp(item.minutes)}</span>
			<span class="metadata-entry metadata-view-count">Lượt xem: {thousands(m.views(i))}</span>
		</div>
	</div>"""
        )

    def url(n: int) -> str:
        return BASE + e(listing_target(listing, n, delta))

    numbers: list[tuple[int, str]] = []
    for n in sorted({1, 2, 3, page - 1, page, page + 1, last} & set(range(1, last + 1))):
        if numbers and n > numbers[-1][0] + 1:
            numbers.append((-1, '\t<span class="page-dots">...</span>'))
        if n == page:
            numbers.append((n, f'\t<strong class="page-link current">{n}</strong>'))
        else:
            numbers.append((n, f'\t<a class="page-link" href="{url(n)}">{n}</a>'))
    nav_links = [s for _, s in numbers]
    if page > 1:
        nav_links.insert(
            0, f'\t<a class="page-first" href="{url(1)}">Đầu</a> <a class="page-prev" href="{url(page - 1)}">Trước</a>'
        )
    if page < last:
        nav_links.append(
            f'\t<a class="page-next" href="{url(page + 1)}">Sau</a> <a class="page-last" href="{url(last)}">Cuối</a>'
        )
    deltas = "\n".join(
        f'\t\t\t\t\t<li role="presentation"><a href="{BASE}/{listing.key}?p_p_id={p}&amp;p_p_lifecycle=0&amp;p_p_state=normal&amp;p_p_mode=view&amp;_{p}_delta={d}" class="taglib-icon" role="menuitem">'
        f'<span class="taglib-text-icon">{d}</span></a></li>'
        for d in (5, 10, 20)
    )
    rss = (
        f"/{listing.key}?p_p_id={p}&p_p_lifecycle=0&p_p_state=exclusive&p_p_mode=view&_{p}_struts_action=%2Fasset_publisher%2Frss"
    )
    inner = f"""{chr(10).join(items)}
<div class="taglib-page-iterator" id="_{p}_ocerSearchContainerPageIterator">
	<div class="clearfix lfr-pagination">
		<div class="lfr-pagination-delta-selector">
			<div class="btn-group lfr-icon-menu"><a class="dropdown-toggle direction-down btn" href="javascript:;" title="{size} Mục trên mỗi trang"><span class="lfr-icon-menu-text">{size} Mục trên mỗi trang</span></a>
				<ul class="dropdown-menu lfr-menu-list direction-down" role="menu">
{deltas}
				</ul>
			</div>
		</div>
		<small class="search-results">Hiển thị {start + 1} - {start + len(rows)} trong số {len(listing.items)} kết quả. Trang {page} của {last}</small>
	</div>
</div>
<div class="page-links">
{chr(10).join(nav_links)}
</div>
<div class="subscribe-action"><a class="rss-link" href="{e(rss)}" rel="nofollow">RSS</a></div>"""
    main = portlet(listing.name, inner, pid=p, css="portlet-asset-publisher")
    side = banner_widget() + gallery_widget() + visitor_widget(*m.site_stats())
    canonical = f"/{listing.key}" if page == 1 and delta is None else listing_target(listing, page, delta)
    return (
        liferay_head(listing.name, canonical)
        + liferay_header(nav(m), lang_links=prefixed_lang_links(f"/{listing.key}"))
        + liferay_columns(main, side)
        + liferay_footer()
    )


# --- articles ------------------------------------------------------------------------------------


def _blocks_html(m: Mirror, i: int, body: Body) -> str:
    item = m.items[i]
    out = []
    for b in body.blocks:
        out.append(_block(m, i, b, item.slug))
    return "\n".join(out)


def _block(m: Mirror, i: int, b: Block, slug: str) -> str:
    if b.kind == "paragraph":
        return f'<p style="text-align: justify;">{e(b.text)}</p>'
    if b.kind == "heading":
        return f'<p style="text-align: justify;"><strong>{e(b.text)}</strong></p>'
    if b.kind in ("question", "closing"):
        return f'<p style="text-align: justify;"><strong>{e(b.text)}</strong></p>'
    if b.kind == "answer":
        return f'<p style="text-align: justify;">{e(b.text)}</p>'
    # image: the picture in a centred paragraph, its caption in italics just below
    src = f"/documents/{GROUP_ID}/0/{slug[:18]}-{b.ref % 97}.jpg/{m.uuid(i, b.ref)}?t={m.items[i].minutes * 60000 + b.ref % 1000}"
    return (
        f'<p style="text-align: center;"><img alt="" src="{src}" style="width: 620px; height: 413px;" /></p>\n'
        f'<p style="text-align: center;"><em>{e(b.text)}</em></p>'
    )


def article_page(m: Mirror, i: int) -> str:
    a = m.articles[i]
    item = m.items[i]
    listing = m.listings[item.listing]
    body = m.body(i)
    p = listing.portlet
    path = a.path
    attachments = ""
    if item.pdf:
        pdf_name, pdf_uuid, pdf_title = m.pdf_info
        attachments = f"""
<p style="text-align: justify;"><strong><em>Tài liệu kèm theo:</em></strong></p>
<ul>
	<li><a href="/documents/{GROUP_ID}/0/{pdf_name}/{pdf_uuid}" target="_blank">{e(pdf_title)}</a></li>
</ul>"""
    byline = f'<p style="text-align: right;"><strong>{e(body.author)} - {e(body.outlet)}</strong></p>'
    print_link = f"{path}?_{p}_viewMode=print" if not listing.liferay7 else f"{path}?p_p_state=pop_up&_{p}_viewMode=print"
    action = (
        f"{path}?p_p_id={p}&p_p_lifecycle=1&p_p_state=normal&p_p_mode=view&_{p}_javax.portlet.action=rateEntry&p_p_auth=Wd5yHe1R"
    )
    email = f"{path}?p_p_id={p}&p_p_lifecycle=0&p_p_state=pop_up&p_p_mode=view&_{p}_struts_action=%2Fasset_publisher%2Femail"
    meta = (
        f"""	<div class="news-meta">
		<span class="news-date"><i class="fa fa-clock-o"></i> Ngày đăng {liferay_stamp(item.minutes)}</span>
		<span class="news-view"><i class="fa fa-eye"></i> Lượt xem: {thousands(m.views(i))}</span>
	</div>"""
        if listing.liferay7
        else f"""	<div class="asset-metadata">
		<span class="metadata-entry metadata-publish-date">Ngày đăng {liferay_stamp(item.minutes)}</span>
		<span class="metadata-entry metadata-view-count">Lượt xem: {thousands(m.views(i))}</span>
	</div>"""
    )
    content = f"""<div class="asset-full-content default-asset-publisher show-asset-title">
	<div class="taglib-header">
		<span class="header-back-to"><a href="{BASE}/{listing.key}" title="Quay lại">&larr;</a></span>
		<h1 class="header-title"><span>{e(a.title)}</span></h1>
	</div>
{meta}
	<span class="asset-anchor lfr-asset-anchor" id="{item.ident}"></span>
	<div class="asset-content" id="_{p}_{item.ident}">
		<div class="journal-content-article">
<div class="sapo"><strong>{e(body.sapo)}</strong></div>
{_blocks_html(m, i, body)}{attachments}
{byline}
<p>&nbsp;</p>
		</div>
	</div>
	<div class="asset-links">
		<a class="print-link" href="{e(print_link)}" rel="nofollow" title="In bài viết"><i class="icon-print"></i> In bài viết</a>
		<a class="email-link" href="{e(email)}" rel="nofollow" title="Gửi email"><i class="icon-envelope"></i> Gửi email</a>
		<a class="rate-link" href="{e(action)}" rel="nofollow" title="Đánh giá"><i class="icon-star"></i> Đánh giá</a>
		<a class="share-fb" href="https://www.facebook.invalid/sharer/sharer.php?u={BASE_Q}{quote(path, safe="")}" target="_blank" rel="nofollow">Chia sẻ</a>
	</div>
</div>"""
    breadcrumb = f"""<ul aria-label="Breadcrumb" class="breadcrumb breadcrumb-horizontal">
	<li class="first breadcrumb-truncate"><a href="{BASE}/">Trang chủ</a><span class="divider">/</span></li>
	<li class="active last breadcrumb-truncate"><a href="{BASE}/{listing.key}">{e(listing.name)}</a></li>
</ul>"""
    main = breadcrumb + portlet(listing.name, content, pid=p, css="portlet-asset-publisher") + _others(m, i)
    side = banner_widget() + gallery_widget() + visitor_widget(*m.site_stats())
    return (
        liferay_head(a.title, path, description=body.sapo, og_type="article")
        + liferay_header(nav(m), lang_links=prefixed_lang_links(path))
        + liferay_columns(main, side)
        + liferay_footer()
    )


def _others(m: Mirror, i: int) -> str:
    """The "Tin khác" box: the next older articles of the section, with dates, views and teasers."""
    rows = []
    for n, j in enumerate(m.related(i)):
        a = m.articles[j]
        rows.append(
            f"""		<div class="item{" first" if n == 0 else ""}">
			<h3 class="asset-title"><a href="{e(m.link_path(j))}">{e(a.title)}</a></h3>
			<div class="info">
				<span class="ngay-dang">{dmy(m.items[j].minutes)} - {thousands(m.views(j))} Lượt xem</span>
				<p class="mo-ta">{e(teaser(m.body(j).sapo, 26))}</p>
			</div>
		</div>"""
        )
    if not rows:
        return ""
    inner = '\t<div class="tin-khac-list">\n' + "\n".join(rows) + "\n\t</div>"
    return portlet("Tin khác", inner, pid="tinkhac_WAR_badinhportlet_INSTANCE_Rt7Kp2", css="tinkhac-portlet")


def print_page(m: Mirror, i: int) -> str:
    """The print view: the article alone, with a way back; a crawler should not need it."""
    a = m.articles[i]
    body = m.body(i)
    item = m.items[i]
    return (
        liferay_head(a.title, a.path, og_type="article")
        + f"""<body class="portlet-popup" onload="window.print();">
<div class="asset-full-content">
	<div class="taglib-header"><h1 class="header-title"><span>{e(a.title)}</span></h1></div>
	<div class="asset-metadata"><span class="metadata-entry metadata-publish-date">Ngày đăng {liferay_stamp(item.minutes)}</span></div>
	<div class="journal-content-article">
<div class="sapo"><strong>{e(body.sapo)}</strong></div>
{_blocks_html(m, i, body)}
	</div>
</div>
<div class="print-actions">
	<a href="{e(a.path)}">Quay lại</a> | <a href="/en{e(a.path)}">English</a> | <a href="{e(search_url(a.title.split()[0]))}">Tìm bài viết cùng chủ đề</a>
</div>
{trap_links(a.path)}
</body>
</html>
"""
    )
