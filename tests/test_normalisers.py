"""Text, number and date normalisers: examples from the portal plus properties over arbitrary input."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from badinh_crawler.extract import extract_page
from badinh_crawler.extract.dates import date_from_htm_url, find_date, iso_to_vn, parse_date_text
from badinh_crawler.extract.numbers import parse_count, view_count_in
from badinh_crawler.extract.text import clean, normalize_document

# --- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.022.477", 1022477),
        ("Số lượt truy cập: 1022477", 1022477),
        ("4 Lượt xem", 4),
        ("Lượt xem: 1.234", 1234),
        ("1,234", 1234),
        ("Tổng: 4.798.809", 4798809),
        ("1.2.3.4", None),
        ("3.5", None),
        ("không có số", None),
        ("", None),
    ],
)
def test_parse_count(text: str, expected: int | None) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04/12/2021 - 4 Lượt xem", 4),
        ("02/06/2021 Lượt xem: 1.056", 1056),
        ("2.108 lượt xem", 2108),
        ("View count: 87", 87),
        ("Ngày đăng 04/06/2021", None),
    ],
)
def test_view_count_in_never_reads_a_year(text: str, expected: int | None) -> None:
    found = view_count_in(text)
    assert (found[0] if found else None) == expected


@given(st.integers(min_value=0, max_value=10**12))
def test_dotted_thousands_round_trip(n: int) -> None:
    dotted = f"{n:,}".replace(",", ".")
    assert parse_count(dotted) == n
    assert parse_count(f"Lượt xem: {dotted}") == n
    assert parse_count(f"{n}") == n


@given(st.text())
def test_parse_count_never_raises_and_is_non_negative(text: str) -> None:
    result = parse_count(text)
    assert result is None or result >= 0


# --- text ------------------------------------------------------------------------------------------


def test_clean_collapses_and_composes() -> None:
    nfd = unicodedata.normalize("NFD", "Lượt  xem\xa0Đảng\u200b bộ\n")
    assert clean(nfd) == "Lượt xem Đảng bộ"


def test_an_invisible_character_inside_a_letter_is_dropped_before_nfc() -> None:
    # "Tiê&#173;&#769;ng": a soft hyphen (or a zero-width character, written as an entity) between
    # "ê" and its combining acute; dropped after composing, it left "ê" + U+0301 in the record
    assert clean("Ti\u00ea\u00ad\u0301ng Vi\u00ea\u200b\u0323t") == "Tiếng Việt"
    page = (
        '<html><body><h1 class="detail-title">Tiê&#173;&#769;ng Viê&#8203;&#803;t ở Ba Đình</h1>'
        '<div class="detail-content"><p>' + "Người dân quận Ba Đình tham gia hoạt động của phường. " * 4 + "</p></div>"
        "</body></html>"
    )
    article = extract_page(page.encode(), "https://badinh.hanoi.gov.vn/tin-tuc/tieng-viet-2809250629133018049.htm").article
    assert article is not None and article["title"] == "Tiếng Việt ở Ba Đình"
    assert unicodedata.is_normalized("NFC", article["title"])


_INVISIBLES = st.sampled_from(["\u00ad", "\u200b", "\ufeff", "\u2060", "\x0b"])


@given(st.lists(st.sampled_from(["a", "e", "Đ", " ", "\u0301", "\u0323", "\u0302"]) | _INVISIBLES))
def test_clean_is_nfc_with_invisible_characters_anywhere(parts: list[str]) -> None:
    assert unicodedata.is_normalized("NFC", clean("".join(parts)))


@given(st.text())
def test_clean_is_nfc_single_line_and_idempotent(text: str) -> None:
    once = clean(text)
    assert unicodedata.is_normalized("NFC", once)
    assert "\n" not in once and "\xa0" not in once and "  " not in once
    assert once == once.strip()
    assert clean(once) == once


@given(st.text())
def test_normalize_document_is_nfc_without_nbsp(text: str) -> None:
    out = normalize_document(text)
    assert unicodedata.is_normalized("NFC", out) and "\xa0" not in out


@given(st.text(alphabet=st.sampled_from("<>a eEoO\u0300\u0301\u0302\u0303\u0306\u0309\u0323\u031b\u0338\u1100\u1161\u11a8ơ\xa0")))
def test_normalize_document_is_the_whole_document_nfc(text: str) -> None:
    # decomposed pages are normalised piece by piece between "<": the same as the whole at once
    assert normalize_document(text) == unicodedata.normalize("NFC", text).replace("\xa0", " ")


# --- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ngày đăng 04/06/2021 | 10:25 AM", "2021-06-04T10:25:00+07:00"),
        ("Thứ Sáu, 04/06/2021 - 10:25", "2021-06-04T10:25:00+07:00"),
        ("10:25 AM, 04/06/2021", "2021-06-04T10:25:00+07:00"),
        ("09:15 | 14/05/2025", "2025-05-14T09:15:00+07:00"),
        ("Cập nhật: 06/12/2021 08:30:12", "2021-12-06T08:30:12+07:00"),
        ("15/03/2021 | 02:40 PM", "2021-03-15T14:40:00+07:00"),
        ("12:05 AM 01/01/2021", "2021-01-01T00:05:00+07:00"),
        ("14h30 ngày 2/12/2021", "2021-12-02T14:30:00+07:00"),
        ("Ngày 4 tháng 6 năm 2021", "2021-06-04"),
        ("4 Tháng Sáu, 2021", "2021-06-04"),
        ("04/12/2021 - 4 Lượt xem", "2021-12-04"),
        ("2021-06-04T03:25:00Z", "2021-06-04T10:25:00+07:00"),
        ("31/02/2021", None),
        ("Không có ngày", None),
    ],
)
def test_parse_date_text(text: str, expected: str | None) -> None:
    found = parse_date_text(text)
    assert (found.value if found else None) == expected


def test_day_month_order_is_vietnamese() -> None:
    found = find_date("04/06/2021")
    assert found is not None and found.value == "2021-06-04"  # 4 June, never 6 April


def test_dateparser_guesses_from_today_are_refused() -> None:
    # dateparser fills missing parts from the current date; such a date was never on the page
    assert parse_date_text("ngày 4") is None


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)), st.integers(0, 23), st.integers(0, 59))
def test_numeric_forms_round_trip(d: date, hh: int, mm: int) -> None:
    dmy = f"{d.day:02d}/{d.month:02d}/{d.year}"
    assert find_date(f"Ngày đăng: {dmy}").value == d.isoformat()  # type: ignore[union-attr]
    found = find_date(f"{dmy} | {hh:02d}:{mm:02d}")
    assert found is not None and found.value == f"{d.isoformat()}T{hh:02d}:{mm:02d}:00+07:00"
    again = datetime.fromisoformat(found.value)
    assert again.utcoffset() is not None and again.utcoffset().total_seconds() == 7 * 3600  # type: ignore[union-attr]


@given(st.text(max_size=200))
def test_find_date_never_raises(text: str) -> None:
    found = find_date(text)
    assert found is None or found.value[:4].isdigit()


def test_iso_offsets_become_hanoi_time() -> None:
    assert iso_to_vn("2025-06-29T06:30:18+00:00") == "2025-06-29T13:30:18+07:00"
    assert iso_to_vn("2025-06-29 13:30") == "2025-06-29T13:30:00+07:00"
    assert iso_to_vn("not a date") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://badinh.hanoi.gov.vn/tin-tuc/a-b-2809250629133018049.htm", "2025-06-29T13:30:18+07:00"),
        ("https://badinh.hanoi.gov.vn/tin-tuc/a-28250815090112345.htm", "2025-08-15T09:01:12+07:00"),
        ("https://badinh.hanoi.gov.vn/tin-tuc/migrated-30562.htm", None),
        ("https://badinh.hanoi.gov.vn/tin-tuc-su-kien.htm", None),
    ],
)
def test_date_from_htm_url(url: str, expected: str | None) -> None:
    found = date_from_htm_url(url)
    assert (found.value if found else None) == expected
