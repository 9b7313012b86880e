"""The reviews app's case fixtures, for the cross-app security checks."""
from tests.reviews.conftest import health, notification, referral, screened  # noqa: F401
