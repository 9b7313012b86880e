"""The partnership's retention schedule: every model holding personal data, in one place.

Documented in README ("Retention") and on the privacy notice; the nightly job `partnership.apply_retention`
applies it, skipping records under a legal hold.
"""
from partnership.retention import ANONYMISE, KEEP, REMOVED, REVIEW, RetentionClass, register, removed_email


def _clean_booking(booking) -> None:
    """Free text a delegate wrote may name people (children, colleagues): blank it; keep the scores."""
    from learning.models import FollowUp, PostCourseEvaluation

    PostCourseEvaluation.objects.filter(booking=booking).update(comments="")
    FollowUp.objects.filter(booking=booking).update(practice_change="", examples="", impact_on_children="")
    booking.tokens.all().delete()


def _close_user(user) -> None:
    from partnership.models import User

    user = User.objects.get(pk=user.pk)
    user.set_unusable_password()
    user.save(update_fields=["password"])


register(
    RetentionClass(
        key="learning-booking", label="Delegate booking and evaluation: 2 years after the session",
        model="learning.Booking", action=ANONYMISE, clock="session__ends_at", years=2,
        replace={"name": REMOVED, "email": removed_email, "role": REMOVED, "manager_email": "",
                 "other_agency_name": ""},
        done={"name": REMOVED}, also=_clean_booking,
    ),
    RetentionClass(
        key="closed-account", label="Closed account: 6 years after it was closed (never deleted)",
        model="partnership.User", action=ANONYMISE, clock="deactivated_at", years=6,
        scope={"is_active": False},
        replace={"full_name": REMOVED, "email": removed_email, "job_title": "", "optional_reminders": False},
        done={"email__endswith": "@removed.invalid"}, also=_close_user,
    ),
    RetentionClass(
        key="sent-email",
        label="Email sent by the system: 2 years after it was written (kept, emptied, so it never sends twice)",
        model="partnership.EmailMessage", action=ANONYMISE, clock="created_at", years=2,
        scope={"sent_at__isnull": False},
        replace={"to": removed_email, "subject": REMOVED, "body_text": "", "body_html": ""},
        done={"to__endswith": "@removed.invalid"},
    ),
    RetentionClass(
        key="serious-incident-notification",
        label="Serious-incident notification: 25 years after the incident (never deleted; review)",
        model="reviews.Notification", action=REVIEW, clock="incident_on", years=25,
    ),
    RetentionClass(
        key="rapid-review", label="Rapid review: 25 years after it began (never deleted; review)",
        model="reviews.RapidReview", action=REVIEW, clock="anchor_on", years=25,
    ),
    RetentionClass(
        key="lcspr", label="Child safeguarding practice review: 25 years after the decision (never deleted; review)",
        model="reviews.LCSPR", action=REVIEW, clock="decided_on", years=25,
    ),
    RetentionClass(
        key="audit-case", label="Multi-agency audit case: 25 years after it was added (never deleted; review)",
        model="audits.AuditCase", action=REVIEW, clock="created_at", years=25,
    ),
    RetentionClass(
        key="review-access-log", label="Serious-incident access log: kept", model="reviews.ReviewAccessLog",
        action=KEEP,
    ),
    RetentionClass(
        key="legal-hold", label="Legal hold: kept", model="partnership.LegalHold", action=KEEP,
    ),
)
