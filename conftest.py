"""Fixtures shared by every test package (root conftest, so app-local tests see them too)."""

import pytest

from tests.factories import make_staff, make_subject_user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db):
    """``staff("enforcement", "handler")`` → a user holding that role in that department."""
    return make_staff


@pytest.fixture
def subject_user(db):
    """``subject_user()`` → (user, subject): a portal user acting for a fresh legal-person subject."""
    return make_subject_user
