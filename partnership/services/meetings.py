"""Subgroup meetings: the forward plan, the agenda, papers, attendance, minutes and decisions.

The business unit runs them (`access.can_manage_meetings`). Members are told by email when a meeting is moved or
cancelled, and a person is told at once when a decision lands on them as a tracker action.
"""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from partnership import access, history, selectors
from partnership.contract import AgendaSuggestion, SystemPaper
from partnership.dates import day_words
from partnership.history import save_versioned
from partnership.models import (
    Action,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Membership,
    Paper,
    Subgroup,
)
from partnership.snapshots import state_at
from partnership.uploads import UploadRefused, check_upload, random_name, sha256_of

from . import actions as action_services
from .errors import ServiceError
from .outbox import enqueue_email

UP, DOWN = "up", "down"


def _require_manager(by) -> None:
    if not access.can_manage_meetings(by):
        raise ServiceError("Only the business unit can change meetings.")


def _require_open(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError("This meeting has been cancelled.")


def current_members(subgroup, day: datetime.date):
    return (Membership.objects.filter(subgroup=subgroup, start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
            .select_related("person", "agency", "deputy").order_by("agency__name", "person__full_name"))


# --- The forward plan


@transaction.atomic
def meeting_create(*, subgroup, starts_at: datetime.datetime, by, place: str = "", joining_link: str = "") -> Meeting:
    _require_manager(by)
    if not subgroup.active:
        raise ServiceError("This subgroup no longer meets.")
    if not (place or joining_link):
        raise ServiceError("Give a place or a joining link.", field="place")
    meeting = Meeting(subgroup=subgroup, starts_at=starts_at, place=place, joining_link=joining_link, created_by=by)
    meeting._history_user = by
    meeting.save()
    carry_over(meeting)
    return meeting


def carry_over(meeting: Meeting) -> list[AgendaItem]:
    """Put the previous held meeting's unfinished items on this one's agenda (once each)."""
    previous = (Meeting.objects.filter(subgroup_id=meeting.subgroup_id, status=Meeting.Status.HELD,
                                       starts_at__lt=meeting.starts_at).order_by("-starts_at").first())
    if previous is None:
        return []
    made = []
    for item in previous.items.filter(finished=False):
        key = f"carried:{item.pk}"
        if not meeting.items.filter(source_key=key).exists():
            made.append(_add_item(meeting, title=item.title, kind="Carried over", source_key=key, url=item.url,
                                  detail=f"Not finished on {day_words(timezone.localtime(previous.starts_at))}",
                                  presenter=item.presenter, carried_over_from=item))
    return made


@transaction.atomic
def meeting_update(*, meeting: Meeting, by, expected_version: int, starts_at, place: str, joining_link: str) -> Meeting:
    """Change the date, place or link; members are told when the meeting moves."""
    _require_manager(by)
    _require_open(meeting)
    if not (place or joining_link):
        raise ServiceError("Give a place or a joining link.", field="place")
    moved = (starts_at != meeting.starts_at or place != meeting.place or joining_link != meeting.joining_link)
    meeting.starts_at, meeting.place, meeting.joining_link = starts_at, place, joining_link
    save_versioned(meeting, expected_version=expected_version, fields=["starts_at", "place", "joining_link"], by=by)
    if moved and meeting.status == Meeting.Status.PLANNED:
        _tell_members(meeting, "moved", f"Meeting moved: {meeting.subgroup}")
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by, expected_version: int, reason: str) -> Meeting:
    _require_manager(by)
    if meeting.status != Meeting.Status.PLANNED:
        raise ServiceError("Only a planned meeting can be cancelled.")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Say why the meeting is cancelled.", field="reason")
    meeting.status, meeting.cancelled_reason = Meeting.Status.CANCELLED, reason
    save_versioned(meeting, expected_version=expected_version, fields=["status", "cancelled_reason"], by=by)
    _tell_members(meeting, "cancelled", f"Meeting cancelled: {meeting.subgroup}")
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by, expected_version: int) -> Meeting:
    _require_manager(by)
    if meeting.status != Meeting.Status.PLANNED:
        raise ServiceError("Only a planned meeting can be marked as held.")
    if meeting.starts_at > timezone.now():
        raise ServiceError("A meeting can be marked as held once it has started.")
    meeting.status = Meeting.Status.HELD
    save_versioned(meeting, expected_version=expected_version, fields=["status"], by=by)
    return meeting


def _tell_members(meeting: Meeting, what: str, subject: str) -> None:
    day = timezone.localdate(meeting.starts_at)
    people = {}
    for membership in current_members(meeting.subgroup, day):
        for person in (membership.person, membership.deputy):
            if person is not None and person.is_active and person.email:
                people[person.pk] = person
    link = settings.SITE_URL + meeting.get_absolute_url()
    stamp = f"{meeting.version}"
    for person in people.values():
        enqueue_email(to=person.email, subject=subject, template=f"meeting_{what}",
                      key=f"meeting-{what}:{meeting.pk}:{stamp}:{person.pk}",
                      context={"person": person, "meeting": meeting, "link": link})


# --- The agenda


def _add_item(meeting: Meeting, **fields) -> AgendaItem:
    last = meeting.items.aggregate(last=Max("order"))["last"]
    item = AgendaItem(meeting=meeting, order=(last or 0) + 1, **fields)
    item.save()
    return item


@transaction.atomic
def agenda_add(*, meeting: Meeting, by, title: str, kind: str = "", presenter: str = "", url: str = "",
               detail: str = "", source_key: str = "") -> AgendaItem:
    _require_manager(by)
    _require_open(meeting)
    title = (title or "").strip()
    if not title:
        raise ServiceError("Enter the item's title.", field="title")
    if source_key and meeting.items.filter(source_key=source_key).exists():
        raise ServiceError("That item is already on the agenda.")
    return _add_item(meeting, title=title[:300], kind=kind[:60], presenter=presenter[:150], url=url[:500],
                     detail=detail[:500], source_key=source_key[:120])


def agenda_add_suggestion(*, meeting: Meeting, by, suggestion: AgendaSuggestion) -> AgendaItem:
    return agenda_add(meeting=meeting, by=by, title=suggestion.title, kind=suggestion.kind, url=suggestion.url,
                      detail=suggestion.detail, source_key=suggestion.key)


@transaction.atomic
def agenda_move(*, item: AgendaItem, by, direction: str) -> None:
    """Swap the item with its neighbour above or below."""
    _require_manager(by)
    items = list(AgendaItem.objects.select_for_update().filter(meeting_id=item.meeting_id).order_by("order", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other = index - 1 if direction == UP else index + 1 if direction == DOWN else None
    if other is None or not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, row in enumerate(items, start=1):
        if row.order != position:
            row.order = position
            row.save(update_fields=["order"])


@transaction.atomic
def agenda_remove(*, item: AgendaItem, by) -> None:
    _require_manager(by)
    if item.decisions.exists():
        raise ServiceError("This item has decisions recorded against it, so it stays on the agenda.")
    history.update(AgendaItem.objects.filter(carried_over_from=item), user=by, carried_over_from=None)
    item.delete()


@transaction.atomic
def item_minutes(*, item: AgendaItem, by, minutes: str, finished: bool, presenter: str = "") -> AgendaItem:
    _require_manager(by)
    item.minutes, item.finished, item.presenter = (minutes or "").strip(), finished, (presenter or "").strip()
    item.save(update_fields=["minutes", "finished", "presenter"])
    return item


# --- Papers


@transaction.atomic
def paper_attach(*, meeting: Meeting, by, paper: SystemPaper) -> Paper:
    _require_manager(by)
    _require_open(meeting)
    if meeting.papers.filter(system_key=paper.key).exists():
        raise ServiceError("That paper is already attached.", field="paper")
    return Paper.objects.create(meeting=meeting, title=paper.title[:300], system_key=paper.key[:120],
                                url=paper.url[:500], added_by=by)


@transaction.atomic
def paper_upload(*, meeting: Meeting, by, upload, title: str = "") -> Paper:
    _require_manager(by)
    _require_open(meeting)
    try:
        kind = check_upload(upload)
    except UploadRefused as refused:
        raise ServiceError(str(refused), field="file") from refused
    name = random_name(kind)
    original = (upload.name or name)[:200]
    paper = Paper(meeting=meeting, title=((title or "").strip() or original)[:300], stored_name=name,
                  original_name=original, content_type=kind.content_type, size=upload.size,
                  sha256=sha256_of(upload), added_by=by)
    paper.file.save(name, upload, save=False)
    paper.save()
    return paper


@transaction.atomic
def paper_remove(*, paper: Paper, by) -> None:
    _require_manager(by)
    name, storage = (paper.file.name, paper.file.storage) if paper.file else ("", None)
    paper.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Attendance, minutes and decisions


@transaction.atomic
def attendance_record(*, meeting: Meeting, by, rows: list[tuple[Membership, str, str]]) -> list[Attendance]:
    """One row per member: (membership, status, deputy's name). Replaces what was recorded for those members."""
    _require_manager(by)
    _require_open(meeting)
    if meeting.starts_at > timezone.now():
        raise ServiceError("Attendance is recorded once the meeting has started.")
    existing = {a.person_id: a for a in meeting.attendance.all()}
    saved = []
    for membership, status, deputy_name in rows:
        if membership.subgroup_id != meeting.subgroup_id:
            raise ServiceError("That person is not a member of this subgroup.")
        if status not in Attendance.Status.values:
            raise ServiceError(f"Choose whether {membership.person} attended.", field=f"m{membership.pk}")
        deputy_name = (deputy_name or "").strip()
        if status == Attendance.Status.DEPUTY and not deputy_name:
            deputy_name = membership.deputy.full_name if membership.deputy else ""
            if not deputy_name:
                raise ServiceError(f"Give the name of the deputy who attended for {membership.person}.",
                                   field=f"m{membership.pk}_deputy")
        row = existing.get(membership.person_id) or Attendance(meeting=meeting, person_id=membership.person_id)
        row.membership, row.agency_id, row.status = membership, membership.agency_id, status
        row.deputy_name = deputy_name if status == Attendance.Status.DEPUTY else ""
        row.save()
        saved.append(row)
    return saved


@transaction.atomic
def decision_record(*, meeting: Meeting, by, text: str, item: AgendaItem | None = None, needs_action: bool = False,
                    action_title: str = "", owner_agency=None, owner=None, due_date=None,
                    tell: bool = True) -> Decision:
    """Record a decision; one that needs doing becomes a tracker action (the meeting is its source) and its owner
    (or, with no named owner, the owning agency's leads) is told at once (`tell`: off only for the demo's past,
    when they were told at the time)."""
    _require_manager(by)
    _require_open(meeting)
    text = (text or "").strip()
    if not text:
        raise ServiceError("Enter the decision.", field="text")
    if item is not None and item.meeting_id != meeting.pk:
        raise ServiceError("That item is not on this meeting's agenda.", field="item")
    decision = Decision(meeting=meeting, item=item, text=text, needs_action=needs_action, recorded_by=by)
    if needs_action:
        if owner_agency is None:
            raise ServiceError("Choose the agency that owns the action.", field="owner_agency")
        if due_date is None:
            raise ServiceError("Enter the date the action is due.", field="due_date")
        if due_date < timezone.localdate(meeting.starts_at):
            raise ServiceError("The action cannot be due before the meeting.", field="due_date")
        title = (action_title or "").strip() or text.split("\n")[0][:200]
        action = action_services.action_create(
            by=by, title=title[:200], owner_agency=owner_agency, owner=owner, due_date=due_date,
            description=f"Agreed at {meeting}: {text}", source=meeting, status=Action.Status.AGREED,
            priority=_priority_of(meeting))
        decision.action = action
        if tell:
            _tell_action_owner(action, meeting)
    decision.save()
    return decision


def _priority_of(meeting: Meeting):
    """A thematic subgroup with one priority tags its actions to it."""
    priorities = list(meeting.subgroup.priorities.all()[:2])
    return priorities[0] if len(priorities) == 1 else None


def _tell_action_owner(action: Action, meeting: Meeting) -> None:
    if action.owner is not None:
        people = [action.owner]
    else:
        people = list(selectors.agency_leads([action.owner_agency_id]))
    link = settings.SITE_URL + action.get_absolute_url()
    for person in people:
        if person.email:
            enqueue_email(to=person.email, subject=f"An action for you from {meeting.subgroup}",
                          template="meeting_action", key=f"meeting-action:{action.pk}:{person.pk}",
                          context={"person": person, "action": action, "meeting": meeting, "link": link})


# --- Attendance as a measure of engagement


@dataclass(frozen=True)
class AttendanceRate:
    expected: int  # member-places at held meetings in the period
    attended: int  # of them, present or represented by a deputy

    @property
    def rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)


def _held_between(period, at):
    """The ids of the meetings held in `period` (its `start` and `end` dates), as the records stood at `at` (now
    when None), as a subquery."""
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=timezone.get_current_timezone())
    end = datetime.datetime.combine(period.end, datetime.time.max, tzinfo=timezone.get_current_timezone())
    return (state_at(Meeting, at).filter(status=Meeting.Status.HELD, starts_at__gte=start, starts_at__lte=end)
            .values("id"))


def attendance_rates(agencies, period, *, at=None) -> dict[int, AttendanceRate]:
    """{agency_id: AttendanceRate} over the meetings held in `period` (anything with `start` and `end` dates, such as
    a ReportPeriod): every attendance row recorded for the agency's members, present or deputy counting as
    attended. Read now, or as the records stood at `at` (a report's moment). One query, whatever the number of
    agencies; an agency with no recorded place is absent."""
    ids = [a.pk if hasattr(a, "pk") else a for a in agencies]
    rows = (state_at(Attendance, at).filter(agency_id__in=ids, meeting_id__in=_held_between(period, at))
            .values("agency_id")
            .annotate(expected=Count("pk"), attended=Count("pk", filter=Q(status__in=Attendance.ATTENDED)))
            .order_by())
    return {row["agency_id"]: AttendanceRate(row["expected"], row["attended"]) for row in rows}


@dataclass(frozen=True)
class SubgroupYear:
    """What one subgroup's meetings held in a period came to."""

    subgroup: str
    held: int
    decisions: int
    actions: int  # of the decisions, those turned into tracker actions
    attendance: AttendanceRate


def meetings_held(period, *, at=None) -> list[SubgroupYear]:
    """Per subgroup that met: the meetings held in `period`, the decisions made at them, how many of those became
    tracker actions, and the attendance rate (present or deputy over member places). As the records stood at `at`
    (a report's moment; now when None); four queries whatever the number of meetings."""
    held = [row["id"] for row in _held_between(period, at)]
    if not held:
        return []
    meetings = dict(state_at(Meeting, at).filter(id__in=held).values_list("id", "subgroup_id"))
    counts: dict[int, dict] = {}
    for subgroup_id in meetings.values():
        counts.setdefault(subgroup_id, {"held": 0, "decisions": 0, "actions": 0, "expected": 0, "attended": 0})
    for meeting_id in held:
        counts[meetings[meeting_id]]["held"] += 1
    for meeting_id, action_id in state_at(Decision, at).filter(meeting_id__in=held).values_list("meeting_id",
                                                                                                 "action_id"):
        counts[meetings[meeting_id]]["decisions"] += 1
        counts[meetings[meeting_id]]["actions"] += action_id is not None
    for meeting_id, status in state_at(Attendance, at).filter(meeting_id__in=held).values_list("meeting_id", "status"):
        counts[meetings[meeting_id]]["expected"] += 1
        counts[meetings[meeting_id]]["attended"] += status in Attendance.ATTENDED
    names = dict(Subgroup.objects.filter(pk__in=list(counts)).values_list("pk", "name"))  # reference data: now
    return sorted((SubgroupYear(names.get(pk, "A subgroup no longer recorded"), c["held"], c["decisions"],
                                c["actions"], AttendanceRate(c["expected"], c["attended"]))
                   for pk, c in counts.items()), key=lambda s: s.subgroup)
