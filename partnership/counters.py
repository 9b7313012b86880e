"""References handed out atomically: a locked counter row per kind of reference, never "count + 1".

`next_number(name)` moves the counter on under a row lock (`select_for_update`) inside the caller's transaction,
so concurrent callers queue on the row and each gets its own number; a rolled-back caller gives its number back.
`allocate(name, make, ...)` also retries when the number is taken anyway (a reference typed by hand, a counter
started after some references existed): each try runs in a savepoint and an `IntegrityError` moves on.
"""
from collections.abc import Callable

from django.db import IntegrityError, transaction

from partnership.models.counters import Counter

ATTEMPTS = 20


def next_number(name: str, *, start_after: Callable[[], int] | int = 0) -> int:
    """The next number for `name`. `start_after` (a number, or a callable giving one) seeds a new counter, for
    example with the highest reference already in use."""
    with transaction.atomic():
        if not Counter.objects.filter(name=name).exists():
            seed = start_after() if callable(start_after) else start_after
            try:
                with transaction.atomic():
                    Counter.objects.create(name=name, value=seed)
            except IntegrityError:
                pass  # someone else made it first: use theirs
        counter = Counter.objects.select_for_update().get(name=name)
        counter.value += 1
        counter.save(update_fields=["value"])
        return counter.value


def allocate(name: str, make, *, start_after: Callable[[], int] | int = 0, attempts: int = ATTEMPTS):
    """Call `make(number)` with the next number until it is not refused by a unique constraint. Returns what
    `make` returns; raises the last `IntegrityError` after `attempts` tries."""
    error = None
    for _ in range(attempts):
        number = next_number(name, start_after=start_after)
        try:
            with transaction.atomic():
                return make(number)
        except IntegrityError as exc:
            error = exc
    raise error
