"""Files attached to cases: PDF, JPEG or PNG only, recognised by their content, size-limited."""

import os

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
    if sniff_mime(content) is None:
        problems.append(f"文件“{label}”不是 PDF、JPEG 或 PNG 文件（按文件内容识别，与扩展名无关）。")
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
