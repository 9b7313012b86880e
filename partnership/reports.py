"""The kernel's own report: overdue actions by agency (PDF), generated in the background.

Board-report sections of the action tracker (issue 8) build on `overdue_actions_context`.
"""
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
