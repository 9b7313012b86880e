"""People: the business unit invites and manages accounts."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from partnership import access, selectors
from partnership.forms import InviteUserForm
from partnership.models import EmailMessage, User
from partnership.services import accounts, outbox
from partnership.services.errors import ServiceError

from .confirm import button_step
from .mixins import button_view, form_status, form_view, paginate, tracks_delivery


def _require_business_unit(request):
    access.require(access.is_business_unit(request.user))


@login_required
def user_list(request):
    _require_business_unit(request)
    users = selectors.people_listed()
    return render(request, "partnership/user_list.html", {"page": paginate(request, users)})


@login_required
def user_detail(request, pk):
    """A person's record: their account, and every email the service sent them with whether it arrived."""
    _require_business_unit(request)
    person = get_object_or_404(selectors.person_for_page(), pk=pk)
    sent_to = selectors.emails_to(person)
    emails = paginate(request, sent_to.order_by("-created_at", "-pk"), per_page=25)
    last_report = sent_to.filter(delivery_status__in=EmailMessage.FINAL).order_by("-delivery_status_at", "-pk").first()
    return render(request, "partnership/user_detail.html", {
        "person": person, "page": emails, "tracks_delivery": tracks_delivery(emails),
        "bounced": last_report if last_report and last_report.delivery_status == EmailMessage.Delivery.PERMANENT_FAILURE
        else None,
    })


@form_view(InviteUserForm)
def user_invite(request):
    _require_business_unit(request)
    form = InviteUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.user_invite(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _sent_words(user, "An invitation"))
            return redirect("partnership:user-list")
    return render(request, "partnership/user_invite.html", {"form": form}, status=form_status(form))


def _sent_words(user, what: str) -> str:
    """Honest: "has been sent" only when the mail service took the email; else that it is queued."""
    user.refresh_from_db(fields=["invited_at"])
    waiting = outbox.is_waiting(dedup_key=f"email:invitation:{user.pk}:{user.invited_at.isoformat()}")
    return outbox.queued_words(waiting, f"{what} is on its way to {user.email}: it usually arrives within a few "
                                        "minutes.", f"{what} to {user.email}")


@button_view("a button: nothing typed")
def user_reinvite(request, pk):
    _require_business_unit(request)
    user = get_object_or_404(User, pk=pk)
    return button_step(request, lambda: accounts.user_reinvite(by=request.user, user=user),
                       lambda: _sent_words(user, "A new invitation"), "partnership:user-list")


@button_view("a button: nothing typed")
def user_deactivate(request, pk):
    _require_business_unit(request)
    user = get_object_or_404(User, pk=pk)
    return button_step(request, lambda: accounts.user_deactivate(by=request.user, user=user),
                       f"{user.full_name}'s account has been closed and they have been signed out.",
                       "partnership:user-list")


urlpatterns = [
    path("people/", user_list, name="user-list"),
    path("people/invite/", user_invite, name="user-invite"),
    path("people/<int:pk>/", user_detail, name="user-detail"),
    path("people/<int:pk>/reinvite/", user_reinvite, name="user-reinvite"),
    path("people/<int:pk>/close/", user_deactivate, name="user-deactivate"),
]
