"""The statutory duties this app's records answer (partnership.contract.DutyReading), by check name.

Each rule reads the records as they stood at the end of the day it is asked about (from their history), so the
board pack's register for a past quarter shows what was true then. The register is seen outside the reviews
group: its lines carry dates and counts only, never a case reference, and link to pages that check access.
"""
import datetime

from django.db.models import Exists, OuterRef, Q

from partnership import snapshots
from partnership.contract import (
    BREACHED,
    DUE,
    MET,
    NOT_ASSURED,
    NOT_STARTED,
    DutyReading,
    EvidenceItem,
    day_words,
    plural,
)
from partnership.dates import add_months, end_of_day
from partnership.links import pk_url
from partnership.snapshots import state_at

from .clocks import _Calendar
from .models import LCSPR, LCSPRDelay, Notification, RapidReview

ON_TIME, LATE, OVERDUE, WAITING = "on_time", "late", "overdue", "waiting"
# An LCSPR past its six months whose delay the partners have explained (LCSPRDelay): the guidance's exception.
EXPLAINED_DONE, EXPLAINED_WAITING = "explained_done", "explained_waiting"


def _judge(outcomes: list[str], *, none_text: str, counts_text: str, items, due_on) -> DutyReading:
    """One rule for every clock: a late or overdue one breaches the duty; one still running makes it due."""
    if not outcomes:
        return DutyReading(NOT_STARTED, none_text)
    status = (BREACHED if {LATE, OVERDUE} & set(outcomes)
              else DUE if {WAITING, EXPLAINED_WAITING} & set(outcomes) else MET)
    return DutyReading(status, counts_text, tuple(items), due_on)


def _counts(outcomes: list[str], done_word: str) -> str:
    parts = [f"{outcomes.count(ON_TIME)} {done_word} on time"]
    if outcomes.count(LATE):
        parts.append(f"{outcomes.count(LATE)} late")
    if outcomes.count(OVERDUE):
        parts.append(f"{outcomes.count(OVERDUE)} overdue and not yet done")
    if outcomes.count(WAITING):
        parts.append(f"{outcomes.count(WAITING)} not yet due")
    if outcomes.count(EXPLAINED_DONE):
        parts.append(f"{outcomes.count(EXPLAINED_DONE)} {done_word} after a delay the partners explained")
    if outcomes.count(EXPLAINED_WAITING):
        parts.append(f"{outcomes.count(EXPLAINED_WAITING)} delayed, with the reason recorded")
    return ", ".join(parts)


def _outcome(done_on, deadline, today) -> str:
    if done_on is not None:
        return ON_TIME if done_on <= deadline else LATE
    return OVERDUE if today > deadline else WAITING


def _item(label: str, outcome: str, url: str) -> EvidenceItem:
    return EvidenceItem(label, url, NOT_ASSURED if outcome in (LATE, OVERDUE) else "")


def _calendar(firsts, today) -> _Calendar:
    return _Calendar(min([today, *firsts]) - datetime.timedelta(days=1), today + datetime.timedelta(days=120))


def serious_incident_notified(duty, today: datetime.date) -> DutyReading:
    """Every serious incident known in the last `months` (and any still not notified) notified within
    `working_days` working days of the local authority becoming aware. Two queries."""
    days, months = duty.parameter("working_days", Notification.DEADLINE_WORKING_DAYS), duty.parameter("months", 12)
    since = add_months(today, -months)
    rows = list(snapshots.only(state_at(Notification, end_of_day(today))
                               .filter(Q(became_aware_on__gte=since) | Q(status=Notification.Status.DRAFT),
                                       became_aware_on__lte=today).order_by("became_aware_on", "id"),
                               "id", "became_aware_on", "notified_on", "status"))
    cal = _calendar([n.became_aware_on for n in rows], today)
    outcomes, items, waiting = [], [], []
    for n in rows:
        deadline = cal.add(n.became_aware_on, days)
        done_on = n.notified_on if n.is_notified else None
        outcome = _outcome(done_on, deadline, today)
        outcomes.append(outcome)
        if outcome == WAITING:
            waiting.append(deadline)
        done = f"notified {day_words(done_on)}" if done_on else "not yet notified"
        items.append(_item(f"Known on {day_words(n.became_aware_on)}, due by {day_words(deadline)}: {done}", outcome,
                           pk_url("reviews:notification-detail", n.pk)))
    return _judge(outcomes, none_text=f"No serious incident became known in the last {months} months.",
                  counts_text=f"{plural(len(rows), 'serious incident')} in the last {months} months: "
                              f"{_counts(outcomes, 'notified')} (within {days} working days).",
                  items=items, due_on=min(waiting, default=None))


def rapid_review_in_time(duty, today: datetime.date) -> DutyReading:
    """Every rapid review started in the last `months` (and any still not sent) sent to the Panel within
    `working_days` working days of its anchor date (the notification). Two queries."""
    days, months = duty.parameter("working_days", RapidReview.DEADLINE_WORKING_DAYS), duty.parameter("months", 12)
    since = add_months(today, -months)
    rows = list(state_at(RapidReview, end_of_day(today))
                .filter(Q(anchor_on__gte=since) | Q(sent_on__isnull=True), anchor_on__lte=today)
                .order_by("anchor_on", "id").values_list("id", "anchor_on", "sent_on", named=True))
    cal = _calendar([r.anchor_on for r in rows], today)
    outcomes, items, waiting = [], [], []
    for r in rows:
        deadline = cal.add(r.anchor_on, days)
        outcome = _outcome(r.sent_on, deadline, today)
        outcomes.append(outcome)
        if outcome == WAITING:
            waiting.append(deadline)
        done = f"sent {day_words(r.sent_on)}" if r.sent_on else "not yet sent"
        items.append(_item(f"Rapid review due by {day_words(deadline)}: {done}", outcome,
                           pk_url("reviews:rapid-review-detail", r.id)))
    return _judge(outcomes, none_text=f"No rapid review was started in the last {months} months.",
                  counts_text=f"{plural(len(rows), 'rapid review')} in the last {months} months: "
                              f"{_counts(outcomes, 'sent')} (within {days} working days).",
                  items=items, due_on=min(waiting, default=None))


PUBLISHED_STAGES = (LCSPR.Stage.PUBLISHED, LCSPR.Stage.IMPROVEMENTS_ONLY, LCSPR.Stage.MONITORING, LCSPR.Stage.CLOSED)


def lcspr_completed(duty, today: datetime.date) -> DutyReading:
    """Every LCSPR decided in the last `window_months` (24) or still open completed and published within `months`
    (6) of the decision. A delay the partners explained (a recorded LCSPRDelay), or a publication they deferred with
    their reason, is not a breach: the guidance expects the six months unless the partners say why not. One
    query."""
    months, window = duty.parameter("months", 6), duty.parameter("window_months", 24)
    # Each review as a named row of what the rule reads, with whether a delay was recorded by the day (one query).
    delays = LCSPRDelay.objects.filter(lcspr_id=OuterRef("id"), on__lte=today)
    rows = list(state_at(LCSPR, end_of_day(today))
                .filter(Q(decided_on__gte=add_months(today, -window)) | Q(stage__in=LCSPR.OPEN_STAGES),
                        decided_on__lte=today).order_by("decided_on", "id")
                .annotate(delayed=Exists(delays)).values_list("id", "decided_on", "published_on", "stage", "delayed",
                                                              named=True))
    outcomes, items, waiting = [], [], []
    for r in rows:
        target = add_months(r.decided_on, months)
        published_on = r.published_on if r.stage in PUBLISHED_STAGES else None
        outcome = _outcome(published_on, target, today)
        if outcome == OVERDUE and r.stage == LCSPR.Stage.DEFERRED:
            outcome = WAITING
        if r.delayed and outcome in (LATE, OVERDUE):
            outcome = EXPLAINED_DONE if outcome == LATE else EXPLAINED_WAITING
        outcomes.append(outcome)
        if outcome in (WAITING, EXPLAINED_WAITING):
            waiting.append(target)
        done = (f"published {day_words(published_on)}" if published_on
                else "publication deferred by the partners" if r.stage == LCSPR.Stage.DEFERRED else "not yet published")
        reason = "; the partners recorded the reason for the delay" if outcome in (EXPLAINED_DONE,
                                                                                   EXPLAINED_WAITING) else ""
        items.append(_item(f"Review decided {day_words(r.decided_on)}, due by {day_words(target)}: {done}{reason}",
                           outcome, pk_url("reviews:lcspr-detail", r.id)))
    return _judge(outcomes, none_text=f"No local child safeguarding practice review was decided in the last "
                                      f"{window} months.",
                  counts_text=f"{plural(len(rows), 'local practice review')}: {_counts(outcomes, 'published')} "
                              f"(within {months} months of the decision).",
                  items=items, due_on=min(waiting, default=None))


CHECKS: dict = {
    "serious_incident_notified": serious_incident_notified,
    "rapid_review_in_time": rapid_review_in_time,
    "lcspr_completed": lcspr_completed,
}
