"""Request middleware of the shared kernel."""
from django.conf import settings
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from partnership import security_log

# Paths a signed-in person who has not yet passed two-factor sign-in may still reach.
_TWO_FACTOR_OPEN_PREFIXES = ("/static/", "/healthz", "/accessibility/", "/privacy/", "/cookies/")


def needs_second_factor(user) -> bool:
    """A signed-in person must pass TOTP when 2FA is required, or when they have set it up."""
    if not user.is_authenticated or user.is_verified():
        return False
    if settings.REQUIRE_2FA:
        return True
    # Asked by this middleware and again by the navigation: look the device up once per request.
    if not hasattr(user, "_has_otp_device"):
        from django_otp import user_has_device

        user._has_otp_device = user_has_device(user)
    return user._has_otp_device


class TwoFactorRequiredMiddleware:
    """A password-only session reaches nothing but 2FA set-up, verification and sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and needs_second_factor(user):
            allowed = {
                reverse("partnership:two-factor-setup"),
                reverse("partnership:two-factor-verify"),
                reverse("partnership:sign-out"),
            }
            if request.path not in allowed and not request.path.startswith(_TWO_FACTOR_OPEN_PREFIXES):
                from django_otp import user_has_device

                target = "partnership:two-factor-verify" if user_has_device(user) else "partnership:two-factor-setup"
                query = QueryDict(mutable=True)
                query["next"] = request.get_full_path()
                return redirect(f"{reverse(target)}?{query.urlencode(safe='/')}")
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages for signed-in people, and every download (a delegate's certificate too), are never cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/static/"):
            return response
        if "attachment" in response.get("Content-Disposition", "") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store"
        return response


class SecurityEventsMiddleware:
    """Log every refusal (403, 404) and every file download, whichever view or handler produced it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/static/"):
            return response
        match = getattr(request, "resolver_match", None)
        reference = ""
        if match is not None:
            # Only numeric ids: a string in a URL may be a one-time token, which must never be logged.
            args = ",".join(f"{key}={value}" for key, value in sorted(match.kwargs.items()) if isinstance(value, int))
            reference = f"{match.view_name}({args})"
        if response.status_code in (403, 404):
            outcome = "forbidden" if response.status_code == 403 else "not-found"
            security_log.event("access-denied", request, outcome=outcome, reference=reference)
        elif response.status_code == 200 and "attachment" in response.get("Content-Disposition", ""):
            security_log.event("download", request, outcome="success", reference=reference)
        return response
