"""The governance loop's pages that read every app: the partnership's priorities with their progress, and the
statutory duties register. Thin views: the composer (`merton_qa.priorities`) and the register
(`merton_qa.duties`) hold the rules."""
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone

from partnership import access
from partnership import selectors as kernel_selectors
from partnership.models import Priority
from partnership.views.mixins import list_page, page_query

from . import duties, links, priorities


@login_required
def priority_list(request):
    """Every priority with its progress this financial year (the priorities are published to every partner)."""
    period = priorities.page_period()
    rows = priorities.progress(kernel_selectors.priorities_in_order(), period, detail=False)
    return render(request, "governance/priority_list.html", {"rows": rows, "period": period})


@login_required
def priority_detail(request, pk):
    """One priority: the four OBA questions answered from every source. The records behind each source are listed
    for the partnership's own oversight roles; everyone else sees the counts, and the actions they may see."""
    priority = get_object_or_404(Priority, pk=pk)
    period = priorities.page_period()
    [row] = priorities.progress([priority], period)
    # Actions that contribute to the priority, and actions the priority itself raised (as their source).
    actions = access.visible_actions(request.user).filter(
        Q(priority=priority) | Q(pk__in=priority.actions.values("pk"))).for_table()
    sees_records = access.sees_all_actions(request.user)
    # The records and the actions a page at a time, each list on its own; the table of sources is every record's.
    page = list_page(request, row.records if sees_records else [])
    actions_page = list_page(request, actions, param=ACTIONS_PAGE)
    return render(request, "governance/priority_detail.html", {
        "priority": priority, "row": row, "period": period, "page": page, "sources": row.sources(),
        "record_entries": priorities.record_entries(page.object_list, follow=links.follower(request.user)),
        "actions_page": actions_page, "actions_page_param": ACTIONS_PAGE,
        "query": page_query(request), "actions_query": page_query(request, ACTIONS_PAGE),
        "sees_records": sees_records})


ACTIONS_PAGE = "actions"


@login_required
def duty_register(request):
    """The statutory duties register: the business unit, the chair and QA subgroup members (not agencies)."""
    access.require(duties.can_see_duties(request.user))
    return render(request, "governance/duties.html", duties.page_context(request.user, timezone.localdate()))


urlpatterns = [
    path("priorities/", priority_list, name="priority-list"),
    path("priorities/<int:pk>/", priority_detail, name="priority-detail"),
    path("duties/", duty_register, name="duties"),
]
