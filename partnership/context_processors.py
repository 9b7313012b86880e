from django.conf import settings


def service(request):
    """The partnership's names (settings, so another partnership adopts the product unchanged)."""
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "PARTNERSHIP_NAME": settings.PARTNERSHIP_NAME,
        "PARTNERSHIP_SHORT_NAME": settings.PARTNERSHIP_SHORT_NAME,
        "LOCAL_AUTHORITY_AREA": settings.LOCAL_AUTHORITY_AREA,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
    }
