"""Impact and reach: the L&D figures page, each course's impact, briefings, and the coverage map."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from partnership.access import get_visible_or_404, require
from partnership.pdf import pdf_response, render_pdf
from partnership.rate_limits import limited_pdf
from partnership.views.confirm import button_step, form_step
from partnership.views.conflicts import edits_versioned
from partnership.views.mixins import button_view, form_status, form_view

from .. import access, figures, selectors
from ..coverage import coverage
from ..forms.manage import BriefingForm, BriefingUseForm
from ..models import Briefing
from ..services import offer as services
from .offer import _period


@login_required
@require_GET
def figures_page(request):
    require(access.sees_figures(request.user))
    start, end, form = _period(request)
    return render(request, "learning/figures.html", {"f": figures.period_figures(start=start, end=end),
                                                     "form": form}, status=form_status(form))


@login_required
@require_GET
def course_impact(request, pk):
    require(access.sees_figures(request.user))
    course = get_visible_or_404(selectors.course_with_level(), pk=pk)
    bookings = selectors.course_bookings(course)
    return render(request, "learning/course_impact.html", {
        "course": course, "uplift": figures.uplift(bookings), "rates": figures.response_rates(bookings),
        "practice": figures.practice_change(bookings)})


@login_required
@require_GET
def briefing_list(request):
    briefings = access.visible_briefings(request.user)
    return render(request, "learning/briefing_list.html", {"briefings": briefings,
                                                           "can_manage": access.is_manager(request.user)})


@login_required
@require_GET
def briefing_detail(request, pk):
    briefing = get_visible_or_404(access.visible_briefings(request.user).prefetch_related(
        "journey_stages", "inspection_criteria__framework"), pk=pk)
    return render(request, "learning/briefing_detail.html", {
        "briefing": briefing, "uses": access.visible_briefing_uses(request.user, briefing),
        "can_manage": access.is_manager(request.user),
        "can_log": access.can_log_briefing_use(request.user) and briefing.is_published})


@login_required
@require_GET
@limited_pdf
def briefing_pdf(request, pk):
    briefing = get_visible_or_404(access.visible_briefings(request.user), pk=pk)
    pdf = render_pdf("learning/pdf/briefing.html", {"briefing": briefing, "title": briefing.title})
    return pdf_response(pdf, f"briefing-{briefing.pk}.pdf")


@form_view(BriefingForm)
@edits_versioned(Briefing)
def briefing_edit(request, pk=None):
    require(access.is_manager(request.user))
    briefing = get_object_or_404(Briefing, pk=pk) if pk else None
    form = BriefingForm(request.POST if request.method == "POST" else None, instance=briefing)
    return form_step(request, form, save=lambda f: services.briefing_save(
        briefing=briefing, by=request.user, expected_version=f.expected_version, **f.values()),
                     success="Briefing saved.", template="learning/briefing_form.html", context={"briefing": briefing})


@button_view("a button: nothing typed")
def briefing_publish(request, pk):
    require(access.is_manager(request.user))
    briefing = get_object_or_404(Briefing, pk=pk)
    return button_step(request, lambda: services.briefing_publish(briefing=briefing, by=request.user),
                       "Briefing published.", briefing)


@form_view(BriefingUseForm)
def briefing_use(request, pk):
    briefing = get_visible_or_404(access.visible_briefings(request.user), pk=pk)
    require(access.can_log_briefing_use(request.user))
    form = BriefingUseForm(request.POST if request.method == "POST" else None, user=request.user,
                           manager=access.is_manager(request.user))
    return form_step(request, form,
                     save=lambda f: services.briefing_use_log(briefing=briefing, by=request.user, **f.values()),
                     success="Thank you: the use of this briefing is logged.", template="learning/briefing_use.html",
                     context={"briefing": briefing}, to=lambda use: (briefing,))


@login_required
@require_GET
def coverage_page(request):
    return render(request, "learning/coverage.html", {"c": coverage(request.user)})


urlpatterns = [
    path("figures/", figures_page, name="figures"),
    path("courses/<int:pk>/impact/", course_impact, name="course-impact"),
    path("briefings/", briefing_list, name="briefings"),
    path("briefings/new/", briefing_edit, name="briefing-create"),
    path("briefings/<int:pk>/", briefing_detail, name="briefing"),
    path("briefings/<int:pk>/edit/", briefing_edit, name="briefing-edit"),
    path("briefings/<int:pk>/pdf/", briefing_pdf, name="briefing-pdf"),
    path("briefings/<int:pk>/publish/", briefing_publish, name="briefing-publish"),
    path("briefings/<int:pk>/use/", briefing_use, name="briefing-use"),
    path("coverage/", coverage_page, name="coverage"),
]
