"""A property-based fuzzer over the whole OpenAPI schema (schemathesis + hypothesis).

The schema is the one the service publishes at /api/schema/; requests go to the Django
WSGI app in-process, on the test database. Every operation is tried as a subject's user,
as staff (Basic auth) and as a check-API client (Bearer token), with generated valid and
invalid bodies, parameters and ids. Checks: no 5xx, and every answer (status, content
type, body) is one the schema documents.
"""

import base64
import itertools

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from processes.listing import services as listing_services
from processes.objection.tests.support import make_record
from tests.factories import make_staff, make_subject_user

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 20  # per operation, caller and mode (schema-valid, schema-invalid)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def basic(username: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:pass-12345".encode()).decode()}


@pytest.fixture
def identities(db, settings_for_fuzz):
    user, subject = make_subject_user(username="fuzz.subject")
    make_record(subject)
    make_staff("legal", "intake", username="fuzz.clerk")
    make_staff("enforcement", "handler", username="fuzz.handler")
    _, token = listing_services.check_client_create(name="审批系统", system_kind="licensing", rate_limit_per_minute=100000)
    return {"subject": basic("fuzz.subject"), "staff": basic("fuzz.clerk"), "check_token": {"Authorization": f"Bearer {token}"}}


@pytest.fixture
def settings_for_fuzz(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False  # thousands of generated wrong passwords are not an attack here
    # The WSGI handler closes the connection after each request, which would end the test's
    # transaction: keep it open, as Django's own test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_every_operation_answers_within_the_schema_for_every_kind_of_caller(identities):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    failures, tried, operations = [], 0, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for (who, headers), mode in itertools.product(identities.items(), (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
            )
            def run(case):
                nonlocal tried
                tried += 1
                response = case.call(headers=headers)
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except (Exception, FailureGroup) as error:  # collect, so one run reports every operation that fails
                    failures.append(f"{who} ({mode}) {operation.method.upper()} {operation.path}: {str(error)[:600]}")

            try:
                run()
            except Unsatisfiable:
                pass
    print(f"fuzzed {operations} operations × {len(identities)} callers × 2 modes: {tried} requests")
    assert operations >= 15 and tried >= operations * len(identities) * 10
    assert not failures, f"{len(failures)} failing examples:\n" + "\n\n".join(sorted(set(failures))[:30])
