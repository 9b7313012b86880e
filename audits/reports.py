"""The audit report (page and PDF) and the audits section of the quarterly board report."""
from django.db.models import Count, Q

from partnership import charts, contract
from partnership.contract import Evidence, Fact, add_open_actions, plural, section_context, share_status
from partnership.dates import ReportPeriod
from partnership.models import Action
from partnership.pdf import render_pdf
from partnership.services.exports import register_export
from partnership.snapshots import attach, state_at

from .models import REPORTED_ON, Audit, AuditCase, ConsensusGrade, Finding, Grade, ImmediateConcern, ToolDomain
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
            "text": (f"{good} of {len(overall)} case{'s' if len(overall) != 1 else ''} good or better" if overall
                     else "No case graded yet")}


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


def grade_counts(consensus: list[ConsensusGrade]) -> list[dict]:
    """The overall consensus grades given, counted by grade (tools naming a grade alike are counted together),
    best first: [{"label", "count", "good_or_better"}]."""
    counts: dict[str, dict] = {}
    for c in consensus:
        entry = counts.setdefault(c.grade.label, {"label": c.grade.label, "count": 0, "score": c.grade.score,
                                                  "good_or_better": c.grade.good_or_better})
        entry["count"] += 1
    return sorted(counts.values(), key=lambda e: (-e["score"], e["label"]))


def board_section(period: ReportPeriod) -> dict:
    """Context for templates/audits/pdf/board_section.html: the audits the period holds by the one date rule
    (`models.REPORTED_ON`: the meeting, or the report agreed when no meeting date is recorded),
    their consensus grades, the actions from audits and the immediate concerns, as they stood at the period's
    moment (from history). Constant queries."""
    start, end, at = period.start, period.end, period.as_at
    audits = list(
        state_at(Audit, at).annotate(reported_on=REPORTED_ON).filter(reported_on__range=(start, end))
        .order_by("reported_on", "id"))
    consensus = attach(attach(
        state_at(ConsensusGrade, at).filter(case__audit_id__in=[a.pk for a in audits], domain__is_overall=True),
        "grade", Grade), "domain", ToolDomain)
    case_counts = dict(AuditCase.objects.filter(audit_id__in=[a.pk for a in audits], created_at__lte=at)
                       .values_list("audit_id").annotate(n=Count("pk")))
    audit_of_case = dict(AuditCase.objects.filter(pk__in={c.case_id for c in consensus}).values_list("pk", "audit_id"))
    rows = []
    for audit in audits:
        mine = [c for c in consensus if audit_of_case.get(c.case_id) == audit.pk]
        audit.case_count = case_counts.get(audit.pk, 0)
        rows.append({"audit": audit, "rollup": rollup(audit, mine)})
    open_q = Q(status__in=Action.OPEN_STATUSES)
    actions = state_at(Action, at).filter(source_kind=Audit.action_source_kind).aggregate(
        open=Count("id", filter=open_q), overdue=Count("id", filter=open_q & Q(due_date__lt=period.as_at_date)))
    concerns = list(state_at(ImmediateConcern, at).filter(raised_at__range=(period.start_moment, at)))
    closures = closures_for(concerns)
    in_time = sum(1 for c in concerns if acknowledged_in_time(c, closures=closures))
    context = {
        "start": start, "end": end, "rows": rows, "grade_counts": grade_counts(consensus),
        "open_actions": actions["open"],
        "overdue_actions": actions["overdue"],
        "concerns_raised": len(concerns), "concerns_acknowledged": sum(1 for c in concerns if c.acknowledged),
        "concerns_in_time": in_time,
        "has_data": bool(rows or concerns or actions["open"]),
    }
    return section_context(context, **_board_summary(context))


def _board_summary(context: dict) -> dict:
    """What the audits add to the pack's opening pages, in the numbers the section shows."""
    rows, facts, evidence, headlines = context["rows"], [], [], []
    graded = sum(r["rollup"]["graded"] for r in rows)
    good = sum(r["rollup"]["good"] for r in rows)
    if rows:
        facts.append(Fact(contract.HOW_MUCH, f"{plural(len(rows), 'multi-agency audit')} met or agreed a report, "
                                             f"{plural(sum(r['audit'].case_count for r in rows), 'case')} audited."))
    if graded:
        facts.append(Fact(contract.HOW_WELL,
                          f"Audits: {good} of {plural(graded, 'case')} graded good or better overall."))
        evidence.append(Evidence(contract.QUALITY, share_status(good, graded, assured_from=0.8, partly_from=0.5),
                                 f"Multi-agency audits: {good} of {plural(graded, 'case')} good or better."))
    if context["concerns_raised"]:
        raised, in_time = context["concerns_raised"], context["concerns_in_time"]
        facts.append(Fact(contract.HOW_WELL,
                          f"Audits: {in_time} of {plural(raised, 'immediate concern')} acknowledged within "
                          f"one working day."))
        evidence.append(Evidence(contract.DUTIES, share_status(in_time, raised, assured_from=1.0),
                                 f"Immediate concerns from audits: {in_time} of {raised} acknowledged in time."))
        if in_time < raised:
            headlines.append(f"{raised - in_time} of {plural(raised, 'immediate concern')} raised in audits "
                             f"{'was' if raised - in_time == 1 else 'were'} not acknowledged within one working day.")
    add_open_actions(facts, evidence, "Actions from audits", open_count=context["open_actions"],
                     overdue=context["overdue_actions"])
    return {"facts": facts, "evidence": evidence, "headlines": headlines}


EXPORT_KIND = "audits-report"


@register_export(EXPORT_KIND, title="Multi-agency audit report (PDF)", private=True)
def report_pdf(parameters: dict) -> tuple[str, bytes]:
    """The report PDF, made in the background (access was checked when it was asked for; only the person who
    asked sees the file: report readers need not be able to see every audit)."""
    from django.utils.text import slugify

    audit = Audit.objects.select_related("programme", "tool").get(pk=parameters["audit_id"])
    return f"audit-report-{slugify(audit.theme)}.pdf", render_pdf("audits/pdf/report.html", report_context(audit))
