"""Deterministic Vietnamese text for the mirror: headlines, slugs, paragraphs, interviews, bylines.

Everything here is a pure function of its arguments (a ``random.Random`` the caller seeded, or plain
values), so the same seed always gives the same site. Headlines are built from fragments whose slugs
are computed once, at import, which keeps building a mirror of tens of thousands of articles fast.
"""

# ruff: noqa: E501  (HTML templates and Vietnamese text pools: long lines are the page's own)

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from random import Random

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def liferay_slug(text: str) -> str:
    """A Liferay ``urlTitle``: accents stripped and letters without an ASCII base (đ) dropped,
    as the portal did ("Ba Đình" gives ``ba-inh``)."""
    ascii_text = unicodedata.normalize("NFD", text.lower()).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub("-", ascii_text).strip("-")


def htm_slug(text: str) -> str:
    """A slug of the shared ``.htm`` platform: đ becomes d ("Ba Đình" gives ``ba-dinh``)."""
    return liferay_slug(text.replace("đ", "d").replace("Đ", "D"))


@dataclass(frozen=True)
class Fragment:
    text: str
    liferay: str
    htm: str


def _fragments(texts: list[str]) -> tuple[Fragment, ...]:
    return tuple(Fragment(t, liferay_slug(t), htm_slug(t)) for t in texts)


WARDS = (
    "Phúc Xá",
    "Trúc Bạch",
    "Vĩnh Phúc",
    "Cống Vị",
    "Liễu Giai",
    "Nguyễn Trung Trực",
    "Quán Thánh",
    "Ngọc Hà",
    "Điện Biên",
    "Đội Cấn",
    "Ngọc Khánh",
    "Kim Mã",
    "Giảng Võ",
    "Thành Công",
)

SUBJECTS = _fragments(
    [
        "Quận Ba Đình",
        "UBND quận Ba Đình",
        "Quận ủy Ba Đình",
        "HĐND quận Ba Đình",
        "Ủy ban MTTQ quận Ba Đình",
        "Hội LHPN quận Ba Đình",
        "Quận đoàn Ba Đình",
        "Trung tâm Y tế quận Ba Đình",
        "Công an quận Ba Đình",
        "Phòng Văn hóa và Thông tin quận",
        *[f"Phường {w}" for w in WARDS],
    ]
)

PREDICATES = _fragments(
    [
        "triển khai công tác phòng, chống dịch COVID-19",
        "đẩy mạnh cải cách hành chính",
        "tăng cường chuyển đổi số trong giải quyết thủ tục hành chính",
        "ra quân lập lại trật tự đô thị",
        "ra quân tổng vệ sinh môi trường",
        "kiểm tra công tác phòng cháy, chữa cháy tại các chung cư cũ",
        "kiểm tra an toàn thực phẩm tại các bếp ăn tập thể",
        "tổ chức Ngày hội Đại đoàn kết toàn dân tộc",
        "ra mắt tuyến phố văn minh đô thị",
        "trao quà cho các gia đình chính sách",
        "sơ kết công tác thi đua khen thưởng",
        "tổng kết phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”",
        "phát động Tháng hành động vì trẻ em",
        "hưởng ứng Ngày Môi trường thế giới",
        "tiếp xúc cử tri trước kỳ họp",
        "đối thoại với doanh nghiệp trên địa bàn",
        "triển khai tiêm vắc xin cho học sinh",
        "bảo đảm an sinh xã hội dịp Tết",
        "tuyên dương gương người tốt, việc tốt",
        "tập huấn nghiệp vụ cho cán bộ, công chức",
        "hoàn thành thu thập, làm sạch dữ liệu dân cư",
        "giải phóng mặt bằng dự án cải tạo tuyến phố",
        "chỉnh trang hè phố, cây xanh",
        "tổ chức hội thi tuyên truyền viên giỏi",
        "nâng cao chất lượng tiếp công dân",
        "triển khai mô hình “Tổ dân phố số”",
        "khai mạc giải thể thao quần chúng",
        "kỷ niệm ngày thành lập quận",
        "quản lý trật tự xây dựng",
        "phòng, chống ma túy trong học đường",
    ]
)

INTERVIEWEES = _fragments(
    [
        "Bí thư Quận ủy Ba Đình",
        "Chủ tịch UBND quận Ba Đình",
        "Phó Chủ tịch UBND quận Ba Đình",
        "Chủ tịch HĐND quận Ba Đình",
        "Chủ tịch Ủy ban MTTQ quận Ba Đình",
        "Trưởng phòng Văn hóa và Thông tin quận Ba Đình",
        "Giám đốc Trung tâm Y tế quận Ba Đình",
        *[f"Chủ tịch UBND phường {w}" for w in WARDS[:8]],
    ]
)

TOPICS = _fragments(
    [
        "công tác cải cách hành chính",
        "chuyển đổi số phục vụ người dân",
        "xây dựng đô thị văn minh, hiện đại",
        "thực hiện Nghị quyết Đại hội Đảng bộ quận",
        "công tác phòng, chống dịch",
        "phát triển kinh tế - xã hội",
        "bảo tồn di tích lịch sử - văn hóa",
        "chăm lo an sinh xã hội",
        "quản lý trật tự đô thị",
        "nâng cao chất lượng giáo dục",
    ]
)

#: interview headline openers
INTERVIEW_LEADS = _fragments(["Trao đổi với", "Gặp gỡ", "Phỏng vấn"])
_ABOUT = Fragment("về", "ve", "ve")

PEOPLE = (
    "Tiến Thành",
    "Phương Thảo",
    "Thu Hằng",
    "Ngọc Anh",
    "Minh Khôi",
    "Hoàng Lâm",
    "Thanh Hà",
    "Quang Huy",
    "Mai Phương",
    "Đức Minh",
)
OUTLETS = ("Hanoimoi", "Kinhtedothi", "Báo Tin tức", "Báo Pháp luật Việt Nam", "Cổng TTĐT quận")

_SENTENCES = (
    "Theo kế hoạch, {subject} tập trung {predicate} với sự tham gia của các phòng, ban, đơn vị và UBND 14 phường.",
    "Tham dự có đại diện lãnh đạo Quận ủy, HĐND, UBND quận và đông đảo cán bộ, hội viên, nhân dân trên địa bàn.",
    "Qua {number} tháng triển khai, đã có hơn {count} lượt người dân được hướng dẫn, hỗ trợ trực tiếp tại khu dân cư.",
    "Các đơn vị đã chủ động rà soát, lập danh sách và phân công cán bộ theo dõi từng địa bàn, từng tổ dân phố.",
    "Đại diện phường {ward} cho biết, địa phương đã huy động lực lượng dân phòng, đoàn viên thanh niên cùng tham gia.",
    "Kết quả kiểm tra cho thấy phần lớn các cơ sở đã chấp hành tốt quy định; {count} trường hợp bị nhắc nhở, xử lý.",
    "Phát biểu chỉ đạo, lãnh đạo UBND quận đề nghị các đơn vị tiếp tục {predicate} một cách thực chất, hiệu quả.",
    "Công tác tuyên truyền được đẩy mạnh trên hệ thống loa truyền thanh, trang thông tin điện tử và mạng xã hội của phường.",
    "Kinh phí thực hiện được bố trí từ ngân sách quận và nguồn xã hội hóa, bảo đảm công khai, minh bạch.",
    "Trong thời gian tới, {subject} sẽ tổ chức sơ kết, rút kinh nghiệm và nhân rộng các mô hình hiệu quả.",
    "Người dân phường {ward} bày tỏ đồng tình, tin tưởng vào sự quan tâm của cấp ủy, chính quyền các cấp.",
    "Tính đến nay, {number} trên 14 phường đã hoàn thành các chỉ tiêu đề ra, vượt tiến độ so với kế hoạch.",
    "Các lực lượng chức năng duy trì kiểm tra thường xuyên, kiên quyết xử lý các trường hợp vi phạm.",
    "Ban Chỉ đạo quận yêu cầu các phường báo cáo kết quả định kỳ hằng tuần để kịp thời tháo gỡ khó khăn, vướng mắc.",
)

_QUESTIONS = (
    "Xin {title} cho biết những kết quả nổi bật trong {topic} thời gian qua?",
    "Quá trình triển khai gặp những khó khăn, vướng mắc gì và quận đã tháo gỡ ra sao, thưa {title}?",
    "Người dân được hưởng lợi như thế nào từ {topic}?",
    "Trong thời gian tới, đâu là những giải pháp trọng tâm để nâng cao hiệu quả {topic}?",
    "Vai trò của cơ sở, của các tổ dân phố trong {topic} được phát huy như thế nào?",
    "{Title} có kiến nghị gì với Thành phố để tiếp tục thực hiện tốt {topic}?",
)

_ANSWERS = (
    "Xác định {topic} là nhiệm vụ trọng tâm, Ban Thường vụ Quận ủy đã ban hành kế hoạch, phân công rõ người, rõ việc, rõ thời gian hoàn thành.",
    "Chúng tôi chủ động bám sát chỉ đạo của Thành phố, đồng thời lắng nghe ý kiến của người dân để điều chỉnh cách làm cho phù hợp.",
    "Khó khăn lớn nhất là địa bàn đông dân cư, nhiều cơ quan Trung ương đóng trụ sở, đòi hỏi sự phối hợp chặt chẽ giữa các lực lượng.",
    "Kết quả bước đầu rất đáng khích lệ: {number} trên 14 phường đã hoàn thành chỉ tiêu, nhiều mô hình hay được nhân rộng.",
    "Quận sẽ tiếp tục đẩy mạnh ứng dụng công nghệ thông tin, công khai quy trình, rút ngắn thời gian giải quyết công việc.",
)

_CONTINUATIONS = (
    "Bên cạnh đó, quận chú trọng công tác kiểm tra, giám sát, kịp thời biểu dương tập thể, cá nhân có thành tích xuất sắc.",
    "Qua đó góp phần củng cố niềm tin của Nhân dân đối với cấp ủy, chính quyền, xây dựng quận Ba Đình ngày càng phát triển.",
    "Đây cũng là tiền đề quan trọng để quận hoàn thành thắng lợi các mục tiêu của nhiệm kỳ.",
)

_HEADINGS = (
    "Tập trung quán triệt và tổ chức thực hiện",
    "Lấy người dân làm trung tâm phục vụ",
    "Nhiều cách làm sáng tạo ở cơ sở",
    "Giải pháp trọng tâm thời gian tới",
)

_CAPTIONS = (
    "Quang cảnh buổi lễ tại trụ sở UBND phường {ward}.",
    "Lãnh đạo quận kiểm tra thực tế tại địa bàn phường {ward}.",
    "Các đại biểu tham dự chương trình.",
    "Lực lượng chức năng phường {ward} ra quân trên các tuyến phố.",
)


def weekday_vi(weekday: int) -> str:
    """Monday=0 ... Sunday=6 as the portal prints it."""
    return ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")[weekday]


def thousands(n: int) -> str:
    """1234567 as the portal prints it: ``1.234.567``."""
    return f"{n:,}".replace(",", ".")


def _fill(template: str, rng: Random, subject: str, predicate: str, topic: str, title: str) -> str:
    return template.format(
        subject=subject,
        predicate=predicate,
        topic=topic,
        title=title,
        Title=title[:1].upper() + title[1:],
        ward=rng.choice(WARDS),
        number=rng.randint(3, 14),
        count=thousands(rng.randint(12, 4800)),
    )


@dataclass(frozen=True)
class Block:
    """One element of an article body: ``kind`` is paragraph, heading, question, answer, image, closing."""

    kind: str
    text: str
    #: image blocks: a file name seed
    ref: int = 0


@dataclass(frozen=True)
class Body:
    sapo: str
    blocks: tuple[Block, ...]
    author: str
    outlet: str


def news_body(rng: Random, subject: str, predicate: str, *, day: tuple[int, int], images: int, revision: int) -> Body:
    """A plain news story: a lead opening with the day it reports ("Ngày 26/3, ..."), 4 to 7
    paragraphs, ``images`` captioned photos, a byline."""
    topic = predicate
    actor = subject if subject.startswith(("UBND", "HĐND", "Ủy ban", "Hội", "Quận", "Trung tâm", "Công an")) else subject.lower()
    lead = f"Ngày {day[0]}/{day[1]}, {actor} đã {predicate}, nhằm nâng cao chất lượng cuộc sống của người dân trên địa bàn."
    paragraphs = [
        " ".join(_fill(rng.choice(_SENTENCES), rng, subject, predicate, topic, "") for _ in range(rng.randint(2, 3)))
        for _ in range(rng.randint(4, 7))
    ]
    blocks: list[Block] = []
    for n, text in enumerate(paragraphs):
        blocks.append(Block("paragraph", text))
        if n < images:
            blocks.append(
                Block("image", _fill(rng.choice(_CAPTIONS), rng, subject, predicate, topic, ""), rng.randint(10**6, 10**7))
            )
    blocks.extend(_revision_blocks(rng, revision))
    return Body(lead, tuple(blocks), rng.choice(PEOPLE), rng.choice(OUTLETS))


def interview_body(rng: Random, interviewee: str, topic: str, *, pairs: int, revision: int) -> Body:
    """An interview: a lead introducing the interviewee, ``pairs`` bold "- ...?" questions each followed
    by a "- " answer and 0 to 2 continuation paragraphs, section headings, a closing thanks line."""
    title = "đồng chí"
    lead = (
        f"Thời gian qua, {topic} trên địa bàn quận Ba Đình đã đạt được nhiều kết quả tích cực. "
        f"Phóng viên đã có cuộc trao đổi với đồng chí {interviewee} xung quanh nội dung này."
    )
    blocks: list[Block] = [Block("image", f"Đồng chí {interviewee}.", rng.randint(10**6, 10**7))]
    questions = rng.sample(range(len(_QUESTIONS)), k=min(pairs, len(_QUESTIONS)))
    headings = iter(rng.sample(_HEADINGS, k=len(_HEADINGS)))
    for n in range(pairs):
        if n % 2 == 0 and n < 2 * len(_HEADINGS):
            blocks.append(Block("heading", next(headings)))
        q = _QUESTIONS[questions[n % len(questions)]]
        question = _fill(q, rng, "", "", topic, title)
        if n >= len(_QUESTIONS):
            question = question[:-1] + f" trong năm tới (phần {n + 1})?"
        blocks.append(Block("question", "- " + question))
        blocks.append(Block("answer", "- " + _fill(rng.choice(_ANSWERS), rng, "", "", topic, title)))
        for text in rng.sample(_CONTINUATIONS, k=rng.randint(0, 2)):
            blocks.append(Block("paragraph", text))
    blocks.extend(_revision_blocks(rng, revision))
    blocks.append(Block("closing", "- Trân trọng cảm ơn đồng chí!"))
    return Body(lead, tuple(blocks), rng.choice(PEOPLE), rng.choice(OUTLETS))


def _revision_blocks(rng: Random, revision: int) -> list[Block]:
    if revision <= 0:
        return []
    return [
        Block(
            "paragraph",
            f"Cập nhật (lần {revision}): theo báo cáo mới nhất, đã có thêm {thousands(rng.randint(5, 900) + revision)} "
            "lượt người dân được hỗ trợ tại các điểm tiếp nhận trên địa bàn.",
        )
    ]


def teaser(text: str, words: int = 28) -> str:
    """The first ``words`` words of ``text`` and "..." when cut, as listing summaries show them."""
    parts = text.split()
    if len(parts) <= words:
        return text
    return " ".join(parts[:words]).rstrip(",.;:") + "..."


def minimal_pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid PDF (one page of Helvetica text; ASCII only) with a correct xref table."""

    def esc(s: str) -> str:
        ascii_s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore").decode("ascii")
        return ascii_s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text_ops = ["BT", "/F1 14 Tf", "56 780 Td", f"({esc(title)}) Tj", "/F1 10 Tf"]
    for line in lines:
        text_ops += ["0 -18 Td", f"({esc(line)}) Tj"]
    text_ops.append("ET")
    stream = "\n".join(text_ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
