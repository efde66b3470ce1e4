"""The mirror's data: public article records, HTTP responses, and the internal site structure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

#: stands for the serving host ("http://127.0.0.1:PORT") in page bytes and headers
BASE = "__BASE__"
#: the same, percent-encoded as a query value (``http%3A%2F%2F127.0.0.1%3APORT``)
BASE_Q = "__BASEQ__"
#: the portal's own host, for pages read without a server (``Response.with_base(PORTAL)``)
PORTAL = "https://badinh.hanoi.gov.vn"
VN_TZ = timezone(timedelta(hours=7))
#: Ba Đình's Liferay group id, in every ``/documents/<groupId>/...`` URL
GROUP_ID = 1062718


@dataclass(frozen=True, slots=True)
class MirrorArticle:
    """Ground truth for one article of the mirror."""

    #: canonical path (+query if any), e.g. "/tin-tuc-su-kien/-/asset_publisher/Ab12Cd34/content/slug"
    path: str
    #: the exact headline
    title: str
    #: "liferay" or "htm"
    era: str
    #: ISO 8601 with +07:00, what the extractor should find on the page
    published: str
    #: 0 for plain news, >= 2 for interviews
    qa_pairs: int
    #: bumped by :meth:`Mirror.edit_article`
    revision: int = 0


@dataclass(frozen=True)
class Response:
    """One HTTP answer. Page bytes and header values hold :data:`BASE` / :data:`BASE_Q` placeholders
    where real pages carry absolute links; :meth:`with_base` fills them in (the server does)."""

    status: int
    headers: dict[str, str]
    body: bytes = b""

    def with_base(self, base: str) -> Response:
        base = base.rstrip("/")
        quoted = quote(base, safe="")
        body = self.body.replace(BASE_Q.encode(), quoted.encode()).replace(BASE.encode(), base.encode())
        headers = {k: v.replace(BASE_Q, quoted).replace(BASE, base) for k, v in self.headers.items()}
        return Response(self.status, headers, body)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


@dataclass(slots=True)
class Listing:
    """A Liferay section (asset publisher) or a ``.htm`` zone, with its articles newest first."""

    key: str
    name: str
    era: str
    #: Liferay portlet id ("101_INSTANCE_x" or the Liferay 7 long form); "" on the .htm platform
    portlet: str
    instance: str
    page_size: int
    items: list[int] = field(default_factory=list)

    @property
    def liferay7(self) -> bool:
        return self.portlet.startswith("com_liferay")

    def pages(self, size: int | None = None) -> int:
        size = size or self.page_size
        return max(1, -(-len(self.items) // size))


@dataclass(slots=True)
class Item:
    """What the mirror keeps about an article besides its public record."""

    listing: int
    #: position in its listing (0 = newest)
    rank: int
    interview: bool
    #: fragment indices: subject/predicate for news, interviewee/topic for interviews
    a: int
    b: int
    #: local time, minutes since the Unix epoch
    minutes: int
    #: Liferay asset entry id / .htm article id
    ident: str
    slug: str = ""
    view_content: bool = False
    pdf: bool = False
    migrated: bool = False


def local_time(minutes: int) -> datetime:
    return datetime.fromtimestamp(minutes * 60, tz=UTC).replace(tzinfo=VN_TZ)


def iso(minutes: int) -> str:
    return local_time(minutes).strftime("%Y-%m-%dT%H:%M:%S+07:00")


def dmy(minutes: int) -> str:
    return local_time(minutes).strftime("%d/%m/%Y")


def liferay_stamp(minutes: int) -> str:
    """ "04/06/2021 | 10:25 AM" as Liferay listings print a publish date."""
    t = local_time(minutes)
    return t.strftime("%d/%m/%Y | ") + f"{(t.hour % 12) or 12:02d}:{t.minute:02d} " + ("AM" if t.hour < 12 else "PM")


def hm_dmy(minutes: int) -> str:
    """ "13:30, 29/06/2025" (the .htm platform's ``news-time`` title attribute)."""
    return local_time(minutes).strftime("%H:%M, %d/%m/%Y")
