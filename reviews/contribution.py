"""What serious incidents and reviews offer the rest of the service (the contract: partnership.contract).

The board section carries counts and deadlines only: no case reference or detail leaves the app through it."""
from partnership.contract import AppContribution, BoardSection, Governance

from . import agency_profile, agenda, dashboard, demo, duties, navigation, priority_evidence, reminders, reports

CONTRIBUTION = AppContribution(
    name="reviews",
    demo=demo.seed,
    navigation=navigation.item,
    dashboard_panel=dashboard.panel,
    due_items=reminders.due_items,
    digest_heading="Serious incidents and reviews",
    board_sections=(
        BoardSection("reviews", "Serious incidents and practice reviews", "reviews/pdf/board_section.html",
                     reports.board_section, question="Are statutory reviews on time, and is learning acted on?"),
    ),
    governance=Governance(
        priority_evidence=priority_evidence.for_priorities,
        agency_profile=agency_profile.facts,
        agenda_items=agenda.items,
        papers=agenda.papers,
        duty_checks=duties.CHECKS,
    ),
)
