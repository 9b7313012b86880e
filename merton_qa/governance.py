"""What the composition root itself offers, through the same contract as the apps: the governance loop's pages read
every app, so they live here (`merton_qa.priorities`, `merton_qa.duties`).

Its board sections, its digest items and its menu item are listed with the apps' in `merton_qa.composition`. The
modules they call read the apps from `merton_qa.app_parts`, never from `composition`, so nothing here imports
what imports it.
"""
from partnership.contract import AppContribution, BoardSection, NavItem
from partnership.links import route_url

from . import duties, priorities


def _navigation(user) -> NavItem | None:
    return NavItem("Duties", route_url("duties"), "/duties/") if duties.can_see_duties(user) else None


CONTRIBUTION = AppContribution(
    name="governance",
    navigation=_navigation,
    due_items=duties.due_items,
    digest_heading="Statutory duties breached",
    board_sections=(
        BoardSection("priorities", "Partnership priorities", "reports/priorities_section.html",
                     priorities.board_section,
                     question="Is the partnership achieving its priorities?"),
        BoardSection("duties", "Statutory duties", "reports/duties_section.html", duties.board_section,
                     question="Is the partnership meeting its statutory duties?"),
    ),
)
