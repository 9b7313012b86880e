"""Who is in the reviews group: role predicates only, with no import of this app's models.

`reviews.models` asks `is_reviews_user` (a record kind's visibility) and `reviews.access` builds the page
rules on it; both import from here, so neither imports the other.
"""
from partnership.models import Role

REVIEWS_ROLES = (Role.REVIEWS_MEMBER, Role.BUSINESS_UNIT)


def is_reviews_user(user) -> bool:
    return bool(user.is_authenticated and user.has_role(*REVIEWS_ROLES))


def is_business_unit(user) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.BUSINESS_UNIT))
