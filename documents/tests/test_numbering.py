import datetime
import threading

import pytest
from django.db import connection, transaction

from credit.models import Department
from documents.models import Document, DocumentSequence
from documents.services import document_number

from .conftest import department, issue_decision


def test_numbers_follow_department_prefix_year_and_sequence(db):
    first = issue_decision()
    second = issue_decision()

    assert (first.number, second.number) == ("交法〔2026〕1号", "交法〔2026〕2号")
    assert (first.year, first.sequence, second.sequence) == (2026, 1, 2)
    assert document_number(department=department("enforcement"), year=2027, sequence=15) == "交执〔2027〕15号"


def test_rolled_back_issue_leaves_no_gap(db):
    issue_decision()
    with pytest.raises(RuntimeError), transaction.atomic():
        issue_decision()
        raise RuntimeError("the process step failed after issuing")
    after = issue_decision()

    assert after.number == "交法〔2026〕2号"
    assert sorted(Document.objects.values_list("sequence", flat=True)) == [1, 2]


def test_new_year_starts_again_at_one(db):
    issue_decision(issued_on=datetime.date(2026, 12, 31))
    issue_decision(issued_on=datetime.date(2026, 12, 31))
    january = issue_decision(issued_on=datetime.date(2027, 1, 4))

    assert january.number == "交法〔2027〕1号"
    assert DocumentSequence.objects.get(department__code="legal", year=2026).last_value == 2


def test_departments_number_separately(db):
    legal = issue_decision(department_code="legal")
    enforcement = issue_decision(department_code="enforcement")
    legal_again = issue_decision(department_code="legal")

    assert legal.number == "交法〔2026〕1号"
    assert enforcement.number == "交执〔2026〕1号"
    assert legal_again.number == "交法〔2026〕2号"


@pytest.mark.django_db(transaction=True)
def test_parallel_issuers_get_consecutive_numbers_without_repeats():
    # Its own department: a transactional test cannot rely on the seeded rows
    # (an earlier transactional test may have flushed them), and no sequence
    # row exists yet, so the threads also race to create it.
    section = Department.objects.create(code="parallel-test", name="并发测试科", kind="section", document_prefix="交测")
    threads, per_thread = 4, 5
    start = threading.Barrier(threads)
    errors = []

    def issuer():
        try:
            start.wait()
            for _ in range(per_thread):
                issue_decision(department=section)
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=issuer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert errors == []
    documents = Document.objects.filter(department=section, year=2026)
    assert sorted(documents.values_list("sequence", flat=True)) == list(range(1, threads * per_thread + 1))
    assert documents.values("number").distinct().count() == threads * per_thread
    assert DocumentSequence.objects.get(department=section, year=2026).last_value == threads * per_thread
