"""What the transfer tests do the way the national site does it: signed JSON over HTTP."""

import base64
import copy
import hashlib
import hmac
import itertools
import json
import time

from django.urls import reverse

from tests.factories import next_id_number, next_uscc

SECRET = "s3cret-for-tests"

# The smallest files the material check recognises by content.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

_serial = itertools.count(1)


def sign(timestamp, body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def make_case(*, case_type="repair", subject=None, decision_no="交执罚〔2026〕7号", natural=False, **overrides) -> dict:
    """A well-formed transferred case, as the contract's example; ``subject`` (a Subject) names an existing one."""
    if subject is not None:
        subject_part = {"kind": subject.kind, "name": subject.name, "uscc": subject.uscc, "id_number": subject.id_number}
    elif natural:
        subject_part = {"kind": "natural_person", "name": "王伟", "uscc": None, "id_number": next_id_number()}
    else:
        subject_part = {"kind": "legal_person", "name": f"某某运输有限公司{next(_serial)}", "uscc": next_uscc(), "id_number": None}
    case = {
        "transfer_id": f"XYJT-2026-{next(_serial):06d}-{int(time.time() * 1000) % 10**6}",
        "source": "credit.mot",
        "case_type": case_type,
        "received_at": "2026-11-20T09:30:00+08:00",
        "subject": subject_part,
        "record": {"decision_no": decision_no, "authority": "交通运输综合行政执法支队", "decision_date": "2026-01-06"},
        "applicant": {"name": "张三", "phone": "13800000000", "email": "zs@example.com"},
        "reason": "已缴清罚款并完成整改，申请信用修复" if case_type == "repair" else "处罚决定书所载违法事实有误，申请更正",
        "attachments": [
            {"name": "信用承诺书.pdf", "content_type": "application/pdf", "content_base64": base64.b64encode(PDF).decode()},
            {"name": "整改照片.png", "content_type": "image/png", "content_base64": base64.b64encode(PNG).decode()},
        ],
    }
    case.update(overrides)
    return copy.deepcopy(case)


def body_of(payload) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode("utf-8")


def post(client, payload, *, timestamp=None, signature=None, headers=True, secret=SECRET, path=None):
    """POST a transfer signed as the national site does; ``signature=...`` forges it, ``headers=False`` leaves it off."""
    body = body_of(payload)
    timestamp = int(time.time()) if timestamp is None else timestamp
    extra = {}
    if headers:
        extra = {"HTTP_X_TRANSFER_TIMESTAMP": str(timestamp), "HTTP_X_TRANSFER_SIGNATURE": signature or sign(timestamp, body, secret)}
    return client.post(path or reverse("transfer_api:receive"), data=body, content_type="application/json; charset=utf-8", **extra)


def get_status(client, transfer_id, *, timestamp=None, signature=None, headers=True):
    timestamp = int(time.time()) if timestamp is None else timestamp
    extra = {}
    if headers:
        extra = {"HTTP_X_TRANSFER_TIMESTAMP": str(timestamp), "HTTP_X_TRANSFER_SIGNATURE": signature or sign(timestamp, b"")}
    return client.get(reverse("transfer_api:status", args=[transfer_id]), **extra)
