"""The performance framework's own pages around the scorecard: its overview (`/performance/`), the list of
indicators, and the business unit's data calendar. Everyone signed in reads the overview and the indicators."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from partnership.access import require

from .. import access, dashboard, navigation, selectors
from ..models import Frequency, Quadrant
from ..rules import format_value


@login_required
def home(request):
    """What the performance framework holds and where each part is, with what is waiting for this person
    (the home dashboard's panel: constant queries)."""
    user = request.user
    return render(request, "performance/home.html", {
        "data_returns_url": navigation.data_returns_url(user), "can_manage": access.can_manage(user),
        **dashboard.panel(user)})


@login_required
def indicators(request):
    """Every indicator in the dataset, by how often it is reported and then by OBA question. Two queries."""
    rows = list(selectors.indicators_listed())
    for indicator in rows:
        indicator.target_text = "No target" if indicator.target is None else format_value(indicator.target,
                                                                                           indicator.unit)
    groups = []
    for frequency, label in Frequency.choices:
        in_frequency = [i for i in rows if i.frequency == frequency]
        if in_frequency:
            groups.append({"frequency": frequency, "label": label, "quadrants": [
                (title, [i for i in in_frequency if i.quadrant == key]) for key, title in Quadrant.choices]})
    retired = selectors.indicators_retired()
    return render(request, "performance/indicator_list.html", {"groups": groups, "count": len(rows),
                                                                "retired": list(retired)})


@login_required
def calendar(request):
    """What is due when, for recent and coming periods: the business unit's (its progress spans agencies)."""
    require(access.can_manage(request.user))
    return render(request, "performance/data_calendar.html",
                  {"calendar": selectors.data_calendar(timezone.localdate())})


urlpatterns = [
    path("", home, name="home"),
    path("indicators/", indicators, name="indicators"),
    path("data-calendar/", calendar, name="data-calendar"),
]
