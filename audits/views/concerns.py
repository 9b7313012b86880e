"""Immediate concerns: raise on a case, read, acknowledge (a lead of the responsible agency)."""
from django.urls import path

from partnership.access import get_visible_or_404, require
from partnership.templatetags.words import possessive
from partnership.views.confirm import form_step
from partnership.views.mixins import form_view

from .. import access
from ..forms import AcknowledgeForm, ConcernForm
from ..services import concerns as services
from .common import case_or_404


@form_view(ConcernForm)
def concern_raise(request, pk):
    case = case_or_404(request, pk)
    require(access.can_raise_concern(request.user, case))
    form = ConcernForm(request.POST or None, case=case)
    return form_step(request, form, save=lambda f: services.concern_raise(case=case, by=request.user, **f.cleaned_data),
                     success=lambda concern: f"The concern has been sent to {possessive(concern.agency)} lead now. "
                                             "They must acknowledge it within one working day.",
                     template="audits/concern_form.html", context={"case": case})


@form_view(AcknowledgeForm)
def concern_detail(request, pk):
    concern = get_visible_or_404(access.visible_concerns(request.user), pk=pk)
    can_ack = access.can_acknowledge(request.user, concern)
    form = AcknowledgeForm(request.POST or None) if can_ack else None
    if request.method == "POST":
        require(can_ack)
    return form_step(request, form,
                     save=lambda f: services.concern_acknowledge(concern=concern, by=request.user, **f.cleaned_data),
                     success="The concern has been acknowledged. Thank you.", template="audits/concern_detail.html",
                     context={"concern": concern, "acknowledge_by": services.acknowledge_by(concern),
                              "in_time": services.acknowledged_in_time(concern)})


urlpatterns = [
    path("cases/<int:pk>/concern/", concern_raise, name="concern-raise"),
    path("concerns/<int:pk>/", concern_detail, name="concern-detail"),
]
