"""What Section 11 offers the rest of the service (the contract: partnership.contract)."""
from partnership.contract import AppContribution, BoardSection, Governance

from . import agency_profile, agenda, dashboard, demo, duties, navigation, priority_evidence, reminders
from .analysis_reports import board_section

CONTRIBUTION = AppContribution.of_domain_app(
    "section11", "Section 11",
    demo=demo, navigation=navigation, dashboard=dashboard, reminders=reminders,
    board_sections=(
        BoardSection("section11", "Section 11 and schools' safeguarding self-assessments",
                     "section11/pdf/board_section.html", board_section,
                     question="Are agencies and schools meeting their safeguarding duties?"),
    ),
    governance=Governance.of_modules(priority_evidence, agency_profile, agenda, duties),
)
