"""What serious incidents and reviews offer the rest of the service (the contract: partnership.contract).

The board section carries counts and deadlines only: no case reference or detail leaves the app through it."""
from partnership.contract import AppContribution, BoardSection, Governance

from . import agency_profile, agenda, dashboard, demo, duties, navigation, priority_evidence, reminders, reports

CONTRIBUTION = AppContribution.of_domain_app(
    "reviews", "Serious incidents and reviews",
    demo=demo, navigation=navigation, dashboard=dashboard, reminders=reminders,
    board_sections=(
        BoardSection("reviews", "Serious incidents and practice reviews", "reviews/pdf/board_section.html",
                     reports.board_section, question="Are statutory reviews on time, and is learning acted on?"),
    ),
    governance=Governance.of_modules(priority_evidence, agency_profile, agenda, duties),
)
