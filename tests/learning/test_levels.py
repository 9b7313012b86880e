"""The competency levels are loaded again where missing (learning/levels.py), so the demo works on a database
emptied after its migrations, as the suite's transactional tests leave it."""
import pytest

from learning.levels import LEVELS_FILE, ensure_levels
from learning.models import Level
from partnership.reference_files import read_yaml

pytestmark = pytest.mark.django_db


def test_missing_levels_are_loaded_again_and_existing_ones_left_alone():
    rows = read_yaml(LEVELS_FILE)
    assert ensure_levels() == 0  # the migration loaded them
    Level.objects.filter(number=1).update(name="Level 1 (renamed in the admin)")
    Level.objects.exclude(number=1).delete()
    assert ensure_levels() == len(rows) - 1
    assert list(Level.objects.values_list("number", flat=True)) == [row["number"] for row in rows]
    assert Level.objects.get(number=1).name == "Level 1 (renamed in the admin)"
    assert Level.objects.get(number=2).name == rows[1]["name"]
    assert ensure_levels() == 0
