"""The partnership's analysis of a cycle, for the QA subgroup: page, spreadsheet and PDF.

Business unit, QA members, chairs and readers see it; an agency's people see their own return, not
the partnership's comparison (403).
"""
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from partnership import access as kernel_access
from partnership.access import require
from partnership.csv import csv_response
from partnership.rate_limits import limited_export
from partnership.services.exports import export_request
from partnership.views.mixins import button_view, list_page

from .. import access
from ..analysis import MODERATED, SELF, sectors
from ..analysis_reports import (
    EXPORT_KIND,
    analysis_context,
    analysis_cycles,
    clean_params,
    export_filename,
    heat_map_csv,
)
from ..models import Cycle

AGENCY_PAGE = "agency_page"  # the comparison by agency's page number (`page` is the heat map's)


def _query(sector: str, basis: str, **pages: int) -> str:
    """The filters as a query string ("" for the defaults), so links keep them; `pages`: the other list's page
    number to keep when one list's pagination moves (left out when it is the first)."""
    params = {k: v for k, v in (("sector", sector), ("ratings", basis if basis == MODERATED else "")) if v}
    params.update((name, number) for name, number in pages.items() if number > 1)
    return f"?{urlencode(params)}" if params else ""


def _get_cycle(request, cycle_pk) -> Cycle:
    require(access.can_see_analysis(request.user))
    return get_object_or_404(analysis_cycles().exclude(status=Cycle.Status.DRAFT), pk=cycle_pk)


def can_make_pdf(user) -> bool:
    return access.can_see_analysis(user) and kernel_access.can_request_reports(user)


@login_required
def analysis_list(request):
    """Every launched cycle, newest first, each with a link to its analysis."""
    require(access.can_see_analysis(request.user))
    cycles = analysis_cycles().exclude(status=Cycle.Status.DRAFT).order_by("-opens_on")
    return render(request, "section11/analysis_list.html", {"cycles": cycles})


@login_required
def cycle_analysis(request, cycle_pk):
    cycle = _get_cycle(request, cycle_pk)
    sector, basis = clean_params(request.GET)
    page_url = reverse("section11:cycle-analysis", args=[cycle.pk])
    context = analysis_context(cycle, sector=sector, basis=basis)
    cmp, heat = context["comparison"], context["heat_map"]
    page = list_page(request, heat.rows)
    agency_page = list_page(request, cmp["agencies"] if cmp and cmp["comparable"] else [], param=AGENCY_PAGE)
    context.update(  # the agencies' rows a page at a time, each list on its own; the figures above are every agency's
        page=page,
        heat_rows=[row.shown for row in (heat.average_row, *page.object_list)],
        agency_page=agency_page,
        agency_page_param=AGENCY_PAGE,
        heat_query=_query(sector, basis, **{AGENCY_PAGE: agency_page.number})[1:],
        comparison_query=_query(sector, basis, page=page.number)[1:],
        sectors=sectors(cycle, returns=None if sector else context["completion"]["returns"]),
        query=_query(sector, basis),
        self_url=page_url + _query(sector, SELF),
        moderated_url=page_url + _query(sector, MODERATED),
        can_make_pdf=can_make_pdf(request.user),
        is_oversight=access.is_oversight(request.user),
    )
    return render(request, "section11/analysis.html", context)


@login_required
@limited_export
def cycle_analysis_csv(request, cycle_pk):
    cycle = _get_cycle(request, cycle_pk)
    sector, basis = clean_params(request.GET)
    header, rows = heat_map_csv(cycle, sector=sector, basis=basis)
    return csv_response(export_filename(cycle, sector=sector, basis=basis, extension="csv"), header, rows)


@button_view("asks for a PDF of the choices on the page: nothing typed")
def cycle_analysis_pdf(request, cycle_pk):
    """Ask for a PDF of the analysis as filtered; it is made in the background."""
    cycle = _get_cycle(request, cycle_pk)
    require(can_make_pdf(request.user))
    sector, basis = clean_params(request.POST)
    export = export_request(kind=EXPORT_KIND, parameters={"cycle_id": cycle.pk, "sector": sector, "ratings": basis},
                            by=request.user)
    return redirect(export)


urlpatterns = [
    path("analysis/", analysis_list, name="analysis-list"),
    path("analysis/<int:cycle_pk>/", cycle_analysis, name="cycle-analysis"),
    path("analysis/<int:cycle_pk>/heat-map.csv", cycle_analysis_csv, name="cycle-analysis-csv"),
    path("analysis/<int:cycle_pk>/pdf/", cycle_analysis_pdf, name="cycle-analysis-pdf"),
]
