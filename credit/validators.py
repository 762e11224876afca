"""Check-character validation of the codes that identify credit subjects.

* Unified social credit code (统一社会信用代码), GB 32100-2015.
* Resident identity number (居民身份证号码), GB 11643-1999.

Each ``check_*`` function returns a list of problems in Chinese (empty when the
code is valid), so callers can report every problem at once; the ``validate_*``
functions raise Django's ``ValidationError`` for model and form fields.
"""

import datetime
import re

from django.core.exceptions import ValidationError

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(value: str) -> list[str]:
    if not isinstance(value, str) or not value:
        return ["统一社会信用代码不能为空（GB 32100-2015）。"]
    if len(value) != 18:
        return [f"统一社会信用代码应为18位，实际为{len(value)}位（GB 32100-2015）。"]
    bad = sorted({char for char in value if char not in USCC_ALPHABET})
    if bad:
        return [
            "统一社会信用代码含有不允许的字符 %s（GB 32100-2015 只允许数字和除 I、O、S、V、Z 外的大写字母）。"
            % "、".join(bad)
        ]
    expected = uscc_check_character(value[:17])
    if value[17] != expected:
        return [f"统一社会信用代码校验位错误：第18位应为 {expected}，实际为 {value[17]}（GB 32100-2015）。"]
    return []


def id_number_check_character(first17: str) -> str:
    return ID_CHECK[sum(int(char) * weight for char, weight in zip(first17, ID_WEIGHTS)) % 11]


def id_number_birth_date(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def check_id_number(value: str, *, today: datetime.date | None = None) -> list[str]:
    if not isinstance(value, str) or not value:
        return ["居民身份证号码不能为空（GB 11643-1999）。"]
    if len(value) != 18:
        return [f"居民身份证号码应为18位，实际为{len(value)}位（GB 11643-1999）。"]
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return ["居民身份证号码前17位应为数字，第18位为数字或大写 X（GB 11643-1999）。"]
    problems = []
    birth = id_number_birth_date(value)
    if birth is None:
        problems.append(f"居民身份证号码中的出生日期 {value[6:14]} 不是真实日期（GB 11643-1999 第7–14位）。")
    elif birth > (today or datetime.date.today()):
        problems.append(f"居民身份证号码中的出生日期 {value[6:14]} 晚于今天（GB 11643-1999 第7–14位）。")
    expected = id_number_check_character(value[:17])
    if value[17] != expected:
        problems.append(f"居民身份证号码校验位错误：第18位应为 {expected}，实际为 {value[17]}（GB 11643-1999）。")
    return problems


def validate_uscc(value: str) -> None:
    problems = check_uscc(value)
    if problems:
        # One error per problem, each with the code (a code given beside a list is dropped).
        raise ValidationError([ValidationError(problem, code="invalid_uscc") for problem in problems])


def validate_id_number(value: str) -> None:
    problems = check_id_number(value)
    if problems:
        # One error per problem, each with the code (a code given beside a list is dropped).
        raise ValidationError([ValidationError(problem, code="invalid_id_number") for problem in problems])


def mask_id_number(value: str) -> str:
    """Show the region and the check character only: 110105********002X -> 1101**********002X."""
    if not value or len(value) < 8:
        return value
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    if not value or len(value) < 7:
        return value
    return value[:3] + "****" + value[-4:]


# An 18-character resident ID number, or a mainland mobile number, standing alone in free text.
_ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")


def mask_personal_data(text: str) -> str:
    """Mask every ID number and mobile number found in free text (log lines, messages)."""
    text = _ID_NUMBER_IN_TEXT.sub(lambda m: mask_id_number(m.group(1)), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(1)), text)


class PersonalDataLogFilter:
    """A logging filter: no full ID number or phone number reaches a log line, whoever logs it."""

    def filter(self, record) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logger's problem, not ours
            return True
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
