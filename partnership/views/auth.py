"""Sign in and out, invitations, password reset and two-factor sign-in."""
import base64
from io import BytesIO
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device

from partnership import backends, enrolment, kept_forms, middleware, security_log
from partnership.forms import (
    EmailCodeForm,
    PasswordResetRequestForm,
    SetPasswordForm,
    SignInEmailForm,
    SignInForm,
    TOTPCodeForm,
)
from partnership.kept_forms import posts_no_form
from partnership.services import accounts, work_accounts

from .mixins import form_status, form_view, post_only


class SignInView(auth_views.LoginView):
    """Sign in. With work accounts set up (partnership.IdentityProvider), the page asks for the email first: an
    address whose domain has a provider goes there (partnership.services.work_accounts), any other is asked for
    its password on the next page, exactly as without providers. A form sent with a password signs in as
    before, unless the address's provider keeps its people to their work accounts."""

    form_class = SignInForm
    template_name = "registration/sign_in.html"
    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):
        # The admin sends a signed-in person it refuses to its login, which is this page: sending them
        # back would loop for ever. Say plainly that they cannot use it.
        if request.user.is_authenticated and self.get_redirect_url().startswith(reverse("admin:index")):
            if not admin.site.has_permission(request):
                raise PermissionDenied
        self.email_first = work_accounts.any_provider()
        response = super().dispatch(request, *args, **kwargs)
        if self.email_first:  # the form's POST may be redirected to a provider (CSP form-action holds redirects)
            response._csp_update = {"form-action": work_accounts.form_targets()}
        return response

    def get_form_class(self):
        if self.email_first and (self.request.method != "POST" or "password" not in self.request.POST):
            return SignInEmailForm
        return SignInForm

    def post(self, request, *args, **kwargs):
        if not self.email_first:
            return super().post(request, *args, **kwargs)
        email_form = SignInEmailForm(request.POST)
        if not email_form.is_valid():
            return self.form_invalid(email_form) if "password" not in request.POST else super().post(request)
        email = email_form.cleaned_data["username"].strip().lower()
        provider = work_accounts.provider_for(email)
        if provider is not None and ("password" not in request.POST or not provider.password_sign_in_allowed):
            try:
                return redirect(work_accounts.start(request, provider, email=email,
                                                    next_url=self.get_redirect_url() or ""))
            except work_accounts.WorkAccountError as error:
                if not provider.password_sign_in_allowed:
                    email_form.add_error("username", error.message)
                    return self.form_invalid(email_form)
                messages.error(request, error.message + " You can sign in with your password instead.")
        if "password" in request.POST:
            return super().post(request, *args, **kwargs)
        # Nobody's provider, or the provider cannot be reached: the password, as without providers.
        return self.render_to_response(self.get_context_data(
            form=SignInForm(request, initial={"username": email}), email_given=True))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["email_first"] = self.email_first and isinstance(context["form"], SignInEmailForm)
        if self.request.method == "GET":  # just signed out of a work account: offer the provider's sign-out
            context["end_session_url"] = self.request.session.pop(work_accounts.END_SESSION, None)
        return context


@post_only
def sign_out(request):
    provider = request.session.get(work_accounts.SIGNED_IN_WITH)
    logout(request)
    messages.info(request, "You have signed out.")
    end_session = work_accounts.end_session_url(provider)
    if end_session:
        request.session[work_accounts.END_SESSION] = end_session
    return redirect("partnership:sign-in")


@require_http_methods(["GET"])
def work_account_callback(request):
    """The provider sends the person back here with a code (or an error): sign them in, or say why not."""
    try:
        signed_in = work_accounts.complete(request)
    except work_accounts.WorkAccountError as error:
        messages.error(request, error.message)
        return redirect("partnership:sign-in")
    target = signed_in.next_url
    if not (target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                       require_https=request.is_secure())):
        target = reverse("home")
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
@posts_no_form('"Stay signed in": nothing typed')
def session_keep_alive(request):
    """The timeout warning asks (GET) how long is left, or keeps the person signed in (POST, "Stay signed in").

    partnership.middleware.SessionTimeoutMiddleware counts the POST as activity before this view runs. A POST
    from the form without JavaScript goes back to the page it came from.
    """
    if request.method == "POST" and "application/json" not in request.headers.get("Accept", ""):
        return redirect(_safe_next(request))
    return JsonResponse({**middleware.session_time_left(request.session, middleware.clock()), "signed_in": True})


@login_required
@require_http_methods(["GET", "POST"])
@posts_no_form("sends kept text on to its own form (which declares it) or discards it: nothing typed here")
def session_kept(request):
    """What was typed when the session ended: shown, and sent again to its form or discarded."""
    value = kept_forms.kept(request, read=request.method == "GET")
    if value is None:
        messages.info(request, "There are no unsaved changes to recover.")
        return redirect("home")
    if request.method == "POST":
        kept_forms.discard(request)
        messages.info(request, "Your unsaved changes were discarded.")
        return redirect(value["path"])
    return render(request, "partnership/session_kept.html", {
        "kept": value, "fields": kept_forms.shown_fields(value),
        "hidden": [(key, v) for key, values in value["data"].items() for v in values],
    })


def _safe_next(request, default="home"):
    target = request.GET.get("next") or request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)



@require_http_methods(["GET", "POST"])
def password_reset_request(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.password_reset_request(email=form.cleaned_data["email"],
                                        address=security_log.client_address(request))
        return render(request, "registration/password_reset_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "registration/password_reset_form.html", {"form": form}, status=form_status(form))


class _ActiveAccountLinkMixin:
    """A one-time link stops working when the account is closed (its token would otherwise stay valid)."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


@method_decorator(transaction.atomic, name="dispatch")
class PasswordResetConfirmView(_ActiveAccountLinkMixin, auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("partnership:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


@method_decorator(transaction.atomic, name="dispatch")
class InvitationAcceptView(_ActiveAccountLinkMixin, auth_views.PasswordResetConfirmView):
    """The one-time invitation link: the invitee chooses a password and is signed in."""

    form_class = SetPasswordForm
    template_name = "registration/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = backends.PATH
    success_url = reverse_lazy("home")
    reset_url_token = "set-password"
    token_generator = accounts.invitation_token_generator

    def form_valid(self, form):
        response = super().form_valid(form)
        # The emailed invitation proves the address: the invitee may set up two-factor sign-in straight away.
        enrolment.mark_proved(self.request.session, form.user)
        messages.success(self.request, "Your password has been set. Welcome.")
        return response


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = BytesIO()
    image.save(buffer)
    # Inline in HTML: drop the XML declaration, which is not valid inside a page.
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]


@form_view(TOTPCodeForm)
def two_factor_setup(request):
    """Set up an authenticator app: scan the code (or type the key), then enter a code to confirm."""
    if user_has_device(request.user) and not request.user.is_verified():
        return redirect("partnership:two-factor-verify")
    if user_has_device(request.user):
        messages.info(request, "Two-factor sign-in is already set up for your account.")
        return redirect("home")
    if not enrolment.is_proved(request.session, request.user):
        return _prove_address(request)
    device = enrolment.device_to_confirm(request.user)
    form = TOTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = enrolment.locked_devices(request.user, pk=device.pk).get()
            if device.verify_token(form.token):
                device.confirmed = True
                device.save()
                otp_login(request, device)
                messages.success(
                    request, "Two-factor sign-in is set up. You will be asked for a code when you sign in."
                )
                return redirect(_safe_next(request))
        form.add_error("code", "The code is not right. Check the time on your phone is correct and enter the "
                               "newest code from the app")
        security_log.event("two-factor-set-up", request, outcome="failure")
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "registration/two_factor_setup.html", {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "next": request.GET.get("next", ""),
    }, status=form_status(form))


@transaction.atomic
def _prove_address(request):
    """Before a password-only session sets up an authenticator: a code emailed to the account's address."""
    user = request.user
    form = EmailCodeForm(request.POST if request.method == "POST" and "resend" not in request.POST else None)
    if request.method == "POST" and "resend" in request.POST:
        problem = enrolment.send_code(request.session, user, force=True)
        messages.info(request, problem or "We have sent a new code.")
    elif request.method == "POST" and form.is_valid():
        problem = enrolment.check_code(request.session, user, form.token)
        if problem is None:
            security_log.event("two-factor-enrolment-proved", request, outcome="success")
            return redirect(reverse("partnership:two-factor-setup") + (
                f"?next={quote(request.POST.get('next', ''))}" if request.POST.get("next") else ""))
        form.add_error("code", problem)
        security_log.event("two-factor-enrolment-proved", request, outcome="failure")
    elif request.method == "GET":
        enrolment.send_code(request.session, user)
    return render(request, "registration/two_factor_prove.html", {
        "form": form, "email": user.email, "next": request.GET.get("next") or request.POST.get("next", "")},
        status=200)


@form_view(TOTPCodeForm)
def two_factor_verify(request):
    if not user_has_device(request.user):
        return redirect("partnership:two-factor-setup")
    if request.user.is_verified():
        return redirect(_safe_next(request))
    form = TOTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for device in enrolment.locked_devices(request.user):
                allowed, _ = device.verify_is_allowed()
                if not allowed:
                    form.add_error("code", "Too many wrong codes. Wait a minute, then try again")
                    break
                if device.verify_token(form.token):
                    otp_login(request, device)
                    return redirect(_safe_next(request))
            else:
                form.add_error("code", "The code is not right. Enter the newest code from your authenticator app")
        security_log.event("two-factor", request, outcome="failure")
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": request.GET.get("next", "")},
                  status=form_status(form))


urlpatterns = [
    path("sign-in/", SignInView.as_view(), name="sign-in"),
    path("sign-out/", sign_out, name="sign-out"),
    path("sign-in/work-account/callback/", work_account_callback, name="work-account-callback"),
    path("session/keep-alive/", session_keep_alive, name="session-keep-alive"),
    path("session/kept/", session_kept, name="session-kept"),
    path("password-reset/", password_reset_request, name="password-reset"),
    path("password-reset/<uidb64>/<token>/", PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("password-reset/done/", PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("invitation/<uidb64>/<token>/", InvitationAcceptView.as_view(), name="invitation-accept"),
    path("two-factor/set-up/", two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", two_factor_verify, name="two-factor-verify"),
]
