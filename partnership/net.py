"""The client's address, in one place: behind `PROXY_COUNT` trusted proxies (the load balancer), the address
the nearest trusted proxy saw; otherwise the socket's. Used by rate limits and audit logs alike."""
from django.conf import settings


def client_ip(request) -> str | None:
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
