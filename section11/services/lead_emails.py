"""Who hears about an agency's return, and the one email they get: a link to the return, never its text.

Used by the cycle's launch and reminders (`cycles`) and by sending a return back (`returns`).
"""
from django.conf import settings
from django.urls import reverse

from partnership.links import site_link
from partnership.models import Role, User
from partnership.services.outbox import enqueue_email

from ..models import Return


def leads(agency_ids) -> dict[int, list[User]]:
    result: dict[int, list[User]] = {}
    for user in User.objects.filter(agency_id__in=agency_ids, is_active=True, roles__role=Role.AGENCY_LEAD):
        result.setdefault(user.agency_id, []).append(user)
    return result


def email_lead(ret: Return, lead: User, *, template: str, subject: str, key: str) -> None:
    enqueue_email(
        to=lead.email, subject=subject, template=template, key=key,
        context={"ret": ret, "cycle": ret.cycle, "lead": lead,
                 "link": site_link(reverse("section11:return-detail", args=[ret.pk])),
                 "deadline": ret.cycle.deadline, "PARTNERSHIP_SHORT_NAME": settings.PARTNERSHIP_SHORT_NAME},
    )
