"""What the performance framework offers the rest of the service (the contract: partnership.contract)."""
from partnership.contract import AppContribution, BoardSection, Governance

from . import agency_profile, agenda, dashboard, demo, duties, navigation, priority_evidence, reminders, reports

CONTRIBUTION = AppContribution(
    name="performance",
    demo=demo.seed,
    navigation=navigation.item,
    dashboard_panel=dashboard.panel,
    due_items=reminders.due_items,
    digest_heading="Performance data returns",
    board_sections=(
        BoardSection("performance", "Performance scorecard and exceptions", "performance/pdf/board_section.html",
                     reports.board_section, question="How are children doing, by the four OBA questions?"),
    ),
    governance=Governance(
        priority_evidence=priority_evidence.for_priorities,
        agency_profile=agency_profile.facts,
        agenda_items=agenda.items,
        papers=agenda.papers,
        duty_checks=duties.CHECKS,
    ),
)
