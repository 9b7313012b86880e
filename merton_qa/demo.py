"""The demo's board packs (called by `seed_demo` after every app's demo): every quarter's pack from the start of the
last complete financial year to the last complete quarter published with its chair's narrative, each dated as it
would have been (drafted after its quarter ended, approved and published a week before the Partnership executive's
meeting that takes it), and the quarter under way drafted and waiting for the chair, so the chair's home page, the
board pack pages and the yearly reports show a real cycle. Before them, the statutory duties register's records kept
by hand. Idempotent."""
import datetime

from django.utils import timezone

from partnership import history
from partnership.dates import Quarter, add_months
from partnership.demo_dates import at, by_now, live_through
from partnership.models import BoardPack, Duty
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
# The last complete financial year's four packs, first quarter first: what each chair's narrative said then.
YEAR_NARRATIVES = (
    ("The year began with the revised safeguarding arrangements published and the Section 11 cycle opened. No "
     "serious incident was referred to the partnership in the quarter.\n\n"
     "Initial health assessments within 20 working days are below target for the second quarter running; the ICB "
     "puts it down to a shortage of paediatric clinic slots.",
     "Note the Section 11 cycle and the October deadline for returns\n"
     "Agree the year's audit programme: neglect first, then exploitation\n"
     "Ask the ICB to report on initial health assessments at the next meeting"),
    ("The neglect audit found good information sharing at the front door but weak recording of the child's voice "
     "in strategy discussions; the actions it agreed are on the tracker.\n\n"
     "Section 11 returns are coming in. Training attendance fell over the summer, as it does every year.",
     "Note the neglect audit's findings and the actions agreed\n"
     "Agree to give the agencies that asked for it until 31 October for their Section 11 return\n"
     "Note the summer fall in training attendance"),
    ("The QA subgroup met in its new form in December, with the scorecard's exceptions as its first item. Section 11 "
     "returns are in from all but two agencies and moderation has begun.\n\n"
     "Return home interviews offered within 72 hours of a missing episode remain below what the partners expect.",
     "Note the QA subgroup's terms of reference and its first meeting\n"
     "Agree that the chair writes to the two agencies whose Section 11 returns are outstanding\n"
     "Decide whether return home interviews become a priority indicator next year"),
    ("The year ends with Section 11 moderated and each agency told its grades. Most actions from the neglect audit "
     "are done, but no re-audit is planned yet to show what changed for children.\n\n"
     "One serious incident was notified to the national Panel and its rapid review sent within 15 working days. "
     "These four quarters are the evidence for the yearly report, which the business unit is now drafting.",
     "Note the year's Section 11 grades and the agencies with actions\n"
     "Agree the priorities carried into the new year: neglect, exploitation, hearing the child\n"
     "Ask the business unit to plan a re-audit of the neglect cases in the autumn"),
)


def _weekday(day: datetime.date) -> datetime.date:
    """`day`, or the Monday after when it falls at a weekend: the business unit works weekdays."""
    return day + datetime.timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)


def _publish(quarter: Quarter, *, manager, chair, narrative: str, asks: str) -> None:
    """Drafted ten days after the quarter ended, finished a few days later, approved by the chair and published a
    week before the executive meeting that takes it (none of it later than now)."""
    if BoardPack.objects.filter(period_code=quarter.code).exists():
        return
    meeting = demo_meetings.executive_meeting_day(quarter)
    drafted = _weekday(quarter.end + datetime.timedelta(days=10))
    finished = _weekday(quarter.end + datetime.timedelta(days=14))
    started = by_now(at(drafted, 10))
    with history.dated(started):
        pack = board_packs.pack_start(period_code=quarter.code, by=manager)
        board_packs.pack_edit(pack=pack, narrative=narrative.split("\n\n")[0], asks="",
                              expected_version=pack.version, by=manager)
    with history.dated(by_now(at(finished, 15))):
        board_packs.pack_edit(pack=pack, narrative=narrative, asks=asks, expected_version=pack.version, by=manager)
    with history.dated(by_now(at(meeting - datetime.timedelta(days=9), 11))):
        board_packs.pack_approve(pack=pack, by=chair)
    with history.dated(by_now(at(meeting - datetime.timedelta(days=7), 9, 30))):
        board_packs.pack_begin_publishing(pack=pack, by=manager)
        # The worker makes the PDF when a person publishes; the demo makes it here, once, as the worker would.
        pdf, summary, period = board_report.render_with_summary(quarter, pack=pack)
        pack = board_packs.pack_store_published(pack=pack, pdf=pdf, summary=summary, as_at=period.as_at)
    # A pack keeps no history rows; its own times say when it was drafted and last changed (published).
    BoardPack.objects.filter(pk=pack.pk).update(created_at=started, updated_at=pack.published_at)


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
    quarter = Quarter(current.financial_year - 1, 1)
    while quarter < current:
        last_year = quarter.financial_year < current.financial_year
        narrative, asks = YEAR_NARRATIVES[quarter.number - 1] if last_year else NARRATIVES["published"]
        _publish(quarter, manager=manager, chair=chair, narrative=narrative, asks=asks)
        quarter = quarter.next()
    if not BoardPack.objects.filter(period_code=current.code).exists():
        narrative, asks = NARRATIVES["draft"]
        pack = board_packs.pack_start(period_code=current.code, by=manager)
        board_packs.pack_edit(pack=pack, narrative=narrative, asks=asks, expected_version=pack.version, by=manager)
    published = BoardPack.objects.filter(status=BoardPack.Status.PUBLISHED).count()
    stdout.write(f"Board packs: {published} published, the quarter under way drafted for the chair.")
    demo_meetings.seed(stdout=stdout, people=people, agencies=agencies)
    yearly_demo.seed(stdout=stdout, people=people, agencies=agencies)  # last: the yearly report counts the meetings

