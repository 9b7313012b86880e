"""Every open statutory clock, read in a constant number of queries (closure days fetched once)."""
import datetime
from dataclasses import dataclass

from partnership import dates
from partnership.request_memo import once_per_request

from . import selectors
from .models import LCSPR, RapidReview


@dataclass
class Clock:
    kind: str            # "notification", "rapid-review", "milestone", "summary", "lcspr", "pre-publication",
    #                      "recommendation"
    label: str           # what is due, e.g. "Notify the Panel" (never a pseudonym)
    case_reference: str
    due: datetime.date
    url: str
    key: str             # reminder key: "reviews.notification:12:notify"
    working_days_left: int = 0

    @property
    def breached(self) -> bool:
        return self.working_days_left < 0


ONE_DAY = datetime.timedelta(days=1)


class _Calendar:
    """Working-day sums with the closure days of a window read once, and each day's answer kept while the calendar
    lives (one list's clocks: the duties register's 36 rapid reviews walk the same weeks, 750 days asked about)."""

    def __init__(self, first: datetime.date, last: datetime.date):
        self.closures = dates.closure_days(first, last)
        self._working: dict[datetime.date, bool] = {}

    def working(self, day: datetime.date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = dates.is_working_day(day, closures=self.closures)
        return known

    def add(self, start: datetime.date, n: int) -> datetime.date:
        day, remaining, known = start, n, self._working
        while remaining > 0:
            day += ONE_DAY
            working = known.get(day)
            if working is None:
                working = self.working(day)
            if working:
                remaining -= 1
        return day

    def between(self, a: datetime.date, b: datetime.date) -> int:
        return dates.count_working_days_between(a, b, closures=self.closures)

    def left(self, deadline: datetime.date, today: datetime.date) -> int:
        """Working days left, negative once the date is past the deadline (`dates.count_working_days_left`)."""
        return dates.count_working_days_left(deadline, today, closures=self.closures)


def open_clocks(today: datetime.date) -> list[Clock]:
    """Every open clock, soonest first. Six queries whatever the number of cases, once per page: the business unit's
    home page reads them for the reviews panel and for the next meeting's agenda (partnership.request_memo)."""
    return list(once_per_request(("reviews.open_clocks", today), lambda: _open_clocks(today)))


def _open_clocks(today: datetime.date) -> list[Clock]:
    """Every open clock, soonest first.

    A recommendation shows its next good-practice date (response, action plan, impact review) until the
    last has passed; those dates are not statutory and are never shown as breached.
    """
    clocks: list[Clock] = []
    for n in selectors.notifications_to_send_for_clocks():
        clocks.append(Clock("notification", "Notify the Panel (5 working days from awareness)", n.case_reference,
                            n.due_on, n.get_absolute_url(), f"reviews.notification:{n.pk}:notify"))
    reviews, lcsprs = selectors.rapid_reviews_and_lcsprs_open_for_clocks()
    dates = [today] + [r.anchor_on for r in reviews] + [c.due for c in clocks]
    cal = _Calendar(min(dates) - datetime.timedelta(days=1), max(dates + [today]) + datetime.timedelta(days=400))
    for r in reviews:
        ref = r.case_reference
        clocks.append(Clock("rapid-review", "Rapid review to the Panel (15 working days)", ref, r.due_on,
                            r.get_absolute_url(), f"reviews.rapidreview:{r.pk}:send"))
        done = {"panel_meeting": r.panel_met_on, "sign_off": r.all_signed or None,
                "summaries_requested": r.summaries_requested_on}
        for key, label, day in RapidReview.MILESTONES:
            if key in ("sent", "summaries_due", "summaries_requested") or done.get(key):
                continue
            clocks.append(Clock("milestone", label, ref, cal.add(r.anchor_on, day), r.get_absolute_url(),
                                f"reviews.rapidreview:{r.pk}:{key}"))
    review_urls = {r.pk: r.get_absolute_url() for r in reviews}
    for s in selectors.summaries_outstanding():
        if s.rapid_review_id not in review_urls:  # its review was sent between the two reads: no clock now
            continue
        clocks.append(Clock("summary", f"Agency summary from {s.agency_name}", s.case_reference, s.due_on,
                            review_urls[s.rapid_review_id], f"reviews.agencysummary:{s.pk}:submit"))
    for lc in lcsprs:
        ref = lc.case_reference
        if lc.stage not in (LCSPR.Stage.PRE_PUBLICATION,):
            clocks.append(Clock("lcspr", "LCSPR published (6 months from the decision)", ref,
                                lc.target_publication_on, lc.get_absolute_url(), f"reviews.lcspr:{lc.pk}:publish"))
        if lc.planned_publication_on and lc.prepublication_notice_on is None:
            clocks.append(Clock("pre-publication", "Pre-publication notice to the Panel and Secretary of State", ref,
                                _minus(cal, lc.planned_publication_on), lc.get_absolute_url(),
                                f"reviews.lcspr:{lc.pk}:notice"))
    for rec in selectors.recommendations_since(today - datetime.timedelta(days=370)):
        upcoming = [(due, label) for due, label in (
            (rec.response_due_on, "Formal response to the recommendation (2 months)"),
            (rec.action_plan_due_on, "Action plan for the recommendation (3 months)"),
            (rec.impact_review_due_on, "Impact review of the recommendation (12 months)")) if due >= today]
        if upcoming:
            due, label = upcoming[0]
            clocks.append(Clock("recommendation", label, rec.case_reference, due, rec.get_absolute_url(),
                                f"reviews.recommendation:{rec.pk}:{due.isoformat()}"))
    for c in clocks:
        c.working_days_left = cal.left(c.due, today)
    clocks.sort(key=lambda c: (c.due, c.case_reference, c.label))
    return clocks


def _minus(cal: _Calendar, day: datetime.date) -> datetime.date:
    from .services import prepublication_working_days

    remaining = prepublication_working_days()
    while remaining > 0:
        day -= datetime.timedelta(days=1)
        if cal.working(day):
            remaining -= 1
    return day
