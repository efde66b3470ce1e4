"""Pages a careful crawler never needs, each answering 200 and full of links to more of its kind:
language prefixes (relative ``en/`` / ``vi/`` links that nest), pop-up and exclusive states, portlet
actions, site search, the login portlet and the robots.txt-disallowed intranet; plus 404 and 500."""

# ruff: noqa: E501  (HTML templates and Vietnamese text pools: long lines are the page's own)

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from .chrome import (
    INTERNAL,
    LOGIN,
    SEARCH_WORDS,
    e,
    liferay_columns,
    liferay_footer,
    liferay_head,
    liferay_header,
    portlet,
    relative_lang_links,
    search_url,
    visitor_widget,
)
from .content import WARDS, thousands
from .model import BASE, dmy

if TYPE_CHECKING:
    from .site import Mirror


def _pick(key: str, n: int, size: int) -> list[int]:
    h = zlib.crc32(key.encode())
    return [(h + k * 7919) % size for k in range(n)]


def trap_links(path: str) -> str:
    """Links every trap page carries: pop-up, action and search variants of the page itself."""
    h = zlib.crc32(path.encode())
    word = SEARCH_WORDS[h % len(SEARCH_WORDS)]
    pid = "101_INSTANCE_tr4pL1nk"
    return f"""	<ul class="tien-ich">
		<li><a href="{e(path)}?p_p_id={pid}&amp;p_p_lifecycle=0&amp;p_p_state=pop_up&amp;p_p_mode=view" rel="nofollow">Xem dạng cửa sổ</a></li>
		<li><a href="{e(path)}?p_p_id={pid}&amp;p_p_lifecycle=1&amp;p_p_state=normal&amp;p_p_mode=view&amp;_{pid}_javax.portlet.action=subscribe&amp;p_p_auth={h % 99991:05d}" rel="nofollow">Đăng ký nhận tin</a></li>
		<li><a href="{e(path)}?p_p_id={pid}&amp;p_p_lifecycle=0&amp;p_p_state=exclusive&amp;p_p_mode=view&amp;_{pid}_struts_action=%2Fasset_publisher%2Frss">RSS</a></li>
		<li><a href="{e(search_url(word))}">Tìm kiếm: {e(word)}</a></li>
	</ul>"""


def _shell(m: Mirror, title: str, canonical: str, main: str, *, lang: str) -> str:
    from .liferay import nav

    side = visitor_widget(*m.site_stats())
    return (
        liferay_head(title, canonical) + liferay_header(nav(m), lang_links=lang) + liferay_columns(main, side) + liferay_footer()
    )


def language_page(m: Mirror, path: str) -> str:
    """``/en/...``, ``/vi/...``, ``/en/en/vi/...``: the home page in another language, whose relative
    ``en/`` and ``vi/`` links go one level deeper every time."""
    rows = []
    for i in _pick(path, 4, len(m.articles)):
        a = m.articles[i]
        rows.append(f'\t\t<li><a href="{e(a.path)}">{e(a.title)}</a> <span class="date">{dmy(m.items[i].minutes)}</span></li>')
    inner = f"""	<p class="lang-notice">Ba Dinh District Portal - English version (selected news).</p>
	<ul class="news-list">
{chr(10).join(rows)}
	</ul>
	<p><a href="en/">English</a> | <a href="vi/">Tiếng Việt</a> | <a href="trang-chu">Home</a></p>
{trap_links(path)}"""
    main = portlet("Ba Dinh District News", inner, pid="101_INSTANCE_enHome01", css="portlet-asset-publisher")
    return _shell(m, "Ba Dinh District", path, main, lang=relative_lang_links())


def popup_page(m: Mirror, path: str, state: str) -> str:
    """A portlet rendered alone (``p_p_state=pop_up`` / ``exclusive``)."""
    rows: list[str] = []
    for i in _pick(path + state, 5, len(m.articles)):
        a = m.articles[i]
        rows.append(
            f'\t<li><a href="{e(a.path)}?p_p_state={state}">{e(a.title)}</a></li>\n'
            f'\t<li><a href="{e(a.path)}?p_p_state=pop_up&amp;p_p_mode=view&amp;n={len(rows) + 1}">{e(a.title)} (cửa sổ)</a></li>'
        )
    return f"""<!DOCTYPE html>
<html class="aui ltr" dir="ltr" lang="vi-VN">
<head><title>Cổng thông tin điện tử Quận Ba Đình</title><meta content="text/html; charset=UTF-8" http-equiv="content-type" /></head>
<body class="portlet-popup">
<div class="portlet-body">
<ul class="popup-list">
{chr(10).join(rows)}
</ul>
{trap_links(path)}
</div>
</body>
</html>
"""


def action_page(m: Mirror, path: str) -> str:
    """A portlet action (``p_p_lifecycle=1``): Liferay processes it, then renders the page again."""
    inner = f"""	<div class="alert alert-info">Yêu cầu của bạn đã được xử lý thành công.</div>
	<p><a href="{e(path)}">Quay lại trang trước</a></p>
{trap_links(path)}"""
    main = portlet("Thông báo", inner, pid="101_INSTANCE_acti0nRs", css="portlet-asset-publisher")
    return _shell(m, "Thông báo", path, main, lang=relative_lang_links())


def search_page(m: Mirror, words: str, cur: int) -> str:
    """Site search: every result page links the next one, without end."""
    rows = []
    for i in _pick(f"{words}#{cur}", 5, len(m.articles)):
        a = m.articles[i]
        rows.append(
            f"""		<li class="search-result"><h3><a href="{e(a.path)}">{e(a.title)}</a></h3>
			<span class="date">{dmy(m.items[i].minutes)}</span> - <span class="views">{thousands(m.views(i))} Lượt xem</span></li>"""
        )
    more = "\n".join(f'\t\t<a href="{e(search_url(f"{words} {w}"))}">{e(words)} {e(w)}</a>' for w in WARDS[cur % 5 : cur % 5 + 3])
    inner = f"""	<form action="{BASE}/tim-kiem" method="get"><input name="_3_keywords" type="text" value="{e(words)}" /></form>
	<p class="search-total">Kết quả tìm kiếm cho "{e(words)}" - trang {cur}</p>
	<ul class="search-results">
{chr(10).join(rows)}
	</ul>
	<div class="page-links">
		<a href="{e(search_url(words, max(1, cur - 1)))}">Trước</a> <strong>{cur}</strong> <a href="{e(search_url(words, cur + 1))}">Sau</a>
	</div>
	<div class="related-searches">
{more}
	</div>"""
    main = portlet("Tìm kiếm", inner, pid="3", css="portlet-search")
    return _shell(m, "Tìm kiếm", search_url(words, cur), main, lang=relative_lang_links())


def login_page(m: Mirror, query: str) -> str:
    base = LOGIN.split("&_58_struts_action", 1)[0]
    inner = f"""	<form action="{BASE}{e(LOGIN)}&amp;p_auth=Wd5yHe1R" class="form sign-in-form" method="post" name="_58_fm">
		<label for="_58_login">Địa chỉ email</label><input id="_58_login" name="_58_login" type="text" />
		<label for="_58_password">Mật khẩu</label><input id="_58_password" name="_58_password" type="password" />
		<button class="btn btn-primary" type="submit">Đăng nhập</button>
	</form>
	<div class="navigation">
		<a href="{e(base)}&amp;_58_struts_action=%2Flogin%2Fcreate_account">Tạo tài khoản</a>
		<a href="{e(base)}&amp;_58_struts_action=%2Flogin%2Fforgot_password">Quên mật khẩu</a>
		<a href="{e(base)}&amp;_58_struts_action=%2Flogin%2Fopen_id">OpenID</a>
	</div>"""
    main = portlet("Đăng nhập", inner, pid="58", css="portlet-login")
    return _shell(m, "Đăng nhập", "/dang-nhap", main, lang=relative_lang_links())


def internal_page(m: Mirror, path: str) -> str:
    """The intranet robots.txt disallows: endless folders of internal documents."""
    depth = path.rstrip("/").count("/")
    rows = "\n".join(
        f'\t\t<li><a href="{INTERNAL}{"/".join(["thu-muc"] * min(depth, 6))}/tai-lieu-{depth}-{n}">Tài liệu nội bộ số {depth}.{n}</a></li>'
        for n in range(1, 6)
    )
    inner = f"""	<p>Khu vực dành cho cán bộ, công chức quận Ba Đình.</p>
	<ul class="van-ban-noi-bo">
{rows}
	</ul>
{trap_links(path)}"""
    main = portlet("Văn bản nội bộ", inner, pid="20_INSTANCE_n0iB0", css="portlet-document-library")
    return _shell(m, "Văn bản nội bộ", path, main, lang=relative_lang_links())


def not_found(m: Mirror, path: str) -> str:
    inner = f"""	<div class="alert alert-error">Không tìm thấy trang yêu cầu.</div>
	<p>Đường dẫn <code>{e(path)}</code> không tồn tại hoặc đã bị gỡ bỏ.</p>
	<p><a href="/">Về trang chủ</a></p>"""
    main = portlet("Lỗi", inner, pid="status", css="portlet-status")
    return _shell(m, "Không tìm thấy trang", path, main, lang=relative_lang_links())


ERROR_500 = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8" /><title>Lỗi hệ thống</title></head>
<body><h1>Lỗi hệ thống</h1><p>Hệ thống đang bận, vui lòng thử lại sau.</p><p><a href="/">Trang chủ</a></p></body>
</html>
"""
