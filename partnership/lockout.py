"""Sign-in lockout, the rules in one place (django-axes counts the failures; settings point here).

- A username is counted as signing in matches it: lower-case, without the spaces around it (`username`), so
  "Lead@Police.example" and "lead@police.example " are one account's failures, not two.
- An account is locked **from one address** after `AXES_FAILURE_LIMIT` failures there (the username and
  address pair): failures from elsewhere never lock its owner out.
- An address is locked for every account after `SIGN_IN_ADDRESS_FAILURE_LIMIT` failures from it (higher: one
  office's shared address holds many people), which stops one machine guessing across many accounts.
- A successful sign-in clears the failures of that account only (never those of other accounts tried from
  the same address).
The lockout page (429) is `registration/locked_out.html`.
"""
from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the typed username as signing in matches it."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "POST", {}).get(field)
    return value.strip().lower() if isinstance(value, str) else value


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler, counting as the module docstring says."""

    def get_failures(self, request, credentials=None) -> int:
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request),
                                              ip_address=request.axes_ip_address)
        pair = _failures(recent.filter(username=get_client_username(request, credentials)))
        if _failures(recent) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
            return max(pair, get_failure_limit(request, credentials))  # the address is locked, whoever it is
        return pair

    def reset_user_attempts(self, request, credentials=None) -> int:
        count, _ = AccessAttempt.objects.filter(username=get_client_username(request, credentials)).delete()
        return count
