"""The retention registry: every model holding personal data has a retention class.

The composition root (`merton_qa/retention_policy.py`, named by `settings.RETENTION_POLICY`) registers
them, in one place. The nightly job (`partnership.services.retention.retention_run`) applies them:

- `anonymise`: replace the named personal fields (names with "[removed]", emails with a placeholder);
- `delete`: delete the record;
- `review`: never changed by the job; listed for the business unit to review (safeguarding case records);
- `keep`: kept (security and access logs).

Every model in the project either has a class or is declared `exempt` with the reason it holds no personal
data of its own (reference data; or a part of a record whose class covers it). `unclassified_models()` lists
those that are neither, and a test fails on any, so a new model cannot be added without a decision.
Historical models (django-simple-history) follow their record: anonymising a record deletes its history.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

REMOVED = "[removed]"
ANONYMISE, DELETE, REVIEW, KEEP = "anonymise", "delete", "review", "keep"
ACTIONS = (ANONYMISE, DELETE, REVIEW, KEEP)


def removed_email(obj) -> str:
    """A placeholder address, unique per record (email fields may be unique)."""
    return f"removed-{obj.pk}@removed.invalid"


def _removed_if_set(name: str) -> Callable[[models.Model], str]:
    return lambda obj: REMOVED if getattr(obj, name) else ""


def free_text(*fields: str, blank: tuple[str, ...] = ()) -> dict[str, Any]:
    """`replace` and `done` for an anonymise class over free-text fields.

    Text that was written becomes "[removed]" (so a field the database requires to be filled stays filled);
    an empty field stays empty; `blank` fields (emails, say) are emptied. A record is done when none of the
    fields holds anything but "[removed]" or nothing, so a record with no text is never touched again.
    """
    replace: dict[str, Any] = {name: _removed_if_set(name) for name in fields}
    replace.update({name: "" for name in blank})
    done = models.Q()
    for name in fields:
        done &= models.Q(**{f"{name}__in": ["", REMOVED]})
    for name in blank:
        done &= models.Q(**{name: ""})
    return {"replace": replace, "done": done}


@dataclass(frozen=True)
class RetentionClass:
    key: str
    label: str  # e.g. "Delegate booking: 2 years after the session"
    model: str  # "app_label.ModelName"
    action: str
    clock: str = ""  # the date or datetime the clock runs from (may follow foreign keys: "session__ends_at")
    years: int | None = None  # None: no automatic end (keep, or review only)
    days: int | None = None  # a period in days instead of years (short-lived operational records)
    # anonymise: field -> new value, or a callable taking the record
    replace: dict[str, Any] = field(default_factory=dict)
    # a lookup (or Q) matching records already anonymised; see free_text()
    done: dict[str, Any] | models.Q = field(default_factory=dict)
    scope: dict[str, Any] = field(default_factory=dict)  # lookup limiting the records the class covers
    also: Callable[[models.Model], None] | None = None  # further clean-up inside the same transaction

    def __post_init__(self):
        if self.action not in ACTIONS:
            raise ValueError(f"{self.key}: unknown action {self.action!r}")
        if self.action in (ANONYMISE, DELETE) and (not self.clock or not (self.years or self.days)):
            raise ValueError(f"{self.key}: {self.action} needs a clock and a number of years or days")
        if self.years and self.days:
            raise ValueError(f"{self.key}: give a period in years or in days, not both")
        if self.action == ANONYMISE and not (self.replace and self.done):
            raise ValueError(f"{self.key}: anonymise needs the fields to replace and how to spot a done record")

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def cutoff(self, today: datetime.date) -> datetime.date:
        """Records whose clock is before this date are past retention."""
        if self.days:
            return today - datetime.timedelta(days=self.days)
        try:
            return today.replace(year=today.year - self.years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - self.years, day=28)

    def _clock_is_datetime(self) -> bool:
        model = self.model_class
        *path, last = self.clock.split("__")
        for name in path:
            model = model._meta.get_field(name).related_model
        return isinstance(model._meta.get_field(last), models.DateTimeField)

    def past_retention(self, today: datetime.date) -> models.QuerySet:
        """The records of this class past retention (whatever their holds)."""
        qs = self.model_class._default_manager.filter(**self.scope)
        if not (self.years or self.days):
            return qs.none()
        cutoff = self.cutoff(today)
        if self._clock_is_datetime():
            from django.utils import timezone

            cutoff = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
        qs = qs.filter(**{f"{self.clock}__lt": cutoff})
        if self.done:
            qs = qs.exclude(self.done) if isinstance(self.done, models.Q) else qs.exclude(**self.done)
        return qs


_registry: dict[str, RetentionClass] = {}
_exempt: dict[str, str] = {}
_loaded = False


def register(*classes: RetentionClass) -> None:
    for cls in classes:
        if cls.key in _registry:
            raise ValueError(f"Retention class {cls.key!r} is registered twice")
        _registry[cls.key] = cls


def exempt(reason: str, *models: str) -> None:
    """Declare models ("app_label.ModelName") that need no class of their own, with the reason."""
    if not reason.strip():
        raise ValueError("An exemption needs its reason")
    for model in models:
        if model.lower() in _exempt:
            raise ValueError(f"{model} is exempted twice")
        _exempt[model.lower()] = reason


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        import_module(settings.RETENTION_POLICY)


def retention_classes() -> list[RetentionClass]:
    _load()
    return list(_registry.values())


def exemptions() -> dict[str, str]:
    """model label (lower case) -> the reason it has no class of its own."""
    _load()
    return dict(_exempt)


def is_historical(model: type[models.Model]) -> bool:
    """A django-simple-history model: it follows the record it is the history of."""
    return hasattr(model, "instance_type") and hasattr(model, "history_id")


def unclassified_models() -> list[str]:
    """Concrete models with neither a retention class nor an exemption (should be none)."""
    classified = {cls.model.lower() for cls in retention_classes()} | set(exemptions())
    return sorted(
        model._meta.label_lower for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed and not is_historical(model)
        and model._meta.label_lower not in classified
    )


def held_models() -> list[type[models.Model]]:
    """The models a legal hold may name: those with a retention class."""
    seen = {}
    for cls in retention_classes():
        seen.setdefault(cls.model, cls.model_class)
    return list(seen.values())
