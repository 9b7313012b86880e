"""An agency's audit of a case: every domain on one page, save as draft or submit."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path

from partnership.access import get_visible_or_404, require
from partnership.services.errors import ConflictError, ServiceError
from partnership.views.conflicts import Conflict, compared, edits_versioned
from partnership.views.mixins import form_view

from .. import access, selectors
from ..forms import ANSWER_FIELDS, AgencyAuditForm
from ..models import AgencyAudit
from ..services import returns as services

FIELDS = ANSWER_FIELDS


def first_control(answers, grades) -> str:
    """The id of the first grade radio of the first domain in `answers` (objects with a domain_id): where an
    error summary link about the grades goes (templates/audits/includes/errors.html)."""
    return f"grade-{answers[0].domain_id}-{grades[0].pk}" if answers and grades else "main-content"


@form_view(AgencyAuditForm)
@edits_versioned(AgencyAudit)
def agency_audit(request, pk):
    agency_audit = get_visible_or_404(access.visible_agency_audits(request.user), pk=pk)
    can_edit = access.can_edit_agency_audit(request.user, agency_audit)
    answers = list(agency_audit.answers.select_related("domain", "grade"))
    grades = list(selectors.tool_grades(agency_audit.case.audit.tool_id))
    errors, status, field_errors = [], 200, {}
    typed, missing, conflict, conflict_status = None, set(), None, None
    if request.method == "POST":
        require(can_edit)
        form = AgencyAuditForm(request.POST, answers=answers, grades=grades)
        valid = form.is_valid()
        typed, submit = form.typed(), form.submitting
        if not valid:  # a box over its limit, hidden characters, a grade not on the scale: each beside its box
            for name, problems in form.errors.items():
                grade = name.startswith("grade-")
                if not grade:
                    field_errors[name] = problems[0]
                errors.append((first_control(answers, grades) if grade else name,
                               f"{form.fields[name].label}: {problems[0]}" if name in form.fields else problems[0]))
        else:
            try:
                services.agency_audit_save(agency_audit=agency_audit, by=request.user, answers=typed,
                                           expected_version=form.expected_version, submit=submit)
            except ConflictError as error:  # what was saved meanwhile beside what was typed, with its version
                errors.append((first_control(answers, grades), error.message))
                agency_audit.refresh_from_db()
                saved = {a.domain_id: a for a in agency_audit.answers.select_related("domain", "grade")}
                conflict = Conflict.of(agency_audit, compared(
                    pair for a in answers for pair in (
                        (f"{a.domain.title}: grade", saved[a.domain_id].grade.label if saved[a.domain_id].grade else "",
                         typed[a.domain_id]["grade"].label if typed[a.domain_id]["grade"] else ""),
                        *((f"{a.domain.title}: {label.lower()}", getattr(saved[a.domain_id], name),
                           typed[a.domain_id][name]) for name, label in FIELDS))))
                conflict_status = 409
            except ServiceError as error:
                if submit:
                    missing = {domain_id for domain_id, values in typed.items() if values["grade"] is None}
                if error.field:  # a child named in one box: the message is beside that box too (its id)
                    field_errors[error.field] = error.message.split(": ", 1)[-1]
                errors.append((error.field if error.field else
                               first_control([a for a in answers if a.domain_id in missing] or answers, grades),
                               error.message))
            else:
                messages.success(request, "Your agency audit has been submitted. Thank you." if submit
                                 else "Your answers have been saved as a draft.")
                return redirect(agency_audit.case.audit if submit else agency_audit)
        status = conflict_status or 400
    rows = []
    for answer in answers:
        values = typed.get(answer.domain_id) if typed else None
        rows.append({
            "answer": answer, "domain": answer.domain, "missing": answer.domain_id in missing,
            "grade_id": (values["grade"].pk if values and values["grade"] else None) if typed else answer.grade_id,
            "fields": [{"name": name, "label": label, "error": field_errors.get(f"{name}-{answer.domain_id}"),
                        "value": values[name] if values else getattr(answer, name)} for name, label in FIELDS],
        })
    return render(request, "audits/agency_audit.html", {
        "aa": agency_audit, "case": agency_audit.case, "audit": agency_audit.case.audit, "rows": rows,
        "grades": grades, "can_edit": can_edit, "errors": errors, "conflict": conflict,
    }, status=status)


urlpatterns = [path("agency-audits/<int:pk>/", agency_audit, name="agency-audit")]
