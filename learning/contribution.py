"""What learning and development offers the rest of the service (the contract: partnership.contract)."""
from partnership.contract import AppContribution, BoardSection, Governance

from . import agency_profile, agenda, dashboard, demo, duties, navigation, priority_evidence, reminders, reports
from .coverage import board_section as coverage_section

CONTRIBUTION = AppContribution.of_domain_app(
    "learning", "Learning and development",
    demo=demo, navigation=navigation, dashboard=dashboard, reminders=reminders,
    board_sections=(
        BoardSection("learning", "Learning and development", "learning/pdf/board_section.html",
                     reports.board_section, question="Is training reaching practitioners and changing practice?"),
        BoardSection("coverage", "Coverage of assurance", "learning/pdf/coverage_section.html",
                     coverage_section,
                     question="Where along the child's journey do we have assurance, and where none?"),
    ),
    governance=Governance.of_modules(priority_evidence, agency_profile, agenda, duties),
)
