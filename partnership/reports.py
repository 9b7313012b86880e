"""The kernel's own report: overdue actions by agency (PDF), generated in the background.

`board_section` is the action tracker's part of the board pack (offered through `partnership.contribution`).
"""
from django.db.models import Count, Q
from django.utils import timezone

from partnership import charts, contract
from partnership.contract import Evidence, Fact, plural, section_context, share_status
from partnership.dates import ReportPeriod, day_words
from partnership.models import Action, Agency, Escalation, Priority
from partnership.pdf import render_pdf
from partnership.services.exports import register_export
from partnership.snapshots import attach, state_at


def overdue_actions_context(today=None) -> dict:
    """Figures and rows for the overdue-actions report, in the four OBA questions. Constant queries."""
    today = today or timezone.localdate()
    open_q = Q(status__in=Action.OPEN_STATUSES)
    totals = Action.objects.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=open_q & Q(due_date__lt=today)),
        completed=Count("pk", filter=Q(status__in=Action.WORK_DONE)),
        impact_assured=Count("pk", filter=Q(status__in=Action.IMPACT_SHOWN)),
    )
    on_time_pct = round(100 * (totals["open"] - totals["overdue"]) / totals["open"]) if totals["open"] else None
    by_agency = list(
        Agency.objects.annotate(
            overdue_count=Count("actions", filter=Q(actions__status__in=Action.OPEN_STATUSES,
                                                    actions__due_date__lt=today)),
        ).filter(overdue_count__gt=0).order_by("-overdue_count", "name")
    )
    rows = list(Action.objects.overdue(today).select_related("owner_agency", "owner", "priority")
                .order_by("owner_agency__name", "due_date"))
    for row in rows:
        row.days_overdue = (today - row.due_date).days
    chart = charts.bar_chart(
        title="Overdue actions by agency",
        description=f"Number of open actions past their due date on {day_words(today)}, by owning agency.",
        labels=[a.display_name for a in by_agency], values=[a.overdue_count for a in by_agency],
    ) if by_agency else ""
    return {"today": today, "totals": totals, "on_time_pct": on_time_pct, "by_agency": by_agency,
            "rows": rows, "chart": chart}


@register_export("actions-overdue", title="Overdue actions by agency (PDF)", on_reports_page=True)
def overdue_actions_pdf(parameters: dict) -> tuple[str, bytes]:
    context = overdue_actions_context()
    filename = f"overdue-actions-{context['today']:%Y-%m-%d}.pdf"
    return filename, render_pdf("pdf/actions_overdue.html", context)


def board_section(period: ReportPeriod) -> dict:
    """The action tracker in the board pack: overdue at the period's moment and signed off during it, by agency
    and by partnership priority.

    Read from the tracker's history as it stood at the period's moment, so a past period's pack shows the same
    figures when made again. The escalations open at that moment (the ladder's history) come with it. Six queries.
    """
    day, actions = period.as_at_date, list(state_at(Action, period.as_at))
    attach(attach(actions, "owner_agency", Agency), "priority", Priority)
    done_statuses = Action.IMPACT_SHOWN
    overdue, signed_off, by_agency, by_priority = [], [], {}, {}
    for action in actions:
        is_open = action.status in Action.OPEN_STATUSES
        row = by_agency.setdefault(action.owner_agency_id, {"agency": action.owner_agency, "open": 0,
                                                            "overdue": 0, "signed_off": 0})
        theirs = by_priority.setdefault(action.priority_id, {"priority": action.priority, "open": 0, "overdue": 0,
                                                             "done": 0})
        if is_open:
            row["open"] += 1
            theirs["open"] += 1
            if action.due_date < day:
                row["overdue"] += 1
                theirs["overdue"] += 1
                action.days_overdue = (day - action.due_date).days
                overdue.append(action)
        elif action.status in done_statuses:
            theirs["done"] += 1
            if action.signed_off_at and action.signed_off_at >= period.start_moment:
                row["signed_off"] += 1
                signed_off.append(action)
    rows = sorted((r for r in by_agency.values() if r["open"] or r["signed_off"]),
                  key=lambda r: (-r["overdue"], -r["open"], r["agency"].name if r["agency"] else ""))
    open_count = sum(r["open"] for r in rows)
    overdue.sort(key=lambda a: (a.due_date, a.pk))
    with_overdue = [r for r in rows if r["overdue"]]
    chart = charts.bar_chart(
        title="Overdue actions by agency",
        description=f"Open actions past their due date on {day_words(day)}, by owning agency.",
        labels=[r["agency"].display_name for r in with_overdue], values=[r["overdue"] for r in with_overdue],
        for_print=True,
    ) if with_overdue else ""
    priorities = sorted((p for key, p in by_priority.items() if key is not None),
                        key=lambda p: (p["priority"].order, p["priority"].title))
    for row in priorities:
        row["total"] = row["open"] + row["done"]
    escalations = open_escalations_at(period)
    context = {
        "has_data": bool(actions) or bool(escalations),
        "escalations": escalations,
        "escalations_overdue": sum(1 for e in escalations if e.response_overdue),
        "as_at": day,
        "open": open_count,
        "overdue_count": len(overdue),
        "on_time_pct": round(100 * (open_count - len(overdue)) / open_count) if open_count else None,
        "overdue": overdue[:40],
        "signed_off": sorted(signed_off, key=lambda a: a.signed_off_at, reverse=True)[:20],
        "signed_off_count": len(signed_off),
        "by_agency": rows,
        "by_priority": priorities,
        "chart": chart,
    }
    return section_context(context, **_board_summary(context))


def open_escalations_at(period: ReportPeriod) -> list:
    """The escalations open at the period's moment, as they stood then, highest stage first. Two queries."""
    day = period.as_at_date
    rows = attach(state_at(Escalation, period.as_at).filter(status__in=Escalation.OPEN_STATUSES), "agency",
                  Agency)
    for row in rows:
        row.response_overdue = row.response_overdue_on(day)
    return sorted(rows, key=lambda e: (-e.stage, e.letter_date, e.pk))


def _board_summary(c: dict) -> dict:
    """What the tracker adds to the pack's opening pages, in the numbers the section shows."""
    facts, evidence, headlines = [], [], []
    day = f"{day_words(c['as_at'])}"
    if c["signed_off_count"]:
        facts.append(Fact(contract.HOW_MUCH,
                          f"Actions: {plural(c['signed_off_count'], 'action')} signed off as done in the "
                          f"period."))
    if c["open"]:
        facts.append(Fact(contract.WHAT_NEXT, f"Actions: {c['overdue_count']} of {plural(c['open'], 'open action')} "
                                              f"overdue on {day}."))
        late_agencies = sum(1 for r in c["by_agency"] if r["overdue"])
        evidence.append(Evidence(contract.ACCOUNTABILITY, share_status(c["open"] - c["overdue_count"], c["open"]),
                                 f"Action tracker: {c['overdue_count']} of {plural(c['open'], 'open action')} overdue "
                                 f"on {day}, held by {plural(late_agencies, 'agency', 'agencies')}."))
    if c["escalations"]:
        count, late = len(c["escalations"]), c["escalations_overdue"]
        evidence.append(Evidence(contract.ACCOUNTABILITY, share_status(count - late, count),
                                 f"Escalation ladder: {plural(count, 'escalation')} open on {day}, {late} with the "
                                 f"agency's response overdue."))
        highest = c["escalations"][0]
        headlines.append(f"{plural(count, 'escalation')} open on {day}; the highest is stage {highest.stage}, "
                         f"{highest.agency.display_name}.")
    if c["overdue_count"]:
        headlines.append(f"{c['overdue_count']} of {plural(c['open'], 'open action')} were overdue on {day}.")
    # Each priority's actions are one source of its progress, judged with the others by the priorities section,
    # the one evidence for "Achieving its priorities" (a second rule here made the pack contradict itself).
    return {"facts": facts, "evidence": evidence, "headlines": headlines}
