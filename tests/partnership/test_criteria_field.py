"""Inspection criteria as checkboxes grouped by framework (partnership.forms.InspectionCriteriaField)."""
import re

from crispy_forms.utils import render_crispy_form

from audits.forms import FindingForm
from partnership.models import InspectionCriterion, InspectionFramework
from partnership.templatetags.error_links import error_links
from reviews.forms import RecommendationForm


def frameworks(db):
    ilacs = InspectionFramework.objects.create(code="ilacs", name="ILACS", kind="inspection", order=1)
    jtai = InspectionFramework.objects.create(code="jtai", name="JTAI", kind="inspection", order=2)
    made = [InspectionCriterion.objects.create(framework=f, code=f"{f.code}-{n}", name=f"Criterion {n}", order=n)
            for f in (ilacs, jtai) for n in (1, 2)]
    return made


def test_each_framework_is_a_group_of_checkboxes_in_one_fieldset(db):
    made = frameworks(db)
    html = render_crispy_form(FindingForm())
    assert "<select" not in html.split('name="inspection_criteria"')[0][-400:]
    boxes = re.findall(r'type="checkbox" name="inspection_criteria"[^>]*id="(id_inspection_criteria_\d+)"', html)
    assert boxes == [f"id_inspection_criteria_{n}" for n in range(1, len(made) + 1)]
    assert html.index("ILACS") < html.index("id_inspection_criteria_1") < html.index("JTAI") < html.index(
        "id_inspection_criteria_3")
    assert "Choose all that apply" in html


def test_a_chosen_criterion_stays_ticked_when_the_form_comes_back_with_errors(db):
    made = frameworks(db)
    form = FindingForm(data={"inspection_criteria": [str(made[2].pk)]})
    assert not form.is_valid()
    html = render_crispy_form(form)
    ticked = re.findall(r'id="(id_inspection_criteria_\d+)" value="\d+" checked', html)
    assert ticked == ["id_inspection_criteria_3"]


def test_forms_without_a_layout_group_the_criteria_too_and_an_error_links_to_the_first_box(db):
    frameworks(db)
    form = RecommendationForm(data={"inspection_criteria": ["999999"]})
    assert not form.is_valid()
    html = render_crispy_form(form)
    assert 'id="id_inspection_criteria_1"' in html and "<select" not in html.split("ILACS")[1][:2000]
    assert ("id_inspection_criteria_1", form.errors["inspection_criteria"][0]) in [
        (target, message) for target, message in error_links(form)]
