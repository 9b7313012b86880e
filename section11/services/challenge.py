"""Challenge sessions and the feedback letter they produce."""
import datetime

from django.db import transaction
from django.db.models import Count, Q

from partnership.services.errors import ServiceError

from .. import access
from ..models import ChallengeSession, Return


@transaction.atomic
def challenge_record(*, ret: Return, by, held_on: datetime.date, panel_members: str, agency_attendees: str,
                     questions: str, outcome: str, letter_signatory: str = "") -> ChallengeSession:
    if not access.is_oversight(by):
        raise ServiceError("Only the business unit or QA members record challenge sessions.")
    if not access.can_record_challenge(by, ret):
        raise ServiceError("A challenge session follows the agency's submission.")
    return ChallengeSession.objects.create(
        ret=ret, held_on=held_on, panel_members=panel_members.strip(), agency_attendees=agency_attendees.strip(),
        questions=questions.strip(), outcome=outcome.strip(), letter_signatory=letter_signatory.strip(),
        created_by=by,
    )


def moderation_counts(ret: Return) -> tuple[int, int]:
    """(moderated, total) criteria of a return, as the feedback letter counts them ("moderated 5 of 42"). One query.
    A letter made before every criterion is moderated asks for confirmation first (views.moderation)."""
    counts = ret.answers.aggregate(moderated=Count("pk", filter=Q(moderated_rating__isnull=False)), total=Count("pk"))
    return counts["moderated"], counts["total"]
