"""The national site may deliver one message several times at once: still one case.

Real concurrency needs real transactions: these tests commit, each thread on
its own database connection.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from credit.models import Subject
from processes.repair.models import RepairApplication
from processes.transfer.models import Transfer

from .support import make_case, post

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def post_at_once(payloads) -> list:
    barrier = threading.Barrier(len(payloads))
    results = [None] * len(payloads)

    def run(index, payload):
        try:
            barrier.wait(timeout=10)
            response = post(Client(), payload)
            results[index] = (response.status_code, response.json())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, payload)) for index, payload in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_the_same_transfer_sent_from_several_threads_at_once_makes_one_case():
    case = make_case()

    results = post_at_once([case] * THREADS)

    codes = sorted(code for code, _ in results)
    assert codes == [200] * (THREADS - 1) + [201], results
    assert len({body["case_id"] for _, body in results}) == 1
    assert Transfer.objects.count() == 1
    assert RepairApplication.objects.count() == 1
    assert Subject.objects.filter(uscc=case["subject"]["uscc"]).count() == 1


def test_different_transfers_for_one_new_subject_at_once_register_it_once():
    first = make_case()
    cases = [make_case(subject=None, case_type="repair") for _ in range(THREADS)]
    for case in cases:
        case["subject"] = dict(first["subject"])

    results = post_at_once(cases)

    assert [code for code, _ in results] == [201] * THREADS, results
    assert RepairApplication.objects.count() == THREADS
    assert Subject.objects.filter(uscc=first["subject"]["uscc"]).count() == 1
