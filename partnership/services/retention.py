"""The nightly retention job and legal holds."""
import datetime
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from partnership import access, history
from partnership.models import LegalHold, User
from partnership.retention import ANONYMISE, DELETE, REVIEW, RetentionClass, held_models, retention_classes
from partnership.services.errors import ServiceError

logger = logging.getLogger(__name__)


def held_ids(model) -> set[int]:
    ct = ContentType.objects.get_for_model(model)
    return set(LegalHold.objects.active().filter(content_type=ct).values_list("object_id", flat=True))


def _stored_files(obj) -> list[tuple]:
    """(storage, name) of every file the record holds in a FileField."""
    files = []
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.FileField):
            value = getattr(obj, field.attname)
            if value:
                files.append((field.storage, value.name if hasattr(value, "name") else value))
    return files


def _apply(cls: RetentionClass, pk: int, today: datetime.date) -> bool:
    """Anonymise or delete one record, atomically, re-checking it is still due and not held."""
    with transaction.atomic():
        obj = cls.past_retention(today).select_for_update().filter(pk=pk).first()
        if obj is None or pk in held_ids(cls.model_class):
            return False
        if cls.action == DELETE:
            files = _stored_files(obj)
            obj.delete()
            # The stored files go once the deletion is committed (a rolled-back delete keeps them).
            transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
            return True
        values = {name: value(obj) if callable(value) else value for name, value in cls.replace.items()}
        # An update, not save(): no signals sending email. Earlier versions hold the personal data too, so
        # the record's history is replaced by one row of its anonymised values.
        history.update(type(obj)._default_manager.filter(pk=pk), **values)
        history.replace_history(obj)
        if cls.also:
            cls.also(obj)
        return True


def retention_run(*, today: datetime.date | None = None) -> dict[str, int]:
    """Apply every retention class. Returns, per class, how many records were changed (or are due for review)."""
    today = today or timezone.localdate()
    counts = {}
    for cls in retention_classes():
        if cls.action == REVIEW:
            counts[cls.key] = cls.past_retention(today).count()
            continue
        if cls.action not in (ANONYMISE, DELETE):
            continue
        held = held_ids(cls.model_class)
        due = [pk for pk in cls.past_retention(today).values_list("pk", flat=True) if pk not in held]
        counts[cls.key] = sum(_apply(cls, pk, today) for pk in due)
    logger.info("Retention run for %s: %s", today.isoformat(), counts)
    return counts


def review_due(*, today: datetime.date | None = None) -> list[tuple[RetentionClass, list]]:
    """The records of `review` classes past their period, for the business unit to decide on."""
    today = today or timezone.localdate()
    return [(cls, list(cls.past_retention(today)[:100])) for cls in retention_classes() if cls.action == REVIEW]


@transaction.atomic
def legal_hold_place(*, by: User, model, object_id: int, reason: str) -> LegalHold:
    if not access.is_business_unit(by):
        raise ServiceError("Only the business unit can place legal holds.")
    if model not in held_models():
        raise ServiceError("Choose a kind of record that has a retention class.")
    if not model._default_manager.filter(pk=object_id).exists():
        raise ServiceError(f"There is no {model._meta.verbose_name} with reference {object_id}.")
    if not reason.strip():
        raise ServiceError("Give the reason for the hold.")
    return LegalHold.objects.create(content_type=ContentType.objects.get_for_model(model), object_id=object_id,
                                    reason=reason.strip(), set_by=by)


@transaction.atomic
def legal_hold_release(*, by: User, hold: LegalHold) -> None:
    if not access.is_business_unit(by):
        raise ServiceError("Only the business unit can release legal holds.")
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise ServiceError("This hold has already been released.")
    hold.released_at = timezone.now()
    hold.released_by = by
    hold.save(update_fields=["released_at", "released_by"])
