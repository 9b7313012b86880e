"""The composition root's list of apps: each one's contribution (partnership.contract), by real import.

This is the one place that knows every app. The navigation, the home dashboard, the daily digest and the board
pack (and the yearly report) read the apps from here, each in the order its readers expect.
"""
from partnership.contract import AppContribution, BoardSection

from .app_parts import (  # noqa: F401 - read from here by the root's readers
    ACTIONS,
    APP_PARTS,
    AUDITS,
    LEARNING,
    PERFORMANCE,
    REVIEWS,
    SECTION11,
    duty_checks,
    governance_parts,
)
from .governance import CONTRIBUTION as GOVERNANCE

# The menu and the dashboard's panels, in this order.
# The root's own part (priorities and the duties register: pages that read every app) comes last.
APPS: tuple[AppContribution, ...] = (*APP_PARTS, GOVERNANCE)
# The daily digest's headings, most pressing first (statutory clocks at the top).
DIGEST_ORDER: tuple[AppContribution, ...] = (GOVERNANCE, REVIEWS, AUDITS, SECTION11, PERFORMANCE, ACTIONS, LEARNING)
# The board pack's sections after its opening pages, as the partnership's reporting structure lists them.
BOARD_ORDER = ("priorities", "performance", "section11", "audits", "reviews", "learning", "actions", "coverage",
               "duties")


def board_sections() -> tuple[BoardSection, ...]:
    """Every app's board sections in the pack's order (a test holds BOARD_ORDER to exactly the apps' sections)."""
    sections = {section.key: section for app in APPS for section in app.board_sections}
    return tuple(sections[key] for key in BOARD_ORDER)

