"""Check characters of the codes that identify subjects: GB 32100-2015 (USCC) and GB 11643-1999 (ID)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from credit.validators import (
    USCC_ALPHABET,
    check_id_number,
    check_uscc,
    id_number_check_character,
    mask_id_number,
    uscc_check_character,
    validate_id_number,
    validate_uscc,
)

VALID_USCC = "91350100M000100Y43"
VALID_IDS = ["11010519491231002X", "440524188001010014"]


# --- unified social credit code -------------------------------------------------------------


def test_published_example_uscc_is_valid():
    assert check_uscc(VALID_USCC) == []
    validate_uscc(VALID_USCC)  # does not raise


def test_uscc_check_character_follows_the_weighted_mod_31_rule():
    assert uscc_check_character(VALID_USCC[:17]) == "3"


def test_uscc_with_wrong_check_character_names_the_expected_one():
    problems = check_uscc("91350100M000100Y44")
    assert problems == ["统一社会信用代码校验位错误：第18位应为 3，实际为 4（GB 32100-2015）。"]


def test_any_single_changed_character_of_a_valid_uscc_is_detected():
    undetected = []
    for position in range(17):
        for char in USCC_ALPHABET:
            if char == VALID_USCC[position]:
                continue
            changed = VALID_USCC[:position] + char + VALID_USCC[position + 1 :]
            if not check_uscc(changed):
                undetected.append(changed)
    assert undetected == []


@pytest.mark.parametrize("code", [VALID_USCC[:17], VALID_USCC + "0", ""], ids=["17-chars", "19-chars", "empty"])
def test_uscc_of_wrong_length_is_refused_citing_the_standard(code):
    [problem] = check_uscc(code)
    assert "GB 32100-2015" in problem
    if code:
        assert f"应为18位，实际为{len(code)}位" in problem
    else:
        assert "不能为空" in problem


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_uscc_with_a_letter_the_standard_excludes_is_refused(letter):
    code = VALID_USCC[:8] + letter + VALID_USCC[9:]
    [problem] = check_uscc(code)
    assert f"不允许的字符 {letter}" in problem
    assert "GB 32100-2015" in problem


def test_lower_case_uscc_is_refused_by_the_validator_itself():
    # Subject normalises to upper case before checking (see test_subjects); the bare check does not.
    [problem] = check_uscc(VALID_USCC.lower())
    assert "不允许的字符 m、y" in problem


def test_validate_uscc_raises_validation_error_with_the_message():
    with pytest.raises(ValidationError) as caught:
        validate_uscc("91350100M000100Y44")
    assert [error.code for error in caught.value.error_list] == ["invalid_uscc"]
    assert "GB 32100-2015" in caught.value.messages[0]


# --- resident identity number ------------------------------------------------------------------


@pytest.mark.parametrize("number", VALID_IDS)
def test_published_example_id_numbers_are_valid(number):
    assert check_id_number(number) == []
    validate_id_number(number)  # does not raise


def test_id_number_with_wrong_check_digit_names_the_expected_one():
    problems = check_id_number("110105194912310021")
    assert problems == ["居民身份证号码校验位错误：第18位应为 X，实际为 1（GB 11643-1999）。"]


def test_id_number_with_impossible_birth_date_is_refused():
    body = "11010519490230002"  # 30 February 1949
    problems = check_id_number(body + id_number_check_character(body))
    assert problems == ["居民身份证号码中的出生日期 19490230 不是真实日期（GB 11643-1999 第7–14位）。"]


def test_id_number_born_after_today_is_refused():
    body = "11010520300101002"
    number = body + id_number_check_character(body)
    assert check_id_number(number, today=datetime.date(2031, 1, 1)) == []
    problems = check_id_number(number, today=datetime.date(2029, 12, 31))
    assert problems == ["居民身份证号码中的出生日期 20300101 晚于今天（GB 11643-1999 第7–14位）。"]


def test_id_number_far_in_the_future_is_refused_against_the_real_today():
    body = "11010529990101002"
    [problem] = check_id_number(body + id_number_check_character(body))
    assert "晚于今天" in problem


def test_id_number_reports_a_bad_date_and_a_bad_check_digit_together():
    body = "11010519490230002"
    wrong = "0" if id_number_check_character(body) != "0" else "1"
    problems = check_id_number(body + wrong)
    assert len(problems) == 2
    assert "不是真实日期" in problems[0] and "校验位错误" in problems[1]
    assert all("GB 11643-1999" in problem for problem in problems)


def test_id_number_with_lower_case_x_is_refused_by_the_validator_itself():
    # The check asks for an upper-case X; Subject upper-cases the code before checking (see test_subjects).
    [problem] = check_id_number("11010519491231002x")
    assert "第18位为数字或大写 X" in problem
    assert "GB 11643-1999" in problem


@pytest.mark.parametrize("number", ["11010519491231002", "11010519491231002XX", "1101051949123100AX", ""])
def test_malformed_id_number_is_refused_citing_the_standard(number):
    [problem] = check_id_number(number)
    assert "GB 11643-1999" in problem


def test_validate_id_number_raises_validation_error_with_the_message():
    with pytest.raises(ValidationError) as caught:
        validate_id_number("110105194912310021")
    assert [error.code for error in caught.value.error_list] == ["invalid_id_number"]
    assert "GB 11643-1999" in caught.value.messages[0]


def test_masked_id_number_shows_region_and_last_four_only():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
