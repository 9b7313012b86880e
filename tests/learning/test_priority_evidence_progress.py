"""A priority's training progress (learning.priority_evidence): the priorities list (`detail=False`, which reads the
sessions and answers only for the courses of priorities without follow-ups) judges as the priority page does, for
every mix of follow-ups, answers before and after, attendance and none, courses shared between priorities."""
import datetime

from django.utils import timezone

from learning import priority_evidence
from learning.models import Booking, ConfidenceRating, FollowUp, PostCourseEvaluation
from partnership.contract import NO_EVIDENCE, NOT_ASSURED, PARTLY
from partnership.dates import Quarter, ReportPeriod
from tests.factories import PriorityFactory
from tests.learning.conftest import make_course, make_session


def _attended(session, n: int, *, before=None, after=None, changed=None) -> Booking:
    booking = Booking.objects.create(session=session, name="Sam Example", email=f"sam{session.pk}-{n}@example.org",
                                     role="Nurse", status=Booking.Status.CONFIRMED,
                                     attendance=Booking.Attendance.ATTENDED)
    outcome = session.course.outcomes.first()
    if before is not None:
        ConfidenceRating.objects.create(booking=booking, outcome=outcome, stage=ConfidenceRating.Stage.PRE,
                                        score=before)
    if after is not None:
        PostCourseEvaluation.objects.create(booking=booking, quality=4, relevance=4)
        ConfidenceRating.objects.create(booking=booking, outcome=outcome, stage=ConfidenceRating.Stage.POST,
                                        score=after)
    if changed is not None:
        FollowUp.objects.create(booking=booking, practice_changed=changed)
    return booking


def test_the_list_judges_training_as_the_priority_page_for_every_mix(db):
    year = Quarter.containing(timezone.localdate()).financial_year
    day = max(ReportPeriod.for_financial_year(year).start, timezone.localdate() - datetime.timedelta(days=1))
    followed, rose, fell, trained, empty = (make_course(title=t) for t in
                                            ("Followed", "Rose", "Fell", "Trained", "Empty"))
    _attended(make_session(followed, day), 1, changed=False)
    _attended(make_session(rose, day), 1, before=3, after=8)
    _attended(make_session(fell, day), 1, before=8, after=3)
    _attended(make_session(trained, day), 1)
    make_session(empty, day)
    mixes = {"followed and rose": (followed, rose), "rose": (rose,), "fell": (fell,), "rose and fell": (rose, fell),
             "trained": (trained,), "empty": (empty,), "fell and followed": (fell, followed), "none": ()}
    chosen = {}
    for name, courses in mixes.items():
        chosen[name] = PriorityFactory(title=name)
        for course in courses:
            course.priorities.add(chosen[name])
    every, period = list(chosen.values()), ReportPeriod.for_financial_year(year)  # as at now, after the records
    page = priority_evidence.for_priorities(every, period)
    listed = priority_evidence.for_priorities(every, period, detail=False)
    progress = {name: listed[p.pk].progress for name, p in chosen.items()}
    assert progress == {name: page[p.pk].progress for name, p in chosen.items()}
    assert progress["followed and rose"] == progress["fell and followed"] == NOT_ASSURED  # 0 of 1 changed practice
    assert progress["rose"] == progress["trained"] == PARTLY and progress["fell"] == NOT_ASSURED
    assert progress["empty"] == progress["none"] == NO_EVIDENCE
