"""Reading the dishonest-subject lists province and city send down (CSV or Excel) and checking every row.

No writes here: ``services.interview_import`` creates what the good rows describe.
A CSV file may be UTF-8 (with or without BOM) or GBK/GB18030, as exported by
Excel on a Chinese Windows; an Excel file must be ``.xlsx`` (read with openpyxl).
Every problem of a row is reported at once, with its row number as the
spreadsheet shows it (the header is row 1).
"""

import csv
import datetime
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError

from credit.models import Department, InterviewRecord, Subject
from credit.validators import check_id_number, check_uscc, id_number_birth_date

#: The columns of a list, each with the headings it is known by (compared without spaces, brackets normalised).
COLUMNS = {
    "name": ("主体名称", "名称", "企业名称", "姓名", "名称/姓名", "主体名称/姓名", "失信主体名称"),
    "code": (
        "统一社会信用代码/身份证号", "统一社会信用代码/身份证号码", "统一社会信用代码/居民身份证号码", "统一社会信用代码", "身份证号",
        "身份证号码", "居民身份证号码", "证件号码", "代码",
    ),
    "reason": ("失信事由", "列入事由", "失信行为", "事由", "失信情形"),
    "department": ("认定部门", "认定单位", "认定机关"),
    "listed_on": ("列入日期", "认定日期", "列入时间"),
    "source": ("来源(省/市)", "来源", "下发单位", "名单来源"),
    "kind": ("约谈类型", "约谈方式"),
}
REQUIRED_COLUMNS = ("name", "code", "reason", "department", "listed_on", "source")
LABELS = {"name": "主体名称", "code": "统一社会信用代码/身份证号", "reason": "失信事由", "department": "认定部门", "listed_on": "列入日期", "source": "来源（省/市）", "kind": "约谈类型"}

KINDS = {
    "提示": InterviewRecord.Kind.PROMPT, "提示约谈": InterviewRecord.Kind.PROMPT, "prompt": InterviewRecord.Kind.PROMPT,
    "警示": InterviewRecord.Kind.WARNING, "警示约谈": InterviewRecord.Kind.WARNING, "warning": InterviewRecord.Kind.WARNING,
}
SOURCES = {
    "省": "province", "省级": "province", "省级下发": "province", "省平台": "province", "省信用平台": "province", "省厅": "province", "province": "province",
    "市": "city", "市级": "city", "市级下发": "city", "市平台": "city", "市信用平台": "city", "city": "city",
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
REASON_MAX = 500
NAME_MAX = 128


def max_import_bytes() -> int:
    return getattr(settings, "INTERVIEW_IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def max_import_rows() -> int:
    return getattr(settings, "INTERVIEW_IMPORT_MAX_ROWS", 5000)


@dataclass
class ParsedFile:
    file_format: str
    encoding: str
    columns: dict[str, int]
    rows: list[tuple[int, list]]  # (row number, cells)


@dataclass
class RowCheck:
    """One data row as read, and everything wrong with it."""

    row_number: int
    values: dict
    problems: list[str] = field(default_factory=list)
    subject: Subject | None = None
    subject_kind: str = ""
    department: Department | None = None
    listed_on: datetime.date | None = None
    source: str = ""
    kind: str = ""
    code: str = ""

    @property
    def fingerprint(self) -> str:
        """The same list entry however often (and by whichever level) it is sent: code, department, reason, date."""
        reason = " ".join(self.values.get("reason", "").split())
        key = "|".join([self.code, str(self.department.pk if self.department else ""), reason, self.listed_on.isoformat() if self.listed_on else ""])
        return hashlib.sha256(key.encode()).hexdigest()

    def as_report(self) -> dict:
        return {"row": self.row_number, "name": self.values.get("name", ""), "code": self.code or self.values.get("code", "")}


# --- files ------------------------------------------------------------------------------------


def _heading(text) -> str:
    value = "" if text is None else str(text)
    value = value.replace("（", "(").replace("）", ")").replace("＊", "").replace("*", "")
    return "".join(value.split())


_HEADINGS = {_heading(alias): key for key, aliases in COLUMNS.items() for alias in aliases}


def _cell(value) -> str | datetime.date:
    """A cell as text (or a date, from Excel): numbers without a trailing ``.0``, whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8"), "UTF-8-BOM"
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: what Excel writes on a Chinese Windows.
        return content.decode("gb18030"), "GBK"
    except UnicodeDecodeError:
        raise ValidationError({"file": ["无法识别文件编码：CSV 文件应为 UTF-8 或 GBK 编码。"]})


def _csv_rows(content: bytes) -> tuple[list[list], str]:
    text, encoding = _decode(content)
    if "\x00" in text:
        raise ValidationError({"file": ["文件不是 CSV 文本文件，也不是 Excel（.xlsx）文件。"]})
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;，", key=first_line.count) if first_line else ","
    if delimiter == "，":
        delimiter = ","  # a full-width comma in the heading is text, not a separator
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)], encoding
    except csv.Error as error:
        raise ValidationError({"file": [f"CSV 文件格式有误：{error}"]})


def _xlsx_rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ValidationError({"file": ["文件不是有效的 Excel（.xlsx）文件。"]})
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > max_import_rows() + 50:
                break
        return rows
    finally:
        workbook.close()


def parse(*, name: str, content: bytes) -> ParsedFile:
    """The file's heading and data rows; a problem with the file as a whole is a ValidationError on ``file``."""
    if not content:
        raise ValidationError({"file": ["文件为空。"]})
    if len(content) > max_import_bytes():
        raise ValidationError({"file": [f"文件大小 {len(content) / 1048576:.1f} MB，超过 {max_import_bytes() / 1048576:.0f} MB 的上限。"]})
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError({"file": ["不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后导入。"]})
    if content.startswith(b"PK\x03\x04"):
        raw_rows, file_format, encoding = _xlsx_rows(content), "xlsx", ""
    else:
        (raw_rows, encoding), file_format = _csv_rows(content), "csv"

    numbered = [(number, [_cell(value) for value in row]) for number, row in enumerate(raw_rows, start=1)]
    numbered = [(number, cells) for number, cells in numbered if any(cell not in ("", None) for cell in cells)]
    if not numbered:
        raise ValidationError({"file": ["文件中没有内容。"]})
    header_number, header = numbered[0]
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        key = _HEADINGS.get(_heading(text))
        if key and key not in columns:
            columns[key] = index
    missing = [LABELS[key] for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        raise ValidationError({"file": [f"第{header_number}行（表头）缺少列：{'、'.join(missing)}。请使用导入模板的列名。"]})
    rows = numbered[1:]
    if not rows:
        raise ValidationError({"file": ["文件中没有数据行。"]})
    if len(rows) > max_import_rows():
        raise ValidationError({"file": [f"一次最多导入 {max_import_rows()} 行，本文件有 {len(rows)} 行，请分批导入。"]})
    return ParsedFile(file_format=file_format, encoding=encoding, columns=columns, rows=rows)


# --- rows --------------------------------------------------------------------------------------


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    text = re.sub(r"\s+", "", str(value))
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _department(text: str) -> Department | None:
    value = text.strip()
    return Department.objects.filter(name=value).first() or Department.objects.filter(code=value.lower()).first()


def _code_problems(code: str) -> tuple[str, list[str]]:
    """``(subject kind, problems)`` for a code: a resident ID (natural person) or a unified social credit code."""
    if re.fullmatch(r"\d{17}[\dX]", code) and id_number_birth_date(code) is not None and not check_id_number(code):
        return Subject.Kind.NATURAL_PERSON, []
    uscc_problems = check_uscc(code)
    if not uscc_problems:
        return (Subject.Kind.INDIVIDUAL_BUSINESS if code.startswith("92") else Subject.Kind.LEGAL_PERSON), []
    if re.fullmatch(r"\d{17}[\dX]", code):
        # Digits only: most likely a resident ID number with a typo; say what is wrong with it as one.
        return "", check_id_number(code)
    return "", uscc_problems


def check_row(row_number: int, cells: list, columns: dict[str, int], *, may_import_for, today: datetime.date) -> RowCheck:
    """Every problem of one row. ``may_import_for(department)`` says whether the importer may act for it."""

    def value(key):
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    values = {key: value(key).isoformat() if isinstance(value(key), datetime.date) else str(value(key)) for key in columns}
    check = RowCheck(row_number=row_number, values=values)
    problems = check.problems

    name = str(value("name")).strip()
    if not name:
        problems.append("主体名称为空。")
    elif len(name) > NAME_MAX:
        problems.append(f"主体名称超过{NAME_MAX}个字符。")

    code = "".join(str(value("code")).split()).upper()
    check.code = code
    if not code:
        problems.append("统一社会信用代码/身份证号为空。")
    else:
        check.subject = Subject.objects.filter(uscc=code).first() or Subject.objects.filter(id_number=code).first()
        if check.subject is None:
            check.subject_kind, code_problems = _code_problems(code)
            problems.extend(code_problems)
        elif name and check.subject.name != name:
            problems.append(f"主体名称“{name}”与该代码在本系统登记的名称“{check.subject.name}”不一致，请核对代码。")

    reason = " ".join(str(value("reason")).split())
    if not reason:
        problems.append("失信事由为空。")
    elif len(reason) > REASON_MAX:
        problems.append(f"失信事由超过{REASON_MAX}个字符。")

    department_text = str(value("department")).strip()
    if not department_text:
        problems.append("认定部门为空。")
    else:
        check.department = _department(department_text)
        if check.department is None:
            problems.append(f"认定部门“{department_text}”不是本局的部门（请填写部门全称或代码，如“交通运输综合行政执法支队”或“enforcement”）。")
        elif not may_import_for(check.department):
            problems.append(f"您无权导入{check.department.name}认定的名单（谁认定、谁约谈：由该部门或法规科导入）。")

    listed = value("listed_on")
    if listed in ("", None):
        problems.append("列入日期为空。")
    else:
        check.listed_on = _date(listed)
        if check.listed_on is None:
            problems.append(f"列入日期“{listed}”无法识别（应为 2026-03-01 这样的日期）。")
        elif check.listed_on > today:
            problems.append(f"列入日期 {check.listed_on.isoformat()} 晚于今天。")

    source = "".join(str(value("source")).split())
    if not source:
        problems.append("来源为空（应为“省”或“市”）。")
    else:
        check.source = SOURCES.get(source.lower(), "")
        if not check.source:
            problems.append(f"来源“{source}”无效（应为“省”或“市”）。")

    kind = "".join(str(value("kind")).split())
    check.kind = KINDS.get(kind.lower(), "") if kind else InterviewRecord.Kind.PROMPT
    if not check.kind:
        problems.append(f"约谈类型“{kind}”无效（应为“提示约谈”或“警示约谈”，留空按提示约谈）。")
    return check
