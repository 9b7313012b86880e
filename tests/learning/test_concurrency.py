"""Concurrent bookings and cancellations never exceed capacity, and the waiting list is promoted in order.

Needs PostgreSQL (row locks via select_for_update); SQLite serialises writers anyway, so it is skipped there.
"""
import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from learning.models import Booking
from learning.services import bookings as services
from learning.services.bookings import ServiceError

from .conftest import make_course, make_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def run_all(functions):
    barrier = threading.Barrier(len(functions))
    errors = []

    def wrap(fn):
        try:
            barrier.wait()
            fn()
        except ServiceError:
            pass
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(fn,)) for fn in functions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_concurrent_bookings_never_exceed_capacity():
    course = make_course()
    session = make_session(course, timezone.localdate() + datetime.timedelta(days=30), capacity=3)
    run_all([lambda i=i: services.book(session_id=session.pk, name=f"P{i}", email=f"p{i}@school.example.org",
                                       other_agency_name="School", role="Teacher") for i in range(10)])
    assert Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).count() == 3
    assert Booking.objects.filter(session=session, status=Booking.Status.WAITING).count() == 7


def test_concurrent_cancellations_promote_in_order():
    course = make_course()
    session = make_session(course, timezone.localdate() + datetime.timedelta(days=30), capacity=4)
    booked = [services.book(session_id=session.pk, name=f"P{i}", email=f"p{i}@school.example.org",
                            other_agency_name="School", role="Teacher") for i in range(10)]
    confirmed, waiting = booked[:4], booked[4:]
    run_all([lambda b=b: services.cancel_by_booker(booking_id=b.pk) for b in confirmed[:3]]
            + [lambda i=i: services.book(session_id=session.pk, name=f"N{i}", email=f"n{i}@school.example.org",
                                         other_agency_name="School", role="Teacher") for i in range(3)])
    taken = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED)
    assert taken.count() == 4
    # The three freed places went to the first three on the waiting list, in the order they booked.
    assert set(taken.values_list("pk", flat=True)) == {confirmed[3].pk, *(b.pk for b in waiting[:3])}
    still = list(Booking.objects.filter(session=session, status=Booking.Status.WAITING).order_by("created_at", "pk"))
    assert [b.pk for b in still[:3]] == [b.pk for b in waiting[3:6]]
