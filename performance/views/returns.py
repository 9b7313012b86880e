"""Data returns: the business unit opens, chases, validates and queries them; each agency enters its figures
online or uploads a spreadsheet (upload → check every row → save all or nothing), and its lead submits."""
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify

from partnership import staged_uploads
from partnership.access import get_visible_or_404, require
from partnership.csv import csv_response
from partnership.downloads import download, nosniff
from partnership.input_rules import as_id
from partnership.rate_limits import limited_export
from partnership.services.errors import ConflictError, ServiceError
from partnership.views.confirm import button_step, confirm_page
from partnership.views.conflicts import edits_versioned, refusal_status
from partnership.views.mixins import (
    button_view,
    confirm_view,
    form_status,
    form_view,
    inline_form_view,
    list_page,
    page_query,
)
from partnership.views.remind_all import remind_all_page, remind_one
from partnership.views.uploads import UploadPages

from .. import access, selectors, spreadsheets
from ..forms.returns import OpenForm, PeriodChoiceForm, QueryForm, ReplyForm, UploadForm, ValueForm
from ..models import DataReturn, Period, Value
from ..rules import format_value
from ..services import returns as services
from ..services import upload as uploads
from ..services.periods import choosable_periods, collection_status

SESSION_KEY = staged_uploads.SESSION_KEY
SCOPE = "performance.data-return-upload"
CONFLICT_MESSAGE = ("Someone else changed this figure while you were editing it, so yours has not been saved. Their "
                    "figure is shown beside what you typed, which is kept: check it, then save again to replace "
                    "theirs.")


def _get_return(request, pk) -> DataReturn:
    """Agency people see their own agency's returns, the business unit all; anyone else gets 404."""
    return get_visible_or_404(access.visible_data_returns(request.user), pk=pk)


def _list_url(data_return: DataReturn, page: int | None = None) -> str:
    on_page = f"&page={page}" if page and page > 1 else ""
    return f"{reverse('performance:data-returns')}?period={data_return.period_id}{on_page}#return-{data_return.pk}"


def _back(request, data_return: DataReturn):
    """Where the business unit acted, to go back to: the return (its page) or the period's list, at the page of it they
    were on."""
    if request.POST.get("from") == "detail":
        return data_return
    return _list_url(data_return, as_id(request.POST.get("page")))


# --- The business unit: a period's returns, opening them, the data calendar ------------------------
def _choosable_periods():
    """The reporting periods that have started or have returns: the chooser lists no period still to come."""
    return choosable_periods(selectors.reporting_periods(), timezone.localdate())


def _period_context(request, period: Period, *, periods=None, open_form=None) -> dict:
    """A period's returns for the business unit: the figures that judge the collection counted by the database, and
    one page of the returns read with what their rows show (the rest stay in the database, as in the admin's
    changelist). `periods`: the periods the chooser offers, when the caller has read them already."""
    summary = selectors.period_summary(period)
    page = list_page(request, selectors.period_returns(period), count=summary["opened"])
    page.object_list = rows = list(page.object_list)
    entered = selectors.entered_counts([r.pk for r in rows])
    reporting = selectors.agencies_reporting(period)
    keys = {f"performance.datareturn:{r.pk}": r for r in rows}
    for data_return in rows:
        data_return.entered = entered.get(data_return.pk, 0)
        data_return.expected = reporting.get(data_return.agency_id, (0, True))[0]
        data_return.last_reminder = None
    for log in selectors.reminders_sent(keys):
        keys[log.item].last_reminder = log
    today = timezone.localdate()
    status = collection_status(period, today, opened=summary["opened"], waiting=summary["waiting"],
                               validated=summary["validated"], due=summary["due"])
    return {
        "period": period, "opened": summary["opened"], "page": page, "query": page_query(request),
        "waiting": list(selectors.agencies_by_name([pk for pk, (_, asked) in reporting.items() if not asked])),
        "status": status,
        "chooser": PeriodChoiceForm(initial={"period": period.pk},
                                    periods=_choosable_periods() if periods is None else periods),
        "open_form": open_form or OpenForm(), "today": today,
    }


@login_required
def data_returns(request):
    """A period's data returns for the business unit, with a period chooser and the data calendar."""
    require(access.can_manage(request.user))
    periods = _choosable_periods()
    chooser = PeriodChoiceForm(request.GET or None, periods=periods)
    period = (chooser.cleaned_data["period"] if chooser.is_bound and chooser.is_valid()
              else selectors.period_to_chase(periods))
    if period is None:
        return render(request, "performance/data_returns.html", {"period": None})
    return render(request, "performance/data_returns.html", _period_context(request, period, periods=periods))


@inline_form_view(OpenForm)
def data_returns_open(request, period_pk):
    require(access.can_manage(request.user))
    period = get_visible_or_404(_choosable_periods(), pk=period_pk)
    form = OpenForm(request.POST)
    if form.is_valid():
        try:
            created = services.data_returns_open(period=period, due_date=form.cleaned_data["due_date"],
                                                 by=request.user)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            if created:
                messages.success(request, f"{len(created)} data return{'s' if len(created) != 1 else ''} opened for "
                                          f"{period}. Each agency lead has been emailed a link.")
            else:
                messages.info(request, f"Every agency already has a data return for {period}.")
            return redirect(f"{reverse('performance:data-returns')}?period={period.pk}")
    return render(request, "performance/data_returns.html", _period_context(request, period, open_form=form),
                  status=400)


@button_view("a button: nothing typed")
def data_return_validate(request, pk):
    data_return = _get_return(request, pk)
    require(access.can_manage(request.user))
    return button_step(request, lambda: services.data_return_validate(data_return=data_return, by=request.user),
                       f"{data_return.agency.display_name}'s figures for {data_return.period} are validated. They "
                       "now show on the scorecard.", _back(request, data_return))


@form_view(QueryForm)
def data_return_query(request, pk):
    data_return = _get_return(request, pk)
    require(access.can_manage(request.user))
    form = QueryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.data_return_query(data_return=data_return, by=request.user,
                                       message=form.cleaned_data["message"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Your query has been sent back to {data_return.agency.display_name}. Their "
                                      "agency leads have been emailed a link: they can reply, change their figures "
                                      "and submit again.")
            # The form posts to its own address, so the list's page it was opened from (?page=) comes back with it.
            return redirect(_list_url(data_return, as_id(request.GET.get("page"))))
    return render(request, "performance/data_return_query.html", {"data_return": data_return, "form": form},
                  status=form_status(form))


@inline_form_view(ReplyForm)
def data_return_reply(request, pk):
    """A reply in the return's query thread, from its agency's people or the business unit; the other side is
    emailed a link. A refusal comes back on the return's page with what was typed kept."""
    data_return = _get_return(request, pk)
    require(services.can_reply(request.user, data_return))
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            message = services.data_return_reply(data_return=data_return, by=request.user,
                                                 text=form.cleaned_data["text"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Your reply has been added and the "
                             + ("agency" if message.side == message.Side.BUSINESS_UNIT else "business unit")
                             + " has been emailed a link to it.")
            return redirect(message)
    return render(request, "performance/data_return_detail.html",
                  _detail_context(request, data_return, reply_form=form), status=400)


@confirm_view("a confirmation button: nothing typed")
def data_returns_remind_all(request, period_pk):
    """Remind every agency whose data return for the period is outstanding, in one action, after a page that says
    how many."""
    require(access.can_manage(request.user))
    period = get_visible_or_404(selectors.reporting_periods(), pk=period_pk)
    return remind_all_page(request, outstanding=lambda: services.outstanding_data_returns(period, by=request.user),
                           what=f"Data returns for {period}", noun="their data return",
                           back_url=f"{reverse('performance:data-returns')}?period={period.pk}")


@button_view("a button: nothing typed")
def data_return_remind(request, pk):
    """Email the agency's leads a reminder now: at most once per lead per day."""
    data_return = _get_return(request, pk)
    require(access.can_manage(request.user))
    remind_one(request, lambda: services.data_return_remind(data_return=data_return, by=request.user),
               data_return.agency)
    return redirect(_back(request, data_return))


# --- The agency: what is due, the return's page, saving a figure, submitting ----------------------
@login_required
def my_data_returns(request):
    """What is due: the agency's data returns, and the periods coming up for its indicators."""
    user = request.user
    if access.can_manage(user):
        return redirect("performance:data-returns")
    returns = list(selectors.with_entered(access.visible_data_returns(user)).order_by("-period__end", "agency__name"))
    expected = selectors.expected_by_agency_and_kind({r.agency_id for r in returns})
    for data_return in returns:
        data_return.expected = expected.get((data_return.agency_id, data_return.period.kind), 0)
    coming = []
    if access.is_agency_editor(user, user.agency_id):
        coming = list(selectors.periods_coming(user.agency_id, timezone.localdate()))
    return render(request, "performance/data_return_list.html", {
        "to_do": [r for r in returns if r.is_editable], "done": [r for r in returns if not r.is_editable],
        "coming": coming,
    })


def _indicator_rows(request, data_return: DataReturn, *, bound: dict[int, ValueForm] | None = None,
                    can_edit: bool) -> list[dict]:
    """Each indicator of the return with its figure, its form and its history. Three queries, whatever the count."""
    indicators = list(services.return_indicators(data_return))
    values = selectors.return_values(data_return)
    history = defaultdict(list)
    for record in (Value.history.filter(data_return_id=data_return.pk)
                   .select_related("history_user", "entered_by").order_by("-history_date", "-history_id")):
        history[record.indicator_id].append(record)
    bound = bound or {}
    rows = []
    for indicator in indicators:
        value = values.get(indicator.pk)
        records = history.get(indicator.pk, [])
        for record in records:
            record.shown = format_value(record.value, indicator.unit)
            record.who = record.history_user or record.entered_by
        rows.append({
            "indicator": indicator, "value": value,
            "shown": format_value(value.value, indicator.unit) if value else "No data",
            "form": (bound.get(indicator.pk) or ValueForm(indicator=indicator, value=value)) if can_edit else None,
            "history": records,
        })
    return rows


def _detail_context(request, data_return: DataReturn, *, bound=None, reply_form=None) -> dict:
    user = request.user
    can_edit = access.can_edit_data_return(user, data_return)
    rows = _indicator_rows(request, data_return, bound=bound, can_edit=can_edit)
    saved = request.GET.get("saved", "")
    thread = list(data_return.messages.select_related("author"))
    can_reply = services.can_reply(user, data_return, has_thread=bool(thread))
    return {
        "thread": thread, "can_reply": can_reply,
        "reply_form": (reply_form or ReplyForm()) if can_reply else None,
        "data_return": data_return, "rows": rows, "can_edit": can_edit,
        "can_submit": access.can_submit_data_return(user, data_return), "can_manage": access.can_manage(user),
        "entered": sum(1 for r in rows if r["value"] and r["value"].value is not None), "total": len(rows),
        "saved": int(saved) if saved.isdigit() else None,
        "error_forms": [f for f in (bound or {}).values() if f.errors] + ([reply_form] if reply_form is not None
                                                                             and reply_form.errors else []),
    }


@login_required
def data_return_detail(request, pk):
    data_return = _get_return(request, pk)
    return render(request, "performance/data_return_detail.html", _detail_context(request, data_return))


@inline_form_view(ValueForm)
@edits_versioned(Value)
def data_return_value_save(request, pk, indicator_pk):
    """Save one indicator's figure. Errors show next to the field; a stale edit answers 409, keeping what was typed."""
    data_return = _get_return(request, pk)
    indicator = get_visible_or_404(services.return_indicators(data_return), pk=indicator_pk)
    require(access.can_edit_data_return(request.user, data_return))
    current = selectors.figure(indicator, data_return.period)
    form = ValueForm(request.POST, indicator=indicator, value=current)
    status = 400
    if form.is_valid():
        figures = form.figures()
        problems = services.check_value(indicator, **{k: figures[k] for k in (
            "numerator", "denominator", "value", "commentary")})
        for field, message in problems:
            form.add_error(field if field in form.fields else None, message)
        if not problems:
            try:
                services.value_save(data_return=data_return, indicator=indicator, by=request.user,
                                    expected_version=form.cleaned_data["version"], **figures)
            except ServiceError as error:
                refusal = ConflictError(CONFLICT_MESSAGE) if isinstance(error, ConflictError) else error
                status = refusal_status(
                    form, refusal, current=lambda: selectors.figure(indicator, data_return.period),
                    saved_form=lambda saved: ValueForm(indicator=indicator, value=saved))
            else:
                return redirect(f"{data_return.get_absolute_url()}?saved={indicator.pk}#i-{indicator.pk}")
    context = _detail_context(request, data_return, bound={indicator.pk: form})
    return render(request, "performance/data_return_detail.html", context, status=status)


@confirm_view("a confirmation button: nothing typed")
def data_return_submit(request, pk):
    data_return = _get_return(request, pk)
    require(access.can_submit_data_return(request.user, data_return))
    return confirm_page(
        request, act=lambda: services.data_return_submit(data_return=data_return, by=request.user),
        done=f"Your figures for {data_return.period} have been submitted. The business unit will check them and tell "
             "you if anything needs looking at.", back=data_return, template="performance/data_return_submit.html",
        context=lambda: {"data_return": data_return, "missing": services.missing_indicators(data_return)})


# --- The spreadsheet: download the template; upload → check every row → save all or nothing ---------
def _filename(data_return: DataReturn, extension: str) -> str:
    return (f"performance-{slugify(data_return.agency.display_name)}-{slugify(data_return.period.label)}"
            f".{extension}")


@login_required
@limited_export
def data_return_template(request, pk):
    """The return as a pre-filled workbook in the published layout."""
    data_return = _get_return(request, pk)
    return download(spreadsheets.template_workbook(data_return), _filename(data_return, "xlsx"),
                    spreadsheets.CONTENT_TYPE)


@login_required
@limited_export
def data_return_template_csv(request, pk):
    """The same rows as a CSV file, every cell formula-safe."""
    data_return = _get_return(request, pk)
    return nosniff(csv_response(_filename(data_return, "csv"), spreadsheets.HEADERS,
                                spreadsheets.template_csv_rows(data_return)))


def _editable_return(request, pk) -> DataReturn:
    data_return = _get_return(request, pk)
    require(access.can_edit_data_return(request.user, data_return))
    return data_return


UPLOAD = UploadPages(
    scope=SCOPE, directory=uploads.UPLOADS_DIR, read=lambda content, kind: spreadsheets.read_upload(content, kind),
    sheet_type=spreadsheets.UploadSheet,
    name="data_return", upload_template="performance/upload.html", preview_template="performance/upload_preview.html",
    preview_url="performance:data-return-upload-preview", cancelled="The upload has been cancelled. Nothing was saved.",
    form=UploadForm, editable=_editable_return, visible=_get_return, kept={"fingerprint": None},
    check=lambda data_return, by, sheet, pending: uploads.upload_preview(
        data_return=data_return, by=by, sheet=sheet, kind=pending["kind"]),
    save=lambda data_return, by, sheet, pending: uploads.upload_apply(
        data_return=data_return, by=by, sheet=sheet, kind=pending["kind"], expected=pending.get("fingerprint")),
    seen=lambda preview: {"fingerprint": preview.fingerprint},
    saved=lambda count, name: f"{count} figure{'s' if count != 1 else ''} saved from {name}.")


urlpatterns = [
    path("data-returns/", data_returns, name="data-returns"),
    path("data-returns/periods/<int:period_pk>/open/", data_returns_open, name="data-returns-open"),
    path("data-returns/mine/", my_data_returns, name="my-data-returns"),
    path("data-returns/<int:pk>/", data_return_detail, name="data-return-detail"),
    path("data-returns/<int:pk>/indicators/<int:indicator_pk>/", data_return_value_save,
         name="data-return-value-save"),
    path("data-returns/<int:pk>/submit/", data_return_submit, name="data-return-submit"),
    path("data-returns/<int:pk>/validate/", data_return_validate, name="data-return-validate"),
    path("data-returns/<int:pk>/query/", data_return_query, name="data-return-query"),
    path("data-returns/<int:pk>/reply/", data_return_reply, name="data-return-reply"),
    path("data-returns/<int:pk>/remind/", data_return_remind, name="data-return-remind"),
    path("data-returns/periods/<int:period_pk>/remind-all/", data_returns_remind_all,
         name="data-returns-remind-all"),
    path("data-returns/<int:pk>/template.xlsx", data_return_template, name="data-return-template"),
    path("data-returns/<int:pk>/template.csv", data_return_template_csv, name="data-return-template-csv"),
    *UPLOAD.urlpatterns("data-returns/<int:pk>/upload/", "data-return-upload"),
]
