"""The retention registry: every model holding personal data has a retention class.

The composition root (`merton_qa/retention_policy.py`, named by `settings.RETENTION_POLICY`) registers
them, in one place. The nightly job (`partnership.services.retention.retention_run`) applies them:

- `anonymise`: replace the named personal fields (names with "[removed]", emails with a placeholder);
- `delete`: delete the record;
- `review`: never changed by the job; listed for the business unit to review (safeguarding case records);
- `keep`: kept (security and access logs).
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


@dataclass(frozen=True)
class RetentionClass:
    key: str
    label: str  # e.g. "Delegate booking: 2 years after the session"
    model: str  # "app_label.ModelName"
    action: str
    clock: str = ""  # the date or datetime the clock runs from (may follow foreign keys: "session__ends_at")
    years: int | None = None  # None: no automatic end (keep, or review only)
    # anonymise: field -> new value, or a callable taking the record
    replace: dict[str, Any] = field(default_factory=dict)
    done: dict[str, Any] = field(default_factory=dict)  # lookup matching records already anonymised
    scope: dict[str, Any] = field(default_factory=dict)  # lookup limiting the records the class covers
    also: Callable[[models.Model], None] | None = None  # further clean-up inside the same transaction

    def __post_init__(self):
        if self.action not in ACTIONS:
            raise ValueError(f"{self.key}: unknown action {self.action!r}")
        if self.action in (ANONYMISE, DELETE) and (not self.clock or not self.years):
            raise ValueError(f"{self.key}: {self.action} needs a clock and a number of years")
        if self.action == ANONYMISE and not (self.replace and self.done):
            raise ValueError(f"{self.key}: anonymise needs the fields to replace and how to spot a done record")

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def cutoff(self, today: datetime.date) -> datetime.date:
        """Records whose clock is before this date are past retention."""
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
        if not self.years:
            return qs.none()
        cutoff = self.cutoff(today)
        if self._clock_is_datetime():
            from django.utils import timezone

            cutoff = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
        qs = qs.filter(**{f"{self.clock}__lt": cutoff})
        if self.done:
            qs = qs.exclude(**self.done)
        return qs


_registry: dict[str, RetentionClass] = {}
_loaded = False


def register(*classes: RetentionClass) -> None:
    for cls in classes:
        if cls.key in _registry:
            raise ValueError(f"Retention class {cls.key!r} is registered twice")
        _registry[cls.key] = cls


def retention_classes() -> list[RetentionClass]:
    global _loaded
    if not _loaded:
        _loaded = True
        import_module(settings.RETENTION_POLICY)
    return list(_registry.values())


def held_models() -> list[type[models.Model]]:
    """The models a legal hold may name: those with a retention class."""
    seen = {}
    for cls in retention_classes():
        seen.setdefault(cls.model, cls.model_class)
    return list(seen.values())
