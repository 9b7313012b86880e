"""The project's form renderer writes Django's select markup byte for byte, without a template render per option
(partnership/form_renderer.py, partnership/form_templates/django/forms/widgets/select.html)."""
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.signals import template_rendered

from partnership.form_renderer import FormRenderer
from partnership.models import Agency
from partnership.widgets import QuickSelect
from tests.factories import AgencyFactory

CHOICES = [("", "All agencies"), (1, "A & B <x>"), (2, "Zed \"quoted\""), ("3", "Three")]
GROUPS = [("Health", [(1, "ICB"), (2, "Trust & <Co>")]), ("", [(3, "Police")])]
ATTRS = [{"class": "govuk-select", "id": "id_x"}, {"class": "govuk-select", "required": True, "disabled": False},
         {}]
DJANGOS = DjangoTemplates()


def both(widget, name, value):
    return widget.render(name, value, renderer=FormRenderer()), widget.render(name, value, renderer=DJANGOS)


def test_the_project_renders_forms_with_its_renderer(settings):
    assert settings.FORM_RENDERER == "partnership.form_renderer.FormRenderer"


@pytest.mark.parametrize("value", [None, "", 1, "2", "3", ["1"], "nonsense"])
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("widget", [forms.Select, forms.SelectMultiple])
def test_a_select_is_djangos_select(widget, attrs, value):
    ours, djangos = both(widget(attrs=attrs, choices=CHOICES), "agency", value)
    assert ours == djangos and "<option" in ours


@pytest.mark.parametrize("widget", [forms.Select(choices=GROUPS), forms.SelectMultiple(choices=GROUPS),
                                    forms.NullBooleanSelect(), forms.SelectDateWidget(years=[2026, 2027])])
def test_groups_and_the_other_selects_are_djangos(widget):
    ours, djangos = both(widget, "a", 2)
    assert ours == djangos


@pytest.mark.django_db
def test_a_select_of_model_choices_is_djangos_and_renders_one_template_not_one_an_option():
    chosen = AgencyFactory(name="Police & Partners")
    for name in ("Health", "Probation", "Housing"):
        AgencyFactory(name=name)
    field = forms.ModelChoiceField(queryset=Agency.objects.order_by("name"), empty_label="Any")
    ours, djangos = both(field.widget, "agency", chosen.pk)
    assert ours == djangos
    rendered: list[str] = []
    template_rendered.connect(receiver := lambda sender, **kw: rendered.append(kw["template"].name), weak=False)
    try:
        field.widget.render("agency", chosen.pk, renderer=FormRenderer())
    finally:
        template_rendered.disconnect(receiver)
    assert "django/forms/widgets/select_option.html" not in rendered and len(rendered) <= 2, rendered


# QuickSelect (partnership/widgets.py): the same markup again, written in Python, for the two list filters of every
# agency (the action list's and the scorecard's), where even the inline template costs 10 ms for 600 agencies.
@pytest.mark.parametrize("value", [None, "", 1, "2", "3", ["1"], "nonsense"])
@pytest.mark.parametrize("attrs", ATTRS)
def test_a_quick_select_is_djangos_select(value, attrs):
    assert QuickSelect(attrs=attrs, choices=CHOICES).render("agency", value) == forms.Select(
        attrs=attrs, choices=CHOICES).render("agency", value, renderer=DJANGOS)


@pytest.mark.django_db
def test_a_quick_select_of_model_choices_and_of_groups_is_djangos_select():
    chosen = AgencyFactory(name="Police & Partners")
    AgencyFactory(name="Health")
    field = forms.ModelChoiceField(queryset=Agency.objects.order_by("name"), widget=QuickSelect, empty_label="Any")
    plain = forms.ModelChoiceField(queryset=Agency.objects.order_by("name"), empty_label="Any")
    assert field.widget.render("agency", chosen.pk) == plain.widget.render("agency", chosen.pk, renderer=DJANGOS)
    assert QuickSelect(choices=GROUPS).render("a", 2) == forms.Select(choices=GROUPS).render("a", 2, renderer=DJANGOS)
