"""The kernel's own report: overdue actions by agency (PDF), generated in the background.

`board_section` is the action tracker's part of the quarterly board report (merton_qa.board_report).
"""
import datetime

from django.db.models import Count, Q
from django.utils import timezone

from partnership import charts
from partnership.models import Action, Agency
from partnership.pdf import render_pdf
from partnership.services.exports import register_export


def overdue_actions_context(today=None) -> dict:
    """Figures and rows for the overdue-actions report, in the four OBA questions. Constant queries."""
    today = today or timezone.localdate()
    open_q = Q(status__in=Action.OPEN_STATUSES)
    totals = Action.objects.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=open_q & Q(due_date__lt=today)),
        completed=Count("pk", filter=Q(status__in=[Action.Status.COMPLETED, Action.Status.IMPACT_ASSURED,
                                                   Action.Status.CLOSED])),
        impact_assured=Count("pk", filter=Q(status__in=[Action.Status.IMPACT_ASSURED, Action.Status.CLOSED])),
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
        description=f"Number of open actions past their due date on {today:%d %B %Y}, by owning agency.",
        labels=[a.display_name for a in by_agency], values=[a.overdue_count for a in by_agency],
    ) if by_agency else ""
    return {"today": today, "totals": totals, "on_time_pct": on_time_pct, "by_agency": by_agency,
            "rows": rows, "chart": chart}


@register_export("actions-overdue", title="Overdue actions by agency (PDF)", on_reports_page=True)
def overdue_actions_pdf(parameters: dict) -> tuple[str, bytes]:
    context = overdue_actions_context()
    filename = f"overdue-actions-{context['today']:%Y-%m-%d}.pdf"
    return filename, render_pdf("pdf/actions_overdue.html", context)


def _as_at(end: datetime.date) -> tuple[datetime.date, datetime.datetime]:
    """The day a report for a period ending `end` reads its figures at: the end, or today if sooner."""
    day = min(end, timezone.localdate())
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    return day, min(moment, timezone.now())


def board_section(*, start: datetime.date, end: datetime.date) -> dict:
    """The action tracker in the board report: overdue at the period's end and closed during it, by agency.

    Read from the tracker's history as it stood at the end of the period (or now, for the current
    quarter), so a past quarter's pack shows the same figures when made again. Three queries.
    """
    day, moment = _as_at(end)
    actions = list(Action.history.as_of(moment))
    agencies = Agency.objects.in_bulk({a.owner_agency_id for a in actions})
    done_statuses = {Action.Status.IMPACT_ASSURED, Action.Status.CLOSED}
    start_moment = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    overdue, signed_off, by_agency = [], [], {}
    for action in actions:
        action.owner_agency = agencies.get(action.owner_agency_id)
        is_open = action.status in Action.OPEN_STATUSES
        row = by_agency.setdefault(action.owner_agency_id, {"agency": action.owner_agency, "open": 0,
                                                            "overdue": 0, "signed_off": 0})
        if is_open:
            row["open"] += 1
            if action.due_date < day:
                row["overdue"] += 1
                action.days_overdue = (day - action.due_date).days
                overdue.append(action)
        elif action.status in done_statuses and action.signed_off_at and action.signed_off_at >= start_moment:
            row["signed_off"] += 1
            signed_off.append(action)
    rows = sorted((r for r in by_agency.values() if r["open"] or r["signed_off"]),
                  key=lambda r: (-r["overdue"], -r["open"], r["agency"].name if r["agency"] else ""))
    open_count = sum(r["open"] for r in rows)
    overdue.sort(key=lambda a: (a.due_date, a.pk))
    with_overdue = [r for r in rows if r["overdue"]]
    chart = charts.bar_chart(
        title="Overdue actions by agency",
        description=f"Open actions past their due date on {day:%d %B %Y}, by owning agency.",
        labels=[r["agency"].display_name for r in with_overdue], values=[r["overdue"] for r in with_overdue],
    ) if with_overdue else ""
    headlines = []
    if overdue:
        headlines.append(f"{len(overdue)} of {open_count} open actions were overdue on {day:%-d %B %Y}.")
    return {
        "has_data": bool(actions),
        "as_at": day,
        "open": open_count,
        "overdue_count": len(overdue),
        "on_time_pct": round(100 * (open_count - len(overdue)) / open_count) if open_count else None,
        "overdue": overdue[:40],
        "signed_off": sorted(signed_off, key=lambda a: a.signed_off_at, reverse=True)[:20],
        "signed_off_count": len(signed_off),
        "by_agency": rows,
        "chart": chart,
        "headlines": headlines,
    }
