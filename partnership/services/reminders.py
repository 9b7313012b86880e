"""The sent-reminder log: a reminder for (person, item, stage, date) is recorded once, ever."""
import datetime
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction

from partnership import selectors
from partnership.models import ReminderLog
from partnership.services.errors import ServiceError


def item_key(obj: models.Model) -> str:
    """The stable key of what a reminder is about: "app_label.model:pk"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def reminder_record(*, person, item: models.Model | str, stage: str, on: datetime.date) -> bool:
    """Record a reminder. Returns False (and records nothing) when it was already sent."""
    key = item if isinstance(item, str) else item_key(item)
    try:
        with transaction.atomic():
            ReminderLog.objects.create(person=person, item=key, stage=stage, date=on)
    except IntegrityError:
        return False
    return True


def leads_to_remind(agency) -> list:
    """The agency's leads (`partnership.selectors.agency_leads`) for a reminder sent now, or the refusal when it has
    none: a reminder with nobody to read it would look sent. The business unit's "remind this agency" in every app."""
    leads = list(selectors.agency_leads([agency.pk]))
    if not leads:
        raise ServiceError(f"{agency} has no agency lead with an account. Invite one first.")
    return leads


def reminder_already_sent(*, person, item: models.Model | str, stage: str, on: datetime.date) -> bool:
    key = item if isinstance(item, str) else item_key(item)
    return ReminderLog.objects.filter(person=person, item=key, stage=stage, date=on).exists()


def last_reminder(item: models.Model | str) -> ReminderLog | None:
    key = item if isinstance(item, str) else item_key(item)
    return ReminderLog.objects.filter(item=key).select_related("person").order_by("-sent_at", "-pk").first()


@dataclass(frozen=True)
class DueItem:
    """One thing due for one person, as each app's `reminders.due_items(person, today)` reports it.

    The daily digest (board reports and reminders issue) gathers these from every app, records each
    (person, key, stage, today) in the ReminderLog and sends one email per person. `title` is plain text
    that may go into an email: a case reference at most, never a child's name or a pseudonym.
    """

    key: str                      # item_key(obj), e.g. "audits.agencyaudit:12"
    stage: str                    # e.g. "due-in-5", "due-today", "overdue"
    title: str                    # "Agency audit for case MA-2026-03 (Neglect audit)"
    url: str                      # a path inside the service, e.g. reverse("audits:agency-audit", ...)
    due: datetime.date | None = None
    statutory: bool = False       # statutory clocks cannot be switched off by the person
    app: str = ""                 # "audits", "reviews", "learning", ... for grouping in the digest


SHORT_TIMETABLE_DAYS = 21


def due_stage(due: datetime.date, today: datetime.date, *, soon_days: int = 7,
              since: datetime.date | None = None) -> str | None:
    """The stage of something due on `due`, seen on `today`: "overdue", "due-today", "due-in-N", or None
    when it is further off than the look-ahead. One rule for every app's `due_items`.

    The look-ahead follows the item's own timetable: `soon_days` calendar days by default; an item given
    `since` (the day it was asked for) with a timetable of three weeks or less is in the digest every day from
    that day, since all of its time is short (a rapid review's summary: nine working days)."""
    if since is not None and (due - since).days <= SHORT_TIMETABLE_DAYS:
        soon_days = max(soon_days, (due - since).days)
    return stage_of((due - today).days, soon_days)


def stage_of(days_left: int, soon_days: int) -> str | None:
    """"overdue", "due-today" or "due-in-N" for something due in `days_left` days (calendar days, or working days
    for a statutory clock), None when that is further off than `soon_days`."""
    if days_left < 0:
        return "overdue"
    if days_left == 0:
        return "due-today"
    if days_left <= soon_days:
        return f"due-in-{days_left}"
    return None


def stage_words(stage: str) -> str:
    """ "due-in-3" -> "due in 3 days", for digests (a prefix such as "queried-" is the item's own words)."""
    for known in ("overdue", "due-today", "due-in-"):
        if known in stage:
            stage = stage[stage.index(known):]
            break
    if stage == "overdue":
        return "overdue"
    if stage == "due-today":
        return "due today"
    if stage.startswith("due-in-"):
        days = stage.removeprefix("due-in-")
        return f"due in {days} day{'' if days == '1' else 's'}"
    return stage.replace("-", " ")


@dataclass(frozen=True)
class Outstanding:
    """One outstanding thing to remind an agency about ("remind all outstanding agencies"): the item the reminder
    log records, the agency's name, its leads, and the app's own one-agency reminder (which returns emails sent)."""

    item: object
    agency: str
    leads: list
    send: object  # () -> int


@dataclass
class RemindAll:
    """What "remind all outstanding agencies" does, or would do: one email per agency lead not reminded today."""

    agencies: int = 0
    people: int = 0
    already_today: int = 0
    without_lead: list = None

    def __post_init__(self):
        self.without_lead = self.without_lead or []


def remind_all(outstanding: list[Outstanding], *, today: datetime.date, send: bool) -> RemindAll:
    """Count (send=False, for the confirmation page) or send (send=True, inside the caller's transaction) a
    reminder to every outstanding agency's leads, through each app's own one-agency reminder: one email per lead
    per day at most, links not text."""
    result = RemindAll()
    keys = {id(entry): entry.item if isinstance(entry.item, str) else item_key(entry.item) for entry in outstanding}
    sent = set(ReminderLog.objects.filter(item__in=set(keys.values()), stage="manual", date=today)
               .values_list("person_id", "item"))  # one query, however many agencies
    for entry in outstanding:
        if not entry.leads:
            result.without_lead.append(entry.agency)
            continue
        fresh = [lead for lead in entry.leads if (lead.pk, keys[id(entry)]) not in sent]
        result.already_today += len(entry.leads) - len(fresh)
        if not fresh:
            continue
        result.agencies += 1
        result.people += entry.send() if send else len(fresh)
    return result
