"""The benchmark's fair peer (`make bench` only, never the product): a second admin site whose changelists are
configured as a careful Django developer would for the rows each list page shows, the same columns (the nearest
model field or relation for each), `list_select_related` for every relation shown, 100 rows a page, no filters,
search or date hierarchy (the pages' own filters are not counted either). The product's admin is left as it is.

Where a page shows facts about each row that live in other tables (counts of open and overdue actions, records
tagged to a priority, returns on time), the changelist shows the nearest columns a careful developer would add:
a count for each, annotated in `get_queryset` as one correlated subquery per column (no join that multiplies
rows, no query per row). Each added column stands for a column or line the page really shows:

- Priorities (`/priorities/`: each priority's progress tag and its sentence naming the sources that show progress,
  from indicators, audits, Section 11 standards, training, review learning and actions) -> the priority
  changelist: title, code, description, start and end dates, and per source the records tagged to the priority:
  active indicators, audits, courses, Section 11 criteria and review recommendations tagged with one of its
  journey stages, actions, and open actions overdue.
- Agencies' accountability (`/agencies/`: each agency's engagement judged from its profile's lines, the lines of
  most concern, its open escalations) and one agency's profile (`/agencies/<pk>/`, the same lines for one
  agency) -> the agency changelist (for the profile, of that agency alone), a column per heading of the profile:
  Section 11 returns not yet made, data returns due in the twelve months and those overdue and not in, agency
  audits not submitted, agency summaries not submitted, training places used in the twelve months, open actions
  and open actions overdue, partnership meetings attended in the twelve months, and open escalations.
- Statutory duties (`/duties/`: each duty's title, status, the rule, the statute and the records behind it) ->
  the duty changelist with the rule as a column. A duty's status and records are read by the rule it names from
  whichever app's records it concerns (notifications, rapid reviews, cycles, the yearly report): no relation an
  annotation could follow, so the changelist shows the duty's own fields only.
- A priority's page (`/priorities/<pk>/`) lists the priority's actions with the action table's columns -> the
  action changelist of that priority (its own columns are already the table's).

The benchmark serves it under /bench-admin/ by pointing ROOT_URLCONF at this module (which includes the service's
own URLs unchanged), so the changelists run through the same middleware, session and templates as /admin/.
"""
import datetime

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import include, path
from django.utils import timezone

from audits.models import AgencyAudit, Audit
from learning.models import Booking, Course, Session
from partnership.models import Action, Agency, Attendance, Duty, Escalation, Meeting, Priority, Subgroup
from performance.models import DataReturn, Indicator
from reviews.models import AgencySummary, Notification, RapidReview
from reviews.models import Recommendation as ReviewRecommendation
from section11.models import Criterion, Return

site = admin.AdminSite(name="bench_admin")


def peer(model, columns: list[str], related: list[str] = (), ordering: list[str] | None = None,
         counts: dict | None = None):
    """A changelist of `model` showing `columns`, following `related` in the one query, 100 rows a page; `counts`
    ({column: (label, function of today -> expression)}) are annotated in get_queryset and shown after them."""
    counts = counts or {}
    attrs = {"list_display": [*columns, *counts], "list_select_related": list(related), "list_per_page": 100,
             "show_full_result_count": False,
             # the page's own rows (one cycle's returns, one audit's agency audits) chosen in the query string
             "lookup_allowed": lambda self, lookup, value, request=None: True}
    if ordering:
        attrs["ordering"] = ordering
    if counts:
        def get_queryset(self, request):
            today = timezone.localdate()
            return admin.ModelAdmin.get_queryset(self, request).annotate(
                **{name: make(today) for name, (_, make) in counts.items()})
        attrs["get_queryset"] = get_queryset
        for name, (label, _) in counts.items():
            attrs[name] = admin.display(description=label, ordering=name)(lambda self, obj, name=name: getattr(obj,
                                                                                                               name))
    site.register(model, type(f"Bench{model.__name__}Admin", (admin.ModelAdmin,), attrs))


def count(queryset, distinct: str = "pk"):
    """How many of `queryset`'s rows (already correlated to the changelist's row with OuterRef): one subquery."""
    rows = (queryset.order_by().annotate(one=Value(1, output_field=IntegerField())).values("one")
            .annotate(n=Count(distinct, distinct=True)).values("n"))
    return Coalesce(Subquery(rows), 0)


YEAR = datetime.timedelta(days=365)  # the profile's twelve months to today


def year_ago(today) -> datetime.date:
    return today - YEAR + datetime.timedelta(days=1)


def tagged(model, field: str):
    """The `model` records tagged with one of the priority's journey stages (through the tags' tables)."""
    stages = Priority.journey_stages.through.objects.filter(priority_id=OuterRef(OuterRef("pk"))).values(
        "journeystage_id")
    return lambda today: count(model.journey_stages.through.objects.filter(journeystage_id__in=stages), field)


PRIORITY_COUNTS = {
    "n_indicators": ("Indicators", lambda today: count(Indicator.objects.filter(priority=OuterRef("pk"), active=True))),
    "n_audits": ("Audits", lambda today: count(Audit.objects.filter(priority=OuterRef("pk")))),
    "n_courses": ("Courses", lambda today: count(Course.priorities.through.objects.filter(priority_id=OuterRef("pk")))),
    "n_criteria": ("Section 11 criteria", tagged(Criterion, "criterion_id")),
    "n_recommendations": ("Review recommendations", tagged(ReviewRecommendation, "recommendation_id")),
    "n_actions": ("Actions", lambda today: count(Action.objects.filter(priority=OuterRef("pk")).exclude(
        status=Action.Status.NOT_ACCEPTED))),
    "n_overdue": ("Open actions overdue", lambda today: count(Action.objects.filter(
        priority=OuterRef("pk"), status__in=Action.OPEN_STATUSES, due_date__lt=today))),
}
AGENCY_COUNTS = {
    "n_s11_not_made": ("Section 11 returns not made", lambda today: count(Return.objects.filter(
        agency=OuterRef("pk"), status__in=Return.EDITABLE))),
    "n_data_due": ("Data returns due", lambda today: count(DataReturn.objects.filter(
        agency=OuterRef("pk"), due_date__gte=year_ago(today), due_date__lt=today))),
    "n_data_overdue": ("Data returns overdue", lambda today: count(DataReturn.objects.filter(
        agency=OuterRef("pk"), due_date__gte=year_ago(today), due_date__lt=today, status__in=DataReturn.EDITABLE))),
    "n_audits_open": ("Agency audits not submitted", lambda today: count(AgencyAudit.objects.filter(
        agency=OuterRef("pk")).exclude(status=AgencyAudit.Status.SUBMITTED))),
    "n_summaries_open": ("Agency summaries not submitted", lambda today: count(AgencySummary.objects.filter(
        agency=OuterRef("pk"), submitted_on__isnull=True))),
    "n_places": ("Training places used", lambda today: count(Booking.objects.filter(
        agency=OuterRef("pk"), attendance=Booking.Attendance.ATTENDED, session__starts_at__gte=timezone.now() - YEAR)
        .exclude(session__status=Session.Status.CANCELLED))),
    "n_open_actions": ("Open actions", lambda today: count(Action.objects.filter(
        owner_agency=OuterRef("pk"), status__in=Action.OPEN_STATUSES))),
    "n_overdue_actions": ("Open actions overdue", lambda today: count(Action.objects.filter(
        owner_agency=OuterRef("pk"), status__in=Action.OPEN_STATUSES, due_date__lt=today))),
    "n_meetings": ("Meetings attended", lambda today: count(Attendance.objects.filter(
        agency=OuterRef("pk"), status__in=Attendance.ATTENDED, meeting__starts_at__gte=timezone.now() - YEAR))),
    "n_escalations": ("Open escalations", lambda today: count(Escalation.objects.filter(
        agency=OuterRef("pk"), status__in=Escalation.OPEN_STATUSES))),
}


# Each list page's columns, as the page shows them (templates/...; see scripts/bench.py's page table).
peer(Action, ["title", "owner_agency", "owner", "source_kind", "due_date", "updated_at", "status"],
     ["owner_agency", "owner"], ["due_date", "pk"])
peer(Return, ["cycle", "agency", "status", "submitted_at", "updated_at"], ["cycle", "agency"], ["cycle", "agency"])
peer(Indicator, ["title", "code", "quadrant", "owner_agency", "priority", "target", "polarity", "frequency"],
     ["owner_agency", "priority"], ["order", "pk"])
peer(DataReturn, ["agency", "period", "due_date", "status", "submitted_at"], ["agency", "period"],
     ["-period__start", "agency"])
peer(Audit, ["theme", "programme", "priority", "status", "planned_month", "agency_audits_due"],
     ["programme", "priority"], ["programme", "planned_month"])
peer(AgencyAudit, ["case", "agency", "status", "auditor", "submitted_at"], ["case", "agency", "auditor"],
     ["case", "agency"])
peer(Notification, ["case_reference", "nature", "became_aware_on", "due_on", "notified_on", "status"],
     [], ["-became_aware_on"])
peer(RapidReview, ["notification", "anchor_on", "due_on", "sent_on", "status"], ["notification"], ["-due_on"])
peer(Session, ["course", "starts_at", "venue", "capacity", "status"], ["course"], ["starts_at"])
peer(Booking, ["name", "session", "agency", "status", "attendance"], ["session__course", "agency"],
     ["-session__starts_at", "name"])
peer(Agency, ["name", "short_name", "sector", "statutory_partner", "section11_duty", "active"], [], ["name"],
     AGENCY_COUNTS)
peer(Priority, ["title", "code", "description", "start_date", "end_date", "order"], [], ["order", "title"],
     PRIORITY_COUNTS)
peer(Duty, ["title", "reference", "rule", "check_name", "last_done_on", "active"], [], ["order"])
peer(Subgroup, ["name", "kind", "scorecard_priority", "active"], ["scorecard_priority"], ["name"])
peer(Meeting, ["subgroup", "starts_at", "place", "status"], ["subgroup"], ["-starts_at"])

urlpatterns = [
    path("bench-admin/", site.urls),
    path("", include("merton_qa.urls")),
]
