import pytest
from django.core.exceptions import ValidationError

from audits.validators import validate_case_reference


@pytest.mark.parametrize("value", ["MA-2026-014", "JTAI-2026-3", "MA-25-7", "NEG-2025-A12"])
def test_partnership_references_are_accepted(value):
    validate_case_reference(value)


@pytest.mark.parametrize("value", ["Jane Smith", "jane smith", "Smith", "Jayden", "Mary-Ann O'Brien", "Baby Smith 2"])
def test_names_are_refused_with_an_explanation(value):
    with pytest.raises(ValidationError) as exc:
        validate_case_reference(value)
    assert "looks like a name" in str(exc.value) or "format" in str(exc.value)
    assert "MA-2026-014" in str(exc.value)


@pytest.mark.parametrize("value", ["03/04/2019", "3.4.19", "2019-04-03", "MA-03-04-2019", "3 April 2019", "12th Jan"])
def test_dates_are_refused_as_possible_dates_of_birth(value):
    with pytest.raises(ValidationError) as exc:
        validate_case_reference(value)
    assert "date of birth" in str(exc.value) or "dates of birth" in str(exc.value)


@pytest.mark.parametrize("value", ["", "   ", "ma-2026-014", "MA 2026 014", "2026014"])
def test_other_shapes_are_refused(value):
    with pytest.raises(ValidationError):
        validate_case_reference(value)
