"""Who hears about an agency's return, and the one email they get: a link to the return, never its text.

Used by the cycle's launch and reminders (`cycles`) and by sending a return back (`returns`).
"""
from django.conf import settings
from django.urls import reverse

from partnership import selectors
from partnership.links import site_link
from partnership.models import User
from partnership.services.outbox import enqueue_email

from ..models import Return

leads = selectors.agency_leads_by_agency  # the partnership's one rule: {agency id: its leads}


def email_lead(ret: Return, lead: User, *, template: str, subject: str, key: str) -> None:
    enqueue_email(
        to=lead.email, subject=subject, template=template, key=key,
        context={"ret": ret, "cycle": ret.cycle, "lead": lead,
                 "link": site_link(reverse("section11:return-detail", args=[ret.pk])),
                 "deadline": ret.cycle.deadline, "PARTNERSHIP_SHORT_NAME": settings.PARTNERSHIP_SHORT_NAME},
    )
