"""The yearly report's figures (merton_qa.yearly_report writes them as blocks): the board sections built for the
year and for each of its quarters, the reviews' themes, what each agency contributed, the feedback heard, the
board packs of the year's quarters. Every figure is read as the records stood at the year's moment
(`period.as_at`), as the board pack reads them, except where a docstring says why not."""
import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone

from audits.models import AgencyAudit
from partnership.dates import Quarter, ReportPeriod, day_words, end_of_day
from partnership.models import Agency, BoardPack, Feedback, JourneyStage, Meeting, Subgroup
from partnership.services.meetings import attendance_rates
from partnership.snapshots import state_at
from partnership.tags import tags_at
from performance.models import DataReturn
from reviews.models import RapidReview, Recommendation

from . import composition
from .board_report import Section


def build_sections(period: ReportPeriod, sources=None) -> dict[str, Section]:
    """Every app's board section built for the year, by key (the board pack's own builders)."""
    sources = composition.board_sections() if sources is None else sources
    return {source.key: Section(source, context=source.build(period)) for source in sources}


def quarters_in(period: ReportPeriod) -> list[Quarter]:
    quarters, quarter = [], Quarter.containing(period.start)
    while quarter.start <= period.end:
        quarters.append(quarter)
        quarter = quarter.next()
    return quarters


def review_figures(period: ReportPeriod, reviews: Section) -> dict:
    """What the reviews section says for the year, with the themes of the year's recommendations (the journey
    stages they are tagged with, counted) and how many rapid reviews the Panel took into a national review.
    Counts only: no case reference or text."""
    c = reviews.context
    recs = set(state_at(Recommendation, period.as_at).filter(made_on__range=(period.start, period.end))
               .values_list("id", flat=True))
    tags = tags_at(period.as_at).get((ContentType.objects.get_for_model(Recommendation).pk, "stage"), {})
    names = dict(JourneyStage.objects.filter(pk__in=list(tags)).values_list("pk", "name")) if tags else {}
    themes = sorted(((names.get(tag, "Other"), len(ids & recs)) for tag, ids in tags.items() if ids & recs),
                    key=lambda t: (-t[1], t[0]))
    national = state_at(RapidReview, period.as_at).filter(sent_on__range=(period.start, period.end),
                                                          panel_leading_national_review=True).count()
    return {**c, "themes": themes, "national": national}


def agency_contributions(period: ReportPeriod, learning: Section | None, section11: Section | None = None
                         ) -> list[dict]:
    """Per agency: its self-assessments made in the Section 11 and schools' cycles the Section 11 section reports for
    the year (the section's own returns, made by the year's moment, so the table counts what the section counts),
    data returns and single-agency audits made in the year, trainer days lent and training places attended (the
    last two from the learning section's own figures), and its attendance at the subgroups' meetings held in the
    year (`attendance_rates`, as at the year's moment)."""
    at, lo = period.as_at, period.start_moment
    rows: dict[str, dict] = {}

    def row(name: str) -> dict:
        return rows.setdefault(name, {"agency": name, "section11": 0, "data_returns": 0, "audits": 0,
                                      "trainer_days": 0, "attended": 0, "meetings": None})

    names = dict(Agency.objects.values_list("pk", "name"))
    if section11 and section11.has_data:
        for cycle in section11.context["cycles"]:
            for ret in cycle["completion"]["returns"]:
                if ret.is_done:
                    row(names.get(ret.agency_id, "Unknown"))["section11"] += 1
    for model, key in ((DataReturn, "data_returns"), (AgencyAudit, "audits")):
        made = (state_at(model, at).filter(submitted_at__gte=lo, submitted_at__lte=at).values("agency_id")
                .annotate(n=Count("id")).order_by())
        for entry in made:
            row(names.get(entry["agency_id"], "Unknown"))[key] += entry["n"]
    if learning and learning.has_data:
        for entry in learning.context.get("trainer_days", []):
            row(entry["agency__name"])["trainer_days"] += float(entry["days"] or 0)
        for entry in learning.context.get("agencies", []):
            if entry["attended"]:
                row(entry["agency"])["attended"] += entry["attended"]
    for agency_id, rate in attendance_rates(list(names), period, at=at).items():
        row(names[agency_id])["meetings"] = rate
    return sorted(rows.values(), key=lambda r: r["agency"])


def feedback_in(period: ReportPeriod) -> list[Feedback]:
    """The feedback heard in the year, with its priority and action, as the record stands now: unlike the figures,
    what was heard is written up after the event, often after the year has ended, and the report is written then
    (like the business unit's own sections); the published PDF keeps it as it was when published."""
    return list(Feedback.objects.filter(heard_on__range=(period.start, period.end))
                .select_related("priority", "action").order_by("heard_on", "pk"))


@dataclass(frozen=True)
class QuarterPack:
    """One quarter of the year and its board pack as the report is made: published (when), or what is left to do."""

    quarter: Quarter
    published_at: datetime.datetime | None
    words: str  # for a quarter not yet published: where its pack stands and when it is due


def packs_of_year(period: ReportPeriod, *, now: datetime.datetime | None = None) -> list[QuarterPack]:
    """The board packs of the year's quarters as they stand when the report is made (`now`). A quarter's pack is made
    after the quarter ends, so the fourth quarter's is published after the year's moment: it is counted when it has
    been published by the time the report is made (a published report keeps its PDF, so what it said stays; a draft
    says it as at its making). A quarter not yet published says where its pack stands and when it is due: the
    partnership executive's next planned meeting after the quarter ends, when one is planned."""
    now = now or timezone.now()
    quarters = quarters_in(period)
    packs: dict[str, list[BoardPack]] = {}
    for pack in BoardPack.objects.filter(period_code__in=[q.code for q in quarters]).defer("pdf", "summary") \
            .order_by("published_at", "pk"):
        packs.setdefault(pack.period_code, []).append(pack)
    out = []
    for quarter in quarters:
        mine = packs.get(quarter.code, [])
        published = [p.published_at for p in mine if p.published_at and p.published_at <= now]
        if published:
            out.append(QuarterPack(quarter, published[0], ""))
            continue
        out.append(QuarterPack(quarter, None, _pack_due_words(quarter, mine, now)))
    return out


def _pack_due_words(quarter: Quarter, packs: list[BoardPack], now: datetime.datetime) -> str:
    """Where a quarter's unpublished pack stands and when it is due, in words; "{them}" and "{it}" are filled by
    `packs_words` for one quarter or several that stand alike."""
    meeting = (Meeting.objects.filter(subgroup__kind=Subgroup.Kind.EXECUTIVE, status=Meeting.Status.PLANNED,
                                      starts_at__gt=end_of_day(quarter.end)).order_by("starts_at").first())
    due = (f"{{it}} due at the {meeting.subgroup.name}'s meeting on {day_words(timezone.localdate(meeting.starts_at))}"
           if meeting else "no board meeting is planned for {them} yet")
    if quarter.end >= timezone.localdate(now):
        return f"the quarter ends on {day_words(quarter.end)}; its pack is made after that, and {due}."
    if any(p.status == BoardPack.Status.APPROVED for p in packs):
        return f"the pack is approved by the chair and not yet published; {due}."
    if packs:
        return f"the pack is drafted, waiting for the chair's approval; {due}."
    return f"the pack has not been started; {due}."


def packs_words(packs: list[QuarterPack]) -> str:
    """How many of the year's quarterly packs were published (and when), then the others, quarters that stand
    alike said together."""
    done = [p for p in packs if p.published_at]
    said = (f"{len(done)} of the year's {len(packs)} quarterly assurance reports published to the board"
            + (" (" + "; ".join(f"{p.quarter.label} on {day_words(timezone.localdate(p.published_at))}" for p in done)
               + ")" if done else "") + ".")
    alike: dict[str, list[Quarter]] = {}
    for p in packs:
        if not p.published_at:
            alike.setdefault(p.words, []).append(p.quarter)
    out = [said]
    for words, quarters in alike.items():
        labels = [q.label for q in quarters]
        named = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
        several = len(quarters) > 1
        text = words.format(it="they are" if several else "it is", them="them" if several else "it")
        if several:
            text = text.replace("the pack is", "the packs are").replace("the pack has", "the packs have")
        out.append(f"{named}: {text}")
    return " ".join(out)


def quarter_contexts(period: ReportPeriod, key: str, sources=None) -> list[tuple[Quarter, dict]]:
    """One board section built for each quarter of the year (as each quarter's pack builds it), with its quarter."""
    sources = composition.board_sections() if sources is None else sources
    source = next((s for s in sources if s.key == key), None)
    return [(q, source.build(ReportPeriod.for_quarter(q))) for q in quarters_in(period)] if source else []


def quarter_periods(period: ReportPeriod) -> list[ReportPeriod]:
    """The board packs' periods for the year's quarters (for comparing figures)."""
    return [ReportPeriod.for_quarter(q) for q in quarters_in(period)]
