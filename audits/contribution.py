"""What multi-agency case audits offer the rest of the service (the contract: partnership.contract)."""
from partnership.contract import AppContribution, BoardSection

from . import dashboard, navigation, reminders, reports

CONTRIBUTION = AppContribution(
    name="audits",
    navigation=navigation.item,
    dashboard_panel=dashboard.panel,
    due_items=reminders.due_items,
    digest_heading="Multi-agency audits",
    board_sections=(
        BoardSection("audits", "Multi-agency case audits", "audits/pdf/board_section.html", reports.board_section,
                     question="What does practice look like on real cases?"),
    ),
)
