"""Progress on the partnership's priorities: every app's evidence for each priority, and one judgement.

`progress(priorities, period, detail=True)` asks every app (its `Governance.priority_evidence`, through
`app_parts.governance_parts()`) once for all the priorities, so a page or report with many priorities costs the
same queries as one. Each app's evidence answers the four OBA questions and says how far it shows progress. The
priority page, the priorities list, the board pack's "Priorities" section and the yearly report all read it.

The one rule for "little or no evidence of progress" (Working Together asks the yearly report to say so): a
priority is flagged when at most one of its sources shows any progress (assured or partly). Otherwise it is judged
by the share of its sources holding evidence that show progress: four in five or more is progress (assured), half
or more some progress (partly), fewer not assured. (Not "as strong as its weakest source", as an assurance in the
pack is: one red indicator among six sources would make every priority "not assured", and the page would tell
the board nothing it could tell apart.)
"""
from dataclasses import dataclass

from django.utils import timezone

from partnership.contract import (
    ASSURANCE_COLOURS,
    ASSURED,
    NO_EVIDENCE,
    NOT_ASSURED,
    OBA_QUESTIONS,
    PARTLY,
    PRIORITIES,
    STATUS_WORDS,
    WHAT_NEXT,
    Evidence,
    Fact,
    PriorityEvidence,
    plural,
    section_context,
    share_status,
)
from partnership.dates import Quarter, ReportPeriod
from partnership.models import Priority

from . import app_parts

# The words for how far one source shows progress. No evidence is nothing tagged to the priority, or records tagged
# with nothing yet to judge them by (indicators with no validated figure, criteria not yet rated, courses with no
# session): "nothing tagged" beside the facts naming the tagged records contradicted them.
PROGRESS_WORDS = {ASSURED: "Progress", PARTLY: "Some progress", NOT_ASSURED: "No progress shown",
                  NO_EVIDENCE: "No evidence"}
LITTLE_OR_NONE = "Little or no evidence of progress"
TAG_CLASSES = {status: f"govuk-tag--{colour}" for status, colour in ASSURANCE_COLOURS.items()}
SHOWING = (ASSURED, PARTLY)


@dataclass(frozen=True)
class Progress:
    """One priority's evidence from every source, and the judgement on it."""

    priority: Priority
    evidences: tuple[PriorityEvidence, ...]
    status: str  # ASSURED, PARTLY, NOT_ASSURED or NO_EVIDENCE
    little_or_none: bool
    sentence: str

    @property
    def words(self) -> str:
        return LITTLE_OR_NONE if self.little_or_none else PROGRESS_WORDS[self.status]

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES[NOT_ASSURED if self.little_or_none else self.status]

    @property
    def showing(self) -> list[PriorityEvidence]:
        return [e for e in self.evidences if e.progress in SHOWING]

    def answers(self) -> list[dict]:
        """The four OBA questions, each with every source's facts for it."""
        return [{"key": key, "question": question,
                 "facts": [(e.source, f.text) for e in self.evidences for f in e.facts if f.question == key]}
                for key, question in OBA_QUESTIONS]

    def sources(self) -> list[dict]:
        """Each source with its progress and how many records it holds (the records are listed by `records`)."""
        return [{"evidence": e, "words": PROGRESS_WORDS[e.progress], "tag_class": TAG_CLASSES[e.progress],
                 "count": len(e.items)} for e in self.evidences]

    @property
    def records(self) -> list[tuple[str, object]]:
        """Every record behind the judgement as (its source, the record), source by source: the list a page shows a
        page of (`record_entries`)."""
        return [(e.source, item) for e in self.evidences for item in e.items]


def record_entries(records, follow=None) -> list[dict]:
    """Records (`Progress.records`, or a page of them) as the `record_items` tag shows them, with their source;
    `follow(url)` says whether the reader may follow a record's link."""
    return [{"source": source, "label": i.label, "url": i.url if follow is None or follow(i.url) else "",
             "words": STATUS_WORDS.get(i.status, ""), "tag_class": TAG_CLASSES.get(i.status, "")}
            for source, i in records]


def judge(priority: Priority, evidences: list[PriorityEvidence]) -> Progress:
    """The one rule (see the module's docstring), with its sentence in words."""
    showing = [e.source for e in evidences if e.progress in SHOWING]
    evidenced = [e for e in evidences if e.progress != NO_EVIDENCE]
    none_shown = [e.source for e in evidenced if e.progress not in SHOWING]
    nothing = [e.source for e in evidences if e.progress == NO_EVIDENCE]
    little = len(showing) <= 1
    # The sources that show none, and those with nothing to judge, named in either sentence.
    rest = ([f"no progress from {_list(none_shown)}"] if none_shown else []) + (
        [f"no evidence from {_list(nothing)}"] if nothing else [])
    if little:
        status = NOT_ASSURED if evidenced else NO_EVIDENCE
        first = f"progress only from {showing[0]}" if showing else "no source shows progress"
        sentence = f"Little or no evidence of progress on {priority.title}: {'; '.join([first, *rest])}."
    else:
        status = share_status(len(showing), len(evidenced), assured_from=0.8, partly_from=0.5)
        # Judged by the sources holding evidence, so the sentence counts those (it read "2 sources of 4" where the
        # rule weighed 2 of 3).
        share = (("both" if len(evidenced) == 2 else f"all {len(evidenced)}") if len(showing) == len(evidenced)
                 else f"{len(showing)} of the {len(evidenced)}")
        first = f"{share} sources with evidence ({_list(showing)}) show progress"
        sentence = f"{priority.title}: {'; '.join([first, *rest])}."
    return Progress(priority, tuple(evidences), status, little, sentence)


def _list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def progress(priorities, period: ReportPeriod, *, detail: bool = True) -> list[Progress]:
    """Every priority's evidence from every app for the period, and its judgement: one call per app. Without
    `detail` (the priorities list shows only the judgement and its sentence) each source's progress is judged by
    the same code but its facts and records may be left out (`Governance.priority_evidence`), so the judgement
    is the same."""
    priorities = list(priorities)
    answers = [part.priority_evidence(priorities, period, detail=detail) for part in app_parts.governance_parts()
               if part.priority_evidence]
    return [judge(p, [answer.get(p.pk) for answer in answers if answer.get(p.pk)]) for p in priorities]


def current_priorities(on):
    """The priorities in force on a day (started, and not ended before it)."""
    return Priority.objects.filter(start_date__lte=on).exclude(end_date__lt=on).order_by("order", "title")


def page_period(today=None) -> ReportPeriod:
    """The priority pages read the financial year so far: progress is judged over a year, not a quarter."""
    today = today or timezone.localdate()
    return ReportPeriod.for_financial_year(Quarter.containing(today).financial_year)


def board_section(period: ReportPeriod) -> dict:
    """The board pack's "Priorities" section: each priority's progress in the period, as it stood at its moment."""
    rows = progress(current_priorities(period.end), period)
    facts, evidence = [], []
    if rows:
        flagged = [r for r in rows if r.little_or_none]
        facts.append(Fact(WHAT_NEXT, f"Priorities: {plural(len(rows), 'priority', 'priorities')}, "
                                     f"{len(flagged)} with little or no evidence of progress."))
        for row in rows:
            status = row.status if row.status != NO_EVIDENCE else NOT_ASSURED
            evidence.append(Evidence(PRIORITIES, status, row.sentence))
    headlines = [r.sentence for r in rows if r.little_or_none]
    context = {"has_data": bool(rows), "rows": rows, "period": period}
    return section_context(context, facts=facts, evidence=evidence, headlines=headlines)
