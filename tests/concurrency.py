"""Run functions at the same moment on separate database connections (PostgreSQL row locks are real there)."""
import threading

import pytest
from django.db import connection, connections

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")


def run_together(functions, *, expected=()):
    """Start every function at one barrier; returns their results in order. An exception of a type in `expected`
    is returned as the result; any other fails the test."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)
    errors = []

    def wrap(index, fn):
        try:
            barrier.wait()
            results[index] = fn()
        except tuple(expected) as exc:
            results[index] = exc
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results
