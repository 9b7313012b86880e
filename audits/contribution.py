"""What multi-agency case audits offer the rest of the service (the contract: partnership.contract)."""
from partnership.contract import AppContribution, BoardSection, Governance

from . import agency_profile, agenda, dashboard, demo, duties, navigation, priority_evidence, reminders, reports

CONTRIBUTION = AppContribution(
    name="audits",
    demo=demo.seed,
    navigation=navigation.item,
    dashboard_panel=dashboard.panel,
    due_items=reminders.due_items,
    digest_heading="Multi-agency audits",
    board_sections=(
        BoardSection("audits", "Multi-agency case audits", "audits/pdf/board_section.html", reports.board_section,
                     question="What does practice look like on real cases?"),
    ),
    governance=Governance(
        priority_evidence=priority_evidence.for_priorities,
        agency_profile=agency_profile.facts,
        agenda_items=agenda.items,
        papers=agenda.papers,
        duty_checks=duties.CHECKS,
    ),
)
