"""What learning and development offers the rest of the service (the contract: partnership.contract)."""
from partnership.contract import AppContribution, BoardSection, Governance

from . import (
    agency_profile,
    agenda,
    coverage,
    dashboard,
    demo,
    duties,
    navigation,
    priority_evidence,
    reminders,
    reports,
)

CONTRIBUTION = AppContribution(
    name="learning",
    demo=demo.seed,
    navigation=navigation.item,
    dashboard_panel=dashboard.panel,
    due_items=reminders.due_items,
    digest_heading="Learning and development",
    board_sections=(
        BoardSection("learning", "Learning and development", "learning/pdf/board_section.html",
                     reports.board_section, question="Is training reaching practitioners and changing practice?"),
        BoardSection("coverage", "Coverage of assurance", "learning/pdf/coverage_section.html",
                     coverage.board_section,
                     question="Where along the child's journey do we have assurance, and where none?"),
    ),
    governance=Governance(
        priority_evidence=priority_evidence.for_priorities,
        agency_profile=agency_profile.facts,
        agenda_items=agenda.items,
        papers=agenda.papers,
        duty_checks=duties.CHECKS,
    ),
)
