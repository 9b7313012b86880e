"""The one contract between the composition root (`merton_qa`) and the apps.

Each app offers the root what it has for the rest of the service through one `AppContribution`, defined in its
own `contribution.py`: its item in the navigation, its panel on the home dashboard, the items it puts in a
person's daily digest, its sections of the board pack (and of the yearly report), and its part of the
invented demo (`manage.py seed_demo`). The root lists the apps
by importing their contributions (`merton_qa.composition`); nothing is found by name at run time.

A board section is built for a `ReportPeriod` and reads state as it stood at `period.as_at`, from history,
never "now": a pack made again for a period that is over shows the same figures. Besides the context of its
template (with `has_data`), a section states what it adds to the pack's first pages, in the same numbers it
shows: `facts` (sentences that answer the four Outcomes Based Accountability questions), `evidence` (what it
says for each of the partnership's five assurances) and `headlines` (exceptions the board should see first).
"""
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from .dates import ReportPeriod, day_words  # noqa: F401 - the apps' evidence writes dates through the contract

# The four Outcomes Based Accountability questions, in the order the framework asks them.
HOW_MUCH, HOW_WELL, BETTER_OFF, WHAT_NEXT = "how_much", "how_well", "better_off", "what_next"
OBA_QUESTIONS = (
    (HOW_MUCH, "How much did we do?"),
    (HOW_WELL, "How well did we do it?"),
    (BETTER_OFF, "Is anyone better off?"),
    (WHAT_NEXT, "What will we do next?"),
)

# The five assurances the framework promises the partnership, in the framework's words.
DUTIES, PRIORITIES, QUALITY, RIGHT_PRIORITIES, ACCOUNTABILITY = (
    "duties", "priorities", "quality", "right_priorities", "accountability")
ASSURANCES = (
    (DUTIES, "Meeting its statutory duties"),
    (PRIORITIES, "Achieving its priorities"),
    (QUALITY, "Ensuring quality across the system"),
    (RIGHT_PRIORITIES, "Setting the right priorities"),
    (ACCOUNTABILITY, "Holding partners and board members to account"),
)

# How far one piece of evidence, or all of an assurance's evidence, gives assurance. Worst first.
NOT_ASSURED, PARTLY, ASSURED, NO_EVIDENCE = "not_assured", "partly", "assured", "no_evidence"
STATUS_WORDS = {ASSURED: "Assured", PARTLY: "Partly assured", NOT_ASSURED: "Not assured",
                NO_EVIDENCE: "No evidence"}
# The GOV.UK tag colour of each, wherever it is shown ({% status_tag %} through `status_tag_parts()`, or
# {% assurance_tag %} for plain data).
ASSURANCE_COLOURS = {ASSURED: "green", PARTLY: "yellow", NOT_ASSURED: "red", NO_EVIDENCE: "grey"}
FACT_WORDS = {**STATUS_WORDS, PARTLY: "Partly"}  # an agency profile line's judgement, short
_WORST_FIRST = (NOT_ASSURED, PARTLY, ASSURED)


@dataclass(frozen=True)
class Fact:
    """A sentence, with its numbers, answering one OBA question for the period."""

    question: str  # HOW_MUCH, HOW_WELL, BETTER_OFF or WHAT_NEXT
    text: str


@dataclass(frozen=True)
class Evidence:
    """What one section says about one assurance, and how far it assures."""

    assurance: str  # one of ASSURANCES' keys
    status: str  # ASSURED, PARTLY or NOT_ASSURED
    text: str


def overall_status(statuses) -> str:
    """An assurance is as strong as its weakest evidence; with none, there is no evidence."""
    statuses = set(statuses)
    return next((s for s in _WORST_FIRST if s in statuses), NO_EVIDENCE)


def share_status(good: int, whole: int, *, assured_from: float = 0.9, partly_from: float = 0.6) -> str:
    """Assured when at least 90% of something is as it should be, partly from 60%: one rule for every section."""
    if not whole:
        return NO_EVIDENCE
    share = good / whole
    return ASSURED if share >= assured_from else PARTLY if share >= partly_from else NOT_ASSURED


def plural(count: int, singular: str, plural_form: str = "") -> str:
    """ "1 agency", "3 agencies": the number with its noun, for the pack's sentences."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def add_open_actions(facts: list, evidence: list, source: str, *, open_count: int, overdue: int,
                     noun: str = "action") -> None:
    """What a section's open actions add to the opening pages (nothing when none is open): what next, and how far
    partners are held to it (one rule for every kind of action: the share of open actions not overdue)."""
    if not open_count:
        return
    facts.append(Fact(WHAT_NEXT, f"{source}: {plural(open_count, noun)} open, {overdue} overdue."))
    evidence.append(Evidence(ACCOUNTABILITY, share_status(open_count - overdue, open_count),
                             f"{source}: {overdue} of {plural(open_count, 'open ' + noun)} overdue."))


@dataclass(frozen=True)
class BoardSection:
    """One section of the board pack, built by its app for a period (see the module's docstring)."""

    key: str
    title: str
    template: str
    build: Callable[[ReportPeriod], dict]
    question: str = ""  # what the board learns from it, shown in the contents


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    section: str  # the item is marked active on every page whose path starts with this


@dataclass(frozen=True)
class AppContribution:
    """What an app offers the composition root. Every part is optional; each is called with no query to spare."""

    name: str
    navigation: Callable[..., NavItem | None] | None = None  # (user) -> the app's menu item, no query
    dashboard_panel: Callable[..., dict] | None = None  # (user) -> context for the app's dashboard panel
    due_items: Callable[..., list] | None = None  # (person, today) -> DueItems for the daily digest
    digest_heading: str = ""  # the heading of the app's items in the digest email
    board_sections: tuple[BoardSection, ...] = field(default=())
    governance: "Governance | None" = None  # its part in the governance loop (below)
    demo: Callable[..., None] | None = None  # (stdout, people, agencies) -> its part of the invented demo

    @classmethod
    def of_domain_app(cls, name: str, digest_heading: str, *, demo, navigation, dashboard, reminders,
                      governance: "Governance", board_sections: tuple) -> "AppContribution":
        """A domain app's whole contribution from its modules, each by the house's names: `demo.seed`,
        `navigation.item`, `dashboard.panel` and `reminders.due_items` (docs/architecture.md)."""
        return cls(name=name, demo=demo.seed, navigation=navigation.item, dashboard_panel=dashboard.panel,
                   due_items=reminders.due_items, digest_heading=digest_heading, board_sections=board_sections,
                   governance=governance)


def section_context(context: dict, *, facts=(), evidence=(), headlines=()) -> dict:
    """A board section's context with the contract's parts in place (empty when the app has nothing to say)."""
    context.setdefault("facts", list(facts))
    context.setdefault("evidence", list(evidence))
    context.setdefault("headlines", list(headlines))
    return context




# ---------------------------------------------------------------------------------------------------------------
# The governance loop (issue 18) and the yearly report (issue 19): what each app adds, through the same contract.
# Every hook takes a whole list (of priorities, of agencies) and answers for all of them with a fixed number of
# queries, so a page that shows many rows never calls an app once per row.
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvidenceItem:
    """One record behind a judgement: what it is, where to see it (may be blank), and how it stands."""

    label: str
    url: str = ""
    status: str = ""  # ASSURED, PARTLY, NOT_ASSURED or NO_EVIDENCE; blank when it is a plain record

    @property
    def is_not_assured(self) -> bool:
        """It counts against the judgement (a statutory duty's record: late)."""
        return self.status == NOT_ASSURED


@dataclass(frozen=True)
class PriorityEvidence:
    """What one app holds, tagged to one priority, for a period: its facts under the four OBA questions, how far
    it shows progress (ASSURED = progress, PARTLY = some, NOT_ASSURED = none or going the wrong way,
    NO_EVIDENCE = nothing tagged, or nothing yet to judge what is tagged by), and the records behind it (with
    `detail=False`, facts and items may be empty: see `Governance.priority_evidence`)."""

    source: str  # "Indicators", "Audits", "Section 11 standards", "Training", "Review learning", "Actions"
    facts: tuple[Fact, ...] = ()
    progress: str = NO_EVIDENCE
    items: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True)
class AgencyFact:
    """One line of an agency's accountability profile: "Section 11 return: submitted 3 days late"."""

    heading: str  # the profile's section: "Section 11", "Data returns", "Audits", "Rapid reviews", ...
    label: str
    value: str
    status: str = NO_EVIDENCE  # ASSURED (engaging), PARTLY, NOT_ASSURED (not engaging), NO_EVIDENCE
    url: str = ""  # blank when the viewer may not follow it (review details stay with the reviews group)

    @property
    def is_judged(self) -> bool:
        """It says how the agency engages: a line with nothing to judge is left out of the judgement, untagged."""
        return self.status != NO_EVIDENCE

    def status_tag_parts(self) -> tuple[str, str]:
        """The line's tag ({% status_tag fact %}): its judgement in short words, in the judgement's colour."""
        return FACT_WORDS[self.status], ASSURANCE_COLOURS[self.status]


@dataclass(frozen=True)
class AgendaSuggestion:
    """Something due for a meeting's agenda, offered by an app; the business unit takes it or leaves it."""

    key: str  # stable across calls ("audits:report:12"), so an item taken once is not offered twice
    kind: str  # "Scorecard exception", "Overdue actions", "Late returns", "Statutory clock", "Audit report", ...
    title: str
    detail: str = ""
    url: str = ""
    priority_ids: tuple[int, ...] = ()  # the priorities it is tagged to, so a thematic subgroup sees its own


@dataclass(frozen=True)
class AgendaKey:
    """What the agenda builder needs to count a suggestion without making it: its key and its priorities. An app's
    `agenda.keys` answers these from the same rule as its `agenda.items` (a test holds the two to the same keys)."""

    key: str
    priority_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class SystemPaper:
    """A paper a meeting can take from the system (the board pack, an audit report, an analysis)."""

    key: str  # stable ("audits:report:12")
    title: str
    url: str


# How a statutory duty stands, worst first.
BREACHED, DUE, MET, NOT_STARTED = "breached", "due", "met", "not_started"
DUTY_WORDS = {BREACHED: "Breached", DUE: "Due", MET: "Met", NOT_STARTED: "Not yet applicable"}


@dataclass(frozen=True)
class DutyReading:
    """A statutory duty's status on a day, in words, with the records behind it."""

    status: str  # BREACHED, DUE, MET or NOT_STARTED
    text: str
    items: tuple[EvidenceItem, ...] = ()
    due_on: datetime.date | None = None


@dataclass(frozen=True)
class Governance:
    """An app's part in the governance loop. Each hook is optional; each answers with a fixed number of queries.

    - `priority_evidence(priorities, period, *, detail=True) -> {priority_id: PriorityEvidence}`. With
      `detail=False` (the priorities list, which shows only each source's progress and the judgement) the app may
      leave out `facts` and `items` and the reads only they need, but its `progress` comes from the same code as
      with detail, so the list and a priority's own page cannot disagree (a test compares them on the demo).
    - `agency_profile(agencies, period, user) -> {agency_id: [AgencyFact, ...]}`
    - `agenda_items(today, user) -> [AgendaSuggestion, ...]`
    - `agenda_keys(today, user) -> [AgendaKey, ...]`: the same suggestions' keys and priorities by the same rule,
      without their words and links (the home page counts what is due for the next meeting)
    - `papers(user) -> [SystemPaper, ...]`
    - `duty_checks: {check_name: (duty, today) -> DutyReading}`: the rules the duties register
      (partnership/reference/duties.yaml) names in each duty's `check`.
    """

    priority_evidence: Callable[..., dict] | None = None
    agency_profile: Callable[..., dict] | None = None
    agenda_items: Callable[..., list] | None = None
    agenda_keys: Callable[..., list] | None = None
    papers: Callable[..., list] | None = None
    duty_checks: dict = field(default_factory=dict)

    @classmethod
    def of_modules(cls, priority_evidence, agency_profile, agenda, duties) -> "Governance":
        """An app's whole part from its four modules, each by the house's names: `priority_evidence.for_priorities`,
        `agency_profile.facts`, `agenda.items`, `agenda.keys` and `agenda.papers`, and `duties.CHECKS`."""
        return cls(priority_evidence=priority_evidence.for_priorities, agency_profile=agency_profile.facts,
                   agenda_items=agenda.items, agenda_keys=agenda.keys, papers=agenda.papers,
                   duty_checks=duties.CHECKS)
