"""The partnership's analysis of a cycle: completion, heat map, distribution, comparison, gaps, actions.

Answers are aggregated in the database (one GROUP BY per view of the data) and rolled up in Python,
so `analysis()` runs the same number of queries for 6 agencies or 600. Averages exclude "not
applicable" answers. A heat-map band is decided on the average as shown (rounded to one decimal
place), so the label on a cell and its colour never disagree.

Every function takes `at`: None for the cycle as it stands now, or a moment, to read the returns, answers,
ratings, moderation and improvement actions as they stood then, from their history (the board pack of a
past quarter). The same aggregation runs on either, so the page and a pack agree on the same moment.
"""
import datetime
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from partnership.models import Action, Agency, Sector
from partnership.snapshots import attach, state_at

from . import selectors
from .models import Answer, Criterion, Cycle, RatingLevel, Return, Standard, answered_q, to_check_q

SELF, MODERATED = "self", "moderated"
GREEN_FROM, AMBER_FROM = 0.75, 0.4  # share of the way up the scale where a band starts


@dataclass(frozen=True)
class Band:
    colour: str  # red / amber / green / grey: for the CSS class only
    label: str  # always shown as text: colour never carries meaning alone


GREEN, AMBER, RED = Band("green", "Green"), Band("amber", "Amber"), Band("red", "Red")


def _round_up(value: float) -> float:
    return math.ceil(round(value * 10, 6)) / 10


@dataclass(frozen=True)
class Scale:
    """Where averages sit on a rating scale: the top quarter is green, the bottom 40% red."""

    levels: tuple[RatingLevel, ...]
    low: int
    high: int

    @classmethod
    def for_cycle(cls, cycle: Cycle) -> "Scale":
        levels = tuple(selectors.rating_levels(cycle.framework))
        scores = [lvl.score for lvl in levels] or [0]
        return cls(levels, min(scores), max(scores))

    @property
    def green_from(self) -> float:
        return _round_up(self.low + GREEN_FROM * (self.high - self.low))

    @property
    def amber_from(self) -> float:
        return _round_up(self.low + AMBER_FROM * (self.high - self.low))

    @property
    def bottom(self) -> RatingLevel | None:
        return min(self.levels, key=lambda lvl: lvl.score, default=None)

    @property
    def top(self) -> RatingLevel | None:
        return max(self.levels, key=lambda lvl: lvl.score, default=None)

    def band(self, average: float) -> Band:
        if self.high <= self.low or average >= self.green_from:
            return GREEN
        if average >= self.amber_from:
            return AMBER
        return RED

    def legend(self) -> list[tuple[Band, str]]:
        """The bands in words, for a key under the heat map."""
        below_green = round(self.green_from - 0.1, 1)
        below_amber = round(self.amber_from - 0.1, 1)
        return [
            (GREEN, f"average {self.green_from:.1f} to {self.high:.1f}"),
            (AMBER, f"average {self.amber_from:.1f} to {below_green:.1f}"),
            (RED, f"average {self.low:.1f} to {below_amber:.1f}"),
        ]


def band_for(average: float | None, low: int, high: int) -> Band | None:
    """The band for an average on a scale from `low` to `high` (None for no average)."""
    if average is None:
        return None
    return Scale((), low, high).band(round(average, 1))


@dataclass
class Tally:
    """Sums that add up across rows and columns: an average is only ever taken at the end."""

    total: int = 0  # answers
    rated: int = 0  # answers with a rating (of the chosen basis) that are not "not applicable"
    score: int = 0  # sum of those ratings' scores
    not_applicable: int = 0
    answered: int = 0  # answered (`answered_q`): read for a return's progress only, never added up
    to_check: int = 0  # copied from the last return and not yet confirmed (`to_check_q`): the same

    def __iadd__(self, other: "Tally") -> "Tally":
        self.total += other.total
        self.rated += other.rated
        self.score += other.score
        self.not_applicable += other.not_applicable
        return self

    @property
    def average(self) -> float | None:
        return round(self.score / self.rated, 1) if self.rated else None


def _one_place(average: float | None) -> str:
    """An average (rounded to one decimal place) as `floatformat:1` writes it ("2.0"); "" for none."""
    return "" if average is None else f"{average:.1f}"


@dataclass
class Cell:
    average: float | None
    rated: int
    not_applicable: int
    total: int
    band: Band

    @property
    def score(self) -> str:
        """The average to one decimal place ("2.8"); "" for none."""
        return _one_place(self.average)

    @property
    def label(self) -> str:
        """What the cell says: "Green 2.8", or why there is no average."""
        if self.average is None:
            return self.band.label
        return f"{self.band.label} {self.score}"

    @property
    def shown(self) -> dict:
        """What a page's heat-map cell shows: its band's colour and label, and the average as written ("" for none).
        A dict: the template engine finds a dict's key at once, an attribute only after a failed key lookup (about
        half the heat map's template time on the large partnership's 54 rows of 9 cells)."""
        return {"colour": self.band.colour, "label": self.band.label, "score": self.score}


def _cell(tally: Tally | None, scale: Scale, basis: str) -> Cell:
    tally = tally or Tally()
    average = tally.average
    if average is not None:
        band = scale.band(average)
    elif tally.total and tally.not_applicable == tally.total:
        band = Band("grey", "Not applicable")
    elif tally.total:
        band = Band("grey", "Not moderated" if basis == MODERATED else "Not rated yet")
    else:
        band = Band("grey", "No answers")
    return Cell(average, tally.rated, tally.not_applicable, tally.total, band)


@dataclass
class HeatMapRow:
    ret: Return | None  # None: the partnership's average
    cells: list[Cell]
    overall: Cell

    @property
    def shown(self) -> dict:
        """What a page's heat-map row shows, as a dict (see `Cell.shown`): the return (None for the partnership's
        average), its agency's name, its status in words, whether it is late, and the standards' cells then the
        overall one, in order (`Cell.shown`)."""
        ret = self.ret
        return {"ret": ret, "agency": ret.agency.display_name if ret else "",
                "status": ret.get_status_display() if ret else "", "late": getattr(ret, "late", False),
                "cells": [cell.shown for cell in (*self.cells, self.overall)]}


@dataclass
class HeatMap:
    standards: list[Standard]
    rows: list[HeatMapRow]
    basis: str = SELF
    partnership: list[Cell] = field(default_factory=list)
    partnership_overall: Cell | None = None

    @property
    def average_row(self) -> HeatMapRow:
        """The partnership's average as a row of the table (no return), shown above the agencies'."""
        return HeatMapRow(ret=None, cells=self.partnership, overall=self.partnership_overall)


def _rating_field(basis: str) -> str:
    return "moderated_rating" if basis == MODERATED else "rating"


def cycle_returns(cycle: Cycle, *, sector: str = "", at: datetime.datetime | None = None) -> QuerySet[Return]:
    qs = state_at(Return, at).filter(cycle_id=cycle.pk).order_by("agency__name")
    if at is None:
        qs = qs.select_related("agency")
    if sector:
        qs = qs.filter(agency__sector=sector)
    return qs


def cycle_answers(cycle: Cycle, *, sector: str = "", at: datetime.datetime | None = None,
                  previous: Cycle | None = None) -> QuerySet[Answer]:
    """A cycle's answers (and its `previous` cycle's, if given), filtered by join (not by a list of return ids) so each
    GROUP BY is one query."""
    qs = state_at(Answer, at).filter(ret__cycle_id__in=[cycle.pk, previous.pk] if previous else [cycle.pk])
    if sector:
        qs = qs.filter(ret__agency__sector=sector)
    return qs.order_by()


def sectors(cycle: Cycle, *, returns: list[Return] | None = None) -> list[tuple[str, str]]:
    """The sectors of the agencies taking part in a cycle, for the filter. One query; none given every one of the
    cycle's `returns` with their agencies (the analysis of all sectors has read them)."""
    if returns is not None:
        present = {ret.agency.sector for ret in returns}
    else:
        present = set(Return.objects.filter(cycle=cycle).order_by().values_list("agency__sector", flat=True)
                      .distinct())
    return [(value, label) for value, label in Sector.choices if value in present]


def _tallies(answers: QuerySet[Answer], keys: tuple[str, ...], basis: str, *,
             progress: bool = False) -> dict[tuple, Tally]:
    """{keys: Tally} in one GROUP BY. With `progress`, each Tally also counts the answers answered (`answered_q`)
    and copied to check (`to_check_q`), so a return's progress is the sum of its rows (`returns_with_progress`)."""
    rating = _rating_field(basis)
    rated = Q(**{f"{rating}__isnull": False}, not_applicable=False)
    counts = {"answered": Count("pk", filter=answered_q()), "to_check": Count("pk", filter=to_check_q())} \
        if progress else {}
    rows = answers.values(*keys).annotate(
        total=Count("pk"), rated=Count("pk", filter=rated), score=Sum(f"{rating}__score", filter=rated),
        na=Count("pk", filter=Q(not_applicable=True)), **counts,
    )
    return {tuple(r[k] for k in keys): Tally(r["total"], r["rated"], r["score"] or 0, r["na"], r.get("answered", 0),
                                             r.get("to_check", 0)) for r in rows}


THEN_KEYS = ("ret__agency_id", "criterion__standard__number")  # the previous cycle's tallies: by agency and number


def answer_tallies(cycle: Cycle, *, sector: str = "", basis: str = SELF, at: datetime.datetime | None = None,
                   previous: Cycle | None = None) -> tuple[dict[tuple, Tally], dict[tuple, Tally]]:
    """{(return id, standard id): Tally} of a cycle's answers, with progress: what the heat map and each return's
    progress read, in one GROUP BY (the returns are then read without joining their answers); and, in the same
    GROUP BY, {(agency id, standard number): Tally} of the `previous` cycle's answers, what `comparison` reads ({}
    without one)."""
    keys = ("ret__cycle_id", "ret_id", "criterion__standard_id", *THEN_KEYS)
    now, then = {}, defaultdict(Tally)
    for (cycle_id, ret_id, standard_id, agency_id, number), tally in _tallies(
            cycle_answers(cycle, sector=sector, at=at, previous=previous), keys, basis, progress=True).items():
        if cycle_id == cycle.pk:
            now[(ret_id, standard_id)] = tally  # a return and a standard: its agency and number are the same
        else:
            then[(agency_id, number)] += tally
    return now, dict(then)


def completion(cycle: Cycle, *, sector: str = "", returns: list[Return] | None = None,
               at: datetime.datetime | None = None) -> dict:
    """How many returns are in each state; late is computed from the deadline on the day read. One query."""
    if returns is None:
        returns = returns_with_progress(cycle, sector=sector, at=at)
    counts = Counter(r.status for r in returns)
    done = sum(1 for r in returns if r.is_done)
    total = len(returns)
    answered = sum(r.answered_count for r in returns)
    criteria = sum(r.criteria_count for r in returns)
    return {
        "total": total,
        "counts": {status: counts[status] for status in Return.Status.values},
        "by_status": [(label, counts[value]) for value, label in Return.Status.choices],
        "submitted": done,
        "late": sum(1 for r in returns if r.late),
        "rate": round(100 * done / total) if total else 0,
        "answered_rate": round(100 * answered / criteria) if criteria else 0,
        "returns": returns,
    }


def returns_with_progress(cycle: Cycle, *, sector: str = "", at: datetime.datetime | None = None,
                          tallies: dict[tuple, Tally] | None = None) -> list[Return]:
    """The cycle's returns with `answered_count`, `to_check_count` and `criteria_count`, now or as they stood at `at`.

    Two queries now (one with the progress annotated); three at a moment (the returns, their agencies, and one
    GROUP BY of the answers as they stood), whatever the number of returns. Given the cycle's `answer_tallies`, the
    progress is summed from them: one query now, two at a moment.
    """
    if tallies is not None:
        returns = list(cycle_returns(cycle, sector=sector, at=at))
        if at is not None:
            attach(returns, "agency", Agency)
        progress = defaultdict(lambda: [0, 0, 0])
        for (ret_id, _standard), tally in tallies.items():
            counts = progress[ret_id]
            counts[0] += tally.answered
            counts[1] += tally.to_check
            counts[2] += tally.total
        for ret in returns:
            ret.answered_count, ret.to_check_count, ret.criteria_count = progress.get(ret.pk, (0, 0, 0))
    elif at is None:
        returns = list(cycle_returns(cycle, sector=sector).with_progress())
    else:
        returns = list(cycle_returns(cycle, sector=sector, at=at))
        attach(returns, "agency", Agency)
        progress = {row["ret_id"]: row for row in cycle_answers(cycle, sector=sector, at=at).values("ret_id")
                    .annotate(answered=Count("pk", filter=answered_q()), to_check=Count("pk", filter=to_check_q()),
                              total=Count("pk"))}
        for ret in returns:
            row = progress.get(ret.pk, {})
            ret.answered_count, ret.criteria_count = row.get("answered", 0), row.get("total", 0)
            ret.to_check_count = row.get("to_check", 0)
    day = timezone.localtime(at).date() if at else timezone.localdate()
    for ret in returns:
        ret.cycle = cycle  # is_late reads the deadline: no query per row
        ret.late = ret.is_late_on(day)  # on the day read, for the pages and packs that show it
    return returns


def heat_map(cycle: Cycle, *, sector: str = "", basis: str = SELF, scale: Scale | None = None,
             returns: list[Return] | None = None, standards: list[Standard] | None = None,
             at: datetime.datetime | None = None, tallies: dict[tuple, Tally] | None = None) -> HeatMap:
    """Average rating by agency and standard (self or moderated), banded with text labels.

    Four queries (one with everything passed in; none with the `answer_tallies` too): the scale, standards, returns
    and one GROUP BY.
    """
    scale = scale or Scale.for_cycle(cycle)
    if standards is None:
        standards = list(cycle.framework.standards.order_by("number"))
    if returns is None:
        returns = returns_with_progress(cycle, sector=sector, at=at)
    if tallies is None:
        tallies = _tallies(cycle_answers(cycle, sector=sector, at=at), ("ret_id", "criterion__standard_id"), basis)
    rows, grand = [], Tally()
    standard_ids = [s.pk for s in standards]
    columns = [Tally() for _ in standards]
    for ret in returns:
        overall, ret_id = Tally(), ret.pk
        found = [tallies.get((ret_id, standard_id)) for standard_id in standard_ids]
        for tally, column in zip(found, columns, strict=True):
            if tally is not None:
                overall += tally
                column += tally
        grand += overall
        rows.append(HeatMapRow(ret=ret, cells=[_cell(tally, scale, basis) for tally in found],
                               overall=_cell(overall, scale, basis)))
    return HeatMap(
        standards=standards, rows=rows, basis=basis,
        partnership=[_cell(column, scale, basis) for column in columns],
        partnership_overall=_cell(grand, scale, basis),
    )


def distribution(cycle: Cycle, *, sector: str = "", basis: str = SELF, scale: Scale | None = None,
                 criteria: list[Criterion] | None = None, standards: list[Standard] | None = None,
                 at: datetime.datetime | None = None) -> list[dict]:
    """For each criterion, how many agencies gave each rating, not applicable, or none yet. Three queries.

    Given the framework's `standards`, each criterion's standard is taken from them, not read again with it (a join
    and a Standard a criterion fewer)."""
    scale = scale or Scale.for_cycle(cycle)
    if criteria is None:
        criteria = Criterion.objects.filter(standard__framework_id=cycle.framework_id).order_by("standard__number",
                                                                                                 "order")
        if standards is None:
            criteria = list(criteria.select_related("standard"))
        else:
            by_pk = {standard.pk: standard for standard in standards}
            criteria = list(criteria)
            for criterion in criteria:
                criterion.standard = by_pk[criterion.standard_id]
    rating_id = f"{_rating_field(basis)}_id"
    counts: dict[int, Counter] = defaultdict(Counter)
    rows = cycle_answers(cycle, sector=sector, at=at).values("criterion_id", rating_id, "not_applicable").annotate(
        n=Count("pk"))
    for row in rows:
        key = "na" if row["not_applicable"] else row[rating_id]
        counts[row["criterion_id"]][key] += row["n"]
    bottom, top = scale.bottom, scale.top
    result = []
    for criterion in criteria:
        c = counts[criterion.pk]
        rated = sum(c[lvl.pk] for lvl in scale.levels)
        average = round(sum(c[lvl.pk] * lvl.score for lvl in scale.levels) / rated, 1) if rated else None
        at_bottom = c[bottom.pk] if bottom else 0
        below_top = rated - (c[top.pk] if top else 0)
        result.append({
            "criterion": criterion,
            "counts": [(lvl, c[lvl.pk]) for lvl in scale.levels],
            "not_applicable": c["na"],
            "unanswered": c[None],
            "rated": rated,
            "total": rated + c["na"] + c[None],
            "average": average,
            "average_text": _one_place(average),
            "band": scale.band(average) if average is not None else None,
            "at_bottom": at_bottom,
            "below_top": below_top,
            "bottom_share": at_bottom / rated if rated else 0,
            "below_top_share": below_top / rated if rated else 0,
            "bottom_pct": round(100 * at_bottom / rated) if rated else 0,
            "below_top_pct": round(100 * below_top / rated) if rated else 0,
        })
    return result


def common_gaps(dist: list[dict], *, limit: int = 5) -> list[dict]:
    """The criteria agencies most often rate at the bottom of the scale, then most often below the top,
    then by lowest average. A criterion every agency rates at the top is no gap."""
    gaps = [d for d in dist if d["below_top"]]
    gaps.sort(key=lambda d: (-d["bottom_share"], -d["below_top_share"], d["average"],
                             d["criterion"].standard.number, d["criterion"].order))
    return gaps[:limit]


DIRECTION_COLOURS = {"Better": "green", "Worse": "red", "Same": "grey"}  # "No comparison" is words alone


def _direction(now: float | None, then: float | None) -> str:
    """On the averages as shown (one decimal place), so the words match the numbers."""
    if now is None or then is None:
        return "No comparison"
    if now > then:
        return "Better"
    if now < then:
        return "Worse"
    return "Same"


def compared_cycle(cycle: Cycle) -> Cycle | None:
    """The cycle `comparison` reads the answers of: the previous one, if it rates on the same scale."""
    if cycle.previous_id and cycle.previous.framework.scale_id == cycle.framework.scale_id:
        return cycle.previous
    return None


def comparison(cycle: Cycle, *, sector: str = "", basis: str = SELF, hm: HeatMap | None = None,
               at: datetime.datetime | None = None, then_rows: dict[tuple, Tally] | None = None) -> dict | None:
    """This cycle against the previous one: per standard (matched by number), per agency and overall.

    One query (plus the heat map's when it is not passed in; none given the previous cycle's tallies by agency and
    standard number, `then_rows`, from `answer_tallies`). None when there is no previous cycle.
    """
    if not cycle.previous_id:
        return None
    previous = cycle.previous
    hm = hm or heat_map(cycle, sector=sector, basis=basis, at=at)
    result = {"previous": previous, "comparable": compared_cycle(cycle) is not None,
              "standards": [], "agencies": [], "overall": None}
    if not result["comparable"]:
        return result
    if then_rows is None:
        then_rows = _tallies(cycle_answers(previous, sector=sector, at=at), THEN_KEYS, basis)
    then_s, then_a, then_all = defaultdict(Tally), defaultdict(Tally), Tally()
    for (agency_id, number), tally in then_rows.items():
        then_s[number] += tally
        then_a[agency_id] += tally
        then_all += tally

    def entry(now: float | None, then: Tally | None, **extra) -> dict:
        then_avg = then.average if then else None
        change = ""
        if now is not None and then_avg is not None:
            diff = round(now - then_avg, 1)
            change = f"{diff:+.1f}".replace("-", "\u2212") if diff else "0.0"  # a true minus sign
        return {**extra, "now": now, "then": then_avg, "now_text": _one_place(now), "then_text": _one_place(then_avg),
                "change": change,
                "direction": (direction := _direction(now, then_avg)),
                "direction_colour": DIRECTION_COLOURS.get(direction, "")}

    result["standards"] = [
        entry(cell.average, then_s.get(s.number), number=s.number, title=s.title)
        for s, cell in zip(hm.standards, hm.partnership, strict=True)
    ]
    result["agencies"] = [
        # number=None: no standard's number, which the tables ask first (a missing key costs the template engine
        # three failed lookups a row)
        entry(row.overall.average, then_a.get(row.ret.agency_id), name=row.ret.agency.display_name,
              agency_id=row.ret.agency_id, number=None)
        for row in hm.rows
    ]
    result["overall"] = entry(hm.partnership_overall.average if hm.partnership_overall else None, then_all)
    counts = Counter(e["direction"] for e in result["agencies"])
    result["counts"] = {"better": counts["Better"], "same": counts["Same"], "worse": counts["Worse"],
                        "none": counts["No comparison"]}
    return result


def improvement_actions(cycle: Cycle, *, sector: str = "", overdue_limit: int = 20,
                        at: datetime.datetime | None = None) -> dict:
    """Improvement actions raised from this cycle's answers, how many are overdue, and the overdue ones
    (soonest due first, up to `overdue_limit`), now or as they stood at `at`. Two queries (three at a moment)."""
    through = Answer.actions.through
    answers = through.objects.filter(answer__ret__cycle_id=cycle.pk)
    if sector:
        answers = answers.filter(answer__ret__agency__sector=sector)
    actions = state_at(Action, at).filter(id__in=answers.values("action_id"))
    day = timezone.localtime(at).date() if at else timezone.localdate()
    open_q = Q(status__in=Action.OPEN_STATUSES)
    result = actions.aggregate(
        total=Count("id"),
        open=Count("id", filter=open_q),
        overdue=Count("id", filter=open_q & Q(due_date__lt=day)),
        completed=Count("id", filter=Q(status__in=Action.WORK_DONE)),
    )
    overdue = []
    if result["overdue"]:
        rows = actions.filter(open_q, due_date__lt=day).order_by("due_date", "id")
        # Now: the agency joined in; at a moment, rows from history carry no relations, so one more query.
        overdue = list(rows.select_related("owner_agency")[:overdue_limit]) if at is None else attach(
            rows[:overdue_limit], "owner_agency", Agency)
    for action in overdue:
        action.days_overdue = (day - action.due_date).days
    result["overdue_list"] = overdue
    return result


def analysis(cycle: Cycle, *, sector: str = "", basis: str = SELF, at: datetime.datetime | None = None) -> dict:
    """Everything on the analysis page and in its PDF (now), or in a board pack (as at a moment).

    About ten queries, whatever the size."""
    basis = MODERATED if basis == MODERATED else SELF
    scale = Scale.for_cycle(cycle)
    standards = list(cycle.framework.standards.order_by("number"))
    tallies, then_rows = answer_tallies(cycle, sector=sector, basis=basis, at=at, previous=compared_cycle(cycle))
    returns = returns_with_progress(cycle, sector=sector, at=at, tallies=tallies)
    hm = heat_map(cycle, sector=sector, basis=basis, scale=scale, returns=returns, standards=standards, at=at,
                  tallies=tallies)
    dist = distribution(cycle, sector=sector, basis=basis, scale=scale, standards=standards, at=at)
    return {
        "cycle": cycle,
        "sector": sector,
        "sector_label": dict(Sector.choices).get(sector, ""),
        "basis": basis,
        "moderated": basis == MODERATED,
        "scale": scale,
        "completion": completion(cycle, sector=sector, returns=returns, at=at),
        "heat_map": hm,
        "distribution": dist,
        "gaps": common_gaps(dist),
        "comparison": comparison(cycle, sector=sector, basis=basis, hm=hm, at=at, then_rows=then_rows),
        "actions": improvement_actions(cycle, sector=sector, at=at),
    }
