"""seed_large (the benchmark's large partnership; its refusal on a live system is in test_schedule_and_demo):
on a test database, with the volumes scaled down so it stays fast, it reaches every target count without
naming a child."""
import io

import pytest
from django.core.management import call_command

from merton_qa.management.commands import seed_large


@pytest.mark.django_db
@pytest.mark.timeout(1500)  # the large partnership: minutes on a busy machine
def test_seed_large_reaches_every_target_count(settings, monkeypatch):
    from audits.models import AuditCase
    from learning.models import Booking
    from partnership.models import Agency, Role, User
    from performance.models import Indicator, Value
    from section11.models import Cycle, Return

    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    small = {"AGENCIES": 30, "CONTRIBUTORS": 12, "INDICATORS": 40, "QUARTERS": 8, "AUDITS": 7, "REVIEWS": 14,
             "BOOKINGS": 500, "ACTIONS": 25}
    for name, value in small.items():
        monkeypatch.setattr(seed_large, name, value)
    before = seed_large.counts() if Agency.objects.exists() else None
    assert before is None
    call_command("seed_large", stdout=io.StringIO())
    got = seed_large.counts()
    assert got["agencies"] == 30 and got["indicators"] == 40 and got["audits"] == 7
    assert got["notifications"] == 14 and got["bookings"] == 500 and got["Section 11 cycles"] == 3
    assert User.objects.filter(email__regex=r"^bench-[0-9]{3}@", roles__role=Role.AGENCY_CONTRIBUTOR).count() == 12
    quarterly = Indicator.objects.filter(code__startswith="large-")
    assert Value.objects.filter(indicator__in=quarterly).count() == quarterly.count() * 8
    for cycle in Cycle.objects.exclude(framework__code="schools-kcsie"):
        assert set(cycle.returns.values_list("agency_id", flat=True)) >= set(
            Agency.objects.filter(section11_duty=True).exclude(short_name="MSCP").values_list("pk", flat=True))
    assert not Return.objects.filter(answers__isnull=True).exists()  # every return has its answers
    assert not AuditCase.objects.exclude(case_reference__startswith="MA-").exists()  # references, never names
    assert not Booking.objects.exclude(email__endswith="example.org").exists()
