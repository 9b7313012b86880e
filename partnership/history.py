"""Writes that keep history: the one place a write to a history-tracked model may skip save().

The board pack for a past quarter is read "as at" the quarter's end from django-simple-history, so
every write to a model with `history = HistoricalRecords()` must leave a history row. save() and
delete() do (simple-history listens to their signals); QuerySet.update(), bulk_create() and
bulk_update() do not. Use the helpers here instead:

- `bulk_create(objs)`, `bulk_update(objs, fields)` and `update(queryset, **values)` write the rows and
  one history row per row written, dated `date` (default: now) and signed by `user`;
- `save_versioned(instance, ...)` is the optimistic-locking save (UPDATE ... WHERE version = n);
- `replace_history(instance)` leaves one version of an anonymised record, dated when it was created.

For events that happened earlier (the demo's story): `save_dated(instance, when)` and `create_dated(instance,
when)` date one save, and inside `dated(when)` every history row written (by save(), the services and the
helpers here) and the creation times of tracked records created are dated `when`.

`guard_bypassing_writes()` (switched on for the whole test session in tests/conftest.py) makes any
update()/bulk_create()/bulk_update() on a tracked model outside this module raise AssertionError.
"""
import contextlib
import contextvars
import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from partnership.request_memo import forget as forget_memo
from partnership.services.errors import ConflictError
from partnership.snapshots import forget_changes

GUARDED_METHODS = ("update", "bulk_create", "bulk_update")

_inside_kernel = contextvars.ContextVar("partnership_history_kernel", default=False)
_dated = contextvars.ContextVar("partnership_history_date", default=None)


@contextlib.contextmanager
def _kernel_write():
    """Mark the raw writes made here (and by simple-history's utils called from here) as history-aware."""
    token = _inside_kernel.set(True)
    try:
        yield
    finally:
        _inside_kernel.reset(token)
        forget_changes()
        forget_memo()


def is_tracked(model) -> bool:
    """Does `model` keep history with django-simple-history? (Historical* models themselves do not.)"""
    return hasattr(model._meta, "simple_history_manager_attribute")


def history_manager(model):
    return getattr(model, model._meta.simple_history_manager_attribute)


# --- Dates


@contextlib.contextmanager
def dated(when: datetime.datetime):
    """History rows written inside (by save(), the services, the helpers here) are dated `when`: for seeding
    events that happened earlier through the services that record them."""
    token = _dated.set(when)
    try:
        yield
    finally:
        _dated.reset(token)


def dated_moment() -> datetime.datetime | None:
    """The moment `dated()` gives, if any: other records of events (the tags' history) are dated the same way."""
    return _dated.get()


def date_history_row(sender, instance, history_instance, **kwargs) -> None:
    """simple-history's pre_create_historical_record receiver: apply `dated()` unless the instance carries its own
    `_history_date` (connected in apps.py)."""
    when = _dated.get()
    if when is not None and not hasattr(instance, "_history_date"):
        history_instance.history_date = when


def now() -> datetime.datetime:
    """The moment of a write: `dated()`'s inside it (a record of when a seeded event happened), else now."""
    return _dated.get() or timezone.now()


# --- Writes


When = datetime.datetime | Callable[[Any], datetime.datetime] | None


def _date_each(objs: list, date: When) -> datetime.datetime | None:
    """A callable `date` dates each object's history row (simple-history reads `_history_date`)."""
    if not callable(date):
        return date
    for obj in objs:
        obj._history_date = date(obj)
    return None


def bulk_create(objs, *, model=None, date: When = None, user=None, batch_size: int | None = None) -> list:
    """bulk_create with one "+" history row per object, dated `date`: a datetime, or obj -> datetime (default now)."""
    objs = list(objs)
    if not objs:
        return []
    model = model or type(objs[0])
    date = _date_each(objs, date)
    with transaction.atomic(), _kernel_write():
        if not is_tracked(model):
            return model._default_manager.bulk_create(objs, batch_size=batch_size)
        return bulk_create_with_history(objs, model, batch_size=batch_size, default_date=date or _dated.get(),
                                        default_user=user)


def bulk_update(objs, fields, *, model=None, date: When = None, user=None, batch_size: int | None = None) -> int:
    """bulk_update with one "~" history row per object, dated as for bulk_create."""
    objs = list(objs)
    if not objs:
        return 0
    model = model or type(objs[0])
    date = _date_each(objs, date)
    with transaction.atomic(), _kernel_write():
        if not is_tracked(model):
            return model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
        return bulk_update_with_history(objs, model, fields, batch_size=batch_size,
                                        default_date=date or _dated.get(), default_user=user)


def update(queryset: models.QuerySet, *, date: datetime.datetime | None = None, user=None, **values) -> int:
    """queryset.update(**values), then one "~" history row per changed row, read back after the update."""
    model = queryset.model
    with transaction.atomic(), _kernel_write():
        if not is_tracked(model):
            return queryset.update(**values)
        pks = list(queryset.values_list("pk", flat=True))
        if not pks:
            return 0
        changed = model._default_manager.filter(pk__in=pks).update(**values)
        fresh = list(model._default_manager.filter(pk__in=pks))
        history_manager(model).bulk_history_create(fresh, update=True, default_date=date or _dated.get(),
                                                   default_user=user)
        return changed


def SET_NULL_KEEPING_HISTORY(collector, field, sub_objs, using):  # noqa: N802 (named like Django's SET_NULL)
    """`on_delete` for a history-tracked model's optional key: like SET_NULL, but through `update`, so each row
    whose key is cleared gets its history row (Django's SET_NULL is a bare QuerySet.update, which the guard refuses).
    """
    queryset = sub_objs if isinstance(sub_objs, models.QuerySet) else field.model._default_manager.filter(
        pk__in=[obj.pk for obj in sub_objs])
    update(queryset.using(using), **{field.name: None})


def person_field(*, blank: bool = True, related_name: str = "+", **options) -> models.ForeignKey:
    """The person who did something to a history-tracked record (`submitted_by`, `signed_off_by`, `raised_by`):
    optional, and cleared when the person is deleted, with a history row for each record it clears
    (`SET_NULL_KEEPING_HISTORY`, above). `blank=False` where a form never leaves it empty; `options` are the field's own
    (a label, `help_text`)."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=SET_NULL_KEEPING_HISTORY, null=True, blank=blank,
                             related_name=related_name, **options)


def save_dated(instance, when: datetime.datetime | None, **save_kwargs) -> None:
    """instance.save(), its history row dated `when` (None: now). For recording events that happened earlier."""
    if when is not None:
        instance._history_date = when
    try:
        instance.save(**save_kwargs)
    finally:
        instance.__dict__.pop("_history_date", None)


def create_dated(instance, when: datetime.datetime) -> None:
    """Save a new instance as created at `when`: its "+" history row and its creation times. For seeding records
    of past events."""
    with transaction.atomic():
        save_dated(instance, when)
        restamp_creation(instance, when)


def restamp_creation(instance, when: datetime.datetime) -> None:
    """Set the auto_now(_add) times of a row just created (save() sets them to now) to `when`, on the row and on
    its history rows, which hold the same values."""
    model = type(instance)
    times = {f.attname: when for f in model._meta.concrete_fields
             if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)}
    if not times:
        return
    with transaction.atomic(), _kernel_write():
        model._default_manager.filter(pk=instance.pk).update(**times)
        if is_tracked(model):
            history_manager(model).filter(**{model._meta.pk.attname: instance.pk}).update(**times)
    for attname, value in times.items():
        setattr(instance, attname, value)


def restamp_dated_creation(sender, instance, created, raw=False, **kwargs) -> None:
    """post_save receiver: a tracked record created inside `dated()` was created then (connected in apps.py)."""
    when = _dated.get()
    if created and not raw and when is not None and is_tracked(sender) and not hasattr(instance, "_history_date"):
        restamp_creation(instance, when)


def replace_history(instance) -> None:
    """Drop every history row of `instance`; leave one "+" row of its current values, dated when it was created.

    For anonymisation: earlier versions hold the personal data, yet the record must still be there "as at"
    any date since it was created.
    """
    model = type(instance)
    if not is_tracked(model):
        return
    manager = history_manager(model)
    with transaction.atomic():
        manager.filter(**{model._meta.pk.attname: instance.pk}).delete()
        current = model._default_manager.get(pk=instance.pk)
        manager.bulk_history_create([current], default_date=getattr(current, "created_at", None))


def save_versioned(instance, *, expected_version: int, fields: list[str], by=None) -> None:
    """Save `fields` only if the row still has `expected_version`; bump the version. Raise ConflictError.

    The write is an UPDATE ... WHERE version = expected, which django-simple-history does not see, so
    the history row (who and when) is written here for models that keep history.
    """
    model = type(instance)
    values = {f: getattr(instance, f) for f in fields}
    # update() skips auto_now fields (updated_at): set them here, as save() would (dated inside `dated()`).
    moment = now()
    touched = {
        f.attname: moment
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) and f.attname not in values
    }
    with transaction.atomic(), _kernel_write():
        updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
            version=expected_version + 1, **values, **touched
        )
        if updated != 1:
            raise ConflictError()
        instance.version = expected_version + 1
        for attname, value in touched.items():
            setattr(instance, attname, value)
        record_history(instance, by)


def record_history(instance, by) -> None:
    """Write a django-simple-history row for a change made with update() (a no-op without history)."""
    model = type(instance)
    if not is_tracked(model):
        return
    current = model.objects.get(pk=instance.pk)
    history_manager(model).model.objects.create(
        **{f.attname: getattr(current, f.attname) for f in model._meta.concrete_fields},
        history_date=now(), history_type="~", history_user=by,
    )


# --- The guard


class BypassingWriteError(AssertionError):
    """A write to a history-tracked model that leaves no history row."""


def _guarded(name: str, original):
    def method(self, *args, **kwargs):
        if not _inside_kernel.get() and is_tracked(self.model):
            raise BypassingWriteError(
                f"{self.model._meta.label}: QuerySet.{name}() writes no history row, so the board pack cannot "
                f"read this change 'as at' a past date. Use partnership.history.{name}() instead."
            )
        return original(self, *args, **kwargs)

    method.__name__ = name
    method.__wrapped__ = original
    return method


@contextlib.contextmanager
def guard_bypassing_writes():
    """While open, update()/bulk_create()/bulk_update() on a tracked model outside this module raise."""
    originals = {name: getattr(models.QuerySet, name) for name in GUARDED_METHODS}
    for name, original in originals.items():
        setattr(models.QuerySet, name, _guarded(name, original))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(models.QuerySet, name, original)
