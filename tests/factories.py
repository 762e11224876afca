"""factory-boy factories for what a test does not itself exercise."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from credit import services
from credit.models import Department, Subject
from credit.validators import ID_CHECK, ID_WEIGHTS, uscc_check_character

_serial = itertools.count(1)


def next_uscc() -> str:
    body = "91350100" + "%09d" % next(_serial)
    return body + uscc_check_character(body)


def next_id_number(birth: datetime.date = datetime.date(1980, 1, 1)) -> str:
    body = "110105" + birth.strftime("%Y%m%d") + "%03d" % (next(_serial) % 1000)
    return body + ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    phone = "13800000000"
    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "pass-12345")
        if create:
            self.save(update_fields=["password"])


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    kind = Subject.Kind.LEGAL_PERSON
    name = factory.Sequence(lambda n: f"测试运输有限公司{n}")
    uscc = factory.LazyFunction(next_uscc)
    id_number = None
    contact_phone = "13900000000"
    contact_email = "contact@example.com"


def make_staff(department_code: str, role: str, username: str | None = None):
    department = Department.objects.get(code=department_code)
    user = UserFactory(username=username or f"{department_code}.{role}.{next(_serial)}")
    services.staff_role_grant(user=user, department=department, role=role)
    return user


def make_subject_user(subject: Subject | None = None, username: str | None = None):
    subject = subject or SubjectFactory()
    user = UserFactory(username=username or f"subject.{next(_serial)}")
    services.subject_grant_access(subject=subject, user=user)
    return user, subject
