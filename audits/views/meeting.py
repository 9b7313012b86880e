"""The audit meeting and its outputs: attendees, consensus grades per case, findings, recommendations,
the chair's summary, actions in the shared tracker, and feedback to practitioners. Business unit and QA."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from partnership.access import require
from partnership.forms import ActionForm
from partnership.history import save_versioned
from partnership.selectors import as_saved
from partnership.services.errors import ConflictError, ServiceError
from partnership.views.confirm import button_step
from partnership.views.conflicts import Conflict, compared, edits_versioned, refusal_status
from partnership.views.mixins import button_view, form_view

from .. import access, selectors
from ..forms import ConsensusForm, FeedbackForm, FindingForm, MeetingForm, RecommendationForm, SummaryForm
from ..models import Audit, ConsensusGrade, Finding
from ..services import meeting as services
from ..services.workflow import consensus_for
from ..views.common import audit_or_404, case_or_404


def _simple(request, *, audit, form, title, template="audits/simple_form.html", save, success, back=None,
            intro="", extra=None, saved_form=None):
    """GET shows the form; POST validates, calls `save(cleaned_data)`, shows refusals next to the fields (and
    the audit as saved now, through `saved_form(audit)`, when someone else saved it first)."""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except ServiceError as error:
                status = refusal_status(form, error, current=lambda: as_saved(audit),
                                        saved_form=saved_form)
            else:
                messages.success(request, success)
                return redirect(back or audit.get_absolute_url())
    else:
        status = 200
    return render(request, template, {"form": form, "audit": audit, "title": title, "intro": intro,
                                      "back": back or audit.get_absolute_url(), **(extra or {})}, status=status)


def _manager_audit(request, pk):
    audit = audit_or_404(request, pk)
    require(access.can_manage(request.user))
    return audit


@form_view(MeetingForm)
def meeting_edit(request, pk):
    audit = _manager_audit(request, pk)
    meeting = getattr(audit, "meeting", None)
    initial = ({"held_on": meeting.held_on, "attendees": list(meeting.attendees.all()), "notes": meeting.notes,
                "attending_agencies": list(meeting.attending_agencies.all())} if meeting
               else {"held_on": audit.meeting_date, "attending_agencies": list(audit.agencies.all())})
    form = MeetingForm(request.POST or None, audit=audit, initial=initial)
    return _simple(request, audit=audit, form=form, title="The audit meeting",
                   intro="Who attended and what was discussed. Consensus grades are recorded case by case.",
                   save=lambda d: services.meeting_save(audit=audit, by=request.user, **d),
                   success="The meeting has been recorded.", back=audit.get_absolute_url() + "#meeting")


@form_view(ConsensusForm)
@edits_versioned(ConsensusGrade)
def consensus_edit(request, pk):
    case = case_or_404(request, pk)
    require(access.can_manage(request.user))
    audit = case.audit
    domains = list(audit.tool.domains.all())
    grades = list(selectors.tool_grades(audit.tool_id))
    current = consensus_for(case)
    form = ConsensusForm(request.POST or None, domains=domains, grades=grades)
    errors, field_errors, status, conflict = [], {}, 200, None
    if request.method == "POST":
        status = 400
        if not form.is_valid():  # a box over its limit, hidden characters, a child named, a grade not on the scale
            for name, problems in form.errors.items():
                field_errors[name] = problems[0]
                errors.append((_first_control(name, grades), f"{form.fields[name].label}: {problems[0]}"
                               if name in form.fields else problems[0]))
        else:
            try:
                services.consensus_save(case=case, by=request.user, **form.values())
            except ConflictError as error:  # what the others saved, beside what was typed; their versions
                errors.append((_grades_control(domains, grades), error.message))
                status, current = 409, consensus_for(case)
                conflict = Conflict.of(case, compared(pair for d in domains for pair in (
                    (f"Agreed grade for {d.title.lower()}", current[d.pk].grade.label if d.pk in current else "",
                     form.typed_grade(d.pk).label if form.typed_grade(d.pk) else ""),
                    (f"Learning on {d.title.lower()}", current[d.pk].notes if d.pk in current else "",
                     form.typed_notes(d.pk)))))
            except ServiceError as error:  # a box's text refused: beside the box; about the grades: the first one
                if error.field:
                    field_errors[error.field] = error.message.split(": ", 1)[-1]
                errors.append((error.field or _grades_control(domains, grades), error.message))
            else:
                messages.success(request, f"Consensus grades for case {case} have been saved.")
                return redirect(audit.get_absolute_url() + "#meeting")
    return render(request, "audits/consensus.html", {
        "case": case, "audit": audit, "grades": grades, "errors": errors, "conflict": conflict,
        "rows": _consensus_rows(case, form, domains, current, field_errors, carry_versions=status == 400),
        "discussion_notes": form["discussion_notes"].value() if form.is_bound else case.discussion_notes,
        "discussion_error": field_errors.get("discussion_notes"),
    }, status=status)


def _first_control(name: str, grades) -> str:
    """Where an error summary link goes: a domain's grade, to its first radio; a box, to the box."""
    return f"{name}-{grades[0].pk}" if name.startswith("grade-") and grades else name


def _grades_control(domains, grades) -> str:
    """Where a refusal about the grades as a whole links: the first grade of the first domain."""
    return _first_control(f"grade-{domains[0].pk}", grades) if domains else "discussion_notes"


def _consensus_rows(case, form, domains, current, field_errors, *, carry_versions: bool) -> list[dict]:
    """Each domain with what each agency found, and the agreed grade and learning as saved, or as typed when the
    save was refused. A refused page carries the versions it was opened at (a conflict, the versions saved now)."""
    agency_grades: dict[int, list] = {}
    for answer in selectors.submitted_answers(case):
        agency_grades.setdefault(answer.domain_id, []).append(answer)
    rows = []
    for d in domains:
        c, typed = current.get(d.pk), form.typed_grade(d.pk) if form.is_bound else None
        rows.append({"domain": d, "agency_answers": agency_grades.get(d.pk, []),
                     "version": (form[f"version-{d.pk}"].value() or 0) if carry_versions else (c.version if c else 0),
                     "grade_id": (typed.pk if typed else None) if form.is_bound else (c.grade_id if c else None),
                     "notes": form.typed_notes(d.pk) if form.is_bound else (c.notes if c else ""),
                     "grade_error": field_errors.get(f"grade-{d.pk}"),
                     "notes_error": field_errors.get(f"notes-{d.pk}")})
    return rows


@form_view(FindingForm)
def finding_add(request, pk):
    audit = _manager_audit(request, pk)
    return _simple(request, audit=audit, form=FindingForm(request.POST or None), title="Add a finding",
                   save=lambda d: services.finding_add(audit=audit, by=request.user, **d),
                   success="The finding has been added.", back=audit.get_absolute_url() + "#findings")


@button_view("a button: nothing typed")
def finding_delete(request, pk):
    finding = get_object_or_404(Finding, pk=pk, audit__in=access.visible_audits(request.user))
    require(access.can_manage(request.user))
    return button_step(request, lambda: services.finding_delete(finding=finding, by=request.user),
                       "The finding has been removed.", finding.audit.get_absolute_url() + "#findings")


@form_view(RecommendationForm)
def recommendation_add(request, pk):
    audit = _manager_audit(request, pk)
    return _simple(request, audit=audit, form=RecommendationForm(request.POST or None), title="Add a recommendation",
                   save=lambda d: services.recommendation_add(audit=audit, by=request.user, **d),
                   success="The recommendation has been added.", back=audit.get_absolute_url() + "#findings")


@form_view(SummaryForm)
@edits_versioned(Audit)
def summary_edit(request, pk):
    audit = _manager_audit(request, pk)
    require(audit.status != audit.Status.CLOSED)
    form = SummaryForm(request.POST or None, initial={"summary": audit.summary, "version": audit.version})

    def save(data):
        audit.summary = data["summary"].strip()
        save_versioned(audit, expected_version=data["version"], fields=["summary"], by=request.user)

    return _simple(request, audit=audit, form=form, title="The chair's summary", save=save,
                   saved_form=lambda saved: SummaryForm(initial={"summary": saved.summary, "version": saved.version}),
                   intro="The opening of the report: what the audit found, in a few paragraphs.",
                   success="The summary has been saved.", back=audit.get_absolute_url() + "#findings")


@form_view(ActionForm)
def action_add(request, pk):
    audit = _manager_audit(request, pk)
    form = ActionForm(request.POST or None, user=request.user, initial={"priority": audit.priority_id})
    return _simple(request, audit=audit, form=form, title="Add an action to the tracker",
                   intro="The action goes into the partnership's action tracker, linked to this audit.",
                   save=lambda d: services.audit_action_add(audit=audit, by=request.user, **d),
                   success="The action has been added to the tracker.", back=audit.get_absolute_url() + "#findings")


@form_view(FeedbackForm)
def feedback_add(request, pk):
    case = case_or_404(request, pk)
    require(access.can_manage(request.user))
    return _simple(request, audit=case.audit, form=FeedbackForm(request.POST or None, case=case),
                   title=f"Record feedback to practitioners: case {case}",
                   save=lambda d: services.feedback_record(case=case, by=request.user, **d),
                   success="The feedback has been recorded.", back=case.get_absolute_url())


urlpatterns = [
    path("<int:pk>/meeting/", meeting_edit, name="meeting"),
    path("cases/<int:pk>/consensus/", consensus_edit, name="consensus"),
    path("<int:pk>/findings/new/", finding_add, name="finding-add"),
    path("findings/<int:pk>/remove/", finding_delete, name="finding-remove"),
    path("<int:pk>/recommendations/new/", recommendation_add, name="recommendation-add"),
    path("<int:pk>/summary/", summary_edit, name="summary"),
    path("<int:pk>/actions/new/", action_add, name="action-add"),
    path("cases/<int:pk>/feedback/", feedback_add, name="feedback-add"),
]
