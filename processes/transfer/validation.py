"""Reading a transfer message: bytes → JSON object → a checked ``TransferMessage``, every problem at once.

Problems are keyed by the field's path in the message (``subject.uscc``,
``attachments[0].content_base64``) with messages in Chinese, the shape of the
contract's 400 answer. Nothing here writes.
"""

import base64
import binascii
import copy
import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from credit.models import Subject
from credit.validators import check_id_number, check_uscc
from processes.common.materials import check_material, sniff_mime

from .models import Transfer

TRANSFER_ID_MAX = 64
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BASE64_WHITESPACE = re.compile(r"[ \t\r\n]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadMessage(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class Attachment:
    name: str
    declared_type: str
    content: bytes

    @property
    def mime_type(self) -> str | None:
        return sniff_mime(self.content)


@dataclass
class TransferMessage:
    transfer_id: str
    source: str
    case_type: str
    received_at: datetime.datetime | None
    subject_kind: str
    subject_name: str
    uscc: str | None
    id_number: str | None
    decision_no: str
    authority: str
    decision_date: datetime.date
    applicant_name: str
    applicant_phone: str
    applicant_email: str
    reason: str
    attachments: list[Attachment] = field(default_factory=list)
    stored_payload: dict = field(default_factory=dict)


def parse_body(body: bytes):
    """The JSON value of the body; BadMessage when it is not UTF-8 JSON."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadMessage({"body": [f"请求体不是 UTF-8 编码（第 {error.start} 字节）。"]}) from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as error:
        raise BadMessage({"body": [f"请求体不是合法的 JSON：{error}"[:300]]}) from None
    # What JSON allows but PostgreSQL (and UTF-8) cannot store would fail at every retry: refused here.
    problems = {}
    try:
        for path, value in _strings(data, ""):
            if "\x00" in value:
                problems.setdefault(path or "body", []).append(f"{path or '请求体'} 含有 NUL 字符（\\u0000）。")
            elif not value.isascii() and _SURROGATE.search(value):  # isascii: a Base64 attachment is skipped at C speed
                problems.setdefault(path or "body", []).append(f"{path or '请求体'} 含有无效的 Unicode 代理字符。")
    except RecursionError:
        raise BadMessage({"body": ["请求体嵌套层数过多。"]}) from None
    if problems:
        raise BadMessage(problems)
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_constant(name):
    raise ValueError(f"JSON 不允许 {name}")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"数值 {text[:20]} 超出范围")
    return value


def _strings(value, path: str):
    """Every string in a JSON value (keys too), with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, key
            yield from _strings(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def canonical_json(value) -> str:
    """One text per JSON value: key order and white space in the message do not matter."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_digest(value) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def transfer_id_of(data) -> str | None:
    """The transfer_id when the message has a usable one (to answer a duplicate before checking the rest)."""
    if isinstance(data, dict):
        value = data.get("transfer_id")
        if isinstance(value, str) and 0 < len(value) <= TRANSFER_ID_MAX:
            return value
    return None


class _Checker:
    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str):
        self.errors.setdefault(path, []).append(message)

    def obj(self, data: dict, key: str, path: str, *, required: bool = True) -> dict | None:
        value = data.get(key)
        if value is None:
            if required:
                self.add(path, f"缺少 {path}。")
            return None
        if not isinstance(value, dict):
            self.add(path, f"{path} 应为 JSON 对象。")
            return None
        return value

    def text(self, data: dict, key: str, path: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(path, f"缺少 {path}。")
            return ""
        if not isinstance(value, str):
            self.add(path, f"{path} 应为字符串。")
            return ""
        if max_length is not None and len(value) > max_length:
            self.add(path, f"{path} 不能超过 {max_length} 个字符（实际 {len(value)} 个）。")
        return value.strip()

    def choice(self, data: dict, key: str, path: str, choices) -> str:
        value = self.text(data, key, path)
        if value and value not in choices:
            self.add(path, f"{path} 应为 {'、'.join(choices)} 之一，实际为“{value[:40]}”。")
        return value


def validate(data) -> TransferMessage:
    """Check every field of the message; BadMessage with every problem found, or the message."""
    if not isinstance(data, dict):
        raise BadMessage({"body": ["请求体应为 JSON 对象。"]})
    check = _Checker()

    transfer_id = data.get("transfer_id")
    if transfer_id is None or transfer_id == "":
        check.add("transfer_id", "缺少 transfer_id。")
    elif not isinstance(transfer_id, str):
        check.add("transfer_id", "transfer_id 应为字符串。")
    elif len(transfer_id) > TRANSFER_ID_MAX:
        check.add("transfer_id", f"transfer_id 不能超过 {TRANSFER_ID_MAX} 个字符（实际 {len(transfer_id)} 个）。")
    elif _CONTROL.search(transfer_id) or not transfer_id.strip():
        check.add("transfer_id", "transfer_id 不能含控制字符或只有空白。")
    source = check.choice(data, "source", "source", Transfer.Source.values)
    case_type = check.choice(data, "case_type", "case_type", Transfer.CaseType.values)
    received_at = _datetime(check, data, "received_at")

    subject_kind = subject_name = ""
    uscc = id_number = None
    subject = check.obj(data, "subject", "subject")
    if subject is not None:
        subject_kind = check.choice(subject, "kind", "subject.kind", Subject.Kind.values)
        subject_name = check.text(subject, "name", "subject.name", max_length=128)
        if subject_kind == Subject.Kind.NATURAL_PERSON:
            id_number = check.text(subject, "id_number", "subject.id_number").upper()
            for problem in check_id_number(id_number) if id_number else ():
                check.add("subject.id_number", problem)
        elif subject_kind in (Subject.Kind.LEGAL_PERSON, Subject.Kind.INDIVIDUAL_BUSINESS):
            uscc = check.text(subject, "uscc", "subject.uscc").upper()
            for problem in check_uscc(uscc) if uscc else ():
                check.add("subject.uscc", problem)
        # The code the kind does not use is ignored rather than refused: the contract sends it as null.

    decision_no = authority = ""
    decision_date = None
    record = check.obj(data, "record", "record")
    if record is not None:
        decision_no = check.text(record, "decision_no", "record.decision_no", max_length=64)
        authority = check.text(record, "authority", "record.authority", required=False, max_length=100)
        decision_date = _date(check, record, "decision_date", "record.decision_date")

    applicant_name = applicant_phone = applicant_email = ""
    applicant = check.obj(data, "applicant", "applicant")
    if applicant is not None:
        applicant_name = check.text(applicant, "name", "applicant.name", max_length=64)
        applicant_phone = check.text(applicant, "phone", "applicant.phone", required=False, max_length=20)
        applicant_email = check.text(applicant, "email", "applicant.email", required=False, max_length=254)
        if applicant_email:
            try:
                validate_email(applicant_email)
            except ValidationError:
                check.add("applicant.email", "applicant.email 不是有效的电子邮箱地址。")

    reason = check.text(data, "reason", "reason", max_length=4000)
    attachments = _attachments(check, data.get("attachments"))

    if check.errors:
        raise BadMessage(check.errors)
    return TransferMessage(
        transfer_id=transfer_id, source=source, case_type=case_type, received_at=received_at,
        subject_kind=subject_kind, subject_name=subject_name, uscc=uscc or None, id_number=id_number or None,
        decision_no=decision_no, authority=authority, decision_date=decision_date,
        applicant_name=applicant_name, applicant_phone=applicant_phone, applicant_email=applicant_email,
        reason=reason, attachments=attachments, stored_payload=_stored_payload(data, attachments),
    )


def _date(check: _Checker, data: dict, key: str, path: str) -> datetime.date | None:
    value = check.text(data, key, path)
    if not value:
        return None
    if not _DATE.match(value):
        check.add(path, f"{path} 应为 YYYY-MM-DD 格式的日期，实际为“{value[:40]}”。")
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        check.add(path, f"{path} 不是真实日期：“{value}”。")
        return None


def _datetime(check: _Checker, data: dict, key: str) -> datetime.datetime | None:
    value = check.text(data, key, key, required=False)
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        check.add(key, f"{key} 应为 ISO 8601 时间，如 2026-11-20T09:30:00+08:00，实际为“{value[:40]}”。")
        return None
    # Without an offset the national site means Beijing time.
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _attachments(check: _Checker, value) -> list[Attachment]:
    if value is None:
        return []
    if not isinstance(value, list):
        check.add("attachments", "attachments 应为数组。")
        return []
    result = []
    for index, item in enumerate(value):
        path = f"attachments[{index}]"
        if not isinstance(item, dict):
            check.add(path, f"{path} 应为 JSON 对象。")
            continue
        name = check.text(item, "name", f"{path}.name", max_length=200)
        declared = check.text(item, "content_type", f"{path}.content_type", required=False, max_length=100)
        encoded = check.text(item, "content_base64", f"{path}.content_base64")
        if not encoded:
            continue
        try:
            content = _b64decode(encoded)
        except (binascii.Error, ValueError):
            check.add(f"{path}.content_base64", f"{path}.content_base64 不是合法的 Base64 编码。")
            continue
        # The type is judged by the content only (the declared content_type is not trusted, and a
        # PDF sent as image/png is still a PDF); size and type problems in the material check's words.
        problems = check_material(name or "附件", content)
        for problem in problems:
            check.add(f"{path}.content_base64", problem)
        if not problems:
            result.append(Attachment(name=name, declared_type=declared, content=content))
    return result


def _b64decode(encoded: str) -> bytes:
    """Strict Base64, line breaks and spaces allowed (some senders wrap at 76 characters)."""
    try:
        # Most messages have none: decoded as they are, without first copying megabytes through a regex.
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return base64.b64decode(_BASE64_WHITESPACE.sub("", encoded), validate=True)


def _stored_payload(data: dict, attachments: list[Attachment]) -> dict:
    """The message as kept on the Transfer: attachment contents replaced by their digest (the files become materials)."""
    stored = copy.deepcopy(data)
    for item, attachment in zip(stored.get("attachments") or [], attachments):
        item.pop("content_base64", None)
        item["content_sha256"] = hashlib.sha256(attachment.content).hexdigest()
        item["size"] = len(attachment.content)
    return stored
