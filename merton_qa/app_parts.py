"""The apps' contributions (partnership.contract), by real import: the five domain apps and the kernel's tracker.

The root's own pages that read every app (priorities, duties, agency profiles, meetings) read them from here.
`merton_qa.composition` adds the root's own contribution (`merton_qa.governance`, built on those pages) and holds
the orders the readers want, so the root's pages never import the module that imports them.
"""
from audits.contribution import CONTRIBUTION as AUDITS
from learning.contribution import CONTRIBUTION as LEARNING
from partnership.contract import AppContribution
from partnership.contribution import CONTRIBUTION as ACTIONS
from performance.contribution import CONTRIBUTION as PERFORMANCE
from reviews.contribution import CONTRIBUTION as REVIEWS
from section11.contribution import CONTRIBUTION as SECTION11

# In the menu's order.
APP_PARTS: tuple[AppContribution, ...] = (SECTION11, PERFORMANCE, AUDITS, REVIEWS, LEARNING, ACTIONS)


def governance_parts():
    """Every app's part in the governance loop (partnership.contract.Governance), in the menu's order."""
    return tuple(app.governance for app in APP_PARTS if app.governance)


def duty_checks() -> dict:
    """Every rule the statutory duties register may name, from every app (a test holds the names unique)."""
    checks = {}
    for part in governance_parts():
        checks.update(part.duty_checks)
    return checks


# The order the apps' demos run in (`manage.py seed_demo`), after the kernel's agencies, people and actions: the
# order they were written in, each free to read what an earlier one made.
DEMO_ORDER: tuple[AppContribution, ...] = (SECTION11, AUDITS, PERFORMANCE, REVIEWS, LEARNING)
