"""Credit records, list entries and commitments: lifecycles, rule dates, completeness, expiry."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from credit import services
from credit.models import CatalogItem, Commitment, CreditRecord, Department, ListEntry, RecordStatus
from tests.factories import SubjectFactory

D = datetime.date

pytestmark = pytest.mark.django_db

DECIDED = D(2025, 6, 10)  # under 22号: clock from the decision; general penalty published 3–12 months
PUBLISHED_ON = D(2025, 6, 12)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- credit record lifecycle ------------------------------------------------------------------------

RECORD_STATES = [s.value for s in RecordStatus]

RECORD_TRANSITION_ARGS = {
    "publish": {"on": PUBLISHED_ON},
    "open_objection": {},
    "uphold": {},
    "correct": {"changes": {"title": "未按规定进行车辆维护"}, "reason": "数据提供部门核实后更正"},
    "withdraw": {},
    "stop_publication_by_repair": {},
    "expire": {},
}

# (transition, source) -> target; every other pair is refused.
RECORD_ALLOWED = {
    ("publish", "unpublished"): "published",
    ("open_objection", "published"): "under_objection",
    ("open_objection", "corrected"): "under_objection",
    ("uphold", "under_objection"): "published",  # the record was published before the objection
    ("correct", "under_objection"): "corrected",
    ("withdraw", "under_objection"): "withdrawn",
    ("stop_publication_by_repair", "published"): "repaired",
    ("stop_publication_by_repair", "corrected"): "repaired",
    ("expire", "published"): "expired",
    ("expire", "corrected"): "expired",
}
RECORD_REFUSED = [(t, s) for t in RECORD_TRANSITION_ARGS for s in RECORD_STATES if (t, s) not in RECORD_ALLOWED]

# How a record reaches each state from a published one.
RECORD_PATHS = {
    "published": [],
    "under_objection": ["open_objection"],
    "corrected": ["open_objection", "correct"],
    "withdrawn": ["open_objection", "withdraw"],
    "repaired": ["stop_publication_by_repair"],
    "expired": ["expire"],
}


def run(obj, transition, **kwargs):
    getattr(obj, transition)(**(kwargs or RECORD_TRANSITION_ARGS.get(transition, {})))
    obj.save()
    return obj


@pytest.fixture
def record_in(make_record):
    def make(state, **fields):
        record = make_record(decision_date=DECIDED, **fields)
        if state == "unpublished":
            return fresh(record)
        record = services.record_publish(record=record, on=PUBLISHED_ON)
        for transition in RECORD_PATHS[state]:
            run(record, transition)
        record = fresh(record)
        assert record.status == state
        return record

    return make


@pytest.mark.parametrize("transition, source", list(RECORD_ALLOWED), ids=[f"{t}-from-{s}" for t, s in RECORD_ALLOWED])
def test_allowed_record_transition_moves_it_to_the_target_state(record_in, transition, source):
    record = run(record_in(source), transition)
    assert fresh(record).status == RECORD_ALLOWED[(transition, source)]
    assert fresh(record).status_changed_at is not None


@pytest.mark.parametrize("transition, source", RECORD_REFUSED, ids=[f"{t}-from-{s}" for t, s in RECORD_REFUSED])
def test_refused_record_transition_raises_and_leaves_the_state(record_in, transition, source):
    record = record_in(source)
    with pytest.raises(TransitionNotAllowed):
        getattr(record, transition)(**RECORD_TRANSITION_ARGS[transition])
    assert record.status == source
    assert fresh(record).status == source


def test_publishing_records_the_publication_date(record_in):
    record = record_in("published")
    assert record.publication_date == PUBLISHED_ON
    assert record.is_visible


def test_upheld_objection_returns_a_published_record_to_published(record_in):
    record = run(record_in("under_objection"), "uphold")
    record = fresh(record)
    assert record.status == "published"
    assert record.status_before_objection == ""


def test_upheld_objection_returns_a_corrected_record_to_corrected(record_in):
    record = run(record_in("corrected"), "open_objection")
    assert fresh(record).status_before_objection == "corrected"
    record = run(fresh(record), "uphold")
    assert fresh(record).status == "corrected"


def test_record_under_objection_stays_published_with_its_mark(record_in):
    record = record_in("under_objection")
    assert record.is_visible
    assert record.get_status_display() == "异议处理中"
    assert CreditRecord.objects.visible().filter(pk=record.pk).exists()


@pytest.mark.parametrize("state", ["withdrawn", "repaired", "expired", "unpublished"])
def test_record_out_of_publication_is_not_visible(record_in, state):
    record = record_in(state)
    assert not record.is_visible
    assert not CreditRecord.objects.visible().filter(pk=record.pk).exists()


def test_correction_keeps_the_old_values_beside_the_new_ones(record_in):
    record = record_in("under_objection", indicators={"fine_amount": "2000"})
    record.correct(
        changes={"title": "未按规定进行车辆维护", "decision_date": D(2025, 6, 9), "fine_amount": "1000"},
        reason="执法支队核实：罚款金额录入错误",
        by="孙承办",
    )
    record.save()
    record = fresh(record)
    assert record.status == "corrected"
    assert record.title == "未按规定进行车辆维护"
    assert record.decision_date == D(2025, 6, 9)
    assert record.indicators["fine_amount"] == "1000"
    [correction] = record.corrections
    assert correction["old"] == {"title": "超限超载运输", "decision_date": "2025-06-10", "fine_amount": "2000"}
    assert correction["new"] == {"title": "未按规定进行车辆维护", "decision_date": "2025-06-09", "fine_amount": "1000"}
    assert correction["reason"] == "执法支队核实：罚款金额录入错误"
    assert correction["by"] == "孙承办"


def test_second_correction_is_added_to_the_first(record_in):
    record = record_in("corrected")
    run(record, "open_objection")
    run(record, "correct", changes={"title": "擅自改装车辆"}, reason="再次核实")
    corrections = fresh(record).corrections
    assert [c["new"]["title"] for c in corrections] == ["未按规定进行车辆维护", "擅自改装车辆"]
    assert corrections[1]["old"]["title"] == "未按规定进行车辆维护"


def test_status_cannot_be_assigned_directly(record_in):
    record = record_in("published")
    with pytest.raises(AttributeError):
        record.status = "withdrawn"


def test_second_transition_from_a_stale_copy_is_refused(make_record):
    record = make_record(decision_date=DECIDED, publish_on=PUBLISHED_ON)
    first, second = fresh(record), fresh(record)
    run(first, "open_objection")
    second.stop_publication_by_repair()
    # A savepoint, as a service's @transaction.atomic gives: the refusal must not poison the outer transaction.
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert fresh(record).status == "under_objection"


# --- creating records through the service ---------------------------------------------------------------


def test_published_penalty_carries_its_regime_and_dates(make_record):
    record = make_record(severity="serious", decision_date=D(2026, 4, 10), publish_on=D(2026, 4, 20))
    record = fresh(record)
    assert record.rule_version.code == "2026-order36"
    assert (record.earliest_repair_on, record.publication_ends_on) == (D(2027, 4, 20), D(2029, 4, 20))


def test_publishing_later_moves_the_dates_under_order_36(make_record):
    record = make_record(severity="general", decision_date=D(2026, 4, 10))
    assert fresh(record).publication_ends_on == D(2027, 4, 10)
    services.record_publish(record=record, on=D(2026, 5, 6))
    assert (fresh(record).earliest_repair_on, fresh(record).publication_ends_on) == (D(2026, 8, 6), D(2027, 5, 6))


def test_penalty_decided_before_any_regime_is_kept_without_rule_dates(make_record):
    record = fresh(make_record(decision_date=D(2018, 7, 1), publish_on=D(2018, 7, 3)))
    assert (record.rule_version, record.earliest_repair_on, record.publication_ends_on) == (None, None, None)


def test_licence_has_no_publication_period(make_record):
    record = fresh(make_record(kind="licence", title="道路运输经营许可", publish_on=PUBLISHED_ON))
    assert record.status == "published"
    assert (record.rule_version, record.publication_ends_on) == (None, None)


def test_refreshing_rule_dates_picks_up_a_changed_rule_table(make_record):
    from credit.models import PublicationPeriod

    record = make_record(decision_date=DECIDED, publish_on=PUBLISHED_ON)
    PublicationPeriod.objects.filter(rule_version__code="2025-22", severity="general", sector="").update(max_months=6)
    services.record_refresh_rule_dates(record=fresh(record))
    assert fresh(record).publication_ends_on == D(2025, 12, 10)


def test_penalty_without_severity_is_refused_and_not_saved(make_record):
    before = CreditRecord.objects.count()
    with pytest.raises(ValidationError) as caught:
        make_record(severity="")
    assert "严重程度" in caught.value.message_dict["severity"][0]
    assert CreditRecord.objects.count() == before


def test_severity_on_a_licence_is_refused(make_record):
    with pytest.raises(ValidationError) as caught:
        make_record(kind="licence", severity="minor")
    assert "severity" in caught.value.message_dict


def test_publication_before_the_decision_is_refused_and_not_saved(make_record):
    before = CreditRecord.objects.count()
    with pytest.raises(ValidationError) as caught:
        make_record(decision_date=DECIDED, publish_on=DECIDED - datetime.timedelta(days=1))
    assert caught.value.message_dict["publication_date"] == ["公示日期不能早于决定日期。"]
    assert CreditRecord.objects.count() == before


def test_publishing_an_existing_record_before_its_decision_is_refused(make_record):
    record = make_record(decision_date=DECIDED)
    with pytest.raises(ValidationError):
        services.record_publish(record=record, on=DECIDED - datetime.timedelta(days=1))
    assert fresh(record).status == "unpublished"
    assert fresh(record).publication_date is None


# --- expiry of publication ---------------------------------------------------------------------------------


def test_records_past_their_maximum_period_stop_publication_by_themselves(record_in, make_record):
    # General penalties decided 2025-06-10 under 22号: published until 2026-06-10.
    published = record_in("published")
    corrected = record_in("corrected")
    under_objection = record_in("under_objection")
    unpublished = record_in("unpublished")
    licence = make_record(kind="licence", title="道路运输经营许可", publish_on=PUBLISHED_ON)
    assert published.publication_ends_on == D(2026, 6, 10)

    assert services.records_expire_due(today=D(2026, 6, 10)) == 0
    assert fresh(published).status == "published"

    assert services.records_expire_due(today=D(2026, 6, 11)) == 2
    assert fresh(published).status == "expired"
    assert fresh(corrected).status == "expired"
    assert fresh(under_objection).status == "under_objection"  # the objection is decided first
    assert fresh(unpublished).status == "unpublished"
    assert fresh(licence).status == "published"

    assert services.records_expire_due(today=D(2026, 6, 12)) == 0


# --- completeness ----------------------------------------------------------------------------------------


def catalog_item(n_fields):
    return CatalogItem.objects.create(
        code=f"test-{n_fields}",
        name=f"{n_fields}项目录",
        record_kind="penalty",
        source_department=Department.objects.get(code="enforcement"),
        indicator_fields=[{"key": f"f{i}", "label": f"指标{i}"} for i in range(n_fields)],
    )


def test_record_with_exactly_60_percent_of_indicators_counts_as_complete(make_record):
    record = make_record(catalog_item=catalog_item(5), indicators={"f0": "a", "f1": "b", "f2": "c"})
    record = fresh(record)
    assert record.completeness == Decimal("0.600")
    assert record.is_complete


def test_record_with_59_percent_of_indicators_is_not_complete(make_record):
    record = make_record(catalog_item=catalog_item(100), indicators={f"f{i}": "x" for i in range(59)})
    record = fresh(record)
    assert record.completeness == Decimal("0.590")
    assert not record.is_complete


def test_blank_strings_and_empty_collections_count_as_empty(make_record):
    indicators = {"f0": "  ", "f1": [], "f2": {}, "f3": None, "f4": "有", "f5": 0, "f6": ["限制招投标"]}
    record = fresh(make_record(catalog_item=catalog_item(10), indicators=indicators))
    assert record.completeness == Decimal("0.300")  # f4, f5 (a zero amount is a value) and f6


def test_fields_outside_the_catalogue_item_do_not_count(make_record):
    record = fresh(make_record(catalog_item=catalog_item(4), indicators={"f0": "a", "other": "b", "demo_key": "c"}))
    assert record.completeness == Decimal("0.250")


def test_default_indicators_apply_without_a_catalogue_item(make_record):
    # An evaluation result has five default indicators: evaluation_year, grade, score, evaluating_body, evaluation_date.
    record = make_record(kind="evaluation", title="公路施工企业信用评价", indicators={"evaluation_year": "2025", "grade": "AA", "score": "95"})
    record = fresh(record)
    assert record.completeness == Decimal("0.600")
    assert record.is_complete


def test_saving_new_indicators_updates_the_stored_completeness(make_record):
    record = make_record(catalog_item=catalog_item(5), indicators={"f0": "a"})
    assert fresh(record).completeness == Decimal("0.200")
    record = fresh(record)
    record.indicators = {**record.indicators, "f1": "b", "f2": "c"}
    record.save(update_fields=["indicators"])
    assert fresh(record).completeness == Decimal("0.600")
    record.indicators = {}
    record.save()
    assert fresh(record).completeness == Decimal("0.000")
    assert not fresh(record).is_complete


# --- list entries ------------------------------------------------------------------------------------------

LIST_TRANSITION_ARGS = {
    "send_pre_notice": {"window_ends": D(2026, 5, 15)},
    "list": {"on": D(2026, 5, 20), "expires_on": D(2029, 5, 20)},
    "withdraw": {},
    "remove": {"on": D(2027, 1, 5), "reason": ListEntry.RemovalReason.REPAIRED},
}
LIST_ALLOWED = {
    ("send_pre_notice", "proposed"): "pre_notice",
    ("list", "proposed"): "listed",
    ("list", "pre_notice"): "listed",
    ("withdraw", "proposed"): "withdrawn",
    ("withdraw", "pre_notice"): "withdrawn",
    ("remove", "listed"): "removed",
}
LIST_PATHS = {
    "proposed": [],
    "pre_notice": ["send_pre_notice"],
    "listed": ["send_pre_notice", "list"],
    "withdrawn": ["withdraw"],
    "removed": ["list", "remove"],
}
LIST_REFUSED = [(t, s) for t in LIST_TRANSITION_ARGS for s in LIST_PATHS if (t, s) not in LIST_ALLOWED]


@pytest.fixture
def list_entry_in(db):
    def make(state):
        entry = ListEntry.objects.create(
            subject=SubjectFactory(), list_kind=ListEntry.ListKind.BLACK, designating_department=Department.objects.get(code="enforcement"),
            designation_standard="《交通运输领域严重失信主体名单认定标准》", reason="多次超限超载运输", proposed_on=D(2026, 5, 1),
        )
        for transition in LIST_PATHS[state]:
            run(entry, transition, **LIST_TRANSITION_ARGS[transition])
        entry = fresh(entry)
        assert entry.status == state
        return entry

    return make


@pytest.mark.parametrize("transition, source", list(LIST_ALLOWED), ids=[f"{t}-from-{s}" for t, s in LIST_ALLOWED])
def test_allowed_list_entry_transition_moves_it_to_the_target_state(list_entry_in, transition, source):
    entry = run(list_entry_in(source), transition, **LIST_TRANSITION_ARGS[transition])
    assert fresh(entry).status == LIST_ALLOWED[(transition, source)]


@pytest.mark.parametrize("transition, source", LIST_REFUSED, ids=[f"{t}-from-{s}" for t, s in LIST_REFUSED])
def test_refused_list_entry_transition_raises_and_leaves_the_state(list_entry_in, transition, source):
    entry = list_entry_in(source)
    with pytest.raises(TransitionNotAllowed):
        getattr(entry, transition)(**LIST_TRANSITION_ARGS[transition])
    assert fresh(entry).status == source


def test_listing_and_removal_record_their_dates_and_reason(list_entry_in):
    entry = fresh(list_entry_in("removed"))
    assert (entry.listed_on, entry.expires_on) == (D(2026, 5, 20), D(2029, 5, 20))
    assert (entry.removed_on, entry.get_removal_reason_display()) == (D(2027, 1, 5), "信用修复")
    assert fresh(list_entry_in("pre_notice")).objection_window_ends == D(2026, 5, 15)


def test_list_entry_from_a_stale_copy_is_refused(list_entry_in):
    entry = list_entry_in("pre_notice")
    first, second = fresh(entry), fresh(entry)
    run(first, "list", **LIST_TRANSITION_ARGS["list"])
    second.withdraw()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert fresh(entry).status == "listed"


# --- commitments ---------------------------------------------------------------------------------------------


@pytest.fixture
def breach_record(make_record):
    return make_record(kind="dishonesty", title="违反信用承诺", decision_date=D(2026, 6, 1))


def commitment_args(transition, breach_record):
    return {
        "await_supplement": {"due_on": D(2026, 6, 30)},
        "start_verification": {},
        "fulfil": {},
        "breach": {"record": breach_record},
    }[transition]


COMMITMENT_TRANSITIONS = ["await_supplement", "start_verification", "fulfil", "breach"]
COMMITMENT_ALLOWED = {
    ("await_supplement", "committed"): "awaiting_supplement",
    ("start_verification", "committed"): "verifying",
    ("start_verification", "awaiting_supplement"): "verifying",
    ("fulfil", "verifying"): "fulfilled",
    ("breach", "awaiting_supplement"): "breached",
    ("breach", "verifying"): "breached",
}
COMMITMENT_PATHS = {
    "committed": [],
    "awaiting_supplement": ["await_supplement"],
    "verifying": ["start_verification"],
    "fulfilled": ["start_verification", "fulfil"],
    "breached": ["start_verification", "breach"],
}
COMMITMENT_REFUSED = [(t, s) for t in COMMITMENT_TRANSITIONS for s in COMMITMENT_PATHS if (t, s) not in COMMITMENT_ALLOWED]


@pytest.fixture
def commitment_in(db, make_record):
    def make(state):
        commitment = Commitment.objects.create(
            subject=SubjectFactory(), kind=Commitment.Kind.TOLERANCE, department=Department.objects.get(code="approval"),
            matter="道路货物运输经营许可", content="承诺在规定期限内补齐容缺材料。", missing_materials=["安全生产管理制度文本"],
        )
        for transition in COMMITMENT_PATHS[state]:
            other = make_record(kind="dishonesty", title="违反信用承诺") if transition == "breach" else None
            run(commitment, transition, **commitment_args(transition, other))
        commitment = fresh(commitment)
        assert commitment.status == state
        return commitment

    return make


@pytest.mark.parametrize("transition, source", list(COMMITMENT_ALLOWED), ids=[f"{t}-from-{s}" for t, s in COMMITMENT_ALLOWED])
def test_allowed_commitment_transition_moves_it_to_the_target_state(commitment_in, breach_record, transition, source):
    commitment = run(commitment_in(source), transition, **commitment_args(transition, breach_record))
    assert fresh(commitment).status == COMMITMENT_ALLOWED[(transition, source)]


@pytest.mark.parametrize("transition, source", COMMITMENT_REFUSED, ids=[f"{t}-from-{s}" for t, s in COMMITMENT_REFUSED])
def test_refused_commitment_transition_raises_and_leaves_the_state(commitment_in, breach_record, transition, source):
    commitment = commitment_in(source)
    with pytest.raises(TransitionNotAllowed):
        getattr(commitment, transition)(**commitment_args(transition, breach_record))
    assert fresh(commitment).status == source


def test_breached_commitment_points_to_its_dishonesty_record(commitment_in, breach_record):
    commitment = run(commitment_in("awaiting_supplement"), "breach", record=breach_record)
    commitment = fresh(commitment)
    assert commitment.breach_record == breach_record
    assert fresh(breach_record).breached_commitment == commitment
    assert commitment.supplement_due_on == D(2026, 6, 30)
