"""Each agency's accountability profile: every app's facts about it (partnership.contract.AgencyFact, through
app_parts.governance_parts()), in the profile's headings, with one overall engagement judgement and the
escalations open on it.

The profile covers the last twelve months to the day it is read, and every app reads its records as they stood at
that period's moment. Every call answers for a whole list of agencies in a fixed number of queries (each app's
hook does; the escalations are one more), so the agencies' overview costs the same for 5 agencies or 500.

The one rule for the judgement: an agency is engaging when at least 90% of the lines that judge it are assured
(partly from 60%), the share rule of the board pack (`share_status`); a line with nothing to judge is left out.
"""
import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from partnership.contract import (
    ASSURANCE_COLOURS,
    ASSURED,
    NO_EVIDENCE,
    NOT_ASSURED,
    PARTLY,
    STATUS_WORDS,
    AgencyFact,
    overall_status,
    share_status,
)
from partnership.dates import ReportPeriod, day_words
from partnership.models import Escalation
from partnership.services.meetings import attendance_rates

from .app_parts import governance_parts

# The profile's headings, in the order the page shows them (an app's heading not listed here comes last).
HEADINGS = ("Section 11", "Data returns", "Audits", "Practice reviews", "Training", "Actions", "Meeting attendance")
ENGAGEMENT_WORDS = {ASSURED: "Engaging", PARTLY: "Partly engaging", NOT_ASSURED: "Not engaging",
                    NO_EVIDENCE: "Not enough evidence yet"}


@dataclass
class Profile:
    agency: object
    sections: list[tuple[str, list[AgencyFact]]]
    escalations: list = field(default_factory=list)  # open ones, newest first

    @property
    def facts(self) -> list[AgencyFact]:
        return [fact for _, facts in self.sections for fact in facts]

    @property
    def engagement(self) -> str:
        judged = [fact.status for fact in self.facts if fact.is_judged]
        return share_status(judged.count(ASSURED), len(judged))

    @property
    def engagement_words(self) -> str:
        return ENGAGEMENT_WORDS[self.engagement]

    def status_tag_parts(self) -> tuple[str, str]:
        """The overall judgement's tag ({% status_tag profile %})."""
        return self.engagement_words, ASSURANCE_COLOURS[self.engagement]

    @property
    def worst(self) -> str:
        return overall_status(fact.status for fact in self.facts)

    @property
    def worst_facts(self) -> list[AgencyFact]:
        """The lines of concern (not assured, else partly), for the overview; none when all is well."""
        worst = self.worst
        return [fact for fact in self.facts if fact.status == worst] if worst in (NOT_ASSURED, PARTLY) else []

    @property
    def worst_lines(self) -> list[str]:
        return [_line(fact) for fact in self.worst_facts]

    def cited(self) -> str:
        """The lines an escalation letter cites: what is not assured (or every judged line when all are)."""
        concerns = [f for f in self.facts if f.status in (NOT_ASSURED, PARTLY)]
        chosen = concerns or [f for f in self.facts if f.is_judged]
        return "\n".join(_line(f) for f in chosen)


def _line(fact: AgencyFact) -> str:
    """ "Data returns due in the period: 3 of 4 on time", or "Section 11, Section 11 2025: Submitted (late)"."""
    if fact.heading.lower() in fact.label.lower():
        return f"{fact.label}: {fact.value}"
    return f"{fact.heading}, {fact.label[0].lower()}{fact.label[1:]}: {fact.value}"


def period_for(today: datetime.date | None = None) -> ReportPeriod:
    """The twelve months to today."""
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=364)
    return ReportPeriod.between(start, today, label=f"the twelve months to {day_words(today)}")


def attendance_facts(agencies, period) -> dict:
    """Meeting attendance per agency over the period's held meetings (partnership.services.meetings.attendance_rates,
    one query): attended of expected places, present or by a deputy, judged by the one share rule."""
    rates = attendance_rates(agencies, period)
    facts = {}
    for agency in agencies:
        rate = rates.get(agency.pk)
        if rate is None or not rate.expected:
            facts[agency.pk] = [AgencyFact("Meeting attendance", "Partnership meetings",
                                           "No place at a partnership meeting held in the period")]
            continue
        facts[agency.pk] = [AgencyFact(
            "Meeting attendance", "Partnership meetings",
            f"Attended {rate.attended} of {rate.expected} ({rate.percent}%), in person or by a deputy",
            share_status(rate.attended, rate.expected))]
    return facts


def profiles(agencies, period: ReportPeriod, user) -> dict[int, Profile]:
    """{agency_id: Profile} for every agency given, in a fixed number of queries."""
    agencies = list(agencies)
    gathered: dict[int, list[AgencyFact]] = {agency.pk: [] for agency in agencies}
    for part in governance_parts():
        if part.agency_profile:
            for agency_id, facts in part.agency_profile(agencies, period, user).items():
                gathered[agency_id].extend(facts)
    for agency_id, facts in attendance_facts(agencies, period).items():
        gathered[agency_id].extend(facts)
    escalations: dict[int, list] = {agency.pk: [] for agency in agencies}
    for escalation in Escalation.objects.filter(agency_id__in=list(escalations),
                                                status__in=Escalation.OPEN_STATUSES).order_by("-letter_date", "-pk"):
        escalations[escalation.agency_id].append(escalation)
    order = {heading: n for n, heading in enumerate(HEADINGS)}
    found = {}
    for agency in agencies:
        sections: dict[str, list[AgencyFact]] = {}
        for fact in gathered[agency.pk]:
            sections.setdefault(fact.heading, []).append(fact)
        found[agency.pk] = Profile(agency, sorted(sections.items(), key=lambda s: order.get(s[0], len(order))),
                                   escalations[agency.pk])
    return found


def profile(agency, user, today: datetime.date | None = None) -> Profile:
    return profiles([agency], period_for(today), user)[agency.pk]


__all__ = ["HEADINGS", "Profile", "STATUS_WORDS", "period_for", "profile", "profiles"]
