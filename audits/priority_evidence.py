"""What this app holds, tagged to each partnership priority, for a period (partnership.contract.PriorityEvidence).

An audit belongs to a priority through its `priority`. The audits the period holds by the one date rule
(`models.reported_on`: the meeting, or the report agreed when no meeting date is recorded)
give the evidence (cases audited, overall consensus grades, strengths and areas for development found), read as
they stood at the period's moment; those planned or under way then are what comes next.
"""
from collections import defaultdict

from django.db.models import Count

from partnership import contract
from partnership.contract import EvidenceItem, Fact, PriorityEvidence, plural, share_status
from partnership.snapshots import compiled_rows, state_at

from .models import Audit, AuditCase, ConsensusGrade, Finding, reported_on

SOURCE = "Audits"
BEFORE_MEETING = Audit.BEFORE_MEETING
NOT_YET = (*BEFORE_MEETING, Audit.Status.MEETING)


def _within(day, start, last) -> bool:
    return day is not None and start <= day <= last


def for_priorities(priorities, period, *, detail: bool = True) -> dict:
    """{priority_id: PriorityEvidence} for every priority given, in a fixed number of queries (four). Without
    `detail`, only its progress (the same rule, from the same grades): two queries, no cases or findings."""
    at, start, end = period.as_at, period.start, period.end
    audits = list(state_at(Audit, at).filter(priority_id__in=[p.pk for p in priorities])
                  .order_by("planned_month", "id"))
    last = min(end, period.as_at_date)  # a meeting booked for later in the period has not happened yet
    done = [a for a in audits if a.status not in BEFORE_MEETING and _within(reported_on(a), start, last)]
    ahead = [a for a in audits if a not in done and a.status in NOT_YET]
    done_ids = [a.pk for a in done]
    cases, case_audit = defaultdict(int), {}
    graded, good = defaultdict(int), defaultdict(int)
    findings = defaultdict(int)
    if detail:
        for case_id, audit_id, created_at in AuditCase.objects.filter(audit_id__in=done_ids).values_list(
                "pk", "audit_id", "created_at"):
            case_audit[case_id] = audit_id
            cases[audit_id] += created_at <= at
        for audit_id, kind, n in (Finding.objects.filter(audit_id__in=done_ids, created_at__lte=at)
                                  .values_list("audit_id", "kind").annotate(n=Count("pk")).order_by()):
            findings[audit_id, kind] = n
        grades = state_at(ConsensusGrade, at).filter(case_id__in=list(case_audit), domain__is_overall=True)
        grades = grades.values_list(*GRADED)
    else:  # the same grades, chosen by their cases' audits in the query (compiled once where the moment allows)
        grades = compiled_rows(_overall_grades, (tuple(done_ids),), at, ConsensusGrade)
    for audit_id, good_or_better in grades:
        graded[audit_id] += 1
        good[audit_id] += bool(good_or_better)
    result = {}
    for priority in priorities:
        mine = [a for a in done if a.priority_id == priority.pk]
        next_ones = [a for a in ahead if a.priority_id == priority.pk]
        if not mine and not next_ones:
            result[priority.pk] = PriorityEvidence(SOURCE)
            continue
        n_graded, n_good = sum(graded[a.pk] for a in mine), sum(good[a.pk] for a in mine)
        # Progress: the board pack's rule for audit grades (80% good or better assures, 50% partly).
        progress = (share_status(n_good, n_graded, assured_from=0.8, partly_from=0.5) if n_graded
                    else contract.NO_EVIDENCE)
        if not detail:
            result[priority.pk] = PriorityEvidence(SOURCE, progress=progress)
            continue
        facts = []
        if mine:
            facts.append(Fact(contract.HOW_MUCH,
                              f"Audits: {plural(len(mine), 'multi-agency audit')} met or agreed a report, "
                              f"{plural(sum(cases.get(a.pk, 0) for a in mine), 'case')} audited."))
            strengths = sum(findings[a.pk, Finding.Kind.STRENGTH] for a in mine)
            development = sum(findings[a.pk, Finding.Kind.DEVELOPMENT] for a in mine)
            graded_text = (f"{n_good} of {plural(n_graded, 'case')} graded good or better overall"
                           if n_graded else "no case graded yet")
            facts.append(Fact(contract.HOW_WELL, f"Audits: {graded_text}; {plural(strengths, 'strength')} and "
                                                 f"{plural(development, 'area')} for development found."))
        if next_ones:
            facts.append(Fact(contract.WHAT_NEXT, f"Audits: {plural(len(next_ones), 'audit')} planned or under way."))
        items = tuple(EvidenceItem(f"{a.reference} {a.theme}: " + (
                                   f"{good[a.pk]} of {plural(graded[a.pk], 'case')} good or better" if graded[a.pk]
                                   else "no case graded yet"), a.get_absolute_url(),
                                   share_status(good[a.pk], graded[a.pk], assured_from=0.8, partly_from=0.5))
                      for a in mine)
        items += tuple(EvidenceItem(f"{a.reference} {a.theme}: {Audit.Status(a.status).label.lower()}",
                                    a.get_absolute_url()) for a in next_ones)
        result[priority.pk] = PriorityEvidence(SOURCE, tuple(facts), progress, items)
    return result


GRADED = ("case__audit_id", "grade__good_or_better")  # a case's audit, and whether its grade is good or better


def _overall_grades(audit_ids: tuple[int, ...], moment):
    """The overall consensus grades of the audits' cases as they stood at the moment (`snapshots.compiled_rows`)."""
    return (state_at(ConsensusGrade, moment).filter(case__audit_id__in=audit_ids, domain__is_overall=True)
            .values_list(*GRADED))
