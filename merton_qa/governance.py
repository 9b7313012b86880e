"""What the composition root itself offers, through the same contract as the apps: the governance loop's pages read
every app, so they live here (`merton_qa.priorities`, `merton_qa.duties`).

Its board sections, its digest items and its menu item are listed with the apps' in `merton_qa.composition`. The
modules they call read the apps through `composition`, which imports this one: so each part imports its module
when it is called.
"""
from django.urls import reverse

from partnership.contract import AppContribution, BoardSection, NavItem


def _priorities_section(period) -> dict:
    from .priorities import board_section

    return board_section(period)


def _duties_section(period) -> dict:
    from .duties import board_section

    return board_section(period)


def _due_items(person, today) -> list:
    from .duties import due_items

    return due_items(person, today)


def _navigation(user) -> NavItem | None:
    from .duties import can_see_duties

    return NavItem("Duties", reverse("duties"), "/duties/") if can_see_duties(user) else None


CONTRIBUTION = AppContribution(
    name="governance",
    navigation=_navigation,
    due_items=_due_items,
    digest_heading="Statutory duties breached",
    board_sections=(
        BoardSection("priorities", "Partnership priorities", "reports/priorities_section.html", _priorities_section,
                     question="Is the partnership achieving its priorities?"),
        BoardSection("duties", "Statutory duties", "reports/duties_section.html", _duties_section,
                     question="Is the partnership meeting its statutory duties?"),
    ),
)
