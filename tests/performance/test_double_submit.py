"""A turn-the-curve record sent twice (a double click) is added once."""
import pytest
from django.urls import reverse

from performance.models import TurnTheCurve
from tests.form_tokens import post_twice

from .test_scorecard_views import curve_data

pytestmark = pytest.mark.django_db


def test_a_turn_the_curve_record_sent_twice_is_added_once(business_unit, indicator, client_for):
    first, second = post_twice(client_for(business_unit),
                               reverse("performance:turn-the-curve-create", args=[indicator.code]), curve_data())
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert TurnTheCurve.objects.count() == 1
