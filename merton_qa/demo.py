"""The demo's board packs (called by `seed_demo` after every app's demo): the last complete quarter's pack
published with its chair's narrative, the quarter before it published too, and the quarter under way drafted
and waiting for the chair, so the chair's home page and the board pack pages show a real cycle. Before them, the
statutory duties register's records kept by hand. Idempotent."""
import datetime

from django.utils import timezone

from partnership.demo_dates import at, live_through
from partnership.models import BoardPack, Duty
from partnership.periods import Quarter, add_months
from partnership.services import board_packs

from . import board_report, demo_escalations, demo_meetings, yearly_demo

NARRATIVES = {
    "published": (
        "The quarter's figures show steady Section 11 completion and timely statutory notifications, but the "
        "agencies that were late with their self-assessment last quarter are late again.\n\n"
        "Training continues to raise practitioners' confidence; what it changes in practice is still measured "
        "for too few delegates to say more.",
        "Note the Section 11 completion and the agencies still outstanding\n"
        "Agree that the chair writes to the agencies whose actions are overdue\n"
        "Decide whether the next audit theme is neglect or exploitation",
    ),
    "draft": (
        "Drafted by the business unit for the chair: the quarter is not over, so the figures are to date.",
        "Note the figures to date",
    ),
}


def _publish(quarter: Quarter, *, manager, chair) -> None:
    if BoardPack.objects.filter(period_code=quarter.code).exists():
        return
    narrative, asks = NARRATIVES["published"]
    pack = board_packs.pack_start(period_code=quarter.code, by=manager)
    board_packs.pack_edit(pack=pack, narrative=narrative, asks=asks, expected_version=pack.version, by=manager)
    board_packs.pack_approve(pack=pack, by=chair)
    board_packs.pack_begin_publishing(pack=pack, by=manager)
    # The worker makes the PDF when a person publishes; the demo makes it here, once, as the worker would.
    pdf, summary, period = board_report.render_with_summary(quarter, pack=pack)
    board_packs.pack_store_published(pack=pack, pdf=pdf, summary=summary, as_at=period.as_at)


STORY_START = at(datetime.date(2024, 4, 1))


def _duties(today: datetime.date) -> None:
    """The register has been kept since the story began; the arrangements were reviewed in the summer, and the
    independent scrutineer's yearly report is nearly a year old (the duty is due again next month)."""
    if Duty.objects.filter(last_done_on__isnull=False).exists():
        return
    # Loaded from YAML when the demo began: their register has stood since the story's start.
    Duty.history.filter(history_type="+", history_date__gt=STORY_START).update(history_date=STORY_START)
    reviewed_on = add_months(today, -5)
    scrutiny_on = add_months(today, -12) + datetime.timedelta(days=20)
    for code, day, url, note in [
        ("arrangements-reviewed", reviewed_on, "https://www.mscp.example.org/arrangements-2026.pdf",
         "Multi-agency safeguarding arrangements, reviewed and republished"),
        ("independent-scrutiny", scrutiny_on, "https://www.mscp.example.org/scrutiny-report.pdf",
         "Independent scrutineer's yearly report to the safeguarding partners"),
    ]:
        duty = Duty.objects.filter(code=code).first()
        if duty is not None:
            live_through(duty, [(at(day, 15), {"last_done_on": day, "evidence_url": url, "evidence_note": note})])


def seed(*, stdout, people: dict, agencies: dict) -> None:
    demo_escalations.seed(stdout=stdout, people=people, agencies=agencies)  # before the packs, which show it
    manager, chair = people["manager@example.org"], people["chair@example.org"]
    _duties(timezone.localdate())
    current = Quarter.containing(timezone.localdate())
    _publish(current.previous().previous(), manager=manager, chair=chair)
    _publish(current.previous(), manager=manager, chair=chair)
    if not BoardPack.objects.filter(period_code=current.code).exists():
        narrative, asks = NARRATIVES["draft"]
        pack = board_packs.pack_start(period_code=current.code, by=manager)
        board_packs.pack_edit(pack=pack, narrative=narrative, asks=asks, expected_version=pack.version, by=manager)
    published = BoardPack.objects.filter(status=BoardPack.Status.PUBLISHED).count()
    stdout.write(f"Board packs: {published} published, the quarter under way drafted for the chair.")
    yearly_demo.seed(stdout=stdout, people=people, agencies=agencies)
    demo_meetings.seed(stdout=stdout, people=people, agencies=agencies)

