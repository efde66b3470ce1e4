"""Every selector and Vietnamese label the extractor relies on, grouped by page type and era.

A redesign of the portal should be a diff of this file only. Selectors are CSS; they are
compiled to XPath once, at import, by :mod:`badinh_crawler.extract.dom`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SelectorSet:
    """The CSS selectors of one era's article template (first match wins in each list)."""

    name: str
    #: any of these matching means the page is of this era
    detect: tuple[str, ...]
    title: tuple[str, ...]
    body: tuple[str, ...]
    sapo: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    view_count: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    related_box: tuple[str, ...] = ()
    #: inside the body: elements that are never article text
    body_noise: tuple[str, ...] = field(default=())


# --- Liferay 6.2 / 7 era (up to 2022), stock markup plus the vendor themes of district portals ---
LIFERAY = SelectorSet(
    name="liferay",
    detect=(
        ".journal-content-article",
        ".asset-full-content",
        "div.taglib-header h1.header-title",
        "section.portlet",
    ),
    title=(
        "div.taglib-header h1.header-title",
        ".asset-full-content h1",
        ".journal-content-article h1",
        "h1.header-title",
    ),
    body=(".asset-full-content .journal-content-article", ".asset-full-content", ".journal-content-article"),
    sapo=(".asset-full-content .asset-summary", ".asset-full-content .sapo", ".journal-content-article .sapo"),
    date=(".metadata-publish-date", ".asset-metadata .metadata-entry-date", ".news-date", ".publish-date"),
    view_count=(".metadata-view-count", ".view-count", ".asset-view-count"),
    category=(".breadcrumb li:last-child a", ".breadcrumbs li:last-child a"),
    related_box=(".asset-links", ".related-assets", ".other-news", ".tin-khac"),
    body_noise=(".taglib-social-bookmarks", ".asset-ratings", ".taglib-ratings", ".asset-links", ".print-action"),
)

# --- shared ".htm" platform of the city, districts and wards (2024/25 on) ---
HTM = SelectorSet(
    name="htm",
    detect=("div.news-detail", "div.detail-content.afcbc-body", ".detail-content"),
    title=("div.news-detail h1", "h1.detail-title", "h1.news-title", ".detail-title"),
    body=("div.detail-content.afcbc-body", ".afcbc-body", ".detail-content"),
    sapo=(".detail-sapo", "h2.sapo", ".news-detail .sapo"),
    date=(".detail-time", ".news-info .time", ".detail-info .time"),
    view_count=(".detail-view", ".news-info .view", ".view-count"),
    category=(".breadcrumb li:last-child a", ".detail-cate a", ".news-cate a"),
    related_box=(".detail-related", ".news-related", ".box-related", ".related-news"),
    body_noise=(".VCSortableInPreviewMode[type=RelatedNews]", ".box-related", ".detail-share"),
)

#: tried in this order; when none fits, the generic path (content cues only) runs
SELECTOR_SETS: tuple[SelectorSet, ...] = (HTM, LIFERAY)


# --- cross-era Vietnamese labels (content cues, matched on NFC text, case-insensitively) ---

#: view counter labels
VIEW_LABELS: tuple[str, ...] = ("lượt xem", "view count", "lượt đọc", "số lượt xem", "lần xem", "views")
#: date labels of article metadata lines
DATE_LABELS = ("ngày đăng", "ngày xuất bản", "đăng ngày", "cập nhật", "ngày cập nhật", "thời gian", "ngày:")
#: headings of related-news boxes
RELATED_LABELS = (
    "tin khác",
    "các tin khác",
    "tin liên quan",
    "các tin liên quan",
    "tin bài liên quan",
    "bài viết liên quan",
    "tin cùng chuyên mục",
    "tin cùng loại",
    "các tin đã đưa",
    "bài liên quan",
)
#: visitor widget: "online now" and "total visits" labels
ONLINE_LABELS = ("đang trực tuyến", "đang truy cập", "đang online", "trực tuyến", "online")
TOTAL_LABELS = ("tổng số lượt truy cập", "tổng lượt truy cập", "số lượt truy cập", "lượt truy cập", "tổng số", "tổng", "total")
#: gallery widgets (never article text)
GALLERY_LABELS = ("thư viện hình ảnh", "thư viện ảnh", "thư viện video", "video clip")
#: byline labels
AUTHOR_LABELS = ("tác giả", "người viết", "phóng viên", "bài và ảnh", "bài, ảnh")
SOURCE_LABELS = ("nguồn tin", "nguồn", "theo")
#: words that make a short closing remark of an interviewer ("Trân trọng cảm ơn đồng chí!")
CLOSING_WORDS = ("cảm ơn", "cám ơn")
#: link texts that are never a related item's title
NON_TITLE_LINKS = ("xem thêm", "chi tiết", "xem tiếp", "đọc tiếp", "more", "xem chi tiết")
#: breadcrumb items that are never a category
NON_CATEGORY = ("trang chủ", "home", "trang chu")

# --- class / id tokens (split on non-alphanumerics, lower-cased) ---

#: an element carrying one of these tokens is page furniture, unless it contains the headline
BOILERPLATE_TOKENS = frozenset(
    """menu nav navbar navigation mainmenu topmenu footer breadcrumb breadcrumbs banner sidebar
    slider carousel marquee clock weather search login share sharing social comment comments
    advert ads adv quangcao qc thongke statistic statistics counter visitor visitors weblink
    lienket links gallery thuvien video videos poll related tinkhac lienquan othernews copyright
    toolbar tools print rating ratings tags pager pagination paging hotline popup modal cookie
    point_portal_egov_date today datenow currentdate ngayhientai duongdan chan-trang chantrang dau-trang dautrang
    cot-phai cotphai lien-ket""".split()
)
#: page-header tokens: boilerplate when the element does not contain the headline
HEADER_TOKENS = frozenset("header topbar top-header site-header masthead logo".split())
BOILERPLATE_TAGS = frozenset({"nav", "header", "footer", "aside", "select", "button", "iframe", "object", "embed", "svg", "menu"})
#: headline-ish class tokens of unknown themes
TITLE_TOKENS = frozenset(
    """title tieude tieu-de headline heading entry-title header-title news-title detail-title post-title
    article-title lbltitle""".split()
)
#: lead paragraph class tokens
SAPO_TOKENS = frozenset("sapo lead summary description desc abstract tomtat trichdan intro excerpt".split())
#: image caption class tokens
CAPTION_TOKENS = frozenset(
    "caption figcaption photocms_caption image-caption chuthich chu-thich imgcaption img-caption photo-caption note".split()
)
#: question / answer class tokens of interviews
QUESTION_TOKENS = frozenset("question cauhoi cau-hoi hoi q ask interviewer pv".split())
ANSWER_TOKENS = frozenset("answer traloi tra-loi a reply interviewee".split())
#: date / view-count class tokens of metadata lines
DATE_TOKENS = frozenset(
    "date time datetime publish published publishdate ngaydang news-time detail-time post-date entry-date".split()
)
BREADCRUMB_TOKENS = frozenset("breadcrumb breadcrumbs duongdan duong-dan link_duongdan bc path".split())
CATEGORY_TOKENS = frozenset("category cate chuyenmuc".split()) | BREADCRUMB_TOKENS

#: file extensions of attachments (documents linked from an article)
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "rtf", "zip", "rar", "7z")


# --- navigation: the ".htm" platform's "load more" call (zone pages) ---
NEWSZONE_API_PATH = "/api/NewsZone/NewsZone"
#: hidden inputs of a zone page copied into the POST, in this order
NEWSZONE_FIELDS = ("PageSize", "Catname", "LanguageId", "Site")
NEWSZONE_REQUIRED_FIELDS = ("PageSize", "Catname")
NEWSZONE_INDEX_FIELD = "PageIndex"
#: headings that link somewhere: three to article URLs make a listing
TEASER_HEADING_LINKS = "//h2//a[@href]|//h3//a[@href]|//h4//a[@href]"
