"""The benchmark's fair peer (`make bench` only, never the product): a second admin site whose changelists are
configured as a careful Django developer would for the rows each list page shows, the same columns (the nearest
model field or relation for each), `list_select_related` for every relation shown, 100 rows a page, no filters,
search or date hierarchy (the pages' own filters are not counted either). The product's admin is left as it is.

The benchmark serves it under /bench-admin/ by pointing ROOT_URLCONF at this module (which includes the service's
own URLs unchanged), so the changelists run through the same middleware, session and templates as /admin/.
"""
from django.contrib import admin
from django.urls import include, path

from audits.models import AgencyAudit, Audit
from learning.models import Booking, Session
from partnership.models import Action, Agency, Duty, Meeting, Priority, Subgroup
from performance.models import DataReturn, Indicator
from reviews.models import Notification, RapidReview
from section11.models import Return

site = admin.AdminSite(name="bench_admin")


def peer(model, columns: list[str], related: list[str] = (), ordering: list[str] | None = None):
    """A changelist of `model` showing `columns`, following `related` in the one query, 100 rows a page."""
    attrs = {"list_display": columns, "list_select_related": list(related), "list_per_page": 100,
             "show_full_result_count": False,
             # the page's own rows (one cycle's returns, one audit's agency audits) chosen in the query string
             "lookup_allowed": lambda self, lookup, value, request=None: True}
    if ordering:
        attrs["ordering"] = ordering
    site.register(model, type(f"Bench{model.__name__}Admin", (admin.ModelAdmin,), attrs))


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
peer(Agency, ["name", "short_name", "sector", "statutory_partner", "section11_duty", "active"], [], ["name"])
peer(Priority, ["title", "code", "start_date", "end_date", "order"], [], ["order", "title"])
peer(Duty, ["title", "reference", "check_name", "last_done_on", "active"], [], ["order"])
peer(Subgroup, ["name", "kind", "scorecard_priority", "active"], ["scorecard_priority"], ["name"])
peer(Meeting, ["subgroup", "starts_at", "place", "status"], ["subgroup"], ["-starts_at"])

urlpatterns = [
    path("bench-admin/", site.urls),
    path("", include("merton_qa.urls")),
]
