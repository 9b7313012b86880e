"""QuickSelect writes Django's Select markup byte for byte, in Python (partnership/widgets.py)."""
import pytest
from django import forms

from partnership.models import Agency
from partnership.widgets import QuickSelect
from tests.factories import AgencyFactory

CHOICES = [("", "All agencies"), (1, "A & B <x>"), (2, "Zed \"quoted\""), ("3", "Three")]
ATTRS = [{"class": "govuk-select", "id": "id_x"}, {"class": "govuk-select", "required": True, "disabled": False},
         {}]


@pytest.mark.parametrize("value", [None, "", 1, "2", "3", ["1"], "nonsense"])
@pytest.mark.parametrize("attrs", ATTRS)
def test_a_quick_select_is_djangos_select(value, attrs):
    assert QuickSelect(attrs=attrs, choices=CHOICES).render("agency", value) == forms.Select(
        attrs=attrs, choices=CHOICES).render("agency", value)


@pytest.mark.django_db
def test_a_quick_select_of_model_choices_and_of_groups_is_djangos_select():
    chosen = AgencyFactory(name="Police & Partners")
    AgencyFactory(name="Health")
    field = forms.ModelChoiceField(queryset=Agency.objects.order_by("name"), widget=QuickSelect, empty_label="Any")
    plain = forms.ModelChoiceField(queryset=Agency.objects.order_by("name"), empty_label="Any")
    assert field.widget.render("agency", chosen.pk) == plain.widget.render("agency", chosen.pk)
    groups = [("Health", [(1, "ICB"), (2, "Trust")]), ("", [(3, "Police")])]
    assert QuickSelect(choices=groups).render("a", 2) == forms.Select(choices=groups).render("a", 2)
