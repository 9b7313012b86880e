"""Data return services: entering figures with optimistic locking and history, reminders, the return's indicators."""
import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from partnership.models import EmailMessage, ReminderLog, Role
from partnership.services.errors import ConflictError, ServiceError
from performance.models import DataReturn, Frequency, Unit, Value
from performance.services import returns as services
from tests.factories import UserFactory
from tests.performance.conftest import make_indicator

pytestmark = pytest.mark.django_db


def save(data_return, indicator, by, **figures):
    return services.value_save(data_return=data_return, indicator=indicator, by=by, **figures)


def test_a_percentage_is_worked_out_from_its_numerator_and_denominator(police_data_return, indicator, contributor):
    value = save(police_data_return, indicator, contributor, numerator=Decimal(34), denominator=Decimal(40),
                 expected_version=0)

    assert value.value == Decimal("85.00")
    assert value.entered_by == contributor


def test_a_first_figure_entered_by_someone_else_meanwhile_is_a_conflict(police_data_return, indicator, contributor,
                                                                         agency_lead):
    save(police_data_return, indicator, agency_lead, numerator=1, denominator=2, expected_version=0)

    with pytest.raises(ConflictError):
        save(police_data_return, indicator, contributor, numerator=3, denominator=4, expected_version=0)
    assert Value.objects.get().numerator == 1


def test_a_stale_version_is_refused_and_the_figure_is_unchanged(police_data_return, indicator, contributor):
    value = save(police_data_return, indicator, contributor, numerator=1, denominator=2, expected_version=0)
    save(police_data_return, indicator, contributor, numerator=2, denominator=2, expected_version=value.version)

    with pytest.raises(ConflictError):
        save(police_data_return, indicator, contributor, numerator=3, denominator=4, expected_version=value.version)
    assert Value.objects.get().numerator == 2


def test_every_version_of_a_figure_is_kept_with_who_changed_it(police_data_return, indicator, contributor,
                                                                agency_lead):
    value = save(police_data_return, indicator, contributor, numerator=1, denominator=2, expected_version=0)
    save(police_data_return, indicator, agency_lead, numerator=3, denominator=4, expected_version=value.version)

    history = list(Value.history.filter(id=value.pk).order_by("history_date", "history_id"))
    assert [(h.value, h.history_user) for h in history] == [(Decimal("50.00"), contributor),
                                                           (Decimal("75.00"), agency_lead)]


def test_check_value_reports_every_problem_with_its_field(indicator):
    problems = services.check_value(indicator, numerator=Decimal(5), denominator=Decimal(0), value=Decimal(120),
                                    commentary="")
    assert ("denominator", "The denominator cannot be zero") in problems
    assert ("value", "A percentage cannot be more than 100") in problems
    problems = services.check_value(indicator, numerator=Decimal(50), denominator=Decimal(40), value=None,
                                    commentary="")
    assert problems == [("numerator", "The numerator cannot be more than the denominator for a percentage")]


def test_the_business_unit_cannot_enter_an_agencys_figures(police_data_return, indicator, business_unit):
    with pytest.raises(ServiceError):
        save(police_data_return, indicator, business_unit, numerator=1, denominator=2)
    assert not Value.objects.exists()


def test_the_returns_indicators_include_a_retired_one_that_has_a_figure(police, police_data_return, indicator,
                                                                         contributor):
    retired = make_indicator(police, code="old-count", unit=Unit.COUNT)
    save(police_data_return, retired, contributor, value=Decimal(3))
    retired.active = False
    retired.save()
    make_indicator(police, code="monthly-count", unit=Unit.COUNT, frequency=Frequency.MONTHLY)

    assert [i.code for i in services.return_indicators(police_data_return)] == ["old-count", "rhi-72h"]


def test_submitting_needs_every_figure(police_data_return, indicator, agency_lead):
    with pytest.raises(ServiceError, match="rhi-72h"):
        services.data_return_submit(data_return=police_data_return, by=agency_lead)
    save(police_data_return, indicator, agency_lead, numerator=1, denominator=2)

    submitted = services.data_return_submit(data_return=police_data_return, by=agency_lead)
    assert submitted.status == DataReturn.Status.SUBMITTED and submitted.submitted_by == agency_lead


def test_a_contributor_cannot_submit(police_data_return, indicator, contributor):
    save(police_data_return, indicator, contributor, numerator=1, denominator=2)
    with pytest.raises(ServiceError):
        services.data_return_submit(data_return=police_data_return, by=contributor)


# --- Reminders ------------------------------------------------------------------------------------
def test_a_reminder_is_emailed_once_per_lead_per_day(police, police_data_return, business_unit, agency_lead):
    second_lead = UserFactory(agency=police, roles=[Role.AGENCY_LEAD])
    UserFactory(agency=police, roles=[Role.AGENCY_CONTRIBUTOR])

    sent = services.data_return_remind(data_return=police_data_return, by=business_unit)
    again = services.data_return_remind(data_return=police_data_return, by=business_unit)

    assert (sent, again) == (2, 0)
    emails = EmailMessage.objects.order_by("to")
    assert sorted(e.to for e in emails) == sorted([agency_lead.email, second_lead.email])
    assert f"{settings.SITE_URL}/performance/data-returns/{police_data_return.pk}/" in emails[0].body_text
    assert ReminderLog.objects.filter(date=timezone.localdate(), stage="manual").count() == 2


def test_a_late_return_is_chased_as_overdue(police_data_return, business_unit, agency_lead):
    police_data_return.due_date = timezone.localdate() - datetime.timedelta(days=3)
    police_data_return.save()

    services.data_return_remind(data_return=police_data_return, by=business_unit)

    email = EmailMessage.objects.get()
    assert email.subject.startswith("Overdue") and "have not been submitted yet" in email.body_text


def test_only_the_business_unit_sends_reminders(police_data_return, agency_lead):
    with pytest.raises(ServiceError):
        services.data_return_remind(data_return=police_data_return, by=agency_lead)
    assert not EmailMessage.objects.exists()


def test_no_reminder_for_a_submitted_return_or_an_agency_without_a_lead(police_data_return, business_unit):
    with pytest.raises(ServiceError, match="no agency lead"):
        services.data_return_remind(data_return=police_data_return, by=business_unit)
    police_data_return.status = DataReturn.Status.SUBMITTED
    with pytest.raises(ServiceError, match="submitted"):
        services.data_return_remind(data_return=police_data_return, by=business_unit)


def test_opening_a_period_emails_each_lead_a_link_to_their_return(police, quarters, indicator, business_unit,
                                                                  agency_lead):
    period = quarters[2]
    created = services.data_returns_open(period=period, due_date=period.end + datetime.timedelta(days=21),
                                         by=business_unit)

    assert [r.agency for r in created] == [police]
    assert created[0].get_absolute_url() in EmailMessage.objects.get(to=agency_lead.email).body_text
