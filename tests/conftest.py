"""Personas: one signed-in client per role, and an outsider from another agency.

Use `client_for(persona)` to get a Django test client signed in as that person (force_login, since
django-axes makes `client.login()` raise).
"""
import os
from pathlib import Path

import pytest
from django.test import Client

from partnership.history import guard_bypassing_writes
from partnership.models import Role, Sector
from tests.factories import AgencyFactory, UserFactory


@pytest.fixture(autouse=True, scope="session")
def _history_is_complete():
    """Fail any test whose code writes to a history-tracked model without a history row (see partnership.history)."""
    with guard_bypassing_writes():
        yield


@pytest.fixture
def police(db):
    return AgencyFactory(name="Metropolitan Police (South West BCU)", sector=Sector.POLICE, statutory_partner=True)


@pytest.fixture
def outsider_agency(db):
    return AgencyFactory(name="Outsider Youth Club", sector=Sector.VOLUNTARY)


@pytest.fixture
def partnership_unit(db):
    return AgencyFactory(name="Merton Safeguarding Children Partnership", sector=Sector.OTHER)


@pytest.fixture
def business_unit(partnership_unit):
    return UserFactory(email="manager@example.org", full_name="Bea Manager", agency=partnership_unit,
                       roles=[Role.BUSINESS_UNIT], is_staff=True)


@pytest.fixture
def qa_member(partnership_unit):
    return UserFactory(email="qa@example.org", full_name="Quinn Auditor", agency=partnership_unit,
                       roles=[Role.QA_MEMBER])


@pytest.fixture
def chair(partnership_unit):
    return UserFactory(email="chair@example.org", full_name="Cass Chair", agency=partnership_unit,
                       roles=[Role.CHAIR])


@pytest.fixture
def reader(partnership_unit):
    return UserFactory(email="reader@example.org", full_name="Rae Reader", agency=partnership_unit,
                       roles=[Role.READER])


@pytest.fixture
def agency_lead(police):
    return UserFactory(email="lead@police.example.org", full_name="Lee Lead", agency=police,
                       roles=[Role.AGENCY_LEAD])


@pytest.fixture
def contributor(police):
    return UserFactory(email="contributor@police.example.org", full_name="Cory Contributor", agency=police,
                       roles=[Role.AGENCY_CONTRIBUTOR])


@pytest.fixture
def outsider(outsider_agency):
    return UserFactory(email="lead@outsider.example.org", full_name="Olly Outsider", agency=outsider_agency,
                       roles=[Role.AGENCY_LEAD])


@pytest.fixture
def reviews_member(partnership_unit):
    return UserFactory(email="reviews@example.org", full_name="Robin Reviews", agency=partnership_unit,
                       roles=[Role.REVIEWS_MEMBER])


@pytest.fixture
def ld_coordinator(partnership_unit):
    return UserFactory(email="training@example.org", full_name="Tay Training", agency=partnership_unit,
                       roles=[Role.LD_COORDINATOR])


@pytest.fixture(scope="session")
def oidc_issuer():
    """A real OpenID Connect provider on loopback for the whole run (tests/oidc_provider.py)."""
    from tests.oidc_provider import running_provider

    with running_provider() as issuer:
        yield issuer


@pytest.fixture
def client_for():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Unit tests run tasks eagerly in-process; integration tests use the real broker and a worker."""
    from merton_qa.celery import app

    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded and generated files go to a throwaway folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": tmp_path / "media", "base_url": None}},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (rate-limit counters, such as password resets per address, live
    there)."""
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_collection_modifyitems(config, items):
    """With pytest-xdist (`make test` runs two processes), the tests that share one outside resource are meant to run
    in one process, one after another: those with a Celery worker on the Redis broker (one queue) and those that
    start servers of their own.

    Found on 7 December 2026: under pytest 9.2 with pytest-xdist 3.8 (the newest the registry holds) `--dist
    loadgroup` groups nothing. xdist marks a group by rewriting `item._nodeid`, and pytest 9 derives `nodeid` from
    `item._id` instead, so every test is sent alone (a file of six tests in one group ran on both processes). These
    tests have passed that way in every run, so each copes with a second process; the mark is kept for when xdist
    follows pytest 9.

    Rewriting `item._id` the same way makes the groups work (tried the same day), but it changes which process runs
    which test, and the suite then failed on the clock of `make dates`: `seed_demo` found no training levels
    (`KeyError: 2` in learning's demo), rows that a data migration loads and that a transactional test (a live
    server's, a Celery worker's) empties when it ends. Before the groups are made to work, the transactional tests
    need `serialized_rollback` or the reference data a loader that `seed_demo` runs, so that no test depends on
    which ran before it in its process."""
    for item in items:
        if item.get_closest_marker("integration") or item.get_closest_marker("own_servers"):
            item.add_marker(pytest.mark.xdist_group("one_at_a_time"))


_PDF_PROBLEMS: list[str] = []


@pytest.fixture(autouse=True, scope="session")
def _every_pdf_is_checked():
    """Every PDF rendered anywhere in the run (WeasyPrint's `write_pdf`, which partnership.pdf calls) is read back
    and its structure checked for readers who cannot see it (tests/pdf_structure.py): a new PDF is covered
    without being listed. The problems fail the test that made it (`_no_pdf_problems`)."""
    from weasyprint import HTML

    from tests.pdf_structure import problems

    original = HTML.write_pdf

    def write_pdf(self, target=None, *args, **kwargs):
        result = original(self, target, *args, **kwargs)
        # Only the service's documents: partnership.pdf.render_pdf always asks for a tagged PDF (PDF/UA-1), and
        # tests/partnership/test_pdf_structure.py holds every write_pdf in the code to that, but for the chart
        # images' intermediate page (partnership/chart_images.py), which is never a document.
        if target is None and result and kwargs.get("pdf_variant"):
            found = problems(result)
            if found and os.environ.get("KEEP_BAD_PDFS"):  # to look at one: KEEP_BAD_PDFS=/tmp/pdfs pytest ...
                folder = Path(os.environ["KEEP_BAD_PDFS"])
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"bad-{len(list(folder.iterdir()))}.pdf").write_bytes(result)
            _PDF_PROBLEMS.extend(found)
        return result

    HTML.write_pdf = write_pdf
    yield
    HTML.write_pdf = original


@pytest.fixture(autouse=True)
def _no_pdf_problems():
    _PDF_PROBLEMS.clear()
    yield
    found, _PDF_PROBLEMS[:] = sorted(set(_PDF_PROBLEMS)), []
    assert not found, "A PDF made in this test is not accessible: " + "; ".join(found)
