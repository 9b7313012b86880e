"""One conflict behaviour for every versioned form (optimistic locking, `partnership.history.save_versioned`).

When someone saves a record another person saved since they opened it, the service raises `ConflictError`.
Every view that edits a versioned record answers the same way, through `refusal_status` here:

- 409, with the conflict message at the top of the form;
- the record as it is saved now beside what was typed, field by field where they differ, with who saved it and
  when (`templates/includes/conflict.html`, shown by the form's error block `templates/gds/errors.html`, so
  every crispy form gets it; pages without a Django form include it themselves);
- what was typed kept in the form;
- the form carrying the version saved now, so the next save (after reading their change) succeeds.

Views that edit a versioned record say so with `@edits_versioned(Model)`: the generated test
(tests/partnership/test_versioned_forms.py) walks the URL conf for them, checks every model with a `version`
field has one, and tries each one stale.
"""
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.db import models
from django.utils import formats, timezone

from partnership.history import history_manager, is_tracked
from partnership.services.errors import ConflictError, ServiceError

EMPTY = "(empty)"


def edits_versioned(*model_classes):
    """Mark a view as the edit page of versioned records (found by the generated conflict test)."""

    def mark(view):
        view.edits_versioned = tuple(model_classes)
        return view

    return mark


@dataclass
class Row:
    label: str
    theirs: str
    yours: str


@dataclass
class Conflict:
    """What the conflict panel shows: the record as saved now, by whom and when, and the differences."""

    current: models.Model
    version: int | None  # None: the page carries several records' versions itself
    rows: list[Row] | None = None  # None: the form's fields are not the record's (a status change, say)
    by: str = ""
    at: datetime.datetime | None = None

    @classmethod
    def of(cls, current: models.Model, rows: Iterable[Row] | None = None) -> "Conflict":
        by, at = last_change(current)
        return cls(current=current, version=getattr(current, "version", None),
                   rows=None if rows is None else list(rows), by=by, at=at)


def last_change(record: models.Model) -> tuple[str, datetime.datetime | None]:
    """Who saved `record` last, and when: from its history, else its `updated_by`/`updated_at`."""
    if is_tracked(type(record)):
        latest = (history_manager(type(record)).filter(id=record.pk).select_related("history_user")
                  .order_by("-history_date", "-history_id").first())
        if latest is not None:
            return (str(latest.history_user) if latest.history_user else "", latest.history_date)
    by = getattr(record, "updated_by", None)
    return (str(by) if by else "", getattr(record, "updated_at", None))


def _choices(field_: forms.ChoiceField):
    for key, label in field_.choices:
        if isinstance(label, (list, tuple)):  # an optgroup
            yield from label
        else:
            yield key, label


def shown(field_: forms.Field, value) -> str:
    """A field's value in words, as the person would read it on the form."""
    if isinstance(field_, forms.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field_, forms.ChoiceField):
        values = list(value) if isinstance(value, (list, tuple, models.QuerySet)) else [value]
        keys = {str(field_.prepare_value(v)) for v in values if v not in (None, "")}
        labels = [str(label) for key, label in _choices(field_) if str(key) in keys and str(key) != ""]
        return ", ".join(labels) or EMPTY
    if value in (None, "", [], ()):
        return EMPTY
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value,
                                   "j F Y, H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v not in (None, "")) or EMPTY
    return str(value).strip() or EMPTY


def differences(typed: forms.BaseForm, saved: forms.BaseForm) -> list[Row]:
    """Field by field, where the record as saved now (`saved`, an unbound form of it) differs from `typed`."""
    rows = []
    for name, field_ in typed.fields.items():
        hidden = isinstance(field_.widget, forms.HiddenInput) or isinstance(field_, forms.FileField)
        if hidden or name not in saved.fields:
            continue
        if isinstance(field_, forms.ChoiceField) or name not in getattr(typed, "cleaned_data", {}):
            yours = typed[name].value()  # the choice as posted (clean() may have turned it into something else)
        else:
            yours = typed.cleaned_data[name]
        theirs, yours = shown(field_, saved[name].value()), shown(field_, yours)
        if theirs != yours:
            rows.append(Row(str(field_.label or name.replace("_", " ").capitalize()), theirs, yours))
    return rows


def carry_version(form: forms.BaseForm, version: int, name: str = "version") -> None:
    """Put the version saved now in the form's posted data, so the form shown again saves over it."""
    if form.data is not None and form.is_bound:
        form.data = form.data.copy()
        form.data[form.add_prefix(name)] = str(version)


def refusal_status(form: forms.BaseForm, error: ServiceError, *, current: Callable[[], models.Model],
                   saved_form: Callable[[models.Model], forms.BaseForm] | None = None) -> int:
    """Show a service's refusal on `form` and return the status to answer with: 409 for a conflict (see the
    module's docstring), else 400. `current()` reads the record as saved now; `saved_form(record)` makes an
    unbound form of it (default: the form's class with `instance=record`, for model forms)."""
    form.add_service_error(error)
    if not isinstance(error, ConflictError):
        return 400
    record = current()
    carry_version(form, record.version)
    if saved_form is None and isinstance(form, forms.BaseModelForm):
        def saved_form(r):
            return type(form)(instance=r, prefix=form.prefix)
    form.conflict = Conflict.of(record, differences(form, saved_form(record)) if saved_form else None)
    return 409


def compared(pairs: Iterable[tuple[str, object, object]]) -> list[Row]:
    """For pages without a Django form (several records' boxes on one page, raw POST): rows from (label, saved
    now, typed) triples, kept where they differ. The page shows `Conflict.of(record, rows)` with
    `includes/conflict.html` and answers 409."""
    rows = []
    for label, theirs, yours in pairs:
        theirs, yours = shown(forms.CharField(), theirs), shown(forms.CharField(), yours)
        if theirs != yours:
            rows.append(Row(label, theirs, yours))
    return rows
