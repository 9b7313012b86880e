from django.utils import timezone


class ServiceError(Exception):
    """A business rule refused the change. The message is shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(ServiceError):
    """Someone else changed the record since it was read (optimistic locking)."""

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "Someone else changed this record while you were editing it. Your changes have not been "
            "saved. Check their changes below, then make yours again: what you typed is kept."
        )


def save_versioned(instance, *, expected_version: int, fields: list[str], by=None) -> None:
    """Save `fields` only if the row still has `expected_version`; bump the version. Raise ConflictError.

    The write is an UPDATE ... WHERE version = expected, which django-simple-history does not see, so
    the history row (who and when) is written here for models that keep history.
    """
    model = type(instance)
    values = {f: getattr(instance, f) for f in fields}
    # update() skips auto_now fields (updated_at): set them here, as save() would.
    now = timezone.now()
    touched = {
        f.attname: now
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) and f.attname not in values
    }
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
    history = getattr(model, "history", None)
    if history is None or not hasattr(history, "model"):
        return
    current = model.objects.get(pk=instance.pk)
    history.model.objects.create(
        **{f.attname: getattr(current, f.attname) for f in model._meta.concrete_fields},
        history_date=timezone.now(), history_type="~", history_user=by,
    )
