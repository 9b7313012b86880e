"""The scorecard (page, CSV, PDF), the indicator page, the exception report and turn-the-curve records.

Everyone signed in reads them with the validated figures, so the scorecard is the same whoever opens it; the
business unit and an agency's people may tick "include figures not yet validated" (`access.scorecard_values`:
all of them for the business unit, their agency's own for an agency), and those figures are marked. The
business unit and the owning agency's lead keep the turn-the-curve record; the business unit, QA members and
chairs ask for the PDF.
"""
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from partnership import access as kernel_access
from partnership.access import require, visible_actions
from partnership.csv import csv_response
from partnership.forms import ActionForm
from partnership.input_rules import as_id
from partnership.kept_forms import posts
from partnership.rate_limits import limited_export
from partnership.services.errors import ConflictError, ServiceError
from partnership.services.exports import export_request
from partnership.views.mixins import button_view, form_status, form_view, list_page

from .. import access, selectors
from ..forms.scorecard import ScorecardFilterForm, TurnTheCurveForm
from ..indicator_page import indicator_detail
from ..models import Frequency, Indicator
from ..reports import EXPORT_KIND
from ..scorecard import (
    build_rows,
    default_period,
    exception_reasons,
    exceptions,
    legend,
    paged_scorecard,
    period_choices,
    scorecard,
    trailing_periods,
    validated_values,
)
from ..scorecard_csv import CSV_HEADER, csv_rows
from ..services.actions import indicator_action_add, suggested_action
from ..services.curve import can_edit_curve, curve_save

PERIOD_PARAMS = ("frequency", "period")
UNVALIDATED = "unvalidated"  # the query parameter that asks for figures not yet validated too


def wants_unvalidated(request) -> bool:
    """Asked for, and allowed: anyone else gets the validated figures whatever the URL says."""
    return request.GET.get(UNVALIDATED) == "1" and access.can_include_unvalidated(request.user)


class Selection:
    """What the GET parameters ask for: a frequency, a period of it (default: the latest with validated
    figures) and, on the scorecard, filters. Four queries with the filters' choices, one without."""

    def __init__(self, request, *, with_filters: bool):
        self.can_include_unvalidated = access.can_include_unvalidated(request.user)
        self.sees_every_agency = access.can_manage(request.user)
        self.include_unvalidated = wants_unvalidated(request)
        self.values = access.scorecard_values(request.user, include_unvalidated=self.include_unvalidated)
        self.values_are_validated = not self.include_unvalidated  # `scorecard_values`: the validated figures
        self.actions = visible_actions(request.user)
        raw = request.GET.get("frequency")
        self.frequency = raw if raw in Frequency.values else Frequency.QUARTERLY
        self.periods = period_choices(self.frequency, self.values, values_are_validated=self.values_are_validated)
        choices = {}
        if with_filters:
            choices = selectors.scorecard_filter_choices()
        self.form = ScorecardFilterForm(request.GET, periods=self.periods, **choices)
        chosen = self.form.value("period")
        self.period = next((p for p in self.periods if str(p.pk) == chosen), None) or default_period(self.periods)
        self.filters = {name: self.form.value(name) for name in ScorecardFilterForm.FILTERS} if with_filters else {}

    @property
    def params(self) -> dict:
        """The choices as query parameters, the period made explicit so a link keeps showing the same."""
        params = {"frequency": self.frequency, **({"period": self.period.pk} if self.period else {})}
        if self.include_unvalidated:
            params[UNVALIDATED] = "1"
        return {**params, **{k: v for k, v in self.filters.items() if v}}

    @property
    def query(self) -> str:
        return "?" + urlencode(self.params)

    @property
    def is_filtered(self) -> bool:
        return any(self.filters.values())

    def scorecard(self, paginate=None) -> dict:
        """The scorecard chosen; with `paginate`, a page of it (`paged_scorecard`)."""
        return (scorecard if paginate is None else partial(paged_scorecard, paginate=paginate))(
            self.period, values=self.values, actions=self.actions, priority=self.filters.get("priority"),
            journey_stage=self.filters.get("journey_stage"), agency=self.filters.get("agency"),
            rag=self.filters.get("rag", ""))

    def context(self) -> dict:
        return {"form": self.form, "frequency": self.frequency, "frequency_label": Frequency(self.frequency).label,
                "period": self.period, "periods": self.periods, "query": self.query,
                "is_filtered": self.is_filtered, "frequencies": Frequency.choices,
                "include_unvalidated": self.include_unvalidated,
                "can_include_unvalidated": self.can_include_unvalidated,
                "include_unvalidated_all": self.sees_every_agency, **legend()}


def can_make_pdf(user) -> bool:
    return kernel_access.can_request_reports(user)


@login_required
def scorecard_page(request):
    selection = Selection(request, with_filters=True)
    context = selection.context()
    if selection.period is not None:
        context.update(selection.scorecard(paginate=lambda rows: list_page(request, rows)),
                       page_query=selection.query[1:])
    context["can_make_pdf"] = can_make_pdf(request.user)
    return render(request, "performance/scorecard.html", context)


@login_required
@limited_export
def scorecard_csv(request):
    selection = Selection(request, with_filters=True)
    if selection.period is None:
        rows, name = [], "none"
    else:
        rows, name = selection.scorecard()["rows"], selection.period.label
    filename = "performance-scorecard-" + "-".join(name.lower().split()) + ".csv"
    return csv_response(filename, CSV_HEADER, csv_rows(rows))


@button_view("asks for a PDF of the chosen period: nothing typed")
def scorecard_pdf(request):
    """Ask for the scorecard and exception report as a PDF (validated figures); it is made in the background."""
    require(can_make_pdf(request.user))
    kind = request.POST.get("frequency")
    kind = kind if kind in Frequency.values else Frequency.QUARTERLY
    periods = period_choices(kind, validated_values(), values_are_validated=True)
    period = next((p for p in periods if str(p.pk) == request.POST.get("period_id")), None)
    if period is None:
        messages.error(request, "Choose a period that has figures to make a PDF.")
        return redirect(reverse("performance:scorecard") + "?" + urlencode({"frequency": kind}))
    export = export_request(kind=EXPORT_KIND, parameters={"period_id": period.pk, "frequency": kind},
                            by=request.user)
    return redirect(export)


@login_required
def exceptions_page(request):
    selection = Selection(request, with_filters=False)
    context = selection.context()
    if selection.period is not None:
        context.update(exceptions(selection.period, values=selection.values, actions=selection.actions))
        for row in context["items"]:
            row.reasons = exception_reasons(row)
    context["can_raise_action"] = kernel_access.can_create_action(request.user)
    return render(request, "performance/exceptions.html", context)


def _indicator(code: str) -> Indicator:
    return get_object_or_404(selectors.indicator_for_page(), code=code)


@login_required
def indicator_page(request, code):
    indicator = _indicator(code)
    include = wants_unvalidated(request)
    context = indicator_detail(indicator, values=access.scorecard_values(request.user, include_unvalidated=include),
                               actions=visible_actions(request.user))
    context["include_unvalidated"] = include
    context["can_include_unvalidated"] = access.can_include_unvalidated(request.user)
    context["can_edit_curve"] = can_edit_curve(request.user, indicator)
    context["can_raise_action"] = kernel_access.can_create_action(request.user)
    context["stages"] = list(indicator.journey_stages.all())
    return render(request, "performance/indicator_detail.html", context)


@form_view(ActionForm)
def raise_action(request, code):
    """Raise an action in the one tracker from an indicator, or from its exception in a period (`?period=`): the
    form starts filled in from the indicator and its figures; the action names the indicator as its source."""
    indicator = _indicator(code)
    require(kernel_access.can_create_action(request.user))
    period = selectors.period_of(indicator, as_id(request.GET.get("period")))
    row = None
    if period is not None:
        values = access.scorecard_values(request.user, include_unvalidated=wants_unvalidated(request))
        [row] = build_rows([indicator], trailing_periods(period, 2), values=values,
                           actions=visible_actions(request.user).none())
    initial = suggested_action(indicator, row)
    if not kernel_access.can_sign_off_actions(request.user):  # an agency raises actions for itself only
        initial["owner_agency"] = request.user.agency_id
    form = ActionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = indicator_action_add(
                indicator=indicator, by=request.user, title=data["title"], description=data["description"],
                owner_agency=data["owner_agency"], owner=data["owner"], priority=data["priority"],
                due_date=data["due_date"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Action {action.reference} has been added to the action tracker, linked to "
                                      f"this indicator.")
            return redirect(indicator.get_absolute_url() + "#actions")
    back = (f"{reverse('performance:exceptions')}?frequency={indicator.frequency}&period={period.pk}" if period
            else indicator.get_absolute_url())
    return render(request, "performance/indicator_action_form.html",
                  {"indicator": indicator, "form": form, "period": period, "row": row, "back": back},
                  status=form_status(form))


@login_required
@posts(TurnTheCurveForm)
def curve_edit(request, code, pk=None):
    """Add (no pk) or change a turn-the-curve record, optionally with a new action for the tracker."""
    indicator = _indicator(code)
    record = get_object_or_404(selectors.curve_records(indicator), pk=pk) if pk else None
    require(can_edit_curve(request.user, indicator))
    form = TurnTheCurveForm(request.POST or None, instance=record, indicator=indicator)
    saved_version = None
    if request.method == "POST" and form.is_valid():
        try:
            record, action = curve_save(indicator=indicator, by=request.user, values=form.record_values(),
                                        record=record, last_updated=form.cleaned_data["last_updated"],
                                        action=form.action())
        except ConflictError as error:
            form.add_service_error(error)
            saved_version = selectors.curve_as_saved(record)
            form.data = form.data.copy()
            form.data["last_updated"] = saved_version.updated_at.isoformat()  # saving again keeps theirs seen
        except ServiceError as error:
            form.add_service_error(error)
        else:
            text = "The turn-the-curve record has been saved."
            if action:
                text += f" Action {action.reference} has been added to the action tracker."
            messages.success(request, text)
            return redirect(record)
    return render(request, "performance/turn_the_curve_form.html",
                  {"indicator": indicator, "record": record, "form": form, "saved_version": saved_version},
                  status=form_status(form))


urlpatterns = [
    path("scorecard/", scorecard_page, name="scorecard"),
    path("scorecard/scorecard.csv", scorecard_csv, name="scorecard-csv"),
    path("scorecard/pdf/", scorecard_pdf, name="scorecard-pdf"),
    path("exceptions/", exceptions_page, name="exceptions"),
    path("indicators/<slug:code>/", indicator_page, name="indicator-detail"),
    path("indicators/<slug:code>/actions/new/", raise_action, name="indicator-action-add"),
    path("indicators/<slug:code>/turn-the-curve/new/", curve_edit, name="turn-the-curve-create"),
    path("indicators/<slug:code>/turn-the-curve/<int:pk>/", curve_edit, name="turn-the-curve-edit"),
]
