""""Start from last return" pressed twice links each earlier evidence file once."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from section11.models import Evidence, Return
from section11.services import returns as services
from tests.form_tokens import post_twice

from .conftest import answer_all, make_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_return(framework, police):
    today = timezone.localdate()
    old_cycle = make_cycle(framework, [police], name="2024", opens_on=today - datetime.timedelta(days=800),
                           deadline=today - datetime.timedelta(days=700))
    old = Return.objects.get(cycle=old_cycle)
    answer_all(old, "amber")
    Evidence.objects.create(answer=old.answers.first(), file="section11/evidence/x.pdf", stored_name="x.pdf",
                            original_name="Policy.pdf", content_type="application/pdf", size=10, sha256="0" * 64)
    return Return.objects.get(cycle=make_cycle(framework, [police], name="2026", previous=old_cycle))


def test_start_from_last_sent_twice_copies_once(new_return, agency_lead, client_for):
    first, second = post_twice(client_for(agency_lead),
                               reverse("section11:return-start-from-last", args=[new_return.pk]), {})
    assert first.status_code == second.status_code == 302
    assert Evidence.objects.filter(answer__ret=new_return).count() == 1


def test_copying_again_never_links_a_file_twice(new_return, agency_lead):
    source = services.previous_return(new_return)
    services.copy_answers_from(ret=new_return, source=source)
    services.copy_answers_from(ret=new_return, source=source)
    assert Evidence.objects.filter(answer__ret=new_return).count() == 1
    with pytest.raises(services.ServiceError, match="already started"):
        services.return_start_from_last(ret=new_return, by=agency_lead)
