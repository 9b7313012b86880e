"""The records tagged with a priority's journey stages as they stood at a moment (partnership.tags.
tagged_for_priorities), read in one query whatever the number of priorities: the priorities' stages joined to the
stages' changes, so a stage two priorities share comes back once for each."""
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnership.models import JourneyStage
from partnership.tags import tagged_for_priorities
from section11.models import Criterion
from tests.factories import PriorityFactory
from tests.reports.conftest import _scale
from tests.section11.conftest import make_framework


def test_a_shared_stage_tags_for_each_priority_and_a_tag_taken_off_is_left_off(db):
    make_framework(_scale(), standards=1, criteria=3)
    kept, dropped, other = Criterion.objects.order_by("code")
    shared = JourneyStage.objects.create(code="shared", name="Shared stage", order=1)
    own = JourneyStage.objects.create(code="own", name="Own stage", order=2)
    first, second, untagged = (PriorityFactory(code=f"p{n}", title=f"Priority {n}") for n in (1, 2, 3))
    first.journey_stages.add(shared, own)
    second.journey_stages.add(shared)
    before = timezone.now()
    kept.journey_stages.add(shared)
    dropped.journey_stages.add(shared)
    dropped.journey_stages.remove(shared)
    other.journey_stages.add(own)
    everyone = [first, second, untagged]
    with CaptureQueriesContext(connection) as queries:
        tagged = tagged_for_priorities(Criterion, everyone, timezone.now())
    assert tagged == {first.pk: {kept.pk, other.pk}, second.pk: {kept.pk}, untagged.pk: set()}
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert tagged_for_priorities(Criterion, everyone, before) == {p.pk: set() for p in everyone}
    assert tagged_for_priorities(Criterion, [], timezone.now()) == {}
