"""Sign-off by someone else: the senior officer is never the return's author, is named only by the agency lead or the
business unit, and may have no account and sign off by an emailed single-use link (only its hash is stored)."""
import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from partnership import history
from partnership.models import EmailMessage
from partnership.services.errors import ServiceError
from partnership.tokens import hash_token
from section11.forms.returns import SeniorOfficerForm
from section11.models import Return, SignOffLink
from section11.services import returns as services
from tests.factories import UserFactory
from tests.section11.conftest import answer_all

pytestmark = pytest.mark.django_db
OUTSIDER = "director@police.example.org"


@pytest.fixture
def senior(police):
    return UserFactory(email="chief@police.example.org", full_name="Sam Senior", agency=police, roles=[])


def _ready(ret, completed_by=None):
    answer_all(ret)
    history.update(Return.objects.filter(pk=ret.pk), completed_by=completed_by, status=Return.Status.IN_PROGRESS)
    ret.refresh_from_db()
    return ret


def _link_in(email: EmailMessage) -> str:
    [url] = re.findall(r"https?://\S+/section-11/sign-off/\S+/", email.body_text)
    return url.removeprefix(settings.SITE_URL)


def test_the_author_cannot_name_herself(police_return, agency_lead):
    ret = _ready(police_return)
    with pytest.raises(ServiceError, match="cannot name yourself") as refused:
        services.name_senior_officer(ret=ret, by=agency_lead, senior_officer=agency_lead)
    assert refused.value.field == "senior_officer"
    with pytest.raises(ServiceError, match="cannot name yourself"):  # nor herself by email, as if without an account
        services.name_senior_officer(ret=ret, by=agency_lead, senior_officer_name="Lee", senior_officer_email=
                                     agency_lead.email.upper())
    assert Return.objects.get(pk=ret.pk).senior_officer_id is None


def test_a_contributor_can_name_no_officer_not_even_himself(police_return, contributor, senior, client_for):
    ret = _ready(police_return, completed_by=contributor)
    for officer in (contributor, senior):
        with pytest.raises(ServiceError, match="Only your agency lead or the business unit"):
            services.name_senior_officer(ret=ret, by=contributor, senior_officer=officer)
    c = client_for(contributor)
    assert c.get(reverse("section11:return-officer", args=[ret.pk])).status_code == 403
    page = c.get(reverse("section11:return-header", args=[ret.pk])).content.decode()
    assert 'name="senior_officer"' not in page  # the contributor's header form has no officer
    c.post(reverse("section11:return-header", args=[ret.pk]), {"deputy_name": "Dee", "senior_officer": contributor.pk,
                                                               "version": ret.version})
    assert Return.objects.get(pk=ret.pk).senior_officer_id is None


def test_the_person_who_completed_it_cannot_be_named_or_sign_off(police_return, agency_lead, contributor,
                                                                 business_unit):
    ret = _ready(police_return, completed_by=contributor)
    for namer in (agency_lead, business_unit):
        with pytest.raises(ServiceError, match="completed or submitted"):
            services.name_senior_officer(ret=ret, by=namer, senior_officer=contributor)
    # Named before he started the return, then he completed it: submission and sign-off refuse him.
    history.update(Return.objects.filter(pk=ret.pk), senior_officer=contributor)
    with pytest.raises(ServiceError, match="completed or submitted"):
        services.return_submit(ret=ret, by=agency_lead)
    history.update(Return.objects.filter(pk=ret.pk), status=Return.Status.SUBMITTED, submitted_by=agency_lead)
    with pytest.raises(ServiceError, match="completed or submitted"):
        services.return_sign_off(ret=Return.objects.get(pk=ret.pk), by=contributor)


def test_the_submitter_cannot_sign_off_even_when_named_earlier(police_return, agency_lead):
    ret = _ready(police_return)
    history.update(Return.objects.filter(pk=ret.pk), senior_officer=agency_lead)  # an old record: named herself
    with pytest.raises(ServiceError, match="someone else's work") as refused:
        services.return_submit(ret=ret, by=agency_lead)
    assert refused.value.field == "senior_officer"
    history.update(Return.objects.filter(pk=ret.pk), status=Return.Status.SUBMITTED, submitted_by=agency_lead)
    with pytest.raises(ServiceError):
        services.return_sign_off(ret=Return.objects.get(pk=ret.pk), by=agency_lead)
    assert Return.objects.get(pk=ret.pk).status == Return.Status.SUBMITTED


def test_an_officer_without_an_account_signs_off_once_by_the_emailed_link(police_return, agency_lead, client,
                                                                          django_capture_on_commit_callbacks):
    ret = _ready(police_return)
    services.name_senior_officer(ret=ret, by=agency_lead, senior_officer_name="Dana Director",
                                 senior_officer_email=OUTSIDER)
    assert not EmailMessage.objects.filter(to=OUTSIDER).exists()  # not yet: the return is not submitted
    services.return_submit(ret=Return.objects.get(pk=ret.pk), by=agency_lead)
    email = EmailMessage.objects.get(to=OUTSIDER)  # at once, through the outbox
    assert "Dana Director" in email.body_text and "We audit this yearly" not in email.body_text
    url = _link_in(email)
    raw = url.rstrip("/").rsplit("/", 1)[-1]
    link = SignOffLink.objects.get(ret=ret)
    assert link.token_hash == hash_token(raw) and raw not in link.token_hash  # only the hash is stored

    page = client.get(url)
    assert page.status_code == 200 and "Sign off the return" in page.content.decode()
    assert Return.objects.get(pk=ret.pk).status == Return.Status.SUBMITTED  # looking signs nothing
    assert client.post(url).status_code == 200
    signed = Return.objects.get(pk=ret.pk)
    assert signed.status == Return.Status.SIGNED_OFF and signed.signed_off_name == "Dana Director"
    assert signed.signed_off_by is None

    again = client.post(url)  # reused
    assert again.status_code == 400 and "already been used" in again.content.decode()


def test_an_expired_or_superseded_or_made_up_link_signs_nothing(police_return, agency_lead, business_unit, senior,
                                                                client):
    ret = _ready(police_return)
    services.name_senior_officer(ret=ret, by=agency_lead, senior_officer_name="Dana Director",
                                 senior_officer_email=OUTSIDER)
    services.return_submit(ret=Return.objects.get(pk=ret.pk), by=agency_lead)
    url = _link_in(EmailMessage.objects.get(to=OUTSIDER))
    SignOffLink.objects.filter(ret=ret).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    expired = client.post(url)
    assert expired.status_code == 400 and "expired" in expired.content.decode()
    assert Return.objects.get(pk=ret.pk).status == Return.Status.SUBMITTED

    # The business unit names someone else: they are emailed at once, and the old link stops working.
    services.name_senior_officer(ret=ret, by=business_unit, senior_officer=senior)
    assert client.post(url).status_code == 404
    new_url = _link_in(EmailMessage.objects.get(to=senior.email))
    assert client.get(reverse("section11:sign-off-link", args=["made-up-token"])).status_code == 404
    assert client.post(new_url).status_code == 200
    signed = Return.objects.get(pk=ret.pk)
    assert signed.status == Return.Status.SIGNED_OFF and signed.signed_off_by == senior
    with pytest.raises(ServiceError, match="signed off"):
        services.name_senior_officer(ret=signed, by=business_unit, senior_officer_name="X Y",
                                     senior_officer_email="x@example.org")


def test_the_lead_names_a_colleague_on_the_page_and_the_colleague_signs_off_in_the_service(
        police_return, agency_lead, senior, client_for):
    ret = _ready(police_return)
    lead = client_for(agency_lead)
    refused = lead.post(reverse("section11:return-officer", args=[ret.pk]), {"senior_officer": agency_lead.pk})
    assert refused.status_code == 400 and "cannot name yourself" in refused.content.decode()
    half = lead.post(reverse("section11:return-officer", args=[ret.pk]), {"senior_officer_name": "Dana Director"})
    assert half.status_code == 400 and 'value="Dana Director"' in half.content.decode()  # nothing typed is lost
    assert lead.post(reverse("section11:return-officer", args=[ret.pk]), {"senior_officer": senior.pk}
                     ).status_code == 302
    services.return_submit(ret=Return.objects.get(pk=ret.pk), by=agency_lead)
    assert EmailMessage.objects.filter(to=senior.email, subject__contains="sign off").exists()
    officer = client_for(senior)
    assert officer.post(reverse("section11:return-sign-off", args=[ret.pk])).status_code == 302
    assert Return.objects.get(pk=ret.pk).signed_off_by == senior
    assert not SignOffLink.objects.filter(ret=ret).exists()  # the emailed link died with the sign-off


def test_a_senior_officer_without_an_account_needs_a_work_email_not_a_personal_one(police_return, agency_lead):
    form = SeniorOfficerForm({"senior_officer_name": "Sam Senior", "senior_officer_email": "sam@outlook.com"},
                             instance=police_return)
    assert not form.is_valid()
    assert form.errors["senior_officer_email"][0].startswith("Enter a work email address. outlook.com")
    with pytest.raises(ServiceError) as refused:
        services.name_senior_officer(ret=police_return, by=agency_lead, senior_officer_name="Sam Senior",
                            senior_officer_email="sam@icloud.com")
    assert refused.value.field == "senior_officer_email"
