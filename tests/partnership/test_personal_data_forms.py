"""Generated: every free-text field of every form in the project refuses a child's name and date of birth.

The forms are found by importing every module of the project's apps, so a new form or a new field is covered
without being listed here.
"""
import datetime
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError

from partnership.personal_data import CODE

HOSTILE = "Jayden Smith (DOB 12/03/2013)"
ROOT = Path(__file__).resolve().parents[2]
# Constructor arguments some forms need, by name (anything else falls back to Django's own constructor).
ARGUMENTS = {"levels": [], "periods": [], "choices": (), "bookings": [], "outcomes": [], "shown_agencies": [],
             "today": datetime.date(2026, 12, 7), "user": None, "manager": False, "needs_manager": False,
             "post": False, "priorities": (), "stages": (), "agencies": ()}


def project_modules():
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT not in path.parents or ".venv" in path.parts:
            continue
        package = importlib.import_module(config.name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{config.name}."):
            if any(part in {"migrations", "tests", "management"} for part in info.name.split(".")):
                continue
            yield importlib.import_module(info.name)


def project_forms():
    found = {}
    for module in project_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


def is_free_text(field) -> bool:
    """Judged here on its own, not with the check's predicate: any text box or textarea of a CharField."""
    return (isinstance(field, forms.CharField)
            and not isinstance(field, (forms.EmailField, forms.URLField, forms.RegexField, forms.SlugField))
            and isinstance(field.widget, (forms.Textarea, forms.TextInput))
            and not isinstance(field.widget, (forms.PasswordInput, forms.HiddenInput)))


FORMS = project_forms()
CASES = [(name, field) for name, cls in sorted(FORMS.items())
         for field, f in cls.base_fields.items() if is_free_text(f)]


def build(cls, data):
    """The form as its view builds it when its arguments can be guessed, else with Django's constructor (declared
    fields only)."""
    params = inspect.signature(cls.__init__).parameters
    needed = {n: ARGUMENTS[n] for n, p in params.items()
              if n in ARGUMENTS and p.kind is not p.VAR_KEYWORD}
    try:
        return cls(data=data, **needed)
    except Exception:  # noqa: BLE001 - needs a real object: fall back to the declared fields
        base = next(k for k in cls.__mro__ if k.__module__.startswith("django.") and "__init__" in vars(k))
        form = cls.__new__(cls)
        base.__init__(form, data=data)
        return form


def test_the_walk_finds_the_forms_of_every_area():
    modules = {name.split(".")[0] for name, _ in CASES}
    assert {"audits", "reviews", "section11", "performance", "learning", "partnership"} <= modules
    assert len(CASES) > 80


@pytest.mark.django_db
@pytest.mark.parametrize(("form_name", "field_name"), CASES, ids=[f"{f}.{n}" for f, n in CASES])
def test_every_free_text_field_refuses_a_childs_name_and_date_of_birth(form_name, field_name):
    form = build(FORMS[form_name], {field_name: HOSTILE})
    try:
        form.full_clean()
    except Exception:  # noqa: BLE001 - a form-wide clean needing its view's objects; the field was cleaned first
        pass
    errors = form._errors.as_data().get(field_name) if form._errors is not None else None
    if errors is not None:
        assert CODE in {e.code for e in errors}, (form_name, field_name, errors)
        return
    with pytest.raises(ValidationError) as refused:
        form.fields[field_name].clean(HOSTILE)
    assert CODE in {e.code for e in refused.value.error_list}, (form_name, field_name)


@pytest.mark.django_db
def test_the_message_sits_beside_the_field_and_keeps_the_text(client_for, agency_lead):
    """Rendered: the GOV.UK error message is next to the field, and what was typed is still in the box."""
    from partnership.forms import ActionUpdateForm

    form = ActionUpdateForm(data={"note": HOSTILE})
    assert not form.is_valid()
    assert form.errors["note"] == ["Remove the date of birth. Children are never identified here: write the "
                                   "child's age or age band instead, for example \"aged 11 to 15\"."]
    assert form["note"].value() == HOSTILE
