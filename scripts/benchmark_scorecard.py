"""How fast is the performance scorecard with a full dataset? Not a test: a measurement to run by hand.

    DEBUG=true .venv/bin/python scripts/benchmark_scorecard.py [--runs 20] [--indicators 200]
        [--periods 20] [--agencies 30]

Without DATABASE_URL it makes a throwaway SQLite database and deletes it afterwards. With DATABASE_URL
(for example PostgreSQL) it seeds inside a transaction that is rolled back, so the database is left as
it was. It seeds indicators × quarterly periods × agencies with bulk_create, renders the scorecard (and
the exception report and the CSV) through Django's test client, and prints the median time in the server
(no network) and the number of queries per page.
"""
import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--periods", type=int, default=20)
    parser.add_argument("--agencies", type=int, default=30)
    args = parser.parse_args()

    throwaway = None
    if not os.environ.get("DATABASE_URL"):
        throwaway = Path(tempfile.mkdtemp(prefix="scorecard-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{throwaway}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merton_qa.settings")
    os.environ.setdefault("REQUIRE_2FA", "false")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    engine = connection.vendor
    print(f"Database: {engine}{' (throwaway ' + str(throwaway) + ')' if throwaway else ''}")
    call_command("migrate", verbosity=0)
    try:
        with transaction.atomic():
            counts = seed(args)
            print("Seeded: " + ", ".join(f"{n:,} {what}" for what, n in counts.items()))
            measure(args.runs)
            raise Rollback
    except Rollback:
        pass
    finally:
        if throwaway:
            connection.close()
            for path in throwaway.parent.glob("bench.sqlite3*"):
                path.unlink()
            throwaway.parent.rmdir()


def seed(args) -> dict[str, int]:
    from partnership import history
    from partnership.models import Action, Agency, Priority, Role, Sector, User, UserRole
    from performance.models import (
        Comparator,
        DataReturn,
        Indicator,
        Polarity,
        Quadrant,
        TurnTheCurve,
        Unit,
        Value,
    )
    from performance.services.periods import latest_quarters

    tag = f"bench{int(time.time())}"
    Agency.objects.bulk_create([Agency(name=f"{tag} agency {i:02d}", sector=Sector.VOLUNTARY)
                                           for i in range(args.agencies)])
    agencies = list(Agency.objects.filter(name__startswith=tag).order_by("name"))
    priority = Priority.objects.create(code=f"{tag}-p", title="Benchmark priority",
                                       start_date=datetime.date(2020, 4, 1))
    reader = User.objects.create_user(f"{tag}@example.org", full_name="Benchmark Reader", agency=agencies[0])
    UserRole.objects.create(user=reader, role=Role.READER)

    # Quarterly periods: the newest `args.periods` quarters ending with 2026-27 Q4 (made if missing).
    periods = latest_quarters(args.periods, financial_year=2026)

    Indicator.objects.filter(active=True).update(active=False)  # the rolled-back transaction restores them
    polarities = [Polarity.HIGHER, Polarity.LOWER, Polarity.NONE]
    quadrants = list(Quadrant.values)
    Indicator.objects.bulk_create([
        Indicator(code=f"{tag}-{i:03d}", title=f"Benchmark indicator {i:03d}: children seen within the timescale",
                  definition="A benchmark indicator.", unit=Unit.PERCENTAGE, polarity=polarities[i % 3],
                  quadrant=quadrants[i % 3], owner_agency=agencies[i % len(agencies)], target=Decimal(75),
                  amber_tolerance=Decimal(2), red_tolerance=Decimal(8), priority=priority if i % 2 else None,
                  order=i)
        for i in range(args.indicators)])
    indicators = list(Indicator.objects.filter(code__startswith=tag).order_by("order"))
    history.bulk_create([
        DataReturn(agency=a, period=p, due_date=p.end + datetime.timedelta(days=30),
                   status=DataReturn.Status.VALIDATED)
        for a in agencies for p in periods])
    returns = {(r.agency_id, r.period_id): r.pk for r in DataReturn.objects.filter(agency__in=agencies)}
    history.bulk_create([
        Value(indicator=ind, period=p, data_return_id=returns[ind.owner_agency_id, p.pk],
              value=Decimal(55 + (i * 7 + j * 3) % 40), provisional=j == len(periods) - 1 and i % 5 == 0,
              commentary="The story behind the number: staffing, demand and what the partners are doing. " * 3)
        for i, ind in enumerate(indicators) for j, p in enumerate(periods)], batch_size=2000)
    Comparator.objects.bulk_create([
        Comparator(indicator=ind, year=year, kind=kind, value=Decimal(70 + n), is_demo=True)
        for ind in indicators for year in (2023, 2024) for n, kind in enumerate(Comparator.Kind.values)])
    history.bulk_create([
        TurnTheCurve(indicator=ind, baseline="b", forecast="f", story="s", partners="p", what_works="w")
        for ind in indicators[::4]])
    history.bulk_create([
        Action(title=f"{tag} action {i}", description="d", owner_agency=ind.owner_agency,
               due_date=datetime.date(2027, 3, 31)) for i, ind in enumerate(indicators[::2])])
    actions = list(Action.objects.filter(title__startswith=tag).order_by("pk"))
    links = zip(indicators[::2], actions, strict=True)
    Indicator.actions.through.objects.bulk_create([Indicator.actions.through(indicator=i, action=a) for i, a in links])
    return {"agencies": len(agencies), "indicators": len(indicators), "periods": len(periods),
            "values": len(indicators) * len(periods), "turn-the-curve records": len(indicators[::4]),
            "actions": len(actions)}


def measure(runs: int) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from partnership.models import User

    reader = User.objects.filter(email__endswith="@example.org", full_name="Benchmark Reader").latest("pk")
    client = Client()
    client.force_login(reader)
    pages = [("Scorecard", reverse("performance:scorecard")),
             ("Exception report", reverse("performance:exceptions")),
             ("Scorecard CSV", reverse("performance:scorecard-csv"))]
    for name, url in pages:
        client.get(url)  # warm up: templates compiled, session read
        reset_queries()  # the log keeps only the last 9,000 queries: the seeding filled it
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name:<17} median {statistics.median(times):7.1f} ms  (min {min(times):.1f}, max {max(times):.1f},"
              f" {runs} runs)  {len(captured.captured_queries)} queries  {len(body) / 1024:,.0f} KiB")


if __name__ == "__main__":
    main()
