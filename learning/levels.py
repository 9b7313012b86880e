"""The London safeguarding children competency levels (`learning/reference/levels.yaml`), as rows.

Migration 0001 loaded them once. `ensure_levels()` loads any that are missing again (matched by number; existing
rows are left as they are), and the learning demo calls it before it names courses' levels: a database emptied
after its migrations (the test suite's transactional tests empty every table when they end) otherwise had none,
and the demo failed on whichever test happened to run after one in its process.
"""
from pathlib import Path

from django.db import transaction

from partnership.reference_files import read_yaml

from .models import Level

LEVELS_FILE = Path(__file__).resolve().parent / "reference" / "levels.yaml"


@transaction.atomic
def ensure_levels() -> int:
    """Create the levels the file names and the database lacks; the number created."""
    have = set(Level.objects.values_list("number", flat=True))
    missing = [row for row in read_yaml(LEVELS_FILE) if row["number"] not in have]
    for row in missing:
        Level.objects.create(number=row["number"], name=row["name"], description=row.get("description", ""))
    return len(missing)
