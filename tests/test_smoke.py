from credit.models import Department


def test_reference_departments_are_seeded_by_migration(db):
    assert Department.objects.get(is_credit_lead=True).name == "法规科"
