"""A board pack asked for twice (a double click) is started once."""
import pytest
from django.urls import reverse

from partnership.models import BoardPack
from tests.form_tokens import post_twice
from tests.reports.conftest import past_quarter

pytestmark = pytest.mark.django_db


def test_a_board_pack_asked_for_twice_is_started_once(business_unit, client_for):
    first, second = post_twice(client_for(business_unit), reverse("board-reports"),
                               {"period": past_quarter().code, "make": "pack"})
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert BoardPack.objects.count() == 1
