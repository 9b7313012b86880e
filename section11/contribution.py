"""What Section 11 offers the rest of the service (the contract: partnership.contract)."""
from partnership.contract import AppContribution, BoardSection, Governance

from . import (
    agency_profile,
    agenda,
    analysis_reports,
    dashboard,
    demo,
    duties,
    navigation,
    priority_evidence,
    reminders,
)

CONTRIBUTION = AppContribution(
    name="section11",
    demo=demo.seed,
    navigation=navigation.item,
    dashboard_panel=dashboard.panel,
    due_items=reminders.due_items,
    digest_heading="Section 11",
    board_sections=(
        BoardSection("section11", "Section 11 and schools' safeguarding self-assessments",
                     "section11/pdf/board_section.html", analysis_reports.board_section,
                     question="Are agencies and schools meeting their safeguarding duties?"),
    ),
    governance=Governance(
        priority_evidence=priority_evidence.for_priorities,
        agency_profile=agency_profile.facts,
        agenda_items=agenda.items,
        papers=agenda.papers,
        duty_checks=duties.CHECKS,
    ),
)
