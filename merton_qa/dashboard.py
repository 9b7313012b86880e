"""The home dashboard: "what needs me now", per role, with each app's panel (its contribution's `dashboard_panel`)."""
from django.db.models import Count, Q
from django.utils import timezone

from partnership import access
from partnership.compiled import compiled_list
from partnership.models import Action, Escalation, ReportExport, Role
from partnership.selectors import actions_by_agency, firsts_query, firsts_split
from partnership.services import board_packs

from . import meetings, selectors
from .composition import APPS

SHOWN = 10  # the rows of each action table
MY_MEETINGS = 5  # a member's next meetings shown
MEETING_FIELDS = ("starts_at", "subgroup__name")  # what the panel shows of a meeting (and its pk, for its link)


def action_tables(user, today, *, is_agency_user: bool) -> dict:
    """The home page's open-action tables, each the first SHOWN by due date of the actions `user` may read: their
    own overdue and due in four weeks, their agency's (agency users) and those their meetings gave them or their
    agency. One query for all of them, compiled once per process for the shape of what `user` may read
    (`partnership.compiled`)."""
    scope, _ = access.action_scope(user)  # its agency is the user's, bound here whatever the shape
    agency_id = (user.agency_id,) if user.agency_id else ()
    rows = compiled_list(_action_tables, (scope, is_agency_user),
                         (user.pk, today, today + timezone.timedelta(days=28), *agency_id))
    return firsts_split(rows, _table_names(is_agency_user), SHOWN)


def _table_names(is_agency_user: bool) -> tuple:
    return ("my_overdue", "my_due_soon", "meeting_actions", *(("agency_open",) if is_agency_user else ()))


def _action_tables(scope: tuple, is_agency_user: bool, user_id: int, today, soon, *agency_id: int):
    owned = Q(owner_id=user_id) | (Q(owner_agency_id=agency_id[0]) if agency_id else Q(pk__in=[]))
    conditions = [Q(owner_id=user_id, due_date__lt=today),  # in `_table_names`' order
                  Q(owner_id=user_id, due_date__gte=today, due_date__lte=soon),
                  Q(source_kind="meeting") & owned,
                  *([Q(owner_agency_id=agency_id[0])] if is_agency_user else [])]
    tables = dict(zip(_table_names(is_agency_user), conditions, strict=True))
    visible = access.scoped_actions(scope, *(agency_id if scope[0] == "own" and scope[2] else ()))
    return firsts_query(visible.open().for_table(today), tables, SHOWN)


def for_user(user) -> dict:
    today = timezone.localdate()
    visible = access.visible_actions(user)
    open_q = Q(status__in=Action.OPEN_STATUSES)
    overdue_q = open_q & Q(due_date__lt=today)
    context = {
        "today": today,
        "is_oversight": access.sees_all_actions(user),
        "is_agency_user": user.has_role(Role.AGENCY_LEAD, Role.AGENCY_CONTRIBUTOR) and user.agency_id is not None,
    }
    context.update(action_tables(user, today, is_agency_user=context["is_agency_user"]))
    if context["is_agency_user"]:
        context["agency_counts"] = visible.filter(owner_agency_id=user.agency_id).aggregate(
            open=Count("pk", filter=open_q), overdue=Count("pk", filter=overdue_q),
            awaiting_sign_off=Count("pk", filter=Q(status=Action.Status.COMPLETED)),
        )
    if context["is_oversight"]:
        by_agency = actions_by_agency(today)
        context["totals"] = {name: sum(row[count] for row in by_agency) for name, count in (
            ("open", "open_count"), ("overdue", "overdue_count"), ("awaiting_sign_off", "awaiting_sign_off"),
            ("impact_assured", "impact_assured"))}
        context["overdue_by_agency"] = [row for row in by_agency if row["overdue_count"]][:15]
    context.update(escalations_panel(user, today))
    context.update(meetings_panel(user, today))
    for app in APPS:
        if app.dashboard_panel:
            context.update(app.dashboard_panel(user))
    context["can_request_reports"] = access.can_request_reports(user)
    if context["can_request_reports"]:
        context["latest_pack"] = board_packs.latest_published()
        context["recent_exports"] = compiled_list(_recent_exports, (), (user.pk,))
    return context


def _recent_exports(person_id: int):
    """The reports finished lately that a person who may request reports reads (`access.visible_exports`)."""
    return access.exports_of_report_requester(person_id).filter(status__in=ReportExport.FINISHED)[:5]


def escalations_panel(user, today) -> dict:
    """The escalation ladder for the business unit and the chair: every open escalation, response overdue first.
    An agency's people get a link to their own profile. One query, whatever the number of escalations."""
    context = {"profile_agency_id": user.agency_id if access.can_see_profile(user, user.agency_id or 0) else None,
               "sees_escalations": access.can_manage_escalation(user)}
    if context["sees_escalations"]:
        rows = compiled_list(_open_escalations)
        for row in rows:
            row.response_overdue = row.response_overdue_on(today)
        context["open_escalations"] = sorted(rows, key=lambda e: (not e.response_overdue, -e.stage, e.response_due))
    return context


def _open_escalations():
    return (Escalation.objects.filter(status__in=Escalation.OPEN_STATUSES).select_related("agency")
            .order_by("response_due", "pk")[:20])


def meetings_panel(user, today) -> dict:
    """The business unit: the next meeting and how much is due for its agenda and not on it yet. Members of a
    subgroup: their next meetings (the open actions their meetings gave them or their agency: `action_tables`)."""
    if not access.can_manage_meetings(user):
        return {"my_meetings": list(selectors.meetings_of(user, today).only(*MEETING_FIELDS)[:MY_MEETINGS])}
    meeting, mine = selectors.next_meeting_and_mine(user, today, MY_MEETINGS,
                                                    fields=(*MEETING_FIELDS, "subgroup__kind"))
    result = {"my_meetings": mine}
    if meeting is not None:
        result["next_meeting"] = meeting
        result["next_meeting_due"] = meetings.due_count(meeting, user, today=today)
    return result
