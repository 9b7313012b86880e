"""Any partner agency refers a case for consideration: the one reviews page open to them, which shows
nothing of any case (not even their own afterwards, beyond the reference they were given)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from partnership.services.errors import ServiceError
from partnership.views.mixins import form_status

from .. import access, services
from ..forms import PartnerReferralForm
from ..models import ReviewAccessLog

SESSION_KEY = "reviews_referral_sent"


@login_required
@require_http_methods(["GET", "POST"])
def refer(request):
    access.require_referrer(request.user)
    form = PartnerReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_submit(by=request.user, summary=form.cleaned_data["summary"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            access.log_access(request, referral, ReviewAccessLog.Action.CREATE)
            request.session[SESSION_KEY] = referral.case_reference
            return redirect("reviews:refer-sent")
    return render(request, "reviews/refer.html", {"form": form}, status=form_status(form))


@login_required
def refer_sent(request):
    access.require_referrer(request.user)
    reference = request.session.pop(SESSION_KEY, None)
    if reference is None:
        return redirect("reviews:refer")
    return render(request, "reviews/refer_sent.html", {"reference": reference})


urlpatterns = [
    path("refer/", refer, name="refer"),
    path("refer/sent/", refer_sent, name="refer-sent"),
]
