"""Issue 16: the slips found on the walk, each at its source, on pages the demo's crawl may not meet (no report
asked for, no overdue action in progress, a session's edit form). The crawl (tests/test_crawl_queries_and_links.py)
holds every page it finds to the same rules (tests/page_words.py)."""
import datetime

from django.urls import reverse
from django.utils import timezone

from partnership.models import Action, ReportExport
from partnership.models.actions import kind_words
from tests.factories import ActionFactory
from tests.learning.conftest import make_course, make_session
from tests.page_words import raw_text_problems


def test_a_report_on_the_home_page_is_named_by_its_title_not_its_kind(business_unit, client_for):
    ReportExport.objects.create(kind="board-report", requested_by=business_unit, status=ReportExport.Status.READY,
                                parameters={"period": "2026-Q1"})
    page = client_for(business_unit).get(reverse("home")).content.decode()
    assert "Quarterly QA board report (PDF) asked for on" in page
    assert "board-report requested" not in page and raw_text_problems(page) == []


def test_an_overdue_action_in_progress_reads_as_two_words(business_unit, police, client_for):
    action = ActionFactory(owner_agency=police, status=Action.Status.IN_PROGRESS,
                           due_date=timezone.localdate() - datetime.timedelta(days=3))
    for url in (reverse("partnership:action-list"), action.get_absolute_url()):
        page = client_for(business_unit).get(url).content.decode()
        assert "In progress" in page and "Overdue" in page
        assert raw_text_problems(page) == [], url


def test_source_kinds_read_as_words():
    assert kind_words("section11") == "Section 11"
    assert kind_words("review_recommendation") == "Review recommendation"
    assert kind_words("board-report") == "Board report"


def test_a_sessions_times_are_edited_as_hours_and_minutes(ld_coordinator, client_for):
    session = make_session(make_course(), timezone.localdate() + datetime.timedelta(days=20))
    page = client_for(ld_coordinator).get(reverse("learning:session-edit", args=[session.pk])).content.decode()
    assert 'value="09:30"' in page and 'value="16:30"' in page and "09:30:00" not in page
    assert raw_text_problems(page) == []
