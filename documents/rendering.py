"""Rendering an official document (公文) to PDF with reportlab platypus.

Layout after GB/T 9704 (党政机关公文格式), simplified: the red issuer header
(版头) and red rule, the document number (文号), the title, the addressee
(主送机关), the body with a two-character first-line indent, the legal basis,
the issuing department and date (落款), and on every page a footer with the
verification code and address, so a printed copy can be checked.

The CJK font is a TrueType font (reportlab embeds TrueType only) registered
once per process; each PDF embeds only the subset of glyphs it uses, with a
ToUnicode map so the text can be searched and extracted.
"""

import datetime
import io
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib import textsplit
from reportlab.lib.units import mm
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

# Compressed streams stay binary: ASCII-85 wrapping (reportlab's default) makes
# them a quarter larger and costs time. Process-wide, and harmless to any
# other reportlab user: every PDF reader decodes Flate directly.
rl_config.useA85 = 0

# Flate at level 1 instead of zlib's default 6. Most of each PDF is the embedded font
# subset, glyph outlines that hardly compress: at level 6 compressing took 30 % of the
# rendering time, for a one-page decision 4 % smaller (28.7 KB instead of 29.8 KB).
# Process-wide like useA85; the output is ordinary FlateDecode.
FLATE_LEVEL = 1


def _flate(text, _compress=zlib.compress):
    return _compress(text.encode("utf8") if isinstance(text, str) else text, FLATE_LEVEL)


pdfdoc.PDFZCompress.encode = _flate

# Punctuation that may not start a line in Chinese (GB/T 15834-2011): reportlab's
# list is Japanese-oriented and lacks the full-width comma, colon, semicolon,
# closing book-title marks and quotes. Such a character hangs in the margin instead.
textsplit.ALL_CANNOT_START += "".join(ch for ch in "，；：！？》〉”’" if ch not in textsplit.ALL_CANNOT_START)
rl_paragraph.ALL_CANNOT_START = textsplit.ALL_CANNOT_START

FONT_PACKAGE = "fonts-wqy-microhei"
RED = colors.Color(0.8, 0.0, 0.0)
GREY = colors.Color(0.35, 0.35, 0.35)

# Font registration mutates reportlab's module-level registry, and a TTFont
# keeps per-document subset state while a PDF is built; reportlab does not
# promise either is thread-safe. Rendering is CPU-bound under the GIL, so
# serialising it costs no throughput.
_lock = threading.RLock()
_fonts: dict[str, str] = {}  # font path -> registered reportlab font name
_styles: dict[str, dict[str, ParagraphStyle]] = {}


class DocumentFontMissing(ImproperlyConfigured):
    """The CJK TrueType font documents are rendered with cannot be found."""


@dataclass(frozen=True)
class DocumentContent:
    """Everything printed on a document; rendering needs nothing else (no database)."""

    issuer: str  # the header and signature: issuing authority and department
    number: str
    title: str
    addressee: str
    body: tuple[str, ...]
    legal_basis: str
    issued_on: datetime.date
    verification_code: str
    verification_url: str


def verification_url(code: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/documents/verify/{code}/"


def issuer_name(department) -> str:
    """``市交通运输局法规科``: the authority's name, then the department's unless it is the authority itself."""
    authority = settings.DOCUMENT_ISSUER_NAME
    name = department.name
    if not authority or name.startswith(authority):
        return name
    return f"{authority}{name}"


def chinese_date(day: datetime.date) -> str:
    """``2026年11月21日``: Arabic numerals, no leading zeros (GB/T 9704-2012 7.3.5.1)."""
    return f"{day.year}年{day.month}月{day.day}日"


def content_for(document) -> DocumentContent:
    """What a ``Document`` (saved or not; its department loaded) prints."""
    return DocumentContent(
        issuer=issuer_name(document.department),
        number=document.number,
        title=document.title,
        addressee=document.addressee,
        body=tuple(document.body),
        legal_basis=document.legal_basis,
        issued_on=document.issued_on,
        verification_code=document.verification_code,
        verification_url=verification_url(document.verification_code),
    )


def document_font(path: str | None = None) -> str:
    """Register the CJK font at ``path`` (default ``settings.DOCUMENT_FONT_PATH``) once; return its reportlab name."""
    path = str(path or settings.DOCUMENT_FONT_PATH)
    try:
        return _fonts[path]
    except KeyError:
        pass
    with _lock:
        if path in _fonts:
            return _fonts[path]
        if not Path(path).is_file():
            raise DocumentFontMissing(
                f"文书字体文件不存在：{path}。请安装 Debian 软件包 {FONT_PACKAGE}（apt-get install {FONT_PACKAGE}），"
                f"或将环境变量 DOCUMENT_FONT_PATH 设为一个 TrueType 中文字体（.ttf/.ttc）的路径。"
                f" (CJK document font not found at {path}: install {FONT_PACKAGE} or set DOCUMENT_FONT_PATH.)"
            )
        name = f"DocumentCJK{len(_fonts)}"
        # subfontIndex 0 is the first face of a TrueType collection (.ttc) and
        # ignored for a plain .ttf. Not asciiReadable: otherwise every PDF embeds all
        # 95 ASCII glyphs (~10 KB) whether used or not. No shaping: Chinese needs none.
        try:
            font = TTFont(name, path, subfontIndex=0, asciiReadable=False, shapable=False)
        except TTFError as exc:
            raise DocumentFontMissing(
                f"文书字体无法使用：{path} 不是可嵌入的 TrueType 字体（{exc}）。请安装 {FONT_PACKAGE}，"
                f"或将 DOCUMENT_FONT_PATH 设为 TrueType 字体（reportlab 不能嵌入 CFF/OTF 字体）。"
            ) from exc
        _cache_font_tables(font)
        pdfmetrics.registerFont(font)
        _fonts[path] = name
        return name


def _cache_font_tables(font: TTFont) -> None:
    """Make the font's table reads copy each table once per process, not once per PDF.

    reportlab's subsetting reads whole tables with ``get_table`` for every PDF
    it writes: for WenQuanYi Micro Hei that is a 3.5 MB copy of ``glyf`` and
    0.5 MB of ``post`` per document. The font file does not change, so the
    copies are kept.
    """
    face = font.face
    tables: dict[str, bytes] = {}
    read_table = face.get_table

    def get_table(tag):
        try:
            return tables[tag]
        except KeyError:
            return tables.setdefault(tag, read_table(tag))

    face.get_table = get_table


def _styles_for(font: str) -> dict[str, ParagraphStyle]:
    styles = _styles.get(font)
    if styles is None:
        body_size = 15  # 三号 is 16pt; a little smaller keeps one-page decisions on one page
        common = {"fontName": font, "wordWrap": "CJK"}
        styles = {
            "header": ParagraphStyle("header", fontSize=26, leading=34, alignment=TA_CENTER, textColor=RED, **common),
            "number": ParagraphStyle("number", fontSize=body_size, leading=body_size * 1.6, alignment=TA_CENTER, **common),
            "title": ParagraphStyle("title", fontSize=22, leading=32, alignment=TA_CENTER, spaceBefore=6 * mm, spaceAfter=6 * mm, **common),
            "addressee": ParagraphStyle("addressee", fontSize=body_size, leading=body_size * 1.75, **common),
            "body": ParagraphStyle(
                "body", fontSize=body_size, leading=body_size * 1.75, firstLineIndent=2 * body_size, alignment=TA_JUSTIFY, **common
            ),
            "signature": ParagraphStyle(
                "signature", fontSize=body_size, leading=body_size * 1.75, alignment=TA_RIGHT, rightIndent=2 * body_size, **common
            ),
        }
        _styles[font] = styles
    return styles


def render_pdf(content: DocumentContent) -> bytes:
    """The PDF of one document, as bytes."""
    font = document_font()
    styles = _styles_for(font)

    story = [
        Paragraph(escape(content.issuer), styles["header"]),
        Spacer(0, 2 * mm),
        HRFlowable(width="100%", thickness=2, color=RED, spaceBefore=0, spaceAfter=3 * mm),
        Paragraph(escape(content.number), styles["number"]),
        Paragraph(escape(content.title), styles["title"]),
    ]
    if content.addressee:
        story.append(Paragraph(escape(content.addressee) + "：", styles["addressee"]))
    story.extend(Paragraph(escape(paragraph), styles["body"]) for paragraph in content.body if paragraph.strip())
    if content.legal_basis:
        basis = content.legal_basis.strip()
        if not basis.startswith("依据"):
            basis = f"依据：{basis}"
        story.append(Paragraph(escape(basis), styles["body"]))
    story.append(
        KeepTogether(
            [
                Spacer(0, 12 * mm),
                Paragraph(escape(content.issuer), styles["signature"]),
                Paragraph(chinese_date(content.issued_on), styles["signature"]),
            ]
        )
    )

    footer = f"验证码：{content.verification_code}    验证网址：{content.verification_url}"

    def draw_footer(canvas, doc):
        canvas.saveState()
        canvas.setFillColor(GREY)
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.5)
        canvas.line(doc.leftMargin, 20 * mm, A4[0] - doc.rightMargin, 20 * mm)
        canvas.setFont(font, 9)
        canvas.drawString(doc.leftMargin, 15 * mm, footer)
        canvas.drawRightString(A4[0] - doc.rightMargin, 15 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=25 * mm,
        bottomMargin=28 * mm,
        title=f"{content.title} {content.number}",
        author=content.issuer,
        subject=content.title,
        creator="信用交通工作流服务",
        pageCompression=1,
    )
    with _lock:
        doc.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()
