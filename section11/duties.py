"""The statutory duties this app's records answer (partnership.contract.DutyReading), by check name.

The partnership runs a Section 11 self-assessment of its agencies every `cycle_length_months` (set on each
cycle), and schools' and colleges' section 175/157 returns every year; each duty is met while the latest cycle
opened within its interval, and due when the next one is close and not yet planned (`plan_ahead_months`).
"""
import datetime

from partnership.contract import BREACHED, DUE, MET, DutyReading, EvidenceItem, day_words
from partnership.dates import add_months, end_of_day
from partnership.links import pk_url
from partnership.request_memo import once_per_request

from .models import Cycle, Framework


def _url(cycle: Cycle) -> str:
    """The cycle's analysis, which the partnership's oversight roles read (a cycle being prepared has none yet)."""
    return "" if cycle.status == Cycle.Status.DRAFT else pk_url("section11:cycle-analysis", cycle.pk)


def _cycles_known(moment) -> list[Cycle]:
    """Every cycle known by `moment`, newest first, with its framework: one query, once per page (the agencies' and
    the schools' duties each read their audience's)."""
    return once_per_request(("section11.duties.cycles", moment), lambda: list(
        Cycle.objects.filter(created_at__lte=moment).select_related("framework").order_by("-opens_on", "-pk")))


def _cycle_duty(audience: str, duty, today: datetime.date, *, months: int | None, what: str) -> DutyReading:
    """One query: the audience's cycles known by the end of `today`, the latest launched and any planned after it."""
    moment = end_of_day(today)
    cycles = [c for c in _cycles_known(moment) if c.framework.audience == audience]
    launched = [c for c in cycles if c.status != Cycle.Status.DRAFT and c.opens_on <= today
                and (c.launched_at is None or c.launched_at <= moment)]
    if not launched:
        return DutyReading(BREACHED, f"No {what} has been launched.",
                           tuple(EvidenceItem(f"{c.name}: planned to open {day_words(c.opens_on)}", _url(c))
                                 for c in cycles[:1]))
    latest = launched[0]
    interval = months or latest.cycle_length_months
    due_on = add_months(latest.opens_on, interval)
    planned = [c for c in cycles if c.opens_on > latest.opens_on]
    following = planned[-1] if planned else None  # the soonest after the latest
    items = [EvidenceItem(f"{latest.name}: opened {day_words(latest.opens_on)}, returns due "
                          f"{day_words(latest.deadline)}", _url(latest))]
    if following:
        items.append(EvidenceItem(f"{following.name}: planned to open {day_words(following.opens_on)}",
                                  _url(following)))
    text = (f"The latest {what} opened on {day_words(latest.opens_on)}; the next is due to open by "
            f"{day_words(due_on)} (every {interval} months)")
    if today > due_on:
        return DutyReading(BREACHED, f"{text}, and has not opened.", tuple(items), due_on)
    plan_ahead = duty.parameter("plan_ahead_months", 3)
    if following is None:
        status = DUE if today >= add_months(due_on, -plan_ahead) else MET
        return DutyReading(status, f"{text}; it is not planned yet.", tuple(items), due_on)
    if following.opens_on > due_on:
        return DutyReading(DUE, f"{text}; the next is planned to open later, on {day_words(following.opens_on)}.",
                           tuple(items), due_on)
    return DutyReading(MET, f"{text}; the next is planned to open on {day_words(following.opens_on)}.",
                       tuple(items), due_on)


def section11_cycle(duty, today: datetime.date) -> DutyReading:
    return _cycle_duty(Framework.Audience.AGENCIES, duty, today, months=None, what="Section 11 cycle")


def schools_returns_yearly(duty, today: datetime.date) -> DutyReading:
    return _cycle_duty(Framework.Audience.SCHOOLS, duty, today, months=duty.parameter("months", 12),
                       what="schools' and colleges' (section 175/157) cycle")


CHECKS: dict = {
    "section11_cycle": section11_cycle,
    "schools_returns_yearly": schools_returns_yearly,
}
