"""The composition root's reads of the kernel's records: what its pages (agency profiles and escalations, board
packs, yearly reports, subgroups and meetings) and its home dashboard show, each named once with the
select_related/prefetch its readers need (docs/architecture.md, "Where reads live"). What the apps offer is read
through the contract, never here."""
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.utils import timezone

from partnership.compiled import compiled_list
from partnership.models import Agency, BoardPack, Decision, Escalation, Meeting, Membership, YearlyReport


def agencies_active():
    return Agency.objects.active()


def escalations_open(agencies):
    """The escalations still open for these agencies (the agencies' list counts them)."""
    return Escalation.objects.filter(agency__in=agencies, status__in=Escalation.OPEN_STATUSES)


def escalations():
    """Escalations with their agency and the two stages before them (a letter quotes the ladder so far)."""
    return Escalation.objects.select_related("agency", "previous__previous")


def escalations_closed(agency, limit=10):
    """An agency's closed escalations, latest letter first."""
    return Escalation.objects.filter(agency=agency, status=Escalation.Status.CLOSED).order_by(
        "-letter_date", "-pk")[:limit]


def board_packs():
    """Board packs without their PDF (read only when downloaded)."""
    return BoardPack.objects.defer("pdf")


def board_pack_for_page():
    return board_packs().select_related("approved_by", "published_by")


def board_pack_drafts():
    """The packs not yet published, with who drafted them, latest quarter first."""
    return (board_packs().exclude(status=BoardPack.Status.PUBLISHED).select_related("drafted_by")
            .order_by("-period_code", "-pk"))


def yearly_reports():
    """Yearly reports without their PDF (read only when downloaded)."""
    return YearlyReport.objects.defer("pdf")


def yearly_reports_listed(limit=40):
    """The latest yearly reports with their partners' approvals."""
    return yearly_reports().prefetch_related("approvals").order_by("-start", "-pk")[:limit]


def meetings_upcoming(now=None):
    """The meetings planned from `now` on (this moment if not given)."""
    return Meeting.objects.filter(status=Meeting.Status.PLANNED, starts_at__gte=now or timezone.now())


def _of(person_id, today) -> Q:
    """The meetings of the subgroups the person is a member or deputy of on `today`."""
    subgroups = (Membership.objects.filter(Q(person_id=person_id) | Q(deputy_id=person_id))
                 .filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).values("subgroup_id"))
    return Q(subgroup_id__in=subgroups)


def meetings_of(user, today):
    """The meetings to come of the subgroups `user` is a member or deputy of on `today`, with their subgroup,
    soonest first."""
    return meetings_upcoming().filter(_of(user.pk, today)).select_related("subgroup").order_by("starts_at")


def next_meeting_and_mine(user, today, mine: int, fields=()) -> tuple:
    """(the next meeting of any subgroup, the first `mine` of `meetings_of(user, today)`), each with its subgroup,
    in one query (the business unit's home page), compiled once per process (`partnership.compiled`): each is
    found by a subquery of its own, and the meetings read once, soonest first, each flagged when it is the user's.
    `fields`: only those are read (with the pk)."""
    rows = compiled_list(_next_and_mine, (mine, tuple(fields)), (user.pk, today, timezone.now()))
    return (rows[0] if rows else None), [meeting for meeting in rows if meeting.is_mine][:mine]


def _next_and_mine(mine: int, fields: tuple, person_id: int, today, now):
    upcoming = meetings_upcoming(now).order_by("starts_at", "pk")
    of_user = _of(person_id, today)
    return (Meeting.objects.filter(Q(pk__in=upcoming.values("pk")[:1])
                                   | Q(pk__in=upcoming.filter(of_user).values("pk")[:mine]))
            .annotate(is_mine=ExpressionWrapper(of_user, output_field=BooleanField()))
            .select_related("subgroup").only(*fields).order_by("starts_at", "pk"))


def meeting_items(meeting):
    """A meeting's agenda items, each with its decisions and their actions' owners (the meeting page, the minutes)."""
    return meeting.items.prefetch_related(
        Prefetch("decisions", queryset=Decision.objects.select_related("action__owner_agency", "action__owner")))


def subgroup_members(subgroup):
    """Every membership of `subgroup`, past and present, with the person and agency (the minutes)."""
    return Membership.objects.filter(subgroup=subgroup).select_related("person", "agency")
