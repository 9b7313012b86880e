"""The kernel's reads that every app's views share (docs/architecture.md, "Where reads live").

Each app's own reads are in its `selectors.py`; a view asks there, never `Model.objects` itself."""
from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def as_saved(record: M) -> M:
    """`record` as saved now, read again from the database: what a conflict page shows beside what was typed."""
    return type(record)._default_manager.get(pk=record.pk)
