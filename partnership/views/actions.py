"""The action tracker's pages: thin views over `access` and `services.actions`."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.forms.utils import ErrorDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from partnership import access, selectors
from partnership.csv import csv_response
from partnership.dates import day_words
from partnership.downloads import stored_download
from partnership.filters import ActionFilter
from partnership.forms import (
    ActionForm,
    ActionImpactForm,
    ActionTransitionForm,
    ActionUpdateForm,
    DueDateDecisionForm,
    DueDateRequestForm,
)
from partnership.models import Action, DueDateRequest
from partnership.models.actions import source_kind_label, source_kind_labels, sources_of
from partnership.rate_limits import limited_export
from partnership.selectors import as_saved
from partnership.services import actions as action_services
from partnership.services.errors import ServiceError

from .confirm import versioned_edit_step
from .conflicts import edits_versioned
from .mixins import form_status, form_view, inline_form_view, page_query, paginate, posted_version


def _filtered(request, *, mine: bool):
    qs = access.visible_actions(request.user)
    if mine:
        qs = qs.filter(owner_agency_id=request.user.agency_id)
    # An aggregate (GROUP BY) drops Meta.ordering: order explicitly, soonest due first.
    qs = qs.for_list().annotate(last_update=Max("updates__created_at")).order_by("due_date", "pk")
    return ActionFilter(request.GET or None, queryset=qs, restrict_agency=request.user.agency if mine else None,
                        user=request.user)


@login_required
def action_list(request, mine: bool = False):
    if not mine and not access.sees_all_actions(request.user):
        return redirect("partnership:my-actions")
    flt = _filtered(request, mine=mine)
    page = paginate(request, flt.qs)
    labels = source_kind_labels(request.user)
    for action in page.object_list:
        action.source_shown = source_kind_label(labels, action.source_kind)
    return render(request, "partnership/action_list.html", {
        "filter": flt, "page": page, "mine": mine, "query": page_query(request),
        "can_create": access.can_create_action(request.user), "today": timezone.localdate(),
    })


@login_required
@limited_export
def action_export_csv(request, mine: bool = False):
    flt = _filtered(request, mine=mine or not access.sees_all_actions(request.user))
    labels = source_kind_labels(request.user)
    rows = (
        (a.reference, a.title, a.owner_agency.name, a.owner.full_name if a.owner else "", a.priority or "",
         source_kind_label(labels, a.source_kind), a.get_status_display(), a.due_date.isoformat(),
         "Yes" if a.is_overdue else "No", a.description)
        for a in flt.qs.iterator(chunk_size=500)
    )
    header = ["Reference", "Title", "Agency", "Owner", "Priority", "Source", "Status", "Due date", "Overdue",
              "Description"]
    return csv_response(f"actions-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


def _detail_context(request, action, *, update_form=None):
    history = (
        Action.history.filter(id=action.pk).select_related("history_user").order_by("-history_date", "-history_id")
    )
    return {
        "action": action,
        "updates": action.updates.select_related("author"),
        "history": history,
        "sources": [(source, source.action_source_visible_to(request.user)) for source in sources_of(action)],
        "can_update": access.can_update_action(request.user, action),
        "due_date_requests": action.due_date_requests.select_related("requested_by", "decided_by"),
        "can_ask_due_date": action_services.can_ask_to_move_due_date(request.user, action),
        "can_decide_due_date": access.is_business_unit(request.user),
        "files": list(action.files.all()),
        "can_record_impact": action_services.can_record_impact(request.user, action),
        "transitions": action_services.allowed_transitions(request.user, action),
        "update_form": update_form or ActionUpdateForm(),
    }


def _get_action(request, pk):
    return access.get_visible_or_404(access.visible_actions(request.user).with_overdue().select_related(
        "owner_agency", "owner", "priority", "signed_off_by", "created_by"), pk=pk)


@login_required
def action_detail(request, pk):
    action = _get_action(request, pk)
    return render(request, "partnership/action_detail.html", _detail_context(request, action))


@inline_form_view(ActionUpdateForm)
def action_add_update(request, pk):
    action = _get_action(request, pk)
    access.require(access.can_update_action(request.user, action))
    form = ActionUpdateForm(request.POST)
    if form.is_valid():
        try:
            action_services.action_add_update(action=action, by=request.user, note=form.cleaned_data["note"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Your progress update has been added.")
            return redirect(action)
    return render(request, "partnership/action_detail.html",
                  _detail_context(request, action, update_form=form), status=400)


@form_view(ActionForm)
def action_create(request):
    access.require(access.can_create_action(request.user))
    form = ActionForm(request.POST or None, user=request.user)
    showing = request.POST.get("show") == "people"
    if showing:  # "Show its people": the named owners narrowed to the chosen agency, nothing saved, nothing lost
        form._errors = ErrorDict()
    if request.method == "POST" and not showing and form.is_valid():
        data = form.cleaned_data
        try:
            action = action_services.action_create(
                by=request.user, title=data["title"], description=data["description"],
                owner_agency=data["owner_agency"], owner=data["owner"], priority=data["priority"],
                due_date=data["due_date"],
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Action {action.reference} has been created.")
            return redirect(action)
    return render(request, "partnership/action_form.html", {"form": form, "can_show_people": form.any_agency},
                  status=form_status(form))


@form_view(ActionForm)
@edits_versioned(Action)
def action_edit(request, pk):
    action = _get_action(request, pk)
    access.require(access.can_update_action(request.user, action))
    form = ActionForm(request.POST or None, instance=action, user=request.user)
    version = posted_version(request, default=action.version)
    return versioned_edit_step(
        request, form, save=lambda: action_services.action_update_details(
            action=as_saved(action), by=request.user, expected_version=version,
            **{f: form.cleaned_data[f] for f in ("title", "description", "owner", "priority", "due_date")
               if f in form.fields}),
        done="The action has been updated.", back=action, current=lambda: as_saved(action),
        saved_form=lambda saved: ActionForm(instance=saved, user=request.user),
        page=lambda status: render(request, "partnership/action_form.html", {
            "form": form, "action": action, "version": version,
            "can_ask_due_date": action_services.can_ask_to_move_due_date(request.user, action),
        }, status=status))


@form_view(ActionTransitionForm)
@edits_versioned(Action)
def action_transition(request, pk):
    action = _get_action(request, pk)
    access.require(access.can_update_action(request.user, action) or access.can_sign_off_actions(request.user))
    allowed = action_services.allowed_transitions(request.user, action)
    choices = [(s, action_services.TRANSITION_LABELS[s]) for s in allowed]
    form = ActionTransitionForm(request.POST or None, request.FILES or None, choices=choices,
                                initial={"version": action.version})
    return versioned_edit_step(
        request, form, save=lambda: action_services.action_transition(
            action=as_saved(action), to=form.cleaned_data["to"], by=request.user,
            expected_version=form.cleaned_data["version"], evidence=form.cleaned_data["evidence"],
            reason=form.cleaned_data["reason"], upload=form.cleaned_data.get("evidence_file")),
        done="The action's status has been changed.", back=action, current=lambda: as_saved(action),
        page=lambda status: render(request, "partnership/action_status_form.html", {
            "form": form, "action": action, "has_choices": bool(choices)}, status=status))


@form_view(DueDateRequestForm)
def action_due_date_request(request, pk):
    """The owning agency asks the business unit to move the due date; the action keeps its date until agreed."""
    action = _get_action(request, pk)
    access.require(action_services.can_ask_to_move_due_date(request.user, action))
    pending = action.due_date_requests.filter(status=DueDateRequest.Status.PENDING).first()
    form = DueDateRequestForm(request.POST or None)
    if request.method == "POST" and pending is None and form.is_valid():
        try:
            action_services.due_date_request(action=action, by=request.user, to_date=form.cleaned_data["to_date"],
                                             reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Your request has been sent to the business unit. The action keeps its due "
                                      f"date of {day_words(action.due_date)} until they agree.")
            return redirect(action)
    return render(request, "partnership/action_due_date_request.html", {
        "form": form, "action": action, "pending": pending}, status=form_status(form))


@form_view(DueDateDecisionForm)
def action_due_date_decide(request, pk):
    """The business unit agrees or declines the waiting request to move the due date."""
    action = _get_action(request, pk)
    access.require(access.is_business_unit(request.user))
    pending = access.get_visible_or_404(action.due_date_requests.filter(status=DueDateRequest.Status.PENDING)
                                        .select_related("requested_by"))
    form = DueDateDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agree = form.cleaned_data["decision"] == "agree"
        try:
            action_services.due_date_decide(request=pending, by=request.user, agree=agree,
                                            note=form.cleaned_data["note"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, (f"The due date has moved to {day_words(pending.to_date)}." if agree else
                                       f"The due date stays {day_words(pending.from_date)}.")
                             + " We have emailed the person who asked.")
            return redirect(action)
    return render(request, "partnership/action_due_date_decide.html", {
        "form": form, "action": action, "pending": pending}, status=form_status(form))


@form_view(ActionImpactForm)
@edits_versioned(Action)
def action_impact(request, pk):
    """The owning agency writes its evidence of impact (with a file if it has one) once the action is completed."""
    action = _get_action(request, pk)
    access.require(action_services.can_record_impact(request.user, action))
    form = ActionImpactForm(request.POST or None, request.FILES or None,
                            initial={"version": action.version, "evidence": action.impact_evidence})
    return versioned_edit_step(
        request, form, save=lambda: action_services.action_record_impact(
            action=as_saved(action), by=request.user, expected_version=form.cleaned_data["version"],
            evidence=form.cleaned_data["evidence"], upload=form.cleaned_data.get("evidence_file")),
        done="Your evidence of impact has been saved. The business unit or the QA subgroup signs it off.",
        back=action, current=lambda: as_saved(action),
        saved_form=lambda saved: ActionImpactForm(initial={"version": saved.version,
                                                           "evidence": saved.impact_evidence}),
        page=lambda status: render(request, "partnership/action_impact.html", {"form": form, "action": action},
                                   status=status))


@login_required
def action_file(request, pk):
    """A file of evidence on an action, for whoever may read the action."""
    stored = access.get_visible_or_404(selectors.action_files(request.user), pk=pk)
    return stored_download(stored.file, stored.original_name, stored.content_type)


urlpatterns = [
    path("actions/", action_list, name="action-list"),
    path("actions/mine/", action_list, {"mine": True}, name="my-actions"),
    path("actions/export.csv", action_export_csv, name="action-export"),
    path("actions/mine/export.csv", action_export_csv, {"mine": True}, name="my-action-export"),
    path("actions/new/", action_create, name="action-create"),
    path("actions/<int:pk>/", action_detail, name="action-detail"),
    path("actions/<int:pk>/edit/", action_edit, name="action-edit"),
    path("actions/<int:pk>/status/", action_transition, name="action-transition"),
    path("actions/<int:pk>/updates/", action_add_update, name="action-add-update"),
    path("actions/<int:pk>/impact/", action_impact, name="action-impact"),
    path("actions/files/<int:pk>/", action_file, name="action-file"),
    path("actions/<int:pk>/due-date/", action_due_date_request, name="action-due-date-request"),
    path("actions/<int:pk>/due-date/decide/", action_due_date_decide, name="action-due-date-decide"),
]
