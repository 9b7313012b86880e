"""The board section (counts only, never a case reference or pseudonym) and the deadline reminders."""
import subprocess

import pytest
from django.template.loader import render_to_string

from partnership.dates import ReportPeriod
from partnership.models import EmailMessage, ReminderLog
from partnership.pdf import render_pdf
from reviews import reminders, reports, services
from tests.history import backdate_history, moment

from .conftest import CASE_REF, PSEUDONYM, D

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "section.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_board_section_counts_and_compliance(full_case, reviews_member):
    backdate_history(moment(D(2026, 6, 1)))  # the case was recorded as it went, before the half-year ended
    ctx = reports.board_section(ReportPeriod.between(D(2026, 1, 1), D(2026, 6, 30)))
    assert ctx["has_data"]
    assert [q["label"] for q in ctx["quarters"]] == ["Jan–Mar 2026", "Apr–Jun 2026"]
    assert ctx["quarters"][0]["referrals"] == 1 and ctx["quarters"][0]["notifications"] == 1
    assert ctx["notified_on_time"] == 1 and ctx["notified_pct"] == 100
    assert ctx["lcsprs_in_progress"] == 1 and ctx["recommendations"] == 1 and ctx["actions_total"] == 1


def test_board_section_pdf_has_no_case_reference_or_pseudonym(full_case, tmp_path):
    from reviews.models import LCSPR
    for lcspr in LCSPR.objects.all():
        lcspr.published_title, lcspr.published_on, lcspr.stage = "Child M", D(2026, 5, 1), "published"
        lcspr.save()
    ctx = reports.board_section(ReportPeriod.between(D(2026, 1, 1), D(2026, 12, 31)))
    text = pdf_text(render_pdf("reviews/pdf/board_section_document.html", ctx), tmp_path)
    assert "Serious incidents and practice reviews" in text and "Notified within 5 working days" in text
    for secret in (CASE_REF, PSEUDONYM, "Child M", "Infant admitted", "P-1"):
        assert secret not in text


def test_board_section_says_plainly_when_there_is_nothing(db):
    ctx = reports.board_section(ReportPeriod.between(D(2025, 1, 1), D(2025, 3, 31)))
    assert not ctx["has_data"]
    assert "There were no referrals" in render_to_string("reviews/pdf/board_section.html", ctx)


def test_due_items_for_the_reviews_group_only(notification, reviews_member, qa_member,
                                              django_assert_max_num_queries):
    today = D(2026, 3, 5)  # notification due 9 March: 2 working days left
    with django_assert_max_num_queries(7):
        items = reminders.due_items(reviews_member, today)
    assert [(i.stage, i.statutory, i.app) for i in items] == [("due-in-2", True, "reviews")]
    assert CASE_REF in items[0].title and PSEUDONYM not in items[0].title
    assert reminders.due_items(qa_member, today) == []
    assert reminders.due_items(reviews_member, D(2026, 3, 9))[0].stage == "due-today"
    assert reminders.due_items(reviews_member, D(2026, 3, 10))[0].stage == "overdue"
    assert reminders.due_items(reviews_member, D(2026, 3, 3)) == []


def test_deadline_reminders_go_out_in_the_daily_digest_once_and_cannot_be_switched_off(
        notification, reviews_member, business_unit, django_capture_on_commit_callbacks):
    from merton_qa import digest

    reviews_member.optional_reminders = False  # statutory clocks are sent all the same
    reviews_member.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.digests_send(today=D(2026, 3, 9)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.digests_send(today=D(2026, 3, 9)) == 0
    emails = list(EmailMessage.objects.filter(key__startswith="digest:").order_by("to"))
    assert {e.to for e in emails} == {business_unit.email, reviews_member.email}
    for e in emails:
        assert CASE_REF in e.body_text and "statutory deadline" in e.body_text
        assert PSEUDONYM not in e.subject + e.body_text + e.body_html
    assert ReminderLog.objects.count() == 2


def test_rapid_review_clocks_list_milestones_and_summaries(rapid_review):
    from reviews.clocks import open_clocks
    kinds = {c.kind for c in open_clocks(D(2026, 3, 10))}
    assert kinds == {"rapid-review", "milestone", "summary"}
    services.rapid_review_update_content(by=rapid_review.notification.created_by, review=rapid_review,
                                         expected_version=rapid_review.version, panel_met_on=D(2026, 3, 20))
    labels = [c.label for c in open_clocks(D(2026, 3, 10))]
    assert "Rapid review panel meets" not in labels and "Partners sign off" in labels


def test_a_summary_whose_review_was_sent_between_the_two_reads_has_no_clock(rapid_review, monkeypatch):
    """The clocks read the open rapid reviews, then the summaries outstanding for open reviews: a review sent in
    between leaves a summary whose review was not read. It has no clock (its review's clock is gone too), rather
    than the reviews home and the business unit's home failing."""
    from reviews import clocks, selectors

    assert any(c.kind == "summary" for c in clocks.open_clocks(D(2026, 3, 10)))
    monkeypatch.setattr(selectors, "rapid_reviews_and_lcsprs_open_for_clocks", lambda: ([], []))
    assert [c.kind for c in clocks.open_clocks(D(2026, 3, 10)) if c.kind == "summary"] == []


def test_a_recommendations_clock_links_to_the_review_it_came_from(full_case):
    """The clocks read a recommendation as a plain row; its page is the model's own rule (`get_absolute_url`)."""
    from reviews.clocks import open_clocks
    from reviews.models import Recommendation

    [clock] = [c for c in open_clocks(D(2026, 6, 10)) if c.kind == "recommendation"][:1]
    recommendation = Recommendation.objects.get(pk=int(clock.key.split(":")[1]))
    assert clock.url == recommendation.get_absolute_url() == (recommendation.lcspr or recommendation.rapid_review
                                                               ).get_absolute_url()
    assert clock.case_reference == recommendation.case_reference


def test_an_open_lcspr_has_its_clocks_once_its_rapid_review_is_sent(full_case, reviews_member, police, health):
    """The open rapid reviews and LCSPRs are read together, in one query: an LCSPR whose rapid review has gone to the
    Panel keeps its clocks (and the sent review none), another case's open rapid review keeps its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews.clocks import open_clocks
    from reviews.selectors import rapid_reviews_and_lcsprs_open_for_clocks

    from .conftest import open_rapid_review

    lcspr = full_case["lcspr"]
    clocks = open_clocks(D(2026, 6, 10))
    assert {c.kind for c in clocks if c.case_reference == lcspr.case_reference} == {"lcspr", "recommendation"}
    [published] = [c for c in clocks if c.kind == "lcspr"]
    assert (published.due, published.url) == (lcspr.target_publication_on, lcspr.get_absolute_url())
    other = open_rapid_review(by=reviews_member, referring_agency=police, agency=health, case_reference="MSCP-TEST-02")
    clocks = open_clocks(D(2026, 6, 10))
    assert {c.kind for c in clocks if c.case_reference == other.case_reference} >= {"rapid-review", "milestone"}
    assert [(c.due, c.url) for c in clocks if c.kind == "lcspr"] == [(published.due, published.url)]
    with CaptureQueriesContext(connection) as queries:
        reviews, lcsprs = rapid_reviews_and_lcsprs_open_for_clocks()
        assert [lc.case_reference for lc in lcsprs] == [lcspr.case_reference]
    assert [r.pk for r in reviews] == [other.pk] and len(queries.captured_queries) == 1


def test_a_recommendation_progresses_once_however_many_of_its_actions_are_done():
    """Review learning's share of recommendations progressing counts each recommendation once: two actions done
    used to count a recommendation twice, so one with an overdue action beside it read as 100%."""
    import datetime
    from types import SimpleNamespace

    from partnership.models import Action
    from reviews.priority_evidence import _moving

    today = datetime.date(2026, 6, 1)
    done = SimpleNamespace(status=Action.Status.COMPLETED, due_date=today)
    late = SimpleNamespace(status=Action.Status.IN_PROGRESS, due_date=today - datetime.timedelta(days=3))
    assert _moving([done, done], today) == (0, 2, True)
    assert _moving([late], today) == (1, 0, False)
    assert sum(_moving(acts, today)[2] for acts in ([done, done], [late])) == 1
