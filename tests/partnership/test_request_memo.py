"""Work a page needs twice, done once in its request (partnership.request_memo): only inside a GET or HEAD request,
never kept beyond it, forgotten on a tracked write; and the business unit's home page reads the review clocks once
though two of its parts show them."""
import datetime

from django.urls import reverse
from django.utils import timezone

from partnership.models import Subgroup
from partnership.request_memo import RequestMemoMiddleware, in_request, once_per_request
from partnership.services import meetings
from reviews import clocks
from tests.factories import ActionFactory


def counting():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)
    return compute


def test_work_is_done_once_in_a_get_request_and_afresh_in_the_next(rf):
    compute = counting()

    def view(request):
        return [in_request(), *(once_per_request("key", compute) for _ in range(3))]

    assert RequestMemoMiddleware(view)(rf.get("/")) == [True, 1, 1, 1]
    assert RequestMemoMiddleware(view)(rf.head("/")) == [True, 2, 2, 2]  # a new request computes afresh
    assert RequestMemoMiddleware(view)(rf.post("/")) == [False, 3, 4, 5]  # a POST may change what it reads
    assert not in_request()
    assert [once_per_request("key", compute) for _ in range(2)] == [6, 7]  # outside a request: every time


def test_a_tracked_write_in_the_request_forgets_what_it_computed(rf, db):
    compute = counting()

    def view(request):
        first = once_per_request("key", compute)
        ActionFactory()  # the action tracker keeps history: its write is a tracked write
        return first, once_per_request("key", compute)

    assert RequestMemoMiddleware(view)(rf.get("/")) == (1, 2)


def test_the_business_units_home_reads_the_review_clocks_once(client_for, business_unit, monkeypatch):
    group = Subgroup.objects.create(name="Quality assurance subgroup", kind=Subgroup.Kind.QA)
    starts = timezone.now() + datetime.timedelta(days=30)
    meetings.meeting_create(subgroup=group, starts_at=starts, by=business_unit, place="Civic Centre")
    calls = []
    real = clocks._open_clocks
    monkeypatch.setattr(clocks, "_open_clocks", lambda today: calls.append(today) or real(today))
    html = client_for(business_unit).get(reverse("home")).content.decode()
    assert "due for its agenda" in html or "Everything due is on its agenda" in html  # the agenda was counted
    assert len(calls) == 1  # the reviews panel and the next meeting's agenda count share them
