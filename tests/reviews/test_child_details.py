"""Issue 16: a notification's child is recorded in the service's standard categories (sex, ethnicity, disability
as choices, with "Not known" and "Prefer not to say"), in the one age-band scheme of the whole service
(partnership.child_details), and the records typed before moved to it by a data migration."""
import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from audits.models import AuditCase
from partnership import history
from partnership.child_details import AgeBand, choice_from_text
from partnership.services.errors import ServiceError
from reviews import services
from reviews.models import NotifiedChild
from tests.audits.conftest import make_audit, programme, tool  # noqa: F401 - fixtures

reviews_0002 = importlib.import_module("reviews.migrations.0002_one_age_band_scheme")
audits_0005 = importlib.import_module("audits.migrations.0005_one_age_band_scheme")


def test_every_age_band_field_in_the_service_uses_the_one_scheme():
    """Found, not listed: any model field about an age band, in any app, offers the kernel's bands."""
    fields = [(model, field) for model in apps.get_models() for field in model._meta.get_fields()
              if "age_band" in field.name and not model._meta.label.split(".")[1].startswith("Historical")]
    assert {model for model, _ in fields} >= {AuditCase, NotifiedChild}
    for model, field in fields:
        assert list(field.choices) == list(AgeBand.choices), f"{model._meta.label}.{field.name} has its own bands"


def test_the_child_form_offers_choices_and_refuses_free_text(notification, reviews_member, client_for):
    url = reverse("reviews:notification-add-child", args=[notification.pk])
    page = " ".join(client_for(reviews_member).get(url).content.decode().split())
    assert 'type="radio" name="sex"' in page and 'type="radio" name="disability"' in page
    assert '<optgroup label="Mixed or multiple ethnic groups">' in page and "Prefer not to say" in page
    assert not re.search(r'<input[^>]*type="text"[^>]*name="(sex|ethnicity|disability)"', page)
    response = client_for(reviews_member).post(url, {"age_band": "1_5", "sex": "a boy", "ethnicity": "Martian",
                                                     "disability": "autism", "legal_status": "none"})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert notification.children.count() == 1
    response = client_for(reviews_member).post(url, {"age_band": "1_5", "sex": "not_known",
                                                     "ethnicity": "mixed_white_black_african",
                                                     "disability": "prefer_not", "legal_status": "cin"})
    assert response.status_code == 302
    child = notification.children.order_by("-pk").first()
    assert (child.get_age_band_display(), child.get_sex_display(), child.get_ethnicity_display(),
            child.get_disability_display()) == ("1 to 5", "Not known",
                                                "Mixed or multiple ethnic groups: White and Black African",
                                                "Prefer not to say")
    detail = client_for(reviews_member).get(notification.get_absolute_url()).content.decode()
    assert "Mixed or multiple ethnic groups: White and Black African" in detail and "mixed_white" not in detail


def test_the_service_refuses_a_value_outside_the_categories(notification, reviews_member):
    with pytest.raises(ServiceError, match="sex"):
        services.notification_add_child(by=reviews_member, notification=notification, age_band="1_5",
                                        sex="Boy", legal_status="none")
    with pytest.raises(ServiceError, match="age band"):
        services.notification_add_child(by=reviews_member, notification=notification, age_band="0-2",
                                        sex="male", legal_status="none")


@pytest.mark.parametrize("typed,choices,expected", [
    ("Male", "sex", "male"), (" female ", "sex", "female"), ("", "sex", "not_known"), ("Boy", "sex", "not_known"),
    ("Mixed: White and Black African", "ethnicity", "mixed_white_black_african"),
    ("White and Black Caribbean", "ethnicity", "mixed_white_black_caribbean"), ("Irish", "ethnicity", "white_irish"),
    ("Somali", "ethnicity", "not_known"), ("None", "disability", "not_disabled"), ("", "disability", "not_known"),
    ("Autism", "disability", "not_known"), ("Prefer not to say", "ethnicity", "prefer_not"),
])
def test_text_typed_before_becomes_a_choice(typed, choices, expected):
    assert choice_from_text(typed, reviews_0002.TEXT_FIELDS[choices]) == expected


def test_the_data_migrations_move_old_values_to_the_one_scheme(notification, tool, programme, police):  # noqa: F811
    child = notification.children.get()
    history.update(NotifiedChild.objects.filter(pk=child.pk), age_band="5_9", sex="Female",
                   ethnicity="Mixed: White and Asian", disability="None")
    NotifiedChild.history.filter(id=child.pk).update(age_band="1_4", sex="Male", ethnicity="", disability="")
    audit = make_audit(tool, programme, [police], cases=5)
    cases = list(audit.cases.order_by("pk"))
    for case, old in zip(cases, ["0-2", "3-5", "6-10", "11-15", "16-17"], strict=True):
        AuditCase.objects.filter(pk=case.pk).update(age_band=old)

    reviews_0002.forward(apps, None)
    audits_0005._move(audits_0005.FORWARD)(apps, None)

    child.refresh_from_db()
    assert (child.age_band, child.sex, child.ethnicity, child.disability) == (
        "6_10", "female", "mixed_white_asian", "not_disabled")
    assert set(NotifiedChild.history.filter(id=child.pk).values_list("age_band", "sex", "ethnicity")) >= {
        ("1_5", "male", "not_known")}  # the history reads in the same words
    assert [c.age_band for c in AuditCase.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk")] == [
        "1_5", "1_5", "6_10", "11_15", "16_17"]
