"""The business unit's side of a cycle: set up, launch, the live completion tracker, reminders, close.

The business unit manages cycles. QA members may read the list and the tracker, but not launch, remind or
close. Everyone else gets 403: cycles are the partnership's own records, not an agency's.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse

from partnership.access import get_visible_or_404, require
from partnership.input_rules import as_id
from partnership.models import Sector
from partnership.services.errors import ServiceError
from partnership.views.confirm import button_step
from partnership.views.mixins import button_view, confirm_view, form_status, form_view, list_page
from partnership.views.remind_all import remind_all_page, remind_one

from .. import access, selectors
from ..forms.cycles import CycleForm, LaunchForm
from ..models import Cycle, Return
from ..services import cycles as services


@login_required
def cycle_list(request):
    """Every cycle, newest first, with its completion rate. Three queries whatever the number of cycles."""
    require(access.is_oversight(request.user))
    cycles = list(selectors.cycles_listed())
    completion = selectors.cycle_completion(c.pk for c in cycles)
    rows = []
    for cycle in cycles:
        c = completion[cycle.pk]
        rows.append({
            "cycle": cycle, **c,
            "submitted_pct": round(100 * c["submitted"] / c["returns"]) if c["returns"] else None,
            "answered_pct": round(100 * c["answered"] / c["criteria"]) if c["criteria"] else None,
        })
    return render(request, "section11/cycle_list.html", {
        "rows": rows, "can_manage": access.can_manage_cycles(request.user),
    })


def _filter_from(data) -> dict:
    """The agency filter (sector, statutory partners, Section 11 duty) from a query string or form data."""
    sector = data.get("sector", "")

    def ticked(name: str) -> bool:
        return data.get(name, "").lower() in ("1", "on", "true", "yes")

    return {"sector": sector if sector in Sector.values else "", "statutory_only": ticked("statutory"),
            "section11_only": ticked("section11")}


@form_view(CycleForm)
def cycle_create(request):
    """Set up a cycle. "Update the list" and "Tick all" re-show the form as typed, without checking it."""
    require(access.can_manage_cycles(request.user))
    source = request.POST if request.method == "POST" else request.GET
    chosen = _filter_from(source)
    shown = services.participating_choices(**chosen)
    if request.method == "GET":
        initial = {"sector": chosen["sector"], "statutory": chosen["statutory_only"],
                   "section11": chosen["section11_only"]}
        form = CycleForm(initial=initial, shown_agencies=shown)
        return render(request, "section11/cycle_form.html", {"form": form, "filtered": any(chosen.values())},
                      status=form_status(form))

    data = request.POST.copy()
    if "tick_all" in data:
        ticked = set(data.getlist("agencies")) | {str(pk) for pk in shown.values_list("pk", flat=True)}
        data.setlist("agencies", sorted(ticked, key=int))
    form = CycleForm(data, shown_agencies=shown)
    if "update_list" in data or "tick_all" in data:
        form.hide_errors()
        return render(request, "section11/cycle_form.html", {"form": form, "filtered": any(chosen.values())},
                      status=form_status(form))
    if form.is_valid():
        values = form.cycle_values()
        try:
            cycle = services.cycle_create(by=request.user, **values)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"{cycle.name} has been set up with {len(values['agencies'])} agencies. "
                                      "Launch it when you are ready to email the agency leads.")
            return redirect(cycle)
    return render(request, "section11/cycle_form.html", {"form": form, "filtered": any(chosen.values())},
                  status=400)


def tracker_rows(cycle: Cycle, paginate) -> tuple[object, dict]:
    """The page (`paginate`: the rows -> a Paginator page) of the rows, one per participating agency, and the
    summary counts of every row; the page's returns carry their progress and last reminder. Five queries whatever
    the agencies."""
    returns = list(cycle.returns.select_related("agency"))
    if returns:
        agencies = [r.agency for r in returns]
    else:  # not launched yet: the agencies chosen to take part
        agencies = list(cycle.agencies.all())
    agencies.sort(key=lambda a: a.display_name.casefold())  # the order the names are shown in
    leads = services.lead_counts(a.pk for a in agencies)
    by_agency = {r.agency_id: r for r in returns}
    page = paginate([{"agency": agency, "ret": by_agency.get(agency.pk), "leads": leads.get(agency.pk, 0),
                      "last_reminder": None} for agency in agencies])
    shown = {r.pk: r for r in cycle.returns.filter(
        pk__in=[row["ret"].pk for row in page.object_list if row["ret"]]).select_related("agency").with_progress()}
    reminders = services.last_reminders(shown.values())
    for row in page.object_list:
        if row["ret"]:
            row["ret"] = shown[row["ret"].pk]
            row["last_reminder"] = reminders.get(row["ret"].pk)
    for ret in [*returns, *shown.values()]:
        ret.cycle = cycle  # `is_late` reads the deadline: no query per row
    status = Return.Status
    summary = {
        "agencies": len(agencies),
        "not_started": sum(1 for r in returns if r.status == status.NOT_STARTED),
        "in_progress": sum(1 for r in returns if r.status == status.IN_PROGRESS),
        "submitted": sum(1 for r in returns if r.status in (status.SUBMITTED, status.SIGNED_OFF)),
        "signed_off": sum(1 for r in returns if r.status == status.SIGNED_OFF),
        "returned": sum(1 for r in returns if r.status == status.RETURNED),
        "late": sum(1 for r in returns if r.is_late),
        "without_lead": sum(1 for a in agencies if not leads.get(a.pk)),
    }
    summary["submitted_pct"] = round(100 * summary["submitted"] / len(returns)) if returns else None
    return page, summary


def _get_cycle(pk) -> Cycle:
    return get_visible_or_404(selectors.cycle_for_page(), pk=pk)


@login_required
def cycle_detail(request, pk):
    """The live completion tracker."""
    require(access.is_oversight(request.user))
    cycle = _get_cycle(pk)
    page, summary = tracker_rows(cycle, lambda rows: list_page(request, rows))
    can_manage = access.can_manage_cycles(request.user)
    return render(request, "section11/cycle_detail.html", {
        "page": page, "cycle": cycle, "summary": summary, "can_manage": can_manage,
        "can_launch": can_manage and cycle.status == Cycle.Status.DRAFT,
        "can_close": can_manage and cycle.status == Cycle.Status.OPEN,
        "can_remind": can_manage and cycle.status == Cycle.Status.OPEN,
    })


@form_view(LaunchForm)
def cycle_launch(request, pk):
    """Confirm, then open the cycle: a return per agency, and an email to each agency lead."""
    require(access.can_manage_cycles(request.user))
    cycle = _get_cycle(pk)
    if request.method == "GET" and cycle.status != Cycle.Status.DRAFT:
        messages.info(request, f"{cycle.name} has already been launched.")
        return redirect(cycle)
    form = LaunchForm(request.POST if request.method == "POST" else None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        agencies = list(cycle.agencies.values_list("pk", flat=True))
        emailed = sum(services.lead_counts(agencies).values())
        try:
            created = services.cycle_launch(cycle=cycle, by=request.user,
                                            copy_previous=form.cleaned_data.get("copy_previous", False))
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect(cycle)
        messages.success(request, f"{cycle.name} is open. {created} returns were created and {emailed} agency "
                                  f"lead{'' if emailed == 1 else 's'} will be emailed a link.")
        return redirect(cycle)
    agencies = list(cycle.agencies.order_by("name"))
    leads = services.lead_counts(a.pk for a in agencies)
    return render(request, "section11/cycle_launch.html", {
        "cycle": cycle, "form": form,
        "agencies": [{"agency": a, "leads": leads.get(a.pk, 0)} for a in agencies],
    }, status=form_status(form))


@button_view("a button: nothing typed")
def return_remind(request, pk, ret_pk):
    """Email an agency's leads a reminder now: at most once per person per day."""
    require(access.can_manage_cycles(request.user))
    cycle = _get_cycle(pk)
    ret = get_visible_or_404(cycle.returns.select_related("agency", "cycle"), pk=ret_pk)
    remind_one(request, lambda: services.return_remind(ret=ret, by=request.user), ret.agency)
    page = as_id(request.GET.get("page", ""))  # the tracker's page the button was on
    on_page = f"?page={page}" if page and page > 1 else ""
    return redirect(reverse("section11:cycle-detail", args=[cycle.pk]) + f"{on_page}#agency-{ret.agency_id}")


@confirm_view("a confirmation button: nothing typed")
def cycle_remind_all(request, pk):
    """Remind every agency whose return is outstanding, in one action, after a page that says how many."""
    require(access.can_manage_cycles(request.user))
    cycle = _get_cycle(pk)
    if cycle.status != Cycle.Status.OPEN:
        messages.info(request, f"{cycle.name} is not open: there is nothing to remind about.")
        return redirect(cycle)
    return remind_all_page(request, outstanding=lambda: services.outstanding_returns(cycle), what=cycle.name,
                           noun="their agency's return", back_url=reverse("section11:cycle-detail", args=[cycle.pk]))


@button_view("a button: nothing typed")
def cycle_close(request, pk):
    require(access.can_manage_cycles(request.user))
    cycle = _get_cycle(pk)
    return button_step(request, lambda: services.cycle_close(cycle=cycle, by=request.user),
                       f"{cycle.name} has been closed.", cycle)


urlpatterns = [
    path("cycles/", cycle_list, name="cycle-list"),
    path("cycles/new/", cycle_create, name="cycle-create"),
    path("cycles/<int:pk>/", cycle_detail, name="cycle-detail"),
    path("cycles/<int:pk>/launch/", cycle_launch, name="cycle-launch"),
    path("cycles/<int:pk>/close/", cycle_close, name="cycle-close"),
    path("cycles/<int:pk>/returns/<int:ret_pk>/remind/", return_remind, name="return-remind"),
    path("cycles/<int:pk>/remind-all/", cycle_remind_all, name="cycle-remind-all"),
]
