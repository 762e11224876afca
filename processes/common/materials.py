"""Files attached to cases: PDF, JPEG or PNG only, recognised by their content, size-limited."""

import io
import os
import re
import zipfile

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from .models import Material

ALLOWED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


def sniff_mime(content: bytes) -> str | None:
    """The file's real type from its first bytes (the declared type and name are not trusted)."""
    if content.startswith(b"%PDF-") and b"%%EOF" in content[-1024:]:
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


# Markup or script a browser or PDF reader would run: no scan or photo contains it.
# Searched for in the lower-cased content (ASCII letters in any case), by patterns that
# each start with one literal byte the regex engine can skip to: a single pattern of
# top-level alternatives tries every alternative at every byte, 20-30 ms per MiB, and an
# upload is checked up to three times on its way into a case. These take 2-5 ms per MiB.
ACTIVE_CONTENT_LITERAL = b"javascript:"
ACTIVE_CONTENT = (
    re.compile(rb"<(?:\s*(?:script|html|body|iframe|svg|object|embed)\b|!doctype\s+html)"),
    re.compile(rb"/(?:javascript\b|js\s*[(<]|launch\b|embeddedfile\b)"),
)


def has_active_content(content: bytes) -> bool:
    lowered = content.lower()
    return ACTIVE_CONTENT_LITERAL in lowered or any(pattern.search(lowered) for pattern in ACTIVE_CONTENT)


PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")


def hostile_content(content: bytes, mime: str) -> str | None:
    """Why a file of a recognised type is still refused, or None.

    Catches polyglots (a ZIP/JAR/Office archive behind a PDF or image header: its
    central directory sits at the end, where ZIP readers look), active content
    (HTML, script, PDF JavaScript, launch actions, embedded files), executables
    and PDFs with no object or no catalog. A full parse (pypdf strict) was not
    chosen: many scanners' PDFs have broken cross-reference tables readers repair.
    """
    if zipfile.is_zipfile(io.BytesIO(content)):
        return "内含压缩包（ZIP/JAR/Office）数据，疑为伪装文件"
    if has_active_content(content):
        return "内含网页、脚本或可执行的动作"
    if b"MZ" == content[:2] or b"\x7fELF" in content[:4096]:
        return "内含可执行程序"
    if mime == "application/pdf" and not (PDF_OBJECT.search(content) and (b"/Root" in content or b"/Catalog" in content)):
        return "PDF 文件结构损坏（没有对象或目录）"
    return None


def max_material_bytes() -> int:
    return getattr(settings, "MATERIAL_MAX_BYTES", 5 * 1024 * 1024)


def clean_filename(name: str) -> str:
    """Keep the last path component only, no control characters, at most 200 characters."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return (base or "附件")[:200]


def check_material(name: str, content: bytes) -> list[str]:
    """Every problem with an upload, in words a subject understands (empty when acceptable)."""
    label = clean_filename(name)
    if not content:
        return [f"文件“{label}”是空文件。"]
    problems = []
    limit = max_material_bytes()
    if len(content) > limit:
        problems.append(f"文件“{label}”大小 {len(content) / 1048576:.1f} MB，超过 {limit / 1048576:.0f} MB 的上限。")
    mime = sniff_mime(content)
    if mime is None:
        problems.append(f"文件“{label}”不是 PDF、JPEG 或 PNG 文件（按文件内容识别，与扩展名无关）。")
    elif why := hostile_content(content, mime):
        problems.append(f"文件“{label}”被拒收：{why}。请上传扫描件或照片原件。")
    return problems


@transaction.atomic
def material_attach(*, case, name: str, content: bytes, kind: str = Material.Kind.EVIDENCE, by=None) -> Material:
    problems = check_material(name, content)
    if problems:
        raise ValidationError(problems)
    mime = sniff_mime(content)
    material = Material(
        content_type=ContentType.objects.get_for_model(case),
        object_id=str(case.pk),
        kind=kind,
        name=clean_filename(name),
        mime_type=mime,
        size=len(content),
        sha256=Material.digest(content),
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    material.file.save("upload", ContentFile(content), save=False)
    material.save()
    return material


def case_materials(case):
    return Material.objects.filter(content_type=ContentType.objects.get_for_model(case), object_id=str(case.pk))
