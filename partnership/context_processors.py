from django.conf import settings

from partnership.middleware import duration_text


def service(request):
    """The partnership's names (settings, so another partnership adopts the product unchanged)."""
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "PARTNERSHIP_NAME": settings.PARTNERSHIP_NAME,
        "PARTNERSHIP_SHORT_NAME": settings.PARTNERSHIP_SHORT_NAME,
        "LOCAL_AUTHORITY_AREA": settings.LOCAL_AUTHORITY_AREA,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
    }


def session_timeout(request):
    """The signed-in session's timing for the timeout warning (set by partnership.middleware)."""
    timing = getattr(request, "session_timeout", None)
    if timing is None:
        return {}
    warning = settings.SESSION_TIMEOUT_WARNING
    return {"session_timeout": {
        **timing, "warning_seconds": warning, "max_hours": settings.SESSION_COOKIE_AGE // 3600,
        "warning_text": duration_text(warning),
    }}
