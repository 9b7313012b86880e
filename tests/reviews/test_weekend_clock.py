"""The statutory clock judged from today's date whatever the weekday, in words that agree with their number."""
import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from partnership import dates
from reviews import clocks, reminders, services
from reviews.models import Notification

D = datetime.date
FRIDAY, SATURDAY, SUNDAY, MONDAY = D(2026, 3, 13), D(2026, 3, 14), D(2026, 3, 15), D(2026, 3, 16)


@pytest.mark.django_db
def test_past_a_friday_deadline_the_weekend_is_late_not_due_today():
    assert dates.working_days_left(FRIDAY, FRIDAY) == 0
    assert dates.working_days_left(FRIDAY, SATURDAY) == -1
    assert dates.working_days_left(FRIDAY, SUNDAY) == -1
    assert dates.working_days_left(FRIDAY, MONDAY) == -1
    assert dates.working_days_left(FRIDAY, D(2026, 3, 17)) == -2
    assert dates.working_days_left(MONDAY, SATURDAY) == 1
    assert dates.working_days_late(FRIDAY, SUNDAY) == 1 and dates.working_days_late(FRIDAY, FRIDAY) == 0
    assert reminders.stage_for(dates.working_days_left(FRIDAY, SUNDAY)) == "overdue"


@pytest.mark.parametrize("days, words, colour", [
    (-1, "Breached: 1 working day late", "red"), (-3, "Breached: 3 working days late", "red"),
    (0, "Due today", "orange"), (1, "1 working day left", "yellow"), (2, "2 working days left", "yellow"),
    (4, "4 working days left", "grey")])
def test_the_tag_words_agree_with_the_number(days, words, colour):
    html = Template("{% load status_tags %}{% working_days_left days %}").render(Context({"days": days}))
    assert html == f'<strong class="govuk-tag govuk-tag--{colour}">{words}</strong>'
    assert days == 0 or dates.working_days_words(days) in words


@pytest.fixture
def friday_notification(reviews_member, police, health):
    referral = services.referral_create(by=reviews_member, case_reference="MSCP-WKND-01", referring_agency=police,
                                        referred_on=D(2026, 3, 6), summary="Infant admitted with injuries.")
    services.screening_record(by=reviews_member, referral=referral, notifiable=True, rationale="Criteria met.",
                              decided_on=D(2026, 3, 6))
    n = services.notification_create(by=reviews_member, referral=referral, pseudonym="Child Zed",
                                     incident_on=D(2026, 3, 5), became_aware_on=D(2026, 3, 6),
                                     nature=Notification.Nature.SERIOUS_HARM, agencies=[health])
    assert n.due_on == FRIDAY
    return n


@pytest.mark.django_db
def test_on_sunday_a_notification_due_on_friday_is_breached_everywhere(friday_notification, reviews_member,
                                                                      client_for, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: SUNDAY)
    [clock] = [c for c in clocks.open_clocks(SUNDAY) if c.kind == "notification"]
    assert clock.breached and clock.working_days_left == -1
    page = client_for(reviews_member).get(reverse("reviews:notification-detail", args=[friday_notification.pk]))
    text = page.content.decode()
    assert "Due today" not in text and "Breached: 1 working day late" in text


@pytest.mark.django_db
def test_recording_a_notification_sent_on_sunday_says_it_is_one_working_day_late(friday_notification,
                                                                                reviews_member, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: D(2026, 3, 20))
    with pytest.raises(services.ServiceError) as refused:
        services.notification_submit(by=reviews_member, notification=friday_notification, notified_on=SUNDAY,
                                     partners_told_on=None, expected_version=friday_notification.version)
    assert "This is 1 working day after the deadline of 13 March 2026" in refused.value.message
    assert refused.value.field == "late_reason"


# The clocks' rows as the template's loop wrote them before `{% clock_rows %}` wrote them at once: the markup must not
# change by a byte (escaping included), whatever the clocks share.
LOOP = """{% load status_tags %}{% for c in clocks %}
  <tr class="govuk-table__row">
    <td class="govuk-table__cell"><a class="govuk-link" href="{{ c.url }}">{{ c.case_reference }}</a></td>
    <td class="govuk-table__cell">{{ c.label }}</td>
    <td class="govuk-table__cell app-nowrap">{{ c.due|date:"D j M Y" }}</td>
    <td class="govuk-table__cell">{% working_days_left c.working_days_left %}</td>
  </tr>
  {% endfor %}"""


def test_the_clocks_rows_are_written_as_the_template_loop_wrote_them():
    rows = [clocks.Clock("summary", "Agency summary from Smith & Jones <Health> 'Trust'", "MSCP-1", FRIDAY,
                         "/reviews/rapid-reviews/1/?a=1&b=2", "k1", working_days_left=-1),
            clocks.Clock("notification", "Notify the Panel (5 working days from awareness)", "MSCP-2", FRIDAY,
                         "/reviews/notifications/2/", "k2", working_days_left=-1),  # the same date and days
            clocks.Clock("milestone", "Panel meeting", "MSCP-<3>", MONDAY, "/reviews/rapid-reviews/3/", "k3",
                         working_days_left=0),
            clocks.Clock("lcspr", "LCSPR published", "MSCP-4", D(2026, 12, 25), "/reviews/lcsprs/4/", "k4",
                         working_days_left=12)]
    context = Context({"clocks": rows})

    written = Template("{% load status_tags %}{% clock_rows clocks %}").render(context)

    assert written == Template(LOOP).render(context)
    assert "Smith &amp; Jones &lt;Health&gt; &#x27;Trust&#x27;" in written and "Fri 13 Mar 2026" in written
    assert written.count("Breached: 1 working day late") == 2 and "12 working days left" in written
    assert Template("{% load status_tags %}{% clock_rows clocks %}").render(Context({"clocks": []})) == ""
