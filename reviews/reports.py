"""The reviews section of the quarterly board report: counts and clock compliance only.

No case reference, pseudonym or case detail ever leaves the app through here (tested by rendering the
section to PDF and searching the text). There is deliberately no CSV export of case detail.
"""
import datetime

from partnership import contract
from partnership.contract import Evidence, Fact, add_open_actions, plural, section_context, share_status
from partnership.dates import SHORT_MONTHS, Quarter, ReportPeriod, short_day_words
from partnership.models import Action
from partnership.snapshots import state_at

from .models import LCSPR, Notification, RapidReview, Recommendation, Referral, ScreeningDecision


def quarters(start: datetime.date, end: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """Quarters overlapping [start, end], clipped to it: (label, first, last), named by their months ("Apr–Jun
    2026"); the quarters are the financial year's (`partnership.dates.Quarter`), the one quarter arithmetic."""
    result = []
    quarter = Quarter.containing(start)
    while quarter.start <= end:
        first, last = quarter.start, quarter.end
        label = f"{SHORT_MONTHS[first.month]}–{SHORT_MONTHS[last.month]} {first.year}"
        if first < start or last > end:
            label += f" ({short_day_words(max(first, start))} to {short_day_words(min(last, end))}, part)"
        result.append((label, max(first, start), min(last, end)))
        quarter = quarter.next()
    return result


def _count(dates, first, last) -> int:
    return sum(1 for d in dates if d is not None and first <= d <= last)


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def board_section(period: ReportPeriod) -> dict:
    """Context for templates/reviews/pdf/board_section.html: read by dates, from the records as they stood at the
    period's moment (their history), never "now"."""
    start, end, at = period.start, period.end, period.as_at
    referrals = list(state_at(Referral, at).filter(referred_on__range=(start, end))
                     .values_list("referred_on", flat=True))
    not_notifiable = state_at(ScreeningDecision, at).filter(decided_on__range=(start, end), notifiable=False).count()
    notified = list(state_at(Notification, at).filter(notified_on__range=(start, end))
                    .values_list("notified_on", "due_on"))
    started = list(state_at(RapidReview, at).filter(anchor_on__range=(start, end)).values_list("anchor_on", flat=True))
    sent = list(state_at(RapidReview, at).filter(sent_on__range=(start, end)).values_list("sent_on", "due_on"))
    lcsprs = list(state_at(LCSPR, at).values_list("decided_on", "published_on", "stage"))
    rows = []
    for label, first, last in quarters(start, end):
        rows.append({
            "label": label, "referrals": _count(referrals, first, last),
            "notifications": _count([n for n, _ in notified], first, last),
            "rapid_reviews": _count(started, first, last),
            "lcsprs": _count([d for d, _, _ in lcsprs], first, last),
        })
    on_time_notified = sum(1 for n, due in notified if n <= due)
    on_time_sent = sum(1 for s, due in sent if s <= due)
    in_progress = sum(1 for d, p, stage in lcsprs if d <= end and (p is None or p > end) and stage != "closed")
    published = sum(1 for _, p, _ in lcsprs if p is not None and start <= p <= end)
    recs = state_at(Recommendation, at).filter(made_on__lte=end)
    rec_ids = list(recs.values_list("id", flat=True))
    actions = state_at(Action, at).filter(source_kind=Recommendation.action_source_kind,
                                    id__in=Recommendation.actions.through.objects.filter(
                                        recommendation_id__in=rec_ids).values("action_id"))
    action_statuses = list(actions.values_list("status", "due_date"))
    open_statuses = set(Action.OPEN_STATUSES)
    context = {
        "start": start, "end": end, "quarters": rows,
        "totals": {k: sum(r[k] for r in rows) for k in ("referrals", "notifications", "rapid_reviews", "lcsprs")},
        "not_notifiable": not_notifiable,
        "notified_total": len(notified), "notified_on_time": on_time_notified,
        "notified_pct": _pct(on_time_notified, len(notified)),
        "sent_total": len(sent), "sent_on_time": on_time_sent, "sent_pct": _pct(on_time_sent, len(sent)),
        "lcsprs_in_progress": in_progress, "lcsprs_published": published,
        "recommendations": len(rec_ids),
        "recommendations_in_period": recs.filter(made_on__gte=start).count(),
        "actions_total": len(action_statuses),
        "actions_open": sum(1 for s, _ in action_statuses if s in open_statuses),
        "actions_done": sum(1 for s, _ in action_statuses if s not in open_statuses and s != "not_accepted"),
        "actions_overdue": sum(1 for s, due in action_statuses if s in open_statuses and due < period.as_at_date),
    }
    context["has_data"] = bool(context["totals"]["referrals"] or context["totals"]["notifications"]
                               or context["sent_total"] or in_progress or published or rec_ids)
    return section_context(context, **_board_summary(context))


def _board_summary(c: dict) -> dict:
    """What reviews add to the pack's opening pages: counts and clocks only, in the numbers the section shows."""
    totals, facts, evidence, headlines = c["totals"], [], [], []
    if c["has_data"]:
        facts.append(Fact(contract.HOW_MUCH,
                          f"Reviews: {plural(totals['referrals'], 'referral')}, "
                          f"{plural(totals['notifications'], 'notification')} to the national Panel, "
                          f"{plural(totals['rapid_reviews'], 'rapid review')} started."))
    for total, on_time, what, days in ((c["notified_total"], c["notified_on_time"], "notification", 5),
                                       (c["sent_total"], c["sent_on_time"], "rapid review", 15)):
        if not total:
            continue
        line = f"{on_time} of {plural(total, what)} within {days} working days"
        facts.append(Fact(contract.HOW_WELL, f"Reviews: {line}."))
        evidence.append(Evidence(contract.DUTIES,
                                 share_status(on_time, total, assured_from=1.0), f"Statutory clocks: {line}."))
        if on_time < total:
            headlines.append(f"{total - on_time} of {plural(total, what)} missed the {days}-working-day deadline.")
    if c["lcsprs_published"]:
        facts.append(Fact(contract.BETTER_OFF,
                          f"Reviews: {plural(c['lcsprs_published'], 'local practice review')} "
                          f"published, with {plural(c['recommendations'], 'recommendation')} in all."))
    add_open_actions(facts, evidence, "Actions from review recommendations", open_count=c["actions_open"],
                     overdue=c["actions_overdue"])
    return {"facts": facts, "evidence": evidence, "headlines": headlines}
