"""What the kernel's action tracker offers the composition root (the contract: partnership.contract).

Its menu items (Actions, Priorities, Reports, People) belong to the shell and stay in `merton_qa.navigation`."""
from . import agency_profile, agenda, duties, priority_evidence, reminders, reports
from .contract import AppContribution, BoardSection, Governance

CONTRIBUTION = AppContribution(
    name="actions",
    due_items=reminders.due_items,
    digest_heading="Actions",
    board_sections=(
        BoardSection("actions", "Action tracker", "partnership/pdf/board_section.html", reports.board_section,
                     question="Are partners doing what they agreed?"),
    ),
    governance=Governance.of_modules(priority_evidence, agency_profile, agenda, duties),
)
