"""Generated: hostile input never gives a 500 and never reaches the database (issue 15, items 10 to 13 and 16).

Every form class of the project (found as in tests/partnership/test_personal_data_forms.py) gets, field by field,
the values that broke it: years like 99999999999, 0001 and 9999, a partly typed date, 1e30, "1e308" and "²" in a
number, a NUL, U+FFFF and 200,000 characters in a text box; each must make the form invalid with a message on
that field. Every list page of the URL conf is then fetched by the business unit with a NUL in each of its
filters (read from the page's own GET forms) and an absurd page number: never a 500. A new form or page is
covered without being listed here.
"""
import html
import inspect
import re

import pytest
from crispy_forms_gds.fields import DateInputField
from django import forms

from tests.partnership.test_personal_data_forms import ARGUMENTS, FORMS

from .urlconf import converter_types, url_for, walk

DATES = {"year 99999999999": ("1", "1", "99999999999"), "0001-01-01": ("1", "1", "1"),
         "9999-12-31": ("31", "12", "9999"), "31 February": ("31", "2", "2026"), "partial": ("14", "", "2026"),
         "superscript": ("²", "1", "2026")}
NUMBERS = {"1e30": "1e30", "1e308": "1e308", "superscript two": "²", "huge": "9" * 40}
TEXTS = {"NUL": "Good practice\x00", "U+FFFF": "Good \uffff practice", "U+FFFE": "\ufffe",
         "200,000 characters": "a" * 200_000}
CHOICES = {"NUL": "\x00"}


def kind(field) -> str | None:
    if isinstance(field, DateInputField):
        return "date"
    if isinstance(field, (forms.DecimalField, forms.IntegerField)):
        return "number"
    if isinstance(field, forms.CharField):
        return "text"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) and not isinstance(
            field, forms.MultipleChoiceField):
        return "choice"
    return None


VALUES = {"date": DATES, "number": NUMBERS, "text": TEXTS, "choice": CHOICES}
CASES = [(name, field, kind(f), label) for name, cls in sorted(FORMS.items())
         for field, f in cls.base_fields.items() if kind(f) for label in VALUES[kind(f)]]


def build(cls, data):
    """(form, built as its view builds it?). Forms needing real objects fall back to Django's constructor."""
    params = inspect.signature(cls.__init__).parameters
    needed = {n: ARGUMENTS[n] for n, p in params.items() if n in ARGUMENTS and p.kind is not p.VAR_KEYWORD}
    try:
        return cls(data=data, **needed), True
    except Exception:  # noqa: BLE001 - needs a real object: the declared fields only
        base = next(k for k in cls.__mro__ if k.__module__.startswith("django.") and "__init__" in vars(k))
        form = cls.__new__(cls)
        try:
            base.__init__(form, data=data)
        except TypeError:  # a Django form that needs its own object too (a user)
            forms.BaseForm.__init__(form, data=data)
        return form, False


def data_for(form, field_name: str, field_kind: str, label: str) -> dict:
    key = form.add_prefix(field_name)
    value = VALUES[field_kind][label]
    if field_kind == "date":
        return {f"{key}_{i}": part for i, part in enumerate(value)}
    return {key: value}


def test_the_walk_finds_every_kind_of_field_in_every_area():
    kinds = {k for _, _, k, _ in CASES}
    assert kinds == {"date", "number", "text", "choice"}
    assert {name.split(".")[0] for name, *_ in CASES} >= {"audits", "reviews", "section11", "performance",
                                                          "learning", "partnership"}
    assert len({(n, f) for n, f, k, _ in CASES if k == "date"}) >= 25


def test_every_form_and_filter_of_the_project_gets_the_input_rules():
    """The rules run from GDSForm: a form without it would take NUL, 200,000 characters and "1e308"."""
    from partnership.filters import ActionFilter
    from partnership.forms import GDSForm

    assert [name for name, cls in FORMS.items() if not issubclass(cls, GDSForm)] == []
    assert issubclass(ActionFilter().form.__class__, GDSForm)


@pytest.mark.django_db
@pytest.mark.parametrize(("form_name", "field_name", "field_kind", "label"), CASES,
                         ids=[f"{n}.{f}-{label}" for n, f, _, label in CASES])
def test_every_field_refuses_hostile_input_with_a_message_on_that_field(form_name, field_name, field_kind, label):
    probe, _ = build(FORMS[form_name], {})
    form, exact = build(FORMS[form_name], data_for(probe, field_name, field_kind, label))
    if field_name not in form.fields:
        return  # removed by the form for this user or object: nothing to type into
    try:
        form.full_clean()
    except Exception:  # noqa: BLE001 - a form-wide clean needing its view's objects (fields were cleaned first)
        if exact:
            raise
    errors = (form._errors or {}).get(field_name)
    assert errors, (form_name, field_name, label, "accepted")
    for message in errors:
        assert "\x00" not in message and "\uffff" not in message and "This field is required" not in message
        assert "out of range" not in message and len(message) < 300, message


def _get_form_fields(page: str) -> set[str]:
    """The names of every input and select inside the page's GET forms (its filters)."""
    names = set()
    for form in re.findall(r"<form\b(?:(?!>).)*>.*?</form>", page, re.S | re.I):
        head = form[:form.index(">")].lower()
        if 'method="post"' in head:
            continue
        names |= {html.unescape(n) for n in re.findall(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", form)}
    return names - {"csrfmiddlewaretoken"}


LIST_URLS = sorted(name for name, pattern in walk() if not converter_types(pattern)
                   and name.split(":")[0] not in {"auth", "sign-out"} and "logout" not in name
                   and "sign-out" not in name)
EXTRA_PARAMS = ("q", "page", "person", "agency", "status", "period", "priority", "from", "to", "year", "kind")


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", LIST_URLS)
def test_every_list_page_survives_hostile_query_values(url_name, business_unit, client_for):
    client = client_for(business_unit)
    url = url_for(url_name, dict(walk())[url_name])
    first = client.get(url, secure=True)
    if first.status_code >= 300 or "text/html" not in first.get("Content-Type", ""):
        names = set(EXTRA_PARAMS)
    else:
        names = _get_form_fields(first.content.decode()) | set(EXTRA_PARAMS)
    nul = {name: "\x00" for name in names}
    numbers = {name: "99999999999999999999" for name in names}
    years = {name: "99999999999" for name in names}
    for query in (nul, {"page": "99999999999999999999"}, numbers, years, {name: "²" for name in names},
                  {name: "\uffff" for name in names}):
        response = client.get(url, query, secure=True)
        assert response.status_code < 500, (url_name, query, response.status_code)


# --- The raw paths: values read without a form -------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["1e30", "1e308", "-1e30", 1e308, float("inf"), "²", "NaN"])
def test_a_figure_typed_online_or_in_an_upload_is_refused_with_a_message_never_a_crash(typed):
    from performance.spreadsheets import NumberError, parse_number

    with pytest.raises(NumberError) as refused:
        parse_number(typed)
    assert str(refused.value).startswith("Enter a number")


@pytest.mark.django_db
def test_an_agency_audit_refuses_hidden_characters_and_a_superscript_grade_without_a_500(
        audit, contributor, police, client_for):
    from django.urls import reverse

    from audits.models import AgencyAudit

    aa = AgencyAudit.objects.get(case=audit.cases.first(), agency=police)
    domain = audit.tool.domains.first()
    url = reverse("audits:agency-audit", args=[aa.pk])
    client = client_for(contributor)
    response = client.post(url, {"version": "²", "action": "save", f"grade-{domain.pk}": "²",
                                 f"good_practice-{domain.pk}": "Seen alone\x00 at every visit"})
    assert response.status_code == 400
    assert "must not contain hidden characters" in response.content.decode()
    aa.refresh_from_db()
    assert "\x00" not in aa.answers.get(domain=domain).good_practice
    response = client.post(url, {"version": aa.version, "action": "save", f"grade-{domain.pk}": "²",
                                 f"good_practice-{domain.pk}": "x" * 10_001})
    assert response.status_code == 400 and "characters or fewer" in response.content.decode()


def test_a_query_value_with_a_nul_is_dropped_before_the_view(rf):
    from partnership.input_rules import BadQueryValuesMiddleware

    seen = {}
    request = rf.get("/reviews/access-log/", {"person": "\x00", "q": "ok", "x\uffff": "1", "page": ["2", "\ufffe"]})
    BadQueryValuesMiddleware(lambda r: seen.update(r.GET.lists()))(request)
    assert seen == {"q": ["ok"], "page": ["2"]}


@pytest.mark.parametrize("raw, expected", [("12", 12), (" 7 ", 7), ("²", None), ("١٢", None), ("1e3", None),
                                           ("-1", None), ("", None), (None, None), ("9" * 30, None)])
def test_an_id_read_from_a_request_is_ascii_digits_only(raw, expected):
    from partnership.input_rules import as_id

    assert as_id(raw) == expected
