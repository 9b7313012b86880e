"""The apps' own fixtures, for the cross-app security checks (one object of each kind: see objects.py)."""
from tests.audits.conftest import audit, programme, tool  # noqa: F401
from tests.learning.conftest import course, future_day, session  # noqa: F401
from tests.performance.conftest import indicator, police_data_return, quarters  # noqa: F401
from tests.reviews.conftest import (  # noqa: F401
    full_case,
    health,
    lcspr,
    notification,
    notified,
    rapid_review,
    recommendation,
    referral,
    screened,
    sent_review,
)
from tests.section11.conftest import cycle, framework, police_return, rag_scale  # noqa: F401
