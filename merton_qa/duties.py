"""The statutory duties register: every duty (partnership.models.Duty) with its status read by the rule it names.

The rules come from every app (`app_parts.duty_checks()`); a duty whose rule no app offers is shown as "Not
checked", never guessed. The register is read for a day (its page, the business unit's digest) or as it stood at
a period's moment (the board pack's "Statutory duties" section, whose evidence is the DUTIES assurance).
"""
import datetime
from dataclasses import dataclass

from django.urls import reverse

from partnership import access
from partnership.contract import (
    BREACHED,
    DUE,
    DUTIES,
    DUTY_WORDS,
    HOW_MUCH,
    HOW_WELL,
    MET,
    NOT_STARTED,
    PARTLY,
    DutyReading,
    Evidence,
    Fact,
    plural,
    section_context,
    share_status,
)
from partnership.dates import ReportPeriod
from partnership.models import Duty, Role
from partnership.services.reminders import DueItem
from partnership.snapshots import state_at

from . import app_parts

NOT_CHECKED = "not_checked"
WORDS = {**DUTY_WORDS, NOT_CHECKED: "Not checked"}
# The GOV.UK tag colour of each status on the page.
TAG_CLASSES = {BREACHED: "govuk-tag--red", DUE: "govuk-tag--yellow", MET: "govuk-tag--green",
               NOT_STARTED: "govuk-tag--grey", NOT_CHECKED: "govuk-tag--grey"}
READERS = (Role.BUSINESS_UNIT, Role.CHAIR, Role.QA_MEMBER)
LATE, LATE_CLASS = "Late", "govuk-tag--red"  # beside a record that counts against its duty


def can_see_duties(user) -> bool:
    """The business unit, the chair and QA subgroup members (not agencies: the register is the partnership's)."""
    return user.is_authenticated and user.has_role(*READERS)


@dataclass(frozen=True)
class Row:
    duty: Duty
    status: str
    reading: DutyReading | None  # None when no rule of that name exists

    @property
    def words(self) -> str:
        return WORDS[self.status]

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES[self.status]

    @property
    def text(self) -> str:
        return self.reading.text if self.reading else f"Not checked: no rule named {self.duty.check_name}."

    @property
    def items(self):
        return self.reading.items if self.reading else ()


def register(today: datetime.date, *, at: datetime.datetime | None = None) -> list[Row]:
    """Every active duty with its reading on `today` (the duties as they stood at `at`, now when None)."""
    checks = app_parts.duty_checks()
    rows = []
    for duty in state_at(Duty, at).filter(active=True).order_by("order", "title"):
        check = checks.get(duty.check_name)
        reading = check(duty, today) if check else None
        rows.append(Row(duty, reading.status if reading else NOT_CHECKED, reading))
    return rows


def counts(rows: list[Row]) -> dict[str, int]:
    return {status: sum(1 for r in rows if r.status == status) for status in WORDS}


def due_items(person, today: datetime.date) -> list[DueItem]:
    """The business unit's digest: every duty breached today (listed each day until it is put right)."""
    if not person.has_role(Role.BUSINESS_UNIT):
        return []
    return [DueItem(key=f"duty:{row.duty.code}", stage="breached", title=f"Statutory duty: {row.duty.title}",
                    url=reverse("duties"), due=row.reading.due_on, statutory=True, app="duties")
            for row in register(today) if row.status == BREACHED]


def board_section(period: ReportPeriod) -> dict:
    """The register as it stood at the period's moment, with what it adds to the pack's opening pages."""
    rows = register(period.as_at_date, at=period.as_at)
    n = counts(rows)
    checked = n[MET] + n[DUE] + n[BREACHED]
    read = len(rows) - n[NOT_CHECKED]
    facts = [Fact(HOW_MUCH, f"Statutory duties: {plural(len(rows), 'duty', 'duties')} in the register, {read} "
                            f"of them read by their rule from the records that show them."),
             Fact(HOW_WELL, f"Statutory duties: {n[MET]} met, {n[DUE]} due, {n[BREACHED]} breached, "
                            f"{n[NOT_STARTED]} not yet applicable.")] if rows else []
    evidence = []
    if checked:  # a statutory duty is met or it is not: assured only when every duty checked is met or not yet due
        evidence.append(Evidence(DUTIES, share_status(n[MET] + n[DUE], checked, assured_from=1.0, partly_from=0.8),
                                 f"Statutory duties register: {n[MET] + n[DUE]} of {plural(checked, 'duty', 'duties')}"
                                 f" met or not yet due, {n[BREACHED]} breached."))
    if n[NOT_CHECKED]:
        unchecked = plural(n[NOT_CHECKED], "duty", "duties")
        evidence.append(Evidence(DUTIES, PARTLY, f"Statutory duties register: {unchecked} not checked by any rule."))
    headlines = [f"{row.duty.title}: breached. {row.text}" for row in rows if row.status == BREACHED]
    context = {"has_data": bool(rows), "rows": rows, "counts": n, "read": read, "as_at": period.as_at}
    return section_context(context, facts=facts, evidence=evidence, headlines=headlines)


def page_context(user, today: datetime.date) -> dict:
    """The register on `today`, each record's link kept only where the reader may follow it."""
    from .links import follower

    rows, may_follow = register(today), follower(user)
    entries = [{"row": row, "items": [{"item": i, "label": i.label, "url": i.url if may_follow(i.url) else "",
                                       "words": LATE if i.is_not_assured else "", "tag_class": LATE_CLASS}
                                      for i in row.items]} for row in rows]
    return {"rows": rows, "entries": entries, "counts": counts(rows), "today": today, "words": WORDS,
            "can_edit": access.is_business_unit(user) and user.is_staff}
