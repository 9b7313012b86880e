"""The audit report (page and PDF) and the audits section of the quarterly board report."""
import datetime

from django.db.models import Q

from partnership import charts
from partnership.models import Action
from partnership.pdf import render_pdf
from partnership.services.exports import register_export

from .models import Audit, ConsensusGrade, Finding, ImmediateConcern
from .services.concerns import acknowledged_in_time, closures_for


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def rollup(audit: Audit, consensus: list[ConsensusGrade] | None = None) -> dict:
    """Overall consensus grades: "6 of 8 cases good or better". Two queries (or none with `consensus`)."""
    if consensus is None:
        consensus = list(ConsensusGrade.objects.filter(case__audit=audit).select_related("grade", "domain"))
    cases = audit.cases.count() if not hasattr(audit, "case_count") else audit.case_count
    overall = [c for c in consensus if c.domain.is_overall]
    good = sum(1 for c in overall if c.grade.good_or_better)
    return {"cases": cases, "graded": len(overall), "good": good, "pct": _pct(good, len(overall)),
            "text": f"{good} of {len(overall)} case{'s' if len(overall) != 1 else ''} good or better"}


def domain_distribution(audit: Audit, consensus: list[ConsensusGrade]) -> tuple[list[dict], list]:
    grades = list(audit.tool.grades.all())
    domains = list(audit.tool.domains.all())
    rows = []
    for domain in domains:
        mine = [c for c in consensus if c.domain_id == domain.pk]
        counts = [sum(1 for c in mine if c.grade_id == g.pk) for g in grades]
        good = sum(1 for c in mine if c.grade.good_or_better)
        rows.append({"domain": domain, "counts": counts, "graded": len(mine), "good": good,
                     "pct": _pct(good, len(mine))})
    return rows, grades


def previous_audit(audit: Audit) -> Audit | None:
    if audit.follow_up_of_id:
        return audit.follow_up_of
    return (Audit.objects.filter(theme__iexact=audit.theme, status=Audit.Status.CLOSED).exclude(pk=audit.pk)
            .filter(Q(meeting_date__lt=audit.meeting_date) if audit.meeting_date else Q())
            .order_by("-meeting_date", "-pk").first())


def report_context(audit: Audit) -> dict:
    consensus = list(ConsensusGrade.objects.filter(case__audit=audit).select_related("grade", "domain"))
    rows, grades = domain_distribution(audit, consensus)
    previous = previous_audit(audit)
    comparison = None
    if previous is not None:
        prev_consensus = list(ConsensusGrade.objects.filter(case__audit=previous).select_related("grade", "domain"))
        prev_rows, _ = domain_distribution(previous, prev_consensus)
        by_code = {r["domain"].code: r for r in prev_rows}
        comparison = {
            "audit": previous, "rollup": rollup(previous, prev_consensus),
            "rows": [{"title": r["domain"].title, "now": r["pct"],
                      "before": by_code.get(r["domain"].code, {}).get("pct")} for r in rows],
        }
    findings = list(audit.findings.prefetch_related("journey_stages", "inspection_criteria"))
    themes: dict[str, list[Finding]] = {}
    for finding in findings:
        themes.setdefault(finding.theme, []).append(finding)
    chart = charts.bar_chart(
        title="Cases good or better, by domain (%)",
        description="The percentage of cases the audit meeting graded good or outstanding in each domain.",
        labels=[r["domain"].title for r in rows], values=[r["pct"] for r in rows], unit="%",
    ) if consensus else None
    cases = list(audit.cases.prefetch_related("agencies", "feedback"))
    overall = {c.case_id: c for c in consensus if c.domain.is_overall}
    return {
        "audit": audit, "rollup": rollup(audit, consensus), "rows": rows, "grades": grades, "chart": chart,
        "comparison": comparison, "themes": themes,
        "recommendations": list(audit.recommendations.all()),
        "actions": list(audit.actions.select_related("owner_agency").with_overdue()),
        "cases": [{"case": c, "overall": overall.get(c.pk)} for c in cases],
        "feedback_count": sum(1 for c in cases if c.feedback.all()),
    }


def board_section(*, start: datetime.date, end: datetime.date) -> dict:
    """Context for templates/audits/pdf/board_section.html: audits met or agreed in the period."""
    audits = list(
        Audit.objects.filter(Q(meeting_date__range=(start, end)) | Q(report_agreed_on__range=(start, end)))
        .select_related("tool").order_by("meeting_date", "pk")
    )
    consensus = list(ConsensusGrade.objects.filter(case__audit__in=audits, domain__is_overall=True)
                     .select_related("grade", "domain", "case"))
    rows = []
    for audit in audits:
        mine = [c for c in consensus if c.case.audit_id == audit.pk]
        audit.case_count = len({c.case_id for c in mine}) or audit.cases.count()
        rows.append({"audit": audit, "rollup": rollup(audit, mine)})
    open_actions = Action.objects.open().filter(source_kind=Audit.action_source_kind).count()
    overdue_actions = Action.objects.overdue(end).filter(source_kind=Audit.action_source_kind).count()
    concerns = list(ImmediateConcern.objects.filter(raised_at__date__range=(start, end)))
    closures = closures_for(concerns)
    in_time = sum(1 for c in concerns if acknowledged_in_time(c, closures=closures))
    return {
        "start": start, "end": end, "rows": rows, "open_actions": open_actions, "overdue_actions": overdue_actions,
        "concerns_raised": len(concerns), "concerns_acknowledged": sum(1 for c in concerns if c.acknowledged),
        "concerns_in_time": in_time,
        "has_data": bool(rows or concerns or open_actions),
    }


EXPORT_KIND = "audits-report"


@register_export(EXPORT_KIND, title="Multi-agency audit report (PDF)")
def report_pdf(parameters: dict) -> tuple[str, bytes]:
    """The report PDF, made in the background (the report page also offers it directly: it is a few pages)."""
    from django.utils.text import slugify

    audit = Audit.objects.select_related("programme", "tool").get(pk=parameters["audit_id"])
    return f"audit-report-{slugify(audit.theme)}.pdf", render_pdf("audits/pdf/report.html", report_context(audit))
