"""The yearly programme and the agency auditor's "my audits" list."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from partnership.access import require
from partnership.views.mixins import form_status, form_view

from .. import access, selectors
from ..forms import ProgrammeForm
from ..models import Audit, Programme


@login_required
def programme_list(request):
    """Every programme with its audits (scoped to what this person may see). Constant queries."""
    programmes = selectors.programmes_for(request.user)
    return render(request, "audits/programme_list.html", {
        "programmes": [p for p in programmes if p.shown or access.can_manage(request.user)],
        "can_manage": access.can_manage(request.user),
    })


@login_required
def programme_detail(request, pk):
    programme = selectors.with_shown_audits(get_object_or_404(Programme, pk=pk), request.user)
    if not programme.shown and not (access.can_manage(request.user) or access.is_reader(request.user)):
        require(False)
    return render(request, "audits/programme_detail.html", {
        "programme": programme, "programmes": [programme], "can_manage": access.can_manage(request.user),
    })


@form_view(ProgrammeForm)
def programme_create(request):
    require(access.can_manage(request.user))
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            programme = form.save()
            messages.success(request, f"The {programme.year} programme has been set up. Add its audits.")
            return redirect(programme)
        return render(request, "audits/programme_form.html", {"form": form}, status=400)
    return render(request, "audits/programme_form.html", {"form": form}, status=form_status(form))


@login_required
def my_audits(request):
    """An agency auditor's returns: outstanding first. Scoped, never refused."""
    rows = list(access.visible_agency_audits(request.user).filter(case__audit__status__in=Audit.UNDER_WAY)
        .order_by("-status", "case__audit__agency_audits_due", "case__case_reference"))
    concerns = list(access.visible_concerns(request.user).filter(acknowledged_at__isnull=True))
    return render(request, "audits/my_audits.html", {"rows": rows, "concerns": concerns})


urlpatterns = [
    path("", programme_list, name="programme-list"),
    path("programmes/new/", programme_create, name="programme-create"),
    path("programmes/<int:pk>/", programme_detail, name="programme"),
    path("mine/", my_audits, name="my-audits"),
]
