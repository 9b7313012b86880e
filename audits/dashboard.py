"""This app's panel on the home dashboard: context for templates/audits/includes/dashboard_panel.html."""
from django.db.models import Count, Q

from partnership.models import Role

from . import access
from .models import AgencyAudit, Audit, ImmediateConcern


def panel(user) -> dict:
    result: dict = {}
    if access.is_oversight(user):
        result["audits_concerns"] = list(ImmediateConcern.objects.filter(acknowledged_at__isnull=True)
                                         .select_related("case", "agency").order_by("raised_at"))
        result["audits_in_progress"] = list(
            Audit.objects.filter(status=Audit.Status.IN_PROGRESS).annotate(
                total=Count("cases__agency_audits"),
                outstanding=Count("cases__agency_audits",
                                  filter=Q(cases__agency_audits__status=AgencyAudit.Status.DRAFT)),
            ).order_by("agency_audits_due"))
    elif access.is_auditor(user):
        result["audits_mine"] = list(
            AgencyAudit.objects.filter(agency_id=user.agency_id, status=AgencyAudit.Status.DRAFT,
                                       case__audit__status=Audit.Status.IN_PROGRESS)
            .select_related("case", "case__audit").order_by("case__audit__agency_audits_due", "pk"))
        if user.has_role(Role.AGENCY_LEAD):
            result["audits_to_acknowledge"] = list(
                ImmediateConcern.objects.filter(agency_id=user.agency_id, acknowledged_at__isnull=True)
                .select_related("case"))
    return result
