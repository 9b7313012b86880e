"""The demo's board packs (called by `seed_demo` after every app's demo): the last complete quarter's pack
published with its chair's narrative, the quarter before it published too, and the quarter under way drafted
and waiting for the chair, so the chair's home page and the board pack pages show a real cycle. Idempotent."""
from django.utils import timezone

from partnership.models import BoardPack
from partnership.periods import Quarter
from partnership.services import board_packs

from . import board_report, demo_meetings

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


def seed(*, stdout, people: dict, agencies: dict) -> None:
    manager, chair = people["manager@example.org"], people["chair@example.org"]
    current = Quarter.containing(timezone.localdate())
    _publish(current.previous().previous(), manager=manager, chair=chair)
    _publish(current.previous(), manager=manager, chair=chair)
    if not BoardPack.objects.filter(period_code=current.code).exists():
        narrative, asks = NARRATIVES["draft"]
        pack = board_packs.pack_start(period_code=current.code, by=manager)
        board_packs.pack_edit(pack=pack, narrative=narrative, asks=asks, expected_version=pack.version, by=manager)
    published = BoardPack.objects.filter(status=BoardPack.Status.PUBLISHED).count()
    stdout.write(f"Board packs: {published} published, the quarter under way drafted for the chair.")
    demo_meetings.seed(stdout=stdout, people=people, agencies=agencies)

