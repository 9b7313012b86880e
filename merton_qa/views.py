"""Pages of the composition root: the home dashboard, health, and the error pages."""
import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.views.generic import RedirectView

from partnership import security_log
from partnership.uploads import MAX_UPLOAD_BYTES

from . import dashboard

log = logging.getLogger(__name__)


@login_required
def home(request):
    """What needs me now."""
    return render(request, "home.html", dashboard.for_user(request.user))


def healthz(request):
    """Liveness and readiness: database and broker. 503 when the database is down."""
    status = {"database": "ok", "broker": "not configured"}
    code = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001
        log.error("health check: database unavailable", extra={"error": str(exc)})
        status["database"] = "unavailable"
        code = 503
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
            status["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            log.warning("health check: broker unavailable", extra={"error": str(exc)})
            status["broker"] = "unavailable"
    status["status"] = "ok" if code == 200 else "unavailable"
    return JsonResponse(status, status=code)


def bad_request(request, exception=None):
    """400 in the house style. A request over the size limit (`RequestDataTooBig`, raised before any of it is read:
    `partnership.uploads`) says the file is too large and what the limit is; its text cannot be kept here, but the
    in-place saves keep it in the page (static/js/htmx-govuk.js shows this page's message beside the form)."""
    too_big = isinstance(exception, RequestDataTooBig)
    return render(request, "errors/400.html", {"too_big": too_big, "file_limit": f"{MAX_UPLOAD_BYTES // 2**20} MB"},
                  status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    """A generic page with a reference that is also logged (with the trace), never the trace itself.

    The database being down is not a fault of the request: 503 with Retry-After and the GOV.UK "service
    unavailable" page, rendered without anything that needs a query.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        log.error("database unavailable", extra={"path": request.path[:300]})
        request.user = AnonymousUser()  # so later middleware does not ask the database who this is
        response = HttpResponse(render_to_string("errors/503.html", _plain_context()), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    reference = security_log.error_reference()
    log.error("server error", exc_info=error is not None, extra={"reference": reference, "path": request.path[:300]})
    try:
        return render(request, "errors/500.html", {"reference": reference}, status=500)
    except Exception:  # noqa: BLE001 - the page itself failed: the same words without the navigation
        log.exception("server error page failed", extra={"reference": reference})
        return HttpResponseServerError(render_to_string("errors/500_plain.html", {**_plain_context(),
                                                                                  "reference": reference}))


RETRY_AFTER_SECONDS = 60


def _plain_context() -> dict:
    return {"SERVICE_NAME": settings.SERVICE_NAME, "SUPPORT_EMAIL": settings.SUPPORT_EMAIL}


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    # The admin signs in through the service's own sign-in (lockout and two-factor apply there); before admin/.
    path("admin/login/", RedirectView.as_view(pattern_name="partnership:sign-in", query_string=True)),
]
