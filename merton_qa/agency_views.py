"""Agencies' accountability profiles and the escalation ladder: thin views over `merton_qa.agency_profiles` (the
facts), `partnership.access` (who sees what) and `partnership.services.escalations` (the rules)."""
import datetime

from crispy_forms_gds.layout import Field
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from partnership import access
from partnership.escalation_letters import letter_filename, letter_pdf
from partnership.forms import GDSForm, date_field
from partnership.models import Agency, Escalation
from partnership.pdf import pdf_response
from partnership.rate_limits import limited_pdf
from partnership.selectors import as_saved
from partnership.services import escalations as services
from partnership.services.errors import ServiceError
from partnership.views.conflicts import edits_versioned, refusal_status
from partnership.views.mixins import form_status, form_view, inline_form_view, list_page, posted_version

from . import agency_profiles, selectors

RESPONSE_DAYS = 28


class EscalationForm(GDSForm, forms.Form):
    reason = forms.CharField(
        label="Why is the partnership escalating?", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
        help_text="What the agency has not done, in plain words. The letter quotes the profile's facts below "
                  "as well. No child's details.",
        error_messages={"required": "Enter why the partnership is escalating"})
    response_due = date_field("Response due by", help_text="Usually four weeks from today. For example, 27 3 2027")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.textarea("reason", rows=6), Field("response_due"))


class ResponseForm(GDSForm, forms.Form):
    received_on = date_field("When was the response received?")
    response = forms.CharField(
        label="What did the agency say?", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000,
        help_text="A summary of the agency's reply: what it will do, by when, and who is responsible.",
        error_messages={"required": "Enter what the agency said"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field("received_on"), Field.textarea("response", rows=5))


class CloseForm(GDSForm, forms.Form):
    note = forms.CharField(
        label="Why can this escalation close?", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        error_messages={"required": "Enter why this escalation can close"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.textarea("note", rows=3))


def _agency(request, pk) -> Agency:
    """An agency whose profile the person may read: everyone else learns nothing (404)."""
    agency = get_object_or_404(Agency, pk=pk)
    if not access.can_see_profile(request.user, agency.pk):
        raise Http404
    return agency


def _escalation(request, pk) -> Escalation:
    escalation = get_object_or_404(selectors.escalations(), pk=pk)
    if not access.can_see_profile(request.user, escalation.agency_id):
        raise Http404
    return escalation


@login_required
def agency_list(request):
    """Every active agency on one row: how it engages, its worst line and its open escalations."""
    if not access.sees_all_profiles(request.user):
        if request.user.agency_id and access.can_see_profile(request.user, request.user.agency_id):
            return redirect("agency-profile", request.user.agency_id)
        access.require(False)
    period = agency_profiles.period_for()
    active = selectors.agencies_active()
    page = list_page(request, active.order_by("name", "pk"))  # profiles for this page's agencies
    found = agency_profiles.profiles(list(page.object_list), period, request.user)
    return render(request, "agencies/agency_list.html", {
        "rows": [found[agency.pk] for agency in page.object_list], "period": period, "page": page,
        "open_count": selectors.escalations_open(active).count(),
    })


@login_required
def agency_profile(request, pk):
    agency = _agency(request, pk)
    period = agency_profiles.period_for()
    found = agency_profiles.profiles([agency], period, request.user)[agency.pk]
    past = list(selectors.escalations_closed(agency))
    return render(request, "agencies/agency_profile.html", {
        "agency": agency, "profile": found, "period": period,
        "past": past, "today": timezone.localdate(), "sees_all": access.sees_all_profiles(request.user),
        "can_raise": access.can_escalate(request.user, 1) and not found.escalations,
    })


@form_view(EscalationForm)
def escalation_create(request, pk):
    """Stage 1: the business unit's letter, quoting the profile as it stands today."""
    agency = _agency(request, pk)
    access.require(access.can_escalate(request.user, 1))
    today = timezone.localdate()
    found = agency_profiles.profiles([agency], agency_profiles.period_for(today), request.user)[agency.pk]
    form = EscalationForm(request.POST or None,
                          initial={"response_due": today + datetime.timedelta(days=RESPONSE_DAYS)})
    if request.method == "POST" and form.is_valid():
        try:
            escalation = services.escalation_raise(agency=agency, reason=form.cleaned_data["reason"],
                                                   response_due=form.cleaned_data["response_due"],
                                                   cited_facts=found.cited(), by=request.user, today=today)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Escalation {escalation.reference} raised. The letter is below; the "
                                      f"agency's lead has been emailed a link to it.")
            return redirect(escalation)
    return render(request, "agencies/escalation_form.html", {
        "agency": agency, "form": form, "stage": Escalation.Stage.BUSINESS_UNIT, "cited": found.cited(),
        "escalation": None,
    }, status=form_status(form))


@form_view(EscalationForm)
@edits_versioned(Escalation)
def escalation_escalate(request, pk):
    """The next stage of an open escalation: the chair's letter, then the lead safeguarding partners."""
    escalation = _escalation(request, pk)
    stage = escalation.stage + 1
    access.require(escalation.is_open and stage <= Escalation.Stage.PARTNERS and access.can_escalate(request.user,
                                                                                                     stage))
    today = timezone.localdate()
    found = agency_profiles.profiles([escalation.agency], agency_profiles.period_for(today),
                                     request.user)[escalation.agency_id]
    form = EscalationForm(request.POST or None,
                          initial={"response_due": today + datetime.timedelta(days=RESPONSE_DAYS)})
    version = posted_version(request, default=escalation.version)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            raised = services.escalation_escalate(escalation=escalation, reason=form.cleaned_data["reason"],
                                                  response_due=form.cleaned_data["response_due"],
                                                  cited_facts=found.cited(), expected_version=version,
                                                  by=request.user, today=today)
        except ServiceError as error:
            status = refusal_status(form, error, current=lambda: as_saved(escalation))
            status = status if status == 409 else 200
        else:
            messages.success(request, f"Escalated to stage {raised.stage} ({raised.reference}). The agency's lead "
                                      f"has been emailed a link to the letter.")
            return redirect(raised)
    return render(request, "agencies/escalation_form.html", {
        "agency": escalation.agency, "form": form, "stage": Escalation.Stage(stage), "cited": found.cited(),
        "escalation": escalation, "version": form.conflict.version if getattr(form, "conflict", None) else version,
    }, status=status)


def _detail(request, escalation, *, response_form=None, close_form=None, status=200):
    user = request.user
    next_stage = escalation.stage + 1
    return render(request, "agencies/escalation_detail.html", {
        "e": escalation, "agency": escalation.agency, "today": timezone.localdate(),
        "response_form": response_form or (ResponseForm() if escalation.status == Escalation.Status.OPEN
                                           and access.can_record_response(user, escalation.agency_id) else None),
        "close_form": close_form or (CloseForm() if escalation.is_open and access.can_manage_escalation(user)
                                     else None),
        "can_escalate": (escalation.is_open and next_stage <= Escalation.Stage.PARTNERS
                         and access.can_escalate(user, next_stage)),
        "next_stage": Escalation.Stage(next_stage) if next_stage <= Escalation.Stage.PARTNERS else None,
        "earlier": _ladder(escalation),
    }, status=status)


def _ladder(escalation) -> list[Escalation]:
    """The stages before this one (at most two), oldest first."""
    earlier, step = [], escalation.previous
    while step is not None and len(earlier) < 2:
        earlier.append(step)
        step = step.previous
    return earlier[::-1]


def _current(pk) -> Escalation:
    return selectors.escalations().get(pk=pk)


@login_required
def escalation_detail(request, pk):
    return _detail(request, _escalation(request, pk))


@login_required
@limited_pdf
def escalation_letter(request, pk):
    escalation = _escalation(request, pk)
    return pdf_response(letter_pdf(escalation), letter_filename(escalation))


@inline_form_view(ResponseForm)
@edits_versioned(Escalation)
def escalation_response(request, pk):
    escalation = _escalation(request, pk)
    access.require(access.can_record_response(request.user, escalation.agency_id))
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.escalation_record_response(
                escalation=escalation, received_on=form.cleaned_data["received_on"],
                response=form.cleaned_data["response"], by=request.user,
                expected_version=posted_version(request, default=escalation.version))
        except ServiceError as error:
            status = refusal_status(form, error, current=lambda: _current(pk), saved_form=lambda saved: ResponseForm(
                initial={"received_on": saved.response_received_on, "response": saved.response}))
            if status == 409:
                return _detail(request, _current(pk), response_form=form, status=409)
        else:
            messages.success(request, "The agency's response has been recorded.")
            return redirect(escalation)
    return _detail(request, escalation, response_form=form, status=400)


@inline_form_view(CloseForm)
@edits_versioned(Escalation)
def escalation_close(request, pk):
    escalation = _escalation(request, pk)
    access.require(access.can_manage_escalation(request.user))
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.escalation_close(escalation=escalation, note=form.cleaned_data["note"], by=request.user,
                                      expected_version=posted_version(request, default=escalation.version))
        except ServiceError as error:
            status = refusal_status(form, error, current=lambda: _current(pk),
                                    saved_form=lambda saved: CloseForm(initial={"note": saved.closing_note}))
            if status == 409:
                return _detail(request, _current(pk), close_form=form, status=409)
        else:
            messages.success(request, "The escalation is closed.")
            return redirect(escalation)
    return _detail(request, escalation, close_form=form, status=400)


urlpatterns = [
    path("agencies/", agency_list, name="agency-list"),
    path("agencies/<int:pk>/", agency_profile, name="agency-profile"),
    path("agencies/<int:pk>/escalate/", escalation_create, name="escalation-create"),
    path("escalations/<int:pk>/", escalation_detail, name="escalation-detail"),
    path("escalations/<int:pk>/letter.pdf", escalation_letter, name="escalation-letter"),
    path("escalations/<int:pk>/response/", escalation_response, name="escalation-response"),
    path("escalations/<int:pk>/next-stage/", escalation_escalate, name="escalation-escalate"),
    path("escalations/<int:pk>/close/", escalation_close, name="escalation-close"),
]
