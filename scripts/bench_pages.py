"""The pages `make bench` measures, each beside its fair peer (scripts/bench_admin.py's changelist of the same model
and rows, or the admin index for a home dashboard). A module of its own so that tests/test_list_pages.py walks the
same list: each list page here shows at most LIST_PAGE_SIZE rows a page, or says in that test why not.

Needs the demo data (`seed_demo`): it names the demo's cycle, programme, people and agencies."""

BU, REVIEWS, TRAINING = "manager@example.org", "reviews@example.org", "training@example.org"
DASHBOARD_PERSONAS = [(BU, "business unit"), ("chair@example.org", "chair"), ("qa@example.org", "QA member"),
                      ("reader@example.org", "reader"), ("lead@police.example.org", "agency lead"),
                      ("contributor@police.example.org", "agency contributor"),
                      ("dsl@wandlevalley.example.org", "school DSL"), (REVIEWS, "reviews member"),
                      (TRAINING, "L&D coordinator")]


def bench_pages() -> list[tuple[str, str, str, str | None]]:
    """(page, persona's email, URL, the peer changelist: model and the same rows' filter; None for a dashboard)."""
    from django.urls import reverse

    from audits.models import Audit, Programme
    from partnership.models import Priority, Subgroup, User
    from section11.models import Cycle

    cycle = Cycle.objects.get(name="Section 11 2026")
    programme = Programme.objects.get(year="2025-26")
    audit = Audit.objects.filter(status=Audit.Status.MEETING).order_by("pk").first()
    priority = Priority.objects.order_by("order", "pk").first()
    subgroup = Subgroup.objects.filter(kind="qa").order_by("pk").first() or Subgroup.objects.order_by("pk").first()
    agency = User.objects.select_related("agency").get(email="lead@police.example.org").agency
    bu, reviews, training = BU, REVIEWS, TRAINING
    pages = [
        ("Actions list", bu, reverse("partnership:action-list"), "partnership/action"),
        ("Section 11 returns (all cycles)", bu, reverse("section11:return-list"), "section11/return"),
        ("Section 11 cycle: returns", bu, reverse("section11:cycle-detail", args=[cycle.pk]),
         f"section11/return/?cycle={cycle.pk}"),
        ("Section 11 cycle analysis", bu, reverse("section11:cycle-analysis", args=[cycle.pk]),
         f"section11/return/?cycle={cycle.pk}"),
        ("Performance scorecard", bu, reverse("performance:scorecard"), "performance/indicator"),
        ("Performance data returns", bu, reverse("performance:data-returns"), "performance/datareturn"),
        ("Audits: programmes", bu, reverse("audits:programme-list"), "audits/audit"),
        ("Audits: programme 2025-26", bu, reverse("audits:programme", args=[programme.pk]),
         f"audits/audit/?programme={programme.pk}"),
        ("Audits: audit page", bu, reverse("audits:audit-detail", args=[audit.pk]),
         f"audits/agencyaudit/?case__audit={audit.pk}"),
        ("Reviews: clocks (home)", reviews, reverse("reviews:home"), "reviews/notification"),
        ("Reviews: notifications", reviews, reverse("reviews:notification-list"), "reviews/notification"),
        ("Reviews: rapid reviews", reviews, reverse("reviews:rapid-review-list"), "reviews/rapidreview"),
        ("Learning: sessions", training, reverse("learning:sessions"), "learning/session"),
        ("Learning: bookings", training, reverse("learning:bookings"), "learning/booking"),
        ("Agencies' accountability", bu, reverse("agency-list"), "partnership/agency/?active__exact=1"),
        ("Agency profile: police", bu, reverse("agency-profile", args=[agency.pk]),
         f"partnership/agency/?id__exact={agency.pk}"),
        ("Priorities: progress", bu, reverse("priority-list"), "partnership/priority"),
        ("Priority progress: first priority", bu, reverse("priority-detail", args=[priority.pk]),
         f"partnership/action/?priority={priority.pk}"),
        ("Statutory duties", bu, reverse("duties"), "partnership/duty"),
        ("Meetings: subgroups", bu, reverse("subgroup-list"), "partnership/subgroup"),
        ("Meetings: QA subgroup", bu, reverse("subgroup-detail", args=[subgroup.pk]),
         f"partnership/meeting/?subgroup={subgroup.pk}"),
    ]
    pages += [(f"Home dashboard: {kind}", email, reverse("home"), None) for email, kind in DASHBOARD_PERSONAS]
    return pages
