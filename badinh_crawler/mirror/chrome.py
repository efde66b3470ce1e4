"""Page furniture shared by the mirror's templates: escaping, the Liferay theme's head, header,
navigation, sidebar widgets and footer, and the trap links real portal pages carry."""

# ruff: noqa: E501  (HTML templates and Vietnamese text pools: long lines are the page's own)

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape
from urllib.parse import quote_plus

from .content import weekday_vi
from .model import BASE, VN_TZ

LOGIN = (
    "/dang-nhap?p_p_id=58&p_p_lifecycle=0&p_p_state=maximized&p_p_mode=view&saveLastPath=false&_58_struts_action=%2Flogin%2Flogin"
)
#: robots.txt disallows this family; the home page links into it
INTERNAL = "/noi-bo/"
SEARCH_WORDS = ("chuyển đổi số", "cải cách hành chính", "COVID-19", "trật tự đô thị", "tuyển sinh", "bầu cử")


def e(text: str) -> str:
    """Text or attribute value, HTML-escaped."""
    return escape(text, quote=True)


def today_line() -> str:
    """The header clock: TODAY's date in Hanoi (never an article's date)."""
    now = datetime.now(VN_TZ)
    return f"{weekday_vi(now.weekday())}, ngày {now:%d/%m/%Y}"


def search_url(words: str, cur: int = 1) -> str:
    q = f"/tim-kiem?p_p_id=3&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&_3_keywords={quote_plus(words)}"
    return q + (f"&_3_cur={cur}" if cur > 1 else "")


def liferay_head(title: str, canonical: str, *, description: str = "", og_type: str = "website") -> str:
    """``<head>`` of the Liferay theme; ``canonical`` is a root-relative target."""
    desc = e(description or "Cổng thông tin điện tử quận Ba Đình - thành phố Hà Nội")
    return f"""<!DOCTYPE html>

<html class="aui ltr" dir="ltr" lang="vi-VN">

<head>
	<title>{e(title)} - Cổng thông tin điện tử Quận Ba Đình</title>
	<meta content="initial-scale=1.0, width=device-width" name="viewport" />
<meta content="text/html; charset=UTF-8" http-equiv="content-type" />
<meta content="{desc}" lang="vi-VN" name="description" />
<meta content="{e(title)}" property="og:title" />
<meta content="{og_type}" property="og:type" />
<link href="{BASE}/badinh-theme/images/favicon.ico" rel="Shortcut Icon" />
	<link href="{BASE}{e(canonical)}" rel="canonical" />
			<link href="{BASE}{e(canonical)}" hreflang="vi-VN" rel="alternate" />
			<link href="{BASE}/en{e(canonical)}" hreflang="en-US" rel="alternate" />
<link class="lfr-css-file" href="{BASE}/badinh-theme/css/main.css?browserId=other&amp;themeId=badinh_WAR_badinhtheme&amp;minifierType=css&amp;languageId=vi_VN&amp;b=6210&amp;t=1626173580000" rel="stylesheet" type="text/css" />
<script type="text/javascript">
	// <![CDATA[
		var Liferay = {{ ThemeDisplay: {{ getCompanyId: function() {{ return "10155"; }}, getScopeGroupId: function() {{ return "1062718"; }}, getLanguageId: function() {{ return "vi_VN"; }}, isSignedIn: function() {{ return false; }} }} }};
		Liferay.authToken = 'Wd5yHe1R';
		Liferay.currentURL = '{e(canonical)}';
	// ]]>
</script>
<script type="text/javascript">
	/* Đồng hồ đầu trang - cập nhật theo giờ máy khách */
	var egovDayNames = ["Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"];
	function egovShowDate() {{
		var d = new Date(), el = document.getElementById("point_portal_egov_date");
		if (!el) return;
		el.innerHTML = egovDayNames[d.getDay()] + ", ngày " + ("0" + d.getDate()).slice(-2) + "/" + ("0" + (d.getMonth() + 1)).slice(-2) + "/" + d.getFullYear();
	}}
</script>
</head>
"""


def liferay_header(nav: Iterable[tuple[str, str]], *, lang_links: str) -> str:
    """Banner, clock, language and login links, search box and the menu (absolute links, as Liferay
    prints them); ``nav`` is (root-relative target, label)."""
    menu = "\n".join(
        f'\t\t\t\t\t<li class="" role="presentation"><a href="{BASE}{e(t)}" role="menuitem"><span>  {e(label)}</span></a></li>'
        for t, label in nav
    )
    return f"""<body class=" yui3-skin-sam controls-visible guest-site signed-out public-page site">

<a href="#main-content" id="skip-to-content">Chuyển đến nội dung</a>
<div class="container-fluid" id="wrapper">
	<header id="banner" role="banner">
		<div class="top-bar">
			<div class="top-bar-left" id="point_portal_egov_date">{today_line()}</div>
			<div class="top-bar-right">
				{lang_links}
				<a href="{BASE}{e(LOGIN)}" rel="nofollow" class="sign-in" title="Đăng nhập"><img alt="" src="/badinh-theme/images/custom/icon_login.png" /> Đăng nhập</a>
			</div>
		</div>
		<div class="banner-inner" id="heading">
			<h2 class="site-title">
				<a class="logo custom-logo" href="{BASE}/" title="Cổng thông tin điện tử Quận Ba Đình">
					<img alt="Cổng thông tin điện tử Quận Ba Đình" height="140" src="/image/company_logo?img_id=1063311&amp;t=1626173580000" width="1170" />
				</a>
			</h2>
		</div>
		<div class="slogan-bar">
			<marquee behavior="scroll" direction="left" onmouseout="this.start();" onmouseover="this.stop();" scrollamount="3">Lễ kỷ niệm 60 năm thành lập Quận (31/5/1961 - 31/5/2021) và thành lập Đảng Bộ Quận Ba Đình (9/6/1961 - 9/6/2021).</marquee>
		</div>
		<div class="search-top">
			<form action="{BASE}/tim-kiem" method="get" name="frmSearchTop">
				<input name="p_p_id" type="hidden" value="3" />
				<input class="search-input" name="_3_keywords" placeholder="Tìm kiếm..." type="text" />
				<button class="btn-search" type="submit"><i class="icon-search"></i></button>
			</form>
		</div>
		<nav class="sort-pages modify-pages" id="navigation" role="navigation">
			<h1 class="hide-accessible">Điều hướng</h1>
			<ul aria-label="Các trang" role="menubar">
					<li class="" role="presentation"><a href="{BASE}/" role="menuitem"><span>  Trang chủ</span></a></li>
{menu}
			</ul>
		</nav>
	</header>
"""


def relative_lang_links() -> str:
    """The theme's language switch as relative links: they nest (/en/en/vi/...) without limit."""
    return (
        '<a class="lang-vi" href="vi/" title="Tiếng Việt"><img alt="" src="/badinh-theme/images/vi.png" /></a>\n'
        '\t\t\t\t<a class="lang-en" href="en/" title="English"><img alt="" src="/badinh-theme/images/en.png" /></a>'
    )


def prefixed_lang_links(path: str) -> str:
    return (
        f'<a class="lang-vi" href="/vi{e(path)}" title="Tiếng Việt"><img alt="" src="/badinh-theme/images/vi.png" /></a>\n'
        f'\t\t\t\t<a class="lang-en" href="/en{e(path)}" title="English"><img alt="" src="/badinh-theme/images/en.png" /></a>'
    )


def portlet(title: str, inner: str, *, pid: str, css: str = "") -> str:
    """A Liferay 6.2 ``section.portlet`` with its ``portlet-title-text`` heading."""
    return f"""<div class="portlet-boundary portlet-boundary_{pid.split("_INSTANCE_")[0]}_ portlet-static portlet-static-end {css}" id="p_p_id_{pid}_">
	<span id="p_{pid}"></span>
	<section class="portlet" id="portlet_{pid}">
		<header class="portlet-topper">
			<h2 class="portlet-title">
				<span class="portlet-title-text">{e(title)}</span>
			</h2>
		</header>
		<div class="portlet-content">
			<div class=" portlet-content-container" style="">
				<div class="portlet-body">
{inner}
				</div>
			</div>
		</div>
	</section>
</div>
"""


def visitor_widget(online: int, total: int) -> str:
    inner = f"""					<div class="thongke-truycap">
						<div class="row-thongke"><i class="icon-user"></i> Đang trực tuyến: <span class="so-lieu">{online}</span></div>
						<div class="row-thongke"><i class="icon-bar-chart"></i> Số lượt truy cập: <span class="so-lieu">{total}</span></div>
					</div>"""
    return portlet("Thống kê truy cập", inner, pid="thongketruycap_WAR_badinhportlet", css="thongketruycap-portlet")


def gallery_widget() -> str:
    inner = """					<div class="thuvien-anh" id="thuvienAnhSlider">
						<img alt="Lễ kỷ niệm 60 năm thành lập quận Ba Đình" src="/documents/1062718/1589911/le-ky-niem-60-nam.jpg" />
						<img alt="Ngày hội Đại đoàn kết toàn dân tộc" src="/documents/1062718/1589911/ngay-hoi-ai-oan-ket.jpg" />
					</div>"""
    return portlet("Thư viện hình ảnh", inner, pid="thuvienanh_WAR_badinhportlet", css="thuvienanh-portlet")


def banner_widget() -> str:
    inner = """					<div class="journal-content-article">
						<p><a href="https://dichvucong.hanoi.invalid/" target="_blank"><img alt="Dịch vụ công trực tuyến" src="/documents/1062718/1063112/banner-dvc.png" style="width: 100%;" /></a></p>
					</div>"""
    return portlet("Liên kết", inner, pid="56_INSTANCE_lkWeb3Xa", css="portlet-journal-content")


def liferay_columns(main: str, side: str) -> str:
    return f"""	<div id="content">
		<div class="columns-2" id="main-content" role="main">
			<div class="portlet-layout row-fluid">
				<div class="portlet-column portlet-column-first span8" id="column-1">
					<div class="portlet-dropzone portlet-column-content portlet-column-content-first" id="layout-column_column-1">
{main}
					</div>
				</div>
				<div class="portlet-column portlet-column-last span4" id="column-2">
					<div class="portlet-dropzone portlet-column-content portlet-column-content-last" id="layout-column_column-2">
{side}
					</div>
				</div>
			</div>
		</div>
	</div>
"""


def liferay_footer(extra_links: str = "") -> str:
    return f"""<footer id="footer" role="contentinfo">
	<div class="footer-links"><a href="/">Trang chủ</a> | <a href="{BASE}/tin-tuc-su-kien">Tin tức - Sự kiện</a> | <a href="/chi-dao-dieu-hanh">Chỉ đạo điều hành</a>{extra_links}</div>
	<div class="footer-info">
		<p class="ten-don-vi"><strong>CỔNG THÔNG TIN ĐIỆN TỬ QUẬN BA ĐÌNH</strong></p>
		<p>Cơ quan chủ quản: Ủy ban nhân dân quận Ba Đình</p>
		<p>Địa chỉ: Số 25 Liễu Giai, phường Liễu Giai, quận Ba Đình, thành phố Hà Nội</p>
		<p>Điện thoại: 024.38334315&nbsp;-&nbsp;Fax: 024.38334316&nbsp;&nbsp;|&nbsp;&nbsp;Email: <a href="mailto:vanphong_badinh@hanoi.gov.vn">vanphong_badinh@hanoi.gov.vn</a></p>
		<p class="copyright">© Bản quyền thuộc UBND quận Ba Đình. Ghi rõ nguồn "Cổng thông tin điện tử quận Ba Đình" khi phát hành lại thông tin từ website này.</p>
	</div>
	<p class="powered-by">Vận hành trên nền tảng <a href="http://www.liferay.invalid" rel="external">Liferay</a></p>
</footer>
</div>
<script type="text/javascript">window.setTimeout(egovShowDate, 1000);</script>
</body>

</html>
"""
