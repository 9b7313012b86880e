"""Mass assignment through the pages: each edit form is posted back as the page rendered it, plus fields that
decide ownership, state or privilege; the save succeeds and none of those fields changes.

The form's own fields come from the rendered page (so the test follows the form as it changes); the extras
are the fields a forger would add. A field the form itself offers (an action's owning agency, for the business
unit) is left to the form.
"""
from html.parser import HTMLParser

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from partnership.models import User

from .objects import BUILDERS


class _FormFields(HTMLParser):
    """The fields of the page's POST forms (the last one holding a csrf token and a submit button wins)."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._in_form = False
        self._select = self._textarea = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form = True
            self.forms.append([])
        if not self._in_form or "name" not in a and tag != "option":
            return
        fields = self.forms[-1]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            fields.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.forms[-1].append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def form_as_rendered(html: str, action_field: str | None = None) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(html)
    forms = [f for f in parser.forms if any(name != "csrfmiddlewaretoken" for name, _ in f)]
    chosen = next((f for f in forms if action_field and any(n == action_field for n, _ in f)), None) or max(
        forms, key=len)
    data: dict[str, list[str]] = {}
    for name, value in chosen:
        data.setdefault(name, []).append(value)
    return data


# URL name → (registry object, who edits it, a form field to tell its form from others on the page)
EDIT_FORMS = {
    "partnership:action-edit": ("action", "agency_lead", "title"),
    "audits:audit-edit": ("audit", "business_unit", "theme"),
    "learning:course-edit": ("course", "ld_coordinator", "title"),
    "learning:session-edit": ("session", "ld_coordinator", "venue"),
    "reviews:notification-edit": ("draft_notification", "reviews_member", "pseudonym"),
    "reviews:rapid-review-edit": ("draft_rapid_review", "reviews_member", None),
    "performance:turn-the-curve-edit": ("turn_the_curve", "agency_lead", "story"),
}
# Records still open to editing (the registry's reviews case has been sent on).
DRAFTS = {"draft_notification": lambda fx: fx("notification"), "draft_rapid_review": lambda fx: fx("rapid_review")}
KWARGS = {"performance:turn-the-curve-edit": lambda t: {"code": t.indicator.code, "pk": t.pk}}


def forged(outsider) -> dict[str, str]:
    return {"agency": str(outsider.agency_id), "owner_agency": str(outsider.agency_id), "agency_id":
            str(outsider.agency_id), "status": "closed", "created_by": str(outsider.pk), "submitted_by":
            str(outsider.pk), "updated_by": str(outsider.pk), "decided_by": str(outsider.pk), "is_staff": "on",
            "is_superuser": "on", "roles": "business_unit", "notification": "999", "cycle": "999",
            "submitted_on": "2020-01-01", "created_at": "2020-01-01T00:00:00Z", "id": "999", "pk": "999"}


@pytest.mark.parametrize("name", sorted(EDIT_FORMS))
def test_extra_fields_posted_to_an_edit_form_change_nothing_they_name(request, db, outsider, name):
    key, persona, marker = EDIT_FORMS[name]
    obj = {**BUILDERS, **DRAFTS}[key](request.getfixturevalue)
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    url = reverse(name, kwargs=KWARGS.get(name, lambda o: {"pk": o.pk})(obj))
    page = client.get(url)
    assert page.status_code == 200
    data = form_as_rendered(page.content.decode(), marker)
    extras = {k: v for k, v in forged(outsider).items() if k not in data}
    before = model_to_dict(type(obj)._default_manager.get(pk=obj.pk))
    response = client.post(url, {**data, **extras})
    assert response.status_code == 302, f"{name}: the form as rendered was refused ({response.status_code})"
    after = model_to_dict(type(obj)._default_manager.get(pk=obj.pk))
    touched = {k for k in extras if k in before}
    assert touched or name == "reviews:rapid-review-edit" or {"status"} & set(before), name
    for field in touched:  # unchanged, or changed by the service (who saved it) but never to the forged value
        assert after[field] == before[field] or str(after[field]) != extras[field], f"{name}: forged {field} saved"


def test_extra_fields_on_the_account_page_grant_no_privilege(agency_lead, outsider):
    client = Client()
    client.force_login(agency_lead)
    before = model_to_dict(User.objects.get(pk=agency_lead.pk), exclude=["last_login", "password"])
    roles = set(agency_lead.roles.values_list("role", flat=True)) if hasattr(agency_lead, "roles") else None
    response = client.post(reverse("partnership:account"), {"optional_reminders": "no", **forged(outsider),
                                                            "email": "attacker@example.org", "full_name": "X"})
    assert response.status_code == 302
    user = User.objects.get(pk=agency_lead.pk)
    after = model_to_dict(user, exclude=["last_login", "password"])
    changed = {k for k in before if before[k] != after[k]}
    assert changed <= {"optional_reminders"}, changed
    assert not user.is_staff and not user.is_superuser and user.agency_id != outsider.agency_id
    if roles is not None:
        assert set(user.roles.values_list("role", flat=True)) == roles
