"""WCAG 1.3.5 (Identify Input Purpose): a form that asks people about themselves says what each such box is for
(`autocomplete`), so browsers and assistive technology can fill it in. Generated over every form class a person
fills in about themselves: every public form (GDSForm.public) and the account forms (sign-in, password reset)."""
import importlib
import pkgutil

import pytest
from django import forms

import partnership.forms
from partnership.forms import GDSForm

APPS = ("partnership", "section11", "audits", "performance", "reviews", "learning", "merton_qa")
# A box about the person filling in the form, by field name, and the purpose it must declare.
PURPOSES = {"email": "email", "username": "email", "name": "name", "full_name": "name",
            "other_agency_name": "organization", "role": "organization-title", "job_title": "organization-title"}
ACCOUNT_FORMS = {"PasswordResetRequestForm", "SignInForm"}


def _load_forms():
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".forms" in module.name or module.name.endswith("forms"):
                importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


_load_forms()
ABOUT_THEMSELVES = sorted({cls for cls in _subclasses(GDSForm) if issubclass(cls, forms.BaseForm)
                           and (cls.public or cls.__name__ in ACCOUNT_FORMS)}, key=lambda c: c.__qualname__)


def test_the_forms_about_people_themselves_are_found():
    names = {cls.__name__ for cls in ABOUT_THEMSELVES}
    assert "PasswordResetRequestForm" in names and any(cls.public for cls in ABOUT_THEMSELVES)
    assert partnership.forms.PasswordResetRequestForm in ABOUT_THEMSELVES


@pytest.mark.parametrize("form_class", ABOUT_THEMSELVES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_box_about_the_person_declares_its_purpose(form_class, db):
    try:
        form = form_class()
    except TypeError:
        pytest.skip(f"{form_class.__name__} needs arguments to be made")
    missing = [f"{name} (autocomplete={PURPOSES[name]!r})" for name, field in form.fields.items()
               if name in PURPOSES and not isinstance(field.widget, forms.HiddenInput)
               and field.widget.attrs.get("autocomplete") != PURPOSES[name]]
    assert not missing, f"{form_class.__name__}: say what these boxes are for: {missing}"
