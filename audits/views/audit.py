"""A thematic audit: set up, detail (terms of reference, cases, progress grid, concerns, meeting, findings),
status transitions (POST-only, refusals explained), reminders and cases."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from partnership.access import require
from partnership.input_rules import as_id
from partnership.models import Agency
from partnership.selectors import as_saved
from partnership.services.errors import ServiceError
from partnership.templatetags.words import possessive
from partnership.views.confirm import button_step, form_step
from partnership.views.conflicts import edits_versioned, refusal_status
from partnership.views.mixins import button_view, confirm_view, form_status, form_view
from partnership.views.remind_all import remind_all_page

from .. import access, selectors
from ..forms import AuditForm, CaseForm
from ..models import AgencyAudit, Audit, AuditCase, Programme
from ..services import returns as return_services
from ..services import workflow
from .common import audit_or_404, case_or_404


@form_view(AuditForm)
def audit_create(request, programme_pk):
    require(access.can_manage(request.user))
    programme = get_object_or_404(Programme, pk=programme_pk)
    form = AuditForm(request.POST or None)
    return form_step(request, form,
                     save=lambda f: workflow.audit_create(by=request.user, programme=programme, **f.values()),
                     success=lambda audit: f"“{audit.theme}” has been added to the {programme.year} programme.",
                     template="audits/audit_form.html", context={"programme": programme})


@form_view(AuditForm)
@edits_versioned(Audit)
def audit_edit(request, pk):
    audit = audit_or_404(request, pk)
    require(access.can_manage(request.user) and audit.status != Audit.Status.CLOSED)
    form = AuditForm(request.POST or None, instance=audit)
    if request.method == "POST":
        if form.is_valid():
            values = form.values()
            try:
                workflow.audit_update(audit=audit, by=request.user,
                                      expected_version=form.cleaned_data.get("version") or 0, **values)
            except ServiceError as error:
                status = refusal_status(form, error, current=lambda: as_saved(audit))
            else:
                messages.success(request, "The audit has been updated.")
                return redirect(audit)
        else:
            status = 400
        return render(request, "audits/audit_form.html", {"form": form, "audit": audit}, status=status)
    return render(request, "audits/audit_form.html", {"form": form, "audit": audit}, status=form_status(form))


def progress_grid(audit: Audit, user) -> dict:
    """Cases x agencies: each cell the agency audit (or None when the agency is not involved). Constant queries."""
    cases = list(selectors.audit_cases(audit, user))
    agency_audits = list(access.visible_agency_audits(user).filter(case__audit=audit).select_related(None)
                         .only("pk", "case_id", "agency_id", "status", "submitted_at"))
    by_cell = {(a.case_id, a.agency_id): a for a in agency_audits}
    agencies = {}
    for case in cases:
        for agency in case.agencies.all():
            if access.is_oversight(user) or agency.pk == user.agency_id:
                agencies[agency.pk] = agency
    columns = sorted(agencies.values(), key=lambda a: a.display_name.casefold())
    outstanding = return_services.outstanding_by_agency(audit) if access.is_oversight(user) else {}
    reminded = return_services.last_reminded(audit, agencies) if access.is_oversight(user) else {}
    rows = [{"case": c, "cells": [{"agency": a, "involved": a in c.agencies.all(), "aa": by_cell.get((c.pk, a.pk))}
                                  for a in columns]} for c in cases]
    summary = [{"agency": a, "outstanding": outstanding.get(a.pk, 0), "reminded": reminded.get(a.pk)}
               for a in columns]
    return {"cases": cases, "columns": columns, "grid": rows, "agency_summary": summary,
            "submitted": sum(1 for a in agency_audits if a.status == AgencyAudit.Status.SUBMITTED),
            "total": len(agency_audits)}


@login_required
def audit_detail(request, pk):
    audit = audit_or_404(request, pk)
    user = request.user
    context = {"audit": audit, "can_manage": access.can_manage(user), "sees_cases": access.sees_cases(user),
               "can_see_report": access.can_see_report(user, audit),
               "participating": list(audit.agencies.all()), "follow_ups": list(audit.follow_ups.all())}
    if access.sees_cases(user):
        context.update(progress_grid(audit, user))
        context["concerns"] = list(access.visible_concerns(user).filter(case__audit=audit))
    if access.can_manage(user):
        following = workflow.next_status(audit)
        if following:
            context["next"] = {"status": following, "label": workflow.TRANSITION_LABELS[following],
                               "problems": workflow.transition_problems(audit, following)}
        context["findings"] = list(audit.findings.all())
        context["recommendations"] = list(audit.recommendations.all())
        context["meeting"] = getattr(audit, "meeting", None) if not audit.is_before_meeting else None
        context["can_add_cases"] = audit.status in workflow.CASES_OPEN
    return render(request, "audits/audit_detail.html", context)


@button_view("a button naming the next status: nothing typed")
def audit_transition(request, pk):
    audit = audit_or_404(request, pk)
    require(access.can_manage(request.user))
    to = request.POST.get("to", "")
    version = as_id(request.POST.get("version", ""))
    version = -1 if version is None else version
    return button_step(request,
                       lambda: workflow.audit_transition(audit=audit, to=to, by=request.user, expected_version=version),
                       lambda: f"The audit is now at the stage: {audit.get_status_display().lower()}.", audit)


@button_view("a button: nothing typed")
def audit_remind(request, pk, agency_pk):
    audit = audit_or_404(request, pk)
    require(access.can_manage(request.user))
    agency = get_object_or_404(Agency, pk=agency_pk)
    try:
        sent = return_services.agency_audits_remind(audit=audit, agency=agency, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if sent:
            messages.success(request, f"Reminder sent to {sent} lead{'s' if sent != 1 else ''} at {agency}.")
        else:
            messages.info(request, f"{possessive(agency)} leads were already reminded today.")
    return redirect(audit.get_absolute_url() + "#progress")


@confirm_view("a confirmation button: nothing typed")
def audit_remind_all(request, pk):
    """Remind every agency with outstanding agency audits, in one action, after a page that says how many."""
    audit = audit_or_404(request, pk)
    require(access.can_manage(request.user))
    if audit.status != Audit.Status.IN_PROGRESS:
        messages.info(request, "Reminders are sent only while agency audits are in progress.")
        return redirect(audit)
    return remind_all_page(request, outstanding=lambda: return_services.outstanding_agencies(audit, by=request.user),
                           what=audit.theme, noun="their agency audits",
                           back_url=audit.get_absolute_url() + "#progress")


@form_view(CaseForm)
def case_add(request, pk):
    audit = audit_or_404(request, pk)
    require(access.can_manage(request.user))
    form = CaseForm(request.POST or None, audit=audit, initial={"agencies": list(audit.agencies.all())})
    return form_step(request, form, save=lambda f: workflow.case_add(audit=audit, by=request.user, **f.cleaned_data),
                     success=lambda case: f"Case {case} has been added.",
                     template="audits/case_form.html", context={"audit": audit},
                     to=lambda case: (("audits:case-add", audit.pk) if "add_another" in request.POST
                                      else (audit.get_absolute_url() + "#cases",)))


@login_required
def case_detail(request, pk):
    case = case_or_404(request, pk)
    user = request.user
    agency_audits = list(access.visible_agency_audits(user).filter(case=case))
    return render(request, "audits/case_detail.html", {
        "case": case, "audit": case.audit, "agency_audits": agency_audits,
        "concerns": list(access.visible_concerns(user).filter(case=case)),
        "consensus": list(case.consensus.select_related("grade", "domain")) if access.is_oversight(user) else [],
        "feedback": list(case.feedback.select_related("agency", "given_by")) if access.is_oversight(user) else [],
        "can_manage": access.can_manage(user), "can_raise": access.can_raise_concern(user, case),
        "agencies": list(case.agencies.all()),
    })


@button_view("a button: nothing typed")
def case_remove(request, pk):
    case = case_or_404(request, pk)
    require(access.can_manage(request.user))
    audit = case.audit
    try:
        workflow.case_remove(case=case, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(case)
    messages.success(request, f"Case {case.case_reference} has been removed.")
    return redirect(audit.get_absolute_url() + "#cases")


urlpatterns = [
    path("programmes/<int:programme_pk>/audits/new/", audit_create, name="audit-create"),
    path("<int:pk>/", audit_detail, name="audit-detail"),
    path("<int:pk>/edit/", audit_edit, name="audit-edit"),
    path("<int:pk>/status/", audit_transition, name="audit-transition"),
    path("<int:pk>/remind/<int:agency_pk>/", audit_remind, name="audit-remind"),
    path("<int:pk>/remind-all/", audit_remind_all, name="audit-remind-all"),
    path("<int:pk>/cases/new/", case_add, name="case-add"),
    path("cases/<int:pk>/", case_detail, name="case-detail"),
    path("cases/<int:pk>/remove/", case_remove, name="case-remove"),
]
_ = AuditCase
