"""Invitations, password resets and account changes. Emails leave through the outbox."""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from partnership import access, history
from partnership.links import site_link
from partnership.models import EmailMessage, Role, User, UserRole

from ..work_email import require_work_email
from .errors import ServiceError
from .outbox import enqueue_email, enqueue_task


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Invitation links are signed with their own salt: a password-reset token is not an invitation token."""

    key_salt = "merton_qa.partnership.InvitationTokenGenerator"


invitation_token_generator = InvitationTokenGenerator()
TOKEN_GENERATORS = {"partnership:invitation-accept": invitation_token_generator,
                    "partnership:password-reset-confirm": default_token_generator}


def _one_time_link(user: User, route: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = TOKEN_GENERATORS[route].make_token(user)
    return site_link(reverse(route, args=[uid, token]))


@transaction.atomic
def user_invite(
    *, by: User, email: str, full_name: str, agency, roles: list[str], job_title: str = ""
) -> User:
    """Create the account (no usable password) and email a one-time link to set one."""
    if not access.can_invite_users(by):
        raise ServiceError("Only the business unit can invite people.")
    email = email.strip().lower()
    require_work_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ServiceError("Someone with this email address already has an account.", field="email")
    invalid = set(roles) - set(Role.values)
    if invalid or not roles:
        raise ServiceError("Choose at least one role.", field="roles")
    user = User.objects.create_user(
        email=email, full_name=full_name.strip(), job_title=job_title.strip(), agency=agency,
        invited_by=by, invited_at=timezone.now(),
    )
    history.bulk_create([UserRole(user=user, role=r) for r in sorted(set(roles))], user=by)
    _send_invitation(user, by=by)
    return user


@transaction.atomic
def user_reinvite(*, by: User, user: User) -> None:
    if not access.can_invite_users(by):
        raise ServiceError("Only the business unit can invite people.")
    if user.has_usable_password():
        raise ServiceError("This person has already accepted their invitation.")
    user.invited_at = timezone.now()
    user.save(update_fields=["invited_at"])
    _send_invitation(user, by=by)


def _send_invitation(user: User, *, by: User) -> None:
    link = _one_time_link(user, "partnership:invitation-accept")
    enqueue_email(
        to=user.email,
        subject=f"You have been invited to {settings.SERVICE_NAME}",
        template="invitation",
        context={"user": user, "invited_by": by, "link": link,
                 "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400},
        key=f"invitation:{user.pk}:{user.invited_at.isoformat()}",
    )


RESET_INTERVAL = timedelta(minutes=15)  # at most one reset email per account in this time


@transaction.atomic
def password_reset_request(*, email: str, address: str) -> None:
    """Someone asks for a reset link. The request does the same work whatever was typed (an account or not:
    same answer, same timing): it queues `password_reset_send`, which looks the address up. At most
    settings.PASSWORD_RESET_ADDRESS_LIMIT requests from one client address per RESET_INTERVAL are queued;
    the rest are dropped, with the same answer."""
    if _reset_requests_from(address) > settings.PASSWORD_RESET_ADDRESS_LIMIT:
        return
    enqueue_task("partnership.password_reset_send", email=email.strip().lower())


def _reset_requests_from(address: str) -> int:
    """This request's number among the reset requests from `address` in the current interval."""
    key = f"password-reset-from:{address}"
    try:
        cache.add(key, 0, timeout=int(RESET_INTERVAL.total_seconds()))
        return cache.incr(key)
    except Exception:  # noqa: BLE001 - the cache down: the per-account limit still holds
        return 0


@transaction.atomic
def password_reset_send(*, email: str) -> None:
    """The task behind a reset request: email a link if the address has an active account and no reset email
    went to it in the last RESET_INTERVAL. Says nothing either way."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    if EmailMessage.objects.filter(key__startswith=f"password-reset:{user.pk}:",
                                   created_at__gte=timezone.now() - RESET_INTERVAL).exists():
        return
    link = _one_time_link(user, "partnership:password-reset-confirm")
    enqueue_email(
        to=user.email,
        subject=f"Reset your password for {settings.SERVICE_NAME}",
        template="password_reset",
        context={"user": user, "link": link, "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400},
        key=f"password-reset:{user.pk}:{timezone.now().isoformat()}",
    )


@transaction.atomic
def user_set_password(*, user: User, password: str) -> User:
    """Accepting an invitation or resetting: the token becomes invalid as the password changes."""
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def user_deactivate(*, by: User, user: User) -> None:
    if not access.is_business_unit(by):
        raise ServiceError("Only the business unit can close accounts.")
    if user.pk == by.pk:
        raise ServiceError("You cannot close your own account.")
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


@transaction.atomic
def reminders_preference_set(*, user, optional_reminders: bool) -> None:
    """Switch the daily reminders of non-statutory things on or off. Statutory clocks are always sent."""
    User.objects.filter(pk=user.pk).update(optional_reminders=optional_reminders)
    user.optional_reminders = optional_reminders
