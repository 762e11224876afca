"""Subjects are identified by a valid code matching their kind: through the service, the database and the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from credit import services
from credit.models import Subject
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VALID_USCC = "91350100M000100Y43"
VALID_ID = "11010519491231002X"


def create_refused(**kwargs) -> dict:
    before = Subject.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.subject_create(**kwargs)
    assert Subject.objects.count() == before, "a refused subject must not be saved"
    return caught.value.message_dict


# --- the service --------------------------------------------------------------------------------


def test_legal_person_with_a_valid_code_is_created():
    subject = services.subject_create(kind="legal_person", name="顺达运输有限公司", uscc=VALID_USCC)
    subject = Subject.objects.get(pk=subject.pk)
    assert (subject.uscc, subject.id_number, subject.code) == (VALID_USCC, None, VALID_USCC)
    assert str(subject) == f"顺达运输有限公司（{VALID_USCC}）"


def test_natural_person_is_shown_with_a_masked_id_number():
    subject = services.subject_create(kind="natural_person", name="张伟", id_number=VALID_ID)
    assert Subject.objects.get(pk=subject.pk).id_number == VALID_ID
    assert str(subject) == "张伟（1101**********002X）"


def test_codes_typed_in_lower_case_or_with_spaces_are_stored_normalised():
    person = services.subject_create(kind="natural_person", name="张伟", id_number=" 11010519491231002x ")
    company = services.subject_create(kind="legal_person", name="顺达运输有限公司", uscc=VALID_USCC.lower())
    assert Subject.objects.get(pk=person.pk).id_number == VALID_ID
    assert Subject.objects.get(pk=company.pk).uscc == VALID_USCC


def test_bad_uscc_is_refused_once_naming_the_field_and_the_standard():
    errors = create_refused(kind="legal_person", name="顺达运输有限公司", uscc="91350100M000100Y44")
    assert errors == {"uscc": ["统一社会信用代码校验位错误：第18位应为 3，实际为 4（GB 32100-2015）。"]}


def test_uscc_with_a_forbidden_letter_is_refused():
    errors = create_refused(kind="individual_business", name="安通汽车修理部", uscc="91350100O000100Y43")
    assert list(errors) == ["uscc"]
    assert "不允许的字符 O" in errors["uscc"][0]


def test_bad_id_number_is_refused_naming_the_field_and_the_standard():
    errors = create_refused(kind="natural_person", name="张伟", id_number="110105194912310021")
    assert errors == {"id_number": ["居民身份证号码校验位错误：第18位应为 X，实际为 1（GB 11643-1999）。"]}


def test_id_number_with_impossible_birth_date_is_refused():
    errors = create_refused(kind="natural_person", name="张伟", id_number="110105194902300026")
    assert any("不是真实日期" in message for message in errors["id_number"])


def test_legal_person_without_a_code_is_refused():
    errors = create_refused(kind="legal_person", name="顺达运输有限公司")
    assert errors == {"uscc": ["统一社会信用代码不能为空（GB 32100-2015）。"]}


def test_natural_person_with_a_uscc_is_refused():
    errors = create_refused(kind="natural_person", name="张伟", uscc=VALID_USCC, id_number=VALID_ID)
    assert errors["uscc"] == ["自然人不使用统一社会信用代码，请填写居民身份证号码。"]


def test_legal_person_with_an_id_number_is_refused():
    errors = create_refused(kind="legal_person", name="顺达运输有限公司", uscc=VALID_USCC, id_number=VALID_ID)
    assert list(errors) == ["id_number"]


def test_second_subject_with_the_same_code_is_refused():
    services.subject_create(kind="legal_person", name="顺达运输有限公司", uscc=VALID_USCC)
    errors = create_refused(kind="legal_person", name="另一家公司", uscc=VALID_USCC)
    assert "已存在" in errors["uscc"][0]


# --- the database ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "natural_person", "uscc": VALID_USCC, "id_number": VALID_ID},
        {"kind": "natural_person", "uscc": VALID_USCC},
        {"kind": "legal_person", "id_number": VALID_ID},
        {"kind": "legal_person"},
    ],
    ids=["person-with-both", "person-with-uscc", "company-with-id", "company-without-code"],
)
def test_database_refuses_a_code_not_matching_the_kind(fields):
    with pytest.raises(IntegrityError, match="subject_identified_by_code_matching_kind"), transaction.atomic():
        Subject.objects.create(name="绕过校验", **fields)
    assert not Subject.objects.filter(name="绕过校验").exists()


# --- the admin -------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="subject.admin", is_staff=True, is_superuser=True))
    return client


def subject_form(**fields):
    data = {"kind": "legal_person", "name": "顺达运输有限公司", "uscc": "", "id_number": ""}
    for prefix in ("memberships", "vehicles", "ships"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    data.update(fields)
    return data


def test_admin_add_form_with_a_bad_uscc_shows_the_error_and_creates_nothing(admin_client):
    response = admin_client.post("/admin/credit/subject/add/", subject_form(uscc="91350100M000100Y44"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["uscc"] == ["统一社会信用代码校验位错误：第18位应为 3，实际为 4（GB 32100-2015）。"]
    assert "统一社会信用代码校验位错误：第18位应为 3，实际为 4（GB 32100-2015）。" in response.content.decode()
    assert not Subject.objects.exists()


def test_admin_add_form_with_a_bad_id_number_shows_the_error_and_creates_nothing(admin_client):
    response = admin_client.post("/admin/credit/subject/add/", subject_form(kind="natural_person", name="张伟", id_number="110105194912310021"))
    assert response.status_code == 200
    assert "GB 11643-1999" in response.context["adminform"].form.errors["id_number"][0]
    assert not Subject.objects.exists()


def test_admin_add_form_with_a_valid_uscc_creates_the_subject(admin_client):
    response = admin_client.post("/admin/credit/subject/add/", subject_form(uscc=VALID_USCC))
    assert response.status_code == 302
    subject = Subject.objects.get()
    assert (subject.uscc, subject.id_number) == (VALID_USCC, None)
