"""Subgroups and meetings: thin views over `partnership.access` and `partnership.services.meetings`.

Everyone who may read a meeting (the business unit, QA members, chairs, and the subgroup's members and deputies)
sees its pages; only the business unit changes them (403 to other readers, 404 to anyone else).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone

from partnership import access
from partnership.downloads import stored_download
from partnership.input_rules import as_id
from partnership.models import AgendaItem, Meeting, Paper
from partnership.pdf import pdf_response, render_pdf
from partnership.rate_limits import limited_pdf
from partnership.selectors import as_saved
from partnership.services import meetings as services
from partnership.services.errors import ServiceError
from partnership.views.confirm import versioned_edit_step
from partnership.views.conflicts import edits_versioned
from partnership.views.mixins import button_view, form_status, form_view, posted_version

from .. import selectors
from . import find, papers_for, suggestions_for
from .forms import (
    AgendaItemForm,
    AttendanceForm,
    CancelForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    PaperUploadForm,
)


def _subgroup(request, pk):
    return get_object_or_404(access.visible_subgroups(request.user), pk=pk)


def _meeting(request, pk):
    return get_object_or_404(access.visible_meetings(request.user).select_related("subgroup"), pk=pk)


def _manage(request):
    access.require(access.can_manage_meetings(request.user))


@login_required
def subgroup_list(request):
    now = timezone.now()
    subgroups = access.visible_subgroups(request.user).annotate(
        members=Count("memberships", distinct=True,
                      filter=Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=now.date())),
    ).order_by("kind", "name")
    upcoming = {}
    for meeting in selectors.meetings_upcoming().filter(subgroup__in=subgroups).order_by("starts_at"):
        upcoming.setdefault(meeting.subgroup_id, meeting)
    rows = [(s, upcoming.get(s.pk)) for s in subgroups]
    return render(request, "meetings/subgroup_list.html", {"rows": rows})


@login_required
def subgroup_detail(request, pk):
    subgroup = _subgroup(request, pk)
    today = timezone.localdate()
    members = list(services.current_members(subgroup, today))
    meetings = list(subgroup.meetings.annotate(items_count=Count("items")).order_by("starts_at"))
    return render(request, "meetings/subgroup_detail.html", {
        "subgroup": subgroup, "members": members, "priorities": list(subgroup.priorities.all()),
        "upcoming": [m for m in meetings if m.status == Meeting.Status.PLANNED],
        "past": [m for m in meetings if m.status != Meeting.Status.PLANNED][::-1],
        "can_manage": access.can_manage_meetings(request.user),
        "scorecard_params": subgroup.scorecard_filters,
    })


@login_required
def subgroup_terms(request, pk):
    subgroup = _subgroup(request, pk)
    if not subgroup.terms_file:
        raise Http404
    return stored_download(subgroup.terms_file,
                           f"terms-of-reference-{subgroup.pk}.{subgroup.terms_file.name.rsplit('.', 1)[-1]}")


@form_view(MeetingForm)
def meeting_create(request, pk):
    subgroup = _subgroup(request, pk)
    _manage(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(subgroup=subgroup, starts_at=form.starts_at, by=request.user,
                                              place=form.cleaned_data["place"],
                                              joining_link=form.cleaned_data["joining_link"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The meeting has been added to the forward plan.")
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "subgroup": subgroup},
                  status=form_status(form))


def _meeting_context(request, meeting):
    items = list(selectors.meeting_items(meeting))
    attendance = list(meeting.attendance.select_related("person", "agency"))
    return {
        "meeting": meeting, "subgroup": meeting.subgroup, "items": items,
        "papers": list(meeting.papers.all()),
        "attendance": attendance,
        "loose_decisions": list(meeting.decisions.filter(item__isnull=True)
                                .select_related("action__owner_agency", "action__owner")),
        "can_manage": access.can_manage_meetings(request.user),
        "is_past": meeting.starts_at <= timezone.now(),
    }


@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    return render(request, "meetings/meeting_detail.html", _meeting_context(request, meeting))


@form_view(MeetingForm)
@edits_versioned(Meeting)
def meeting_edit(request, pk):
    meeting = _meeting(request, pk)
    _manage(request)
    form = MeetingForm(request.POST or None, meeting=meeting)
    version = posted_version(request, default=meeting.version)
    return versioned_edit_step(
        request, form, save=lambda: services.meeting_update(
            meeting=as_saved(meeting), by=request.user, expected_version=version, starts_at=form.starts_at,
            place=form.cleaned_data["place"], joining_link=form.cleaned_data["joining_link"]),
        done="The meeting has been changed. Members have been told.", back=meeting,
        current=lambda: as_saved(meeting), saved_form=lambda saved: MeetingForm(meeting=saved),
        page=lambda status: render(request, "meetings/meeting_form.html", {
            "form": form, "subgroup": meeting.subgroup, "meeting": meeting,
            "version": form.conflict.version if getattr(form, "conflict", None) else version,
        }, status=status))


@form_view(CancelForm)
@edits_versioned(Meeting)
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk)
    _manage(request)
    form = CancelForm(request.POST or None)
    version = posted_version(request, default=meeting.version)
    return versioned_edit_step(
        request, form, save=lambda: services.meeting_cancel(
            meeting=as_saved(meeting), by=request.user, expected_version=version,
            reason=form.cleaned_data["reason"]),
        done="The meeting has been cancelled. Members have been told.", back=meeting,
        current=lambda: as_saved(meeting),
        saved_form=lambda saved: CancelForm(initial={"reason": saved.cancelled_reason}),
        page=lambda status: render(request, "meetings/meeting_cancel.html", {
            "form": form, "meeting": meeting,
            "version": form.conflict.version if getattr(form, "conflict", None) else version,
        }, status=status))


@button_view("a button: nothing typed")
def meeting_held(request, pk):
    meeting = _meeting(request, pk)
    _manage(request)
    try:
        services.meeting_mark_held(meeting=meeting, by=request.user,
                                   expected_version=posted_version(request, default=meeting.version))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The meeting is marked as held.")
    return redirect(meeting)


# --- The agenda


@form_view(AgendaItemForm)
def agenda(request, pk):
    """Build the agenda: take what is due (from every app), add an item of your own, reorder, remove."""
    meeting = _meeting(request, pk)
    _manage(request)
    everything = request.GET.get("all") == "1"
    form = AgendaItemForm(request.POST if request.POST.get("add") == "own" else None)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("add") == "own":
                if form.is_valid():
                    services.agenda_add(meeting=meeting, by=request.user, title=form.cleaned_data["title"],
                                        presenter=form.cleaned_data["presenter"])
                    messages.success(request, f"‘{form.cleaned_data['title']}’ has been added to the agenda.")
                    return redirect("meeting-agenda", pk=meeting.pk)
                status = 400
            else:
                suggestion = find(suggestions_for(meeting, request.user, everything=True),
                                  request.POST.get("key", ""))
                if suggestion is None:
                    messages.error(request, "That item is no longer due, or is already on the agenda.")
                else:
                    services.agenda_add_suggestion(meeting=meeting, by=request.user, suggestion=suggestion)
                    messages.success(request, f"‘{suggestion.title}’ has been added to the agenda.")
                return redirect(reverse("meeting-agenda", args=[meeting.pk]) + ("?all=1" if everything else ""))
        except ServiceError as error:
            form.add_service_error(error)
            status = 400
    items = list(meeting.items.all())
    taken = {i.source_key for i in items if i.source_key}
    return render(request, "meetings/agenda.html", {
        "meeting": meeting, "items": items, "form": form, "everything": everything,
        "is_thematic": meeting.subgroup.kind == meeting.subgroup.Kind.THEMATIC,
        "suggestions": suggestions_for(meeting, request.user, everything=everything, taken=taken),
    }, status=status)


def _item(request, pk, item_pk):
    meeting = _meeting(request, pk)
    return meeting, get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)


@button_view("a button (up or down): nothing typed")
def agenda_move(request, pk, item_pk):
    meeting, item = _item(request, pk, item_pk)
    _manage(request)
    direction = request.POST.get("direction")
    services.agenda_move(item=item, by=request.user, direction=direction if direction in ("up", "down") else "")
    return redirect(reverse("meeting-agenda", args=[meeting.pk]) + f"#item-{item.pk}")


@button_view("a button: nothing typed")
def agenda_remove(request, pk, item_pk):
    meeting, item = _item(request, pk, item_pk)
    _manage(request)
    try:
        services.agenda_remove(item=item, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"‘{item.title}’ has been taken off the agenda.")
    return redirect("meeting-agenda", pk=meeting.pk)


@form_view(MinutesForm)
def item_minutes(request, pk, item_pk):
    meeting, item = _item(request, pk, item_pk)
    _manage(request)
    form = MinutesForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        services.item_minutes(item=item, by=request.user, minutes=form.cleaned_data["minutes"],
                              finished=form.cleaned_data["finished"] == "yes",
                              presenter=form.cleaned_data["presenter"])
        messages.success(request, f"The minutes of ‘{item.title}’ have been saved.")
        return redirect(reverse("meeting-detail", args=[meeting.pk]) + f"#item-{item.pk}")
    return render(request, "meetings/item_minutes.html", {"form": form, "meeting": meeting, "item": item},
                  status=form_status(form))


# --- Papers


@form_view(PaperUploadForm)
def meeting_papers(request, pk):
    meeting = _meeting(request, pk)
    _manage(request)
    upload_form = PaperUploadForm(request.POST or None, request.FILES or None) \
        if request.POST.get("add") == "upload" else PaperUploadForm()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("add") == "upload":
                if upload_form.is_valid():
                    paper = services.paper_upload(meeting=meeting, by=request.user,
                                                  upload=upload_form.cleaned_data["file"],
                                                  title=upload_form.cleaned_data["title"])
                    messages.success(request, f"‘{paper.title}’ has been added to the papers.")
                    return redirect("meeting-papers", pk=meeting.pk)
                status = 400
            else:
                found = find(papers_for(meeting, request.user), request.POST.get("key", ""))
                if found is None:
                    messages.error(request, "That paper is no longer offered, or is already attached.")
                else:
                    services.paper_attach(meeting=meeting, by=request.user, paper=found)
                    messages.success(request, f"‘{found.title}’ has been added to the papers.")
                return redirect("meeting-papers", pk=meeting.pk)
        except ServiceError as error:
            upload_form.add_service_error(error)
            status = 400
    return render(request, "meetings/papers.html", {
        "meeting": meeting, "papers": list(meeting.papers.all()), "offered": papers_for(meeting, request.user),
        "form": upload_form,
    }, status=status)


@login_required
def paper_download(request, pk, paper_pk):
    meeting = _meeting(request, pk)
    paper = get_object_or_404(Paper, meeting=meeting, pk=paper_pk)
    if not paper.is_upload:
        return redirect(paper.url or meeting.get_absolute_url())
    return stored_download(paper.file, paper.original_name, paper.content_type)


@button_view("a button: nothing typed")
def paper_remove(request, pk, paper_pk):
    meeting = _meeting(request, pk)
    _manage(request)
    paper = get_object_or_404(Paper, meeting=meeting, pk=paper_pk)
    services.paper_remove(paper=paper, by=request.user)
    messages.success(request, f"‘{paper.title}’ has been taken off the papers.")
    return redirect("meeting-papers", pk=meeting.pk)


# --- Attendance, minutes and decisions


@form_view(AttendanceForm)
def attendance(request, pk):
    meeting = _meeting(request, pk)
    _manage(request)
    members = list(services.current_members(meeting.subgroup, timezone.localdate(meeting.starts_at)))
    recorded = {a.person_id: a for a in meeting.attendance.all()}
    form = AttendanceForm(request.POST or None, memberships=members, recorded=recorded)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(meeting=meeting, by=request.user, rows=form.as_rows())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Attendance has been recorded.")
            return redirect(reverse("meeting-detail", args=[meeting.pk]) + "#attendance")
    return render(request, "meetings/attendance.html", {"form": form, "meeting": meeting, "members": members},
                  status=form_status(form))


@form_view(DecisionForm)
def decision_create(request, pk):
    meeting = _meeting(request, pk)
    _manage(request)
    initial = {"item": as_id(request.GET.get("item", ""))}
    form = DecisionForm(request.POST or None, meeting=meeting, initial=initial)
    showing = request.POST.get("show") == "people"
    if showing:  # "Show its people": the named owners narrowed to the chosen agency, nothing saved, nothing lost
        form._errors = ErrorDict()
    if request.method == "POST" and not showing and form.is_valid():
        data = form.cleaned_data
        item = meeting.items.filter(pk=data["item"]).first() if data["item"] else None
        try:
            decision = services.decision_record(
                meeting=meeting, by=request.user, text=data["text"], item=item,
                needs_action=data["needs_action"] == "yes", action_title=data["action_title"],
                owner_agency=data["owner_agency"], owner=data["owner"], due_date=data["due_date"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            if decision.action:
                messages.success(request, f"The decision has been recorded, and action {decision.action.reference} "
                                          "is in the tracker. Its owner has been told.")
            else:
                messages.success(request, "The decision has been recorded.")
            return redirect(reverse("meeting-detail", args=[meeting.pk]) + (f"#item-{item.pk}" if item else ""))
    return render(request, "meetings/decision_form.html", {"form": form, "meeting": meeting},
                  status=form_status(form))


@login_required
@limited_pdf
def minutes_pdf(request, pk):
    """The minutes as a PDF, made now: a few pages (STACK.md: about a third of a second a page)."""
    meeting = _meeting(request, pk)
    context = _meeting_context(request, meeting)
    context["members"] = list(selectors.subgroup_members(meeting.subgroup))
    pdf = render_pdf("meetings/minutes_pdf.html", context)
    return pdf_response(pdf, f"minutes-{meeting.subgroup.pk}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf")


urlpatterns = [
    path("", subgroup_list, name="subgroup-list"),
    path("subgroups/<int:pk>/", subgroup_detail, name="subgroup-detail"),
    path("subgroups/<int:pk>/terms-of-reference/", subgroup_terms, name="subgroup-terms"),
    path("subgroups/<int:pk>/new/", meeting_create, name="meeting-create"),
    path("<int:pk>/", meeting_detail, name="meeting-detail"),
    path("<int:pk>/edit/", meeting_edit, name="meeting-edit"),
    path("<int:pk>/cancel/", meeting_cancel, name="meeting-cancel"),
    path("<int:pk>/held/", meeting_held, name="meeting-held"),
    path("<int:pk>/agenda/", agenda, name="meeting-agenda"),
    path("<int:pk>/agenda/<int:item_pk>/move/", agenda_move, name="agenda-move"),
    path("<int:pk>/agenda/<int:item_pk>/remove/", agenda_remove, name="agenda-remove"),
    path("<int:pk>/agenda/<int:item_pk>/minutes/", item_minutes, name="item-minutes"),
    path("<int:pk>/papers/", meeting_papers, name="meeting-papers"),
    path("<int:pk>/papers/<int:paper_pk>/", paper_download, name="paper-download"),
    path("<int:pk>/papers/<int:paper_pk>/remove/", paper_remove, name="paper-remove"),
    path("<int:pk>/attendance/", attendance, name="meeting-attendance"),
    path("<int:pk>/decisions/new/", decision_create, name="decision-create"),
    path("<int:pk>/minutes.pdf", minutes_pdf, name="minutes-pdf"),
]
