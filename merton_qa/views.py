"""Pages of the composition root: the home dashboard, health, and the error pages."""
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

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


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
