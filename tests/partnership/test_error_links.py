"""The GOV.UK error summary links each error to its field's first control (templates/gds/layout/error_summary.html,
partnership/templatetags/error_links.py): every id it links to is rendered by the form's own field templates."""
import re

from crispy_forms_gds.layout import Field
from django import forms
from django.template import Context, Template

from partnership.forms import GDSForm, date_field

CHOICES = [("a", "Apple"), ("b", "Banana")]


class MixedForm(GDSForm, forms.Form):
    name = forms.CharField(label="Name")
    fruit = forms.ChoiceField(label="Fruit", choices=CHOICES, widget=forms.RadioSelect)
    baskets = forms.MultipleChoiceField(label="Baskets", choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    picked_on = date_field("Picked on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.text("name"), Field.radios("fruit"), Field.checkboxes("baskets"), Field("picked_on"))

    def clean(self):
        raise forms.ValidationError("Something about the whole form")


def rendered(form) -> str:
    return Template("{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}").render(
        Context({"form": form}))


def test_every_error_link_goes_to_a_control_the_form_renders():
    html = rendered(MixedForm(data={}))
    links = re.findall(r'<li><a href="#([^"]+)">', html)
    assert links == ["id_name", "id_name", "id_fruit_1", "id_baskets_1", "id_picked_on_0"]
    for target in links:
        assert re.search(rf'<input[^>]*\bid="{target}"', html), f"#{target} is not a control of the form"


def test_a_date_part_error_goes_to_that_part():
    html = rendered(MixedForm(data={"name": "x", "fruit": "a", "baskets": ["a"],
                                    "picked_on_0": "1", "picked_on_1": "13", "picked_on_2": "2027"}))
    links = re.findall(r'<li><a href="#([^"]+)">', html)
    assert links[0] == "id_name" and all(re.search(rf'\bid="{t}"', html) for t in links)
    assert any(t.startswith("id_picked_on_") for t in links)
