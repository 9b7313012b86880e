"""What multi-agency case audits offer the rest of the service (the contract: partnership.contract)."""
from partnership.contract import AppContribution, BoardSection, Governance

from . import agency_profile, agenda, dashboard, demo, duties, navigation, priority_evidence, reminders, reports

CONTRIBUTION = AppContribution.of_domain_app(
    "audits", "Multi-agency audits",
    demo=demo, navigation=navigation, dashboard=dashboard, reminders=reminders,
    board_sections=(
        BoardSection("audits", "Multi-agency case audits", "audits/pdf/board_section.html", reports.board_section,
                     question="What does practice look like on real cases?"),
    ),
    governance=Governance.of_modules(priority_evidence, agency_profile, agenda, duties),
)
