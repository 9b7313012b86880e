"""What the performance framework offers the rest of the service (the contract: partnership.contract)."""
from partnership.contract import AppContribution, BoardSection, Governance

from . import agency_profile, agenda, dashboard, demo, duties, navigation, priority_evidence, reminders, reports

CONTRIBUTION = AppContribution.of_domain_app(
    "performance", "Performance data returns",
    demo=demo, navigation=navigation, dashboard=dashboard, reminders=reminders,
    board_sections=(
        BoardSection("performance", "Performance scorecard and exceptions", "performance/pdf/board_section.html",
                     reports.board_section, question="How are children doing, by the four OBA questions?"),
    ),
    governance=Governance.of_modules(priority_evidence, agency_profile, agenda, duties),
)
