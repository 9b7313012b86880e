"""GOV.UK Notify's delivery receipts (docs/email.md).

Notify POSTs each email's status as JSON with `Authorization: Bearer <the token set in Notify's callback
settings>`, which must equal NOTIFY_CALLBACK_TOKEN. No session, so no CSRF token: this is the one view exempt from
the CSRF check, and the bearer token is what authenticates it. Without NOTIFY_CALLBACK_TOKEN it refuses everything.
Rate-limited per client address: a flood of receipts, and guessing at the token (a few refusals an hour), answer
429 before anything is looked up.
"""
import hmac
import json
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from partnership import net, security_log
from partnership.services import notify

log = logging.getLogger(__name__)
MINUTE, HOUR = 60, 3600


def _count(key: str, window: int) -> int:
    """One more under `key` in a fixed window; 0 when the cache is unreachable (receipts are then not refused:
    the token still guards the view, and the scheduled read-back would catch up anyway)."""
    try:
        cache.add(key, 0, window)
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, window)
        return 1
    except Exception:  # noqa: BLE001 - any cache backend error
        log.warning("notify callback rate limit unavailable: cache error", exc_info=True)
        return 0


def _too_many(address: str) -> bool:
    refused = cache.get(f"notify:callback:refused:{address}", 0)
    return (refused >= settings.NOTIFY_CALLBACK_REFUSALS_LIMIT
            or _count(f"notify:callback:{address}", MINUTE) > settings.NOTIFY_CALLBACK_RATE_LIMIT)


def _authorised(request) -> bool:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(expected) and hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())


@csrf_exempt  # authenticated by Notify's bearer token, not a session (see the module's docstring)
@require_POST
def notify_callback(request):
    address = net.client_ip(request) or "unknown"
    if _too_many(address):
        return HttpResponse("Too many requests", status=429, content_type="text/plain", headers={"Retry-After": "60"})
    if not _authorised(request):
        _count(f"notify:callback:refused:{address}", HOUR)
        security_log.event("notify_callback", request, outcome="refused")
        return HttpResponse("Unauthorised", status=401, content_type="text/plain",
                            headers={"WWW-Authenticate": 'Bearer realm="notify-callback"'})
    try:
        receipt = json.loads(request.body)
        notify_id, status = str(receipt["id"])[:36], str(receipt["status"])
    except (ValueError, TypeError, KeyError):
        return JsonResponse({"error": "Expected Notify's delivery receipt: JSON with id and status"}, status=400)
    completed = receipt.get("completed_at")
    try:
        at = parse_datetime(completed) if isinstance(completed, str) else None
    except ValueError:
        at = None
    notify.delivery_status_record(notify_id=notify_id, status=status, at=at)
    return HttpResponse(status=204)  # the same for an id the service does not know: nothing is revealed


urlpatterns = [
    path("notify/callback/", notify_callback, name="notify-callback"),
]
