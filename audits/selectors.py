"""The audits app's reads: what its pages, dashboard panel and digest show, each named once with the
select_related/prefetch its readers need (docs/architecture.md, "Where reads live")."""
from django.db.models import Count, Prefetch, Q

from partnership.models import Agency

from . import access
from .models import AgencyAudit, AgencyAuditAnswer, Audit, Grade, ImmediateConcern, Programme


def with_outstanding(audits):
    """Audits annotated with `outstanding`, the agency audits still in draft."""
    return audits.annotate(outstanding=Count("cases__agency_audits", distinct=True,
                                             filter=Q(cases__agency_audits__status=AgencyAudit.Status.DRAFT)))


def programmes_for(user):
    """Every programme, each with the audits `user` may see (`shown`, with `outstanding`) in planned order."""
    audits = with_outstanding(access.visible_audits(user)).order_by("planned_month", "pk")
    return Programme.objects.prefetch_related(Prefetch("audits", queryset=audits, to_attr="shown"))


def with_shown_audits(programme, user):
    """`programme` with the audits `user` may see as `shown` (with `outstanding`, in planned order): named as
    `programmes_for` names them, so one template lists one programme or all of them."""
    programme.shown = list(
        with_outstanding(access.visible_audits(user).filter(programme=programme)).order_by("planned_month", "pk"))
    return programme


def audit_cases(audit, user):
    """The cases of `audit` that `user` may see, with their agencies by name (the progress grid's rows)."""
    return access.visible_cases(user).filter(audit=audit).prefetch_related(
        Prefetch("agencies", queryset=Agency.objects.order_by("name")))


def tool_grades(tool_id):
    """The grades of an audit tool's scale, in order."""
    return Grade.objects.filter(tool_id=tool_id)


def submitted_answers(case):
    """The answers of `case`'s submitted agency audits, with grade and agency, by agency name."""
    return (AgencyAuditAnswer.objects.filter(agency_audit__case=case, agency_audit__status=AgencyAudit.Status.SUBMITTED)
            .select_related("grade", "agency_audit__agency").order_by("agency_audit__agency__name"))


def audits_in_progress():
    """The audits in progress, each with `total` agency audits and those `outstanding`, soonest due first."""
    return (Audit.objects.filter(status=Audit.Status.IN_PROGRESS).annotate(
        total=Count("cases__agency_audits"),
        outstanding=Count("cases__agency_audits", filter=Q(cases__agency_audits__status=AgencyAudit.Status.DRAFT)),
    ).order_by("agency_audits_due"))


def agency_audits_to_do(agency_id, *, due_by=None):
    """An agency's agency audits still in draft on audits in progress (due by `due_by` when given), soonest first:
    the auditor's dashboard panel and digest."""
    qs = AgencyAudit.objects.filter(agency_id=agency_id, status=AgencyAudit.Status.DRAFT,
                                    case__audit__status=Audit.Status.IN_PROGRESS)
    if due_by is not None:
        qs = qs.filter(case__audit__agency_audits_due__lte=due_by)
    return qs.select_related("case", "case__audit").order_by("case__audit__agency_audits_due", "pk")


def concerns_unacknowledged(agency_id=None):
    """Immediate concerns not yet acknowledged, with their case: an agency's (its lead's panel and digest), or
    every agency's with the agency, oldest first (the oversight panel)."""
    qs = ImmediateConcern.objects.filter(acknowledged_at__isnull=True)
    if agency_id is not None:
        return qs.filter(agency_id=agency_id).select_related("case")
    return qs.select_related("case", "agency").order_by("raised_at")


def reports_agreed(limit):
    """The audits whose report is agreed and not yet monitored, most recent first (the agenda's suggestions)."""
    return (Audit.objects.filter(status=Audit.Status.AGREED, report_agreed_on__isnull=False)
            .only("pk", "theme", "priority_id", "report_agreed_on").order_by("-report_agreed_on", "-pk")[:limit])


def reports_done(limit):
    """The audits whose report is agreed, monitored or closed, most recent first (the agenda's papers)."""
    return (Audit.objects.filter(report_agreed_on__isnull=False, status__in=Audit.REPORT_AGREED)
            .only("pk", "theme", "report_agreed_on").order_by("-report_agreed_on", "-pk")[:limit])
