"""Reading records as they stood at a moment, from their history (django-simple-history), for reports.

`state_at(Model, at)` is a queryset of the model's rows as they were at `at` (the latest history row of each
at or before that moment, deleted rows left out), or of the rows now when `at` is None, so one report function
serves the live page and a past period alike. Rows read from history carry no cached relations: `attach` fills
one relation for a list of rows in one query, whatever their number.
"""
import datetime

from django.db import models
from django.db.models import Exists, OuterRef


def state_at(model: type[models.Model], at: datetime.datetime | None) -> models.QuerySet:
    """Like `Model.history.as_of(at)`, but one row per record even when two history rows of a record share the
    latest moment (a save and a history-aware write in the same instant, or dated events): the later row wins."""
    if at is None:
        return model._default_manager.all()
    rows = model.history.as_of(at)
    # simple-history keeps each row that no later row beats, so two history rows written at the same instant (a
    # service saving twice inside one dated() block) both came back: the record counted twice. Of rows at the same
    # instant, the one written last (highest history_id) is the state.
    pk = rows._pk_attr
    written_later = model.history.filter(**{pk: OuterRef(pk)}, history_date=OuterRef("history_date"),
                                         history_id__gt=OuterRef("history_id"))
    return rows.filter(~Exists(written_later))


def attach(rows, name: str, model: type[models.Model]) -> list:
    """Set `row.<name>` from `row.<name>_id` for every row, in one query. Returns the rows as a list."""
    rows = list(rows)
    ids = {getattr(row, f"{name}_id") for row in rows} - {None}
    found = model._default_manager.in_bulk(ids) if ids else {}
    for row in rows:
        setattr(row, name, found.get(getattr(row, f"{name}_id")))
    return rows
