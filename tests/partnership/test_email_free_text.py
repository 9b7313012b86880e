"""Generated: no email quotes free text. Every template under templates/emails/ is rendered with every value it
reads set to hostile text, except the few that an email may carry (names, titles, the case reference, links,
dates and counts); the hostile text must not appear. A new template, or a new line quoting a description, a
summary or a note, fails here."""
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from partnership.services.outbox import render_text

HOSTILE = "Jayden Smith (DOB 12/03/2013) said his mum hit him"
EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"
# What an email may say: who, which record (its title or reference), where to click, when, how many.
MAY_CARRY = {
    "full_name", "name", "officer_name", "display_name", "title", "theme", "case_reference", "reference", "agency",
    "email",
    "manager_email", "role", "period", "period_code", "label",
    "cycle", "ret", "course", "session", "audit", "data_return", "lead",
    "person", "user", "invited_by", "booking", "concern", "case", "referral", "export", "item", "heading",
    "link", "manage_url", "pre_url", "post_url", "approve_url", "follow_up_url", "account_link", "online_link",
    "starts_at", "ends_at", "deadline", "due_date", "due", "acknowledge_by", "raised_at", "today", "when",
    "agency_audits_due", "count", "position", "valid_days", "late", "status", "attendance", "statutory",
    "inspection_mode", "pk", "id", "officer", "expires_at", "items", "groups", "agency_audits",
    # a training venue: an address, checked on entry (postcodes allowed, names and dates of birth refused)
    "venue",
    # a report that failed: the system's own message, never typed by a person
    "error",
    # a subgroup's name and a meeting's place (a venue, as above); an action's owning agency; the agency a booker
    # named (one line, no links or line breaks: partnership.input_rules); an escalation's stage in fixed words
    "subgroup", "place", "owner_agency", "agency_name", "stage_words",
    # numbers and links the service makes: a time limit, a one-time code, a confirmation link
    "hours", "minutes", "code", "confirm_url",
}


WHEN = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)
DATES = {"starts_at", "ends_at", "deadline", "due_date", "due", "acknowledge_by", "raised_at", "today",
         "agency_audits_due", "expires_at", "submitted_at", "signed_off_at", "response_due", "letter_date",
         "from_date", "to_date"}


def probe(path: str):
    return WHEN if path.rsplit(".", 1)[-1] in DATES else Probe(path)


class Probe:
    """Any value a template reads: itself for attributes, hostile text when printed unless it may be carried."""

    def __init__(self, path: str):
        self.path = path

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return 1 if name in {"pk", "id"} else probe(f"{self.path}.{name}")

    def __iter__(self):
        return iter([Probe(f"{self.path}.item")])

    def __bool__(self):
        return True

    def __str__(self):
        return "Safe value" if self.path.rsplit(".", 1)[-1] in MAY_CARRY else HOSTILE


def context_for(source: str) -> dict:
    names = set(re.findall(r"{{\s*(\w+)", source)) | set(re.findall(r"{%\s*(?:if|elif|for [\w, ]+ in)\s+(\w+)", source))
    names |= set(re.findall(r"{%\s*url\s+'[^']+'\s+(\w+)", source))
    context = {name: probe(name) for name in names}
    if "groups" in names:  # the digest unpacks (heading, items) and (item, when, link)
        context["groups"] = [(Probe("heading"), [(Probe("item"), Probe("when"), Probe("link"))])]
    return context


TEMPLATES = sorted(p.name for p in EMAILS.iterdir() if p.suffix in {".txt", ".html"})


def render(name: str) -> str:
    source = (EMAILS / name).read_text()
    context = {**context_for(source), "SITE_URL": "https://qa.example.org", "SERVICE_NAME": "Merton QA",
               "PARTNERSHIP_NAME": "Merton Safeguarding Children Partnership", "SUPPORT_EMAIL": "bu@example.org"}
    if name.endswith(".txt"):
        return render_text(f"emails/{name}", context)
    return render_to_string(f"emails/{name}", context)


@pytest.mark.parametrize("name", TEMPLATES)
def test_no_email_quotes_free_text(name):
    body = render(name)
    assert "Jayden" not in body, f"{name} quotes free text:\n{body}"


# Emails to an address that has not confirmed anything (a manager named by the person booking): nothing typed by
# the booker reaches it, not even a name, a role or an organisation typed for "Other" (issue 17). The booker is named
# by the address that confirmed the booking, the agency only as chosen from the list.
TO_UNCONFIRMED = {"learning_approve.txt"}
TYPED_BY_THE_BOOKER = {"name", "role", "agency_name", "other_agency_name", "full_name", "display_name"}


@pytest.mark.parametrize("name", sorted(TO_UNCONFIRMED))
def test_no_email_to_an_unconfirmed_address_quotes_a_typed_name_or_organisation(name, monkeypatch):
    monkeypatch.setattr(__import__(__name__, fromlist=["MAY_CARRY"]), "MAY_CARRY", MAY_CARRY - TYPED_BY_THE_BOOKER)
    body = render(name)
    assert "Jayden" not in body, f"{name} quotes what the booker typed to an address that never confirmed:\n{body}"


def test_every_email_to_a_managers_address_is_listed_as_unconfirmed():
    """Found from the source: a template emailed to a `manager_email` is in TO_UNCONFIRMED."""
    sent = set()
    for path in Path(settings.BASE_DIR).glob("*/services/*.py"):
        for match in re.finditer(r"to=[\w.]*manager_email[^)]*?template=\"(\w+)\"", path.read_text(), re.S):
            sent.add(f"{match.group(1)}.txt")
    assert sent and sent <= TO_UNCONFIRMED


def test_the_probe_would_catch_a_quoted_description():
    """The test's own check: a template quoting a concern's description is caught."""
    from django.template import Context, Template

    source = ("Dear {{ person.full_name }}, {{ concern.description }} "
              "{{ SITE_URL }}{% url 'audits:concern-detail' concern.pk %}")

    body = Template(source).render(Context(context_for(source)))
    assert HOSTILE in body and "Safe value" in body


def test_the_concern_email_carries_the_link_and_the_case_reference():
    body = render("audits_concern.txt")
    assert "https://qa.example.org/" in body and "case Safe value" in body
