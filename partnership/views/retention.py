"""Retention: the business unit sees the schedule, what is due for review, and places or releases legal holds."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from partnership import access, selectors
from partnership.forms import LegalHoldForm
from partnership.models import LegalHold
from partnership.retention import retention_classes
from partnership.services import retention
from partnership.services.errors import ServiceError

from .confirm import button_step
from .mixins import button_view, form_status, form_view


@form_view(LegalHoldForm)
def retention_overview(request):
    access.require(access.is_business_unit(request.user))
    form = LegalHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.legal_hold_place(by=request.user, model=form.models[form.cleaned_data["kind"]],
                                       object_id=form.cleaned_data["object_id"], reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The legal hold is in place: the record will not be anonymised or deleted.")
            return redirect("partnership:retention")
    holds = selectors.legal_holds()
    review_due = [(cls, records) for cls, records in retention.review_due() if records]
    return render(request, "partnership/retention.html", {
        "classes": retention_classes(), "review_due": review_due, "form": form,
        "active_holds": holds.active(), "released_holds": holds.filter(released_at__isnull=False)[:50],
    }, status=form_status(form))


@button_view("a button: nothing typed")
def legal_hold_release(request, pk):
    access.require(access.is_business_unit(request.user))
    hold = get_object_or_404(LegalHold, pk=pk)
    return button_step(request, lambda: retention.legal_hold_release(by=request.user, hold=hold),
                       "The legal hold is released.", "partnership:retention")


urlpatterns = [
    path("retention/", retention_overview, name="retention"),
    path("retention/holds/<int:pk>/release/", legal_hold_release, name="legal-hold-release"),
]
