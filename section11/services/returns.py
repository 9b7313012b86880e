"""An agency's return: answering, evidence, submission, sign-off, and being sent back."""
import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from partnership import history
from partnership.history import save_versioned
from partnership.models import Action
from partnership.services.actions import action_create
from partnership.services.errors import ConflictError, ServiceError
from partnership.services.outbox import enqueue_email
from partnership.tokens import hash_token, new_token, plausible
from partnership.uploads import UploadRefused, check_upload, random_name, sha256_of
from partnership.work_email import require_work_email

from .. import access
from ..models import Answer, Evidence, RatingLevel, Return, SignOffLink
from .lead_emails import email_lead, leads

OFFICER_FIELDS = ("senior_officer", "senior_officer_name", "senior_officer_email")
HEADER_FIELDS = ("deputy_name", "deputy_email", *OFFICER_FIELDS, "dsl_name", "dsl_trained_on", "deputy_dsl_name",
                 "deputy_dsl_trained_on", "governor_name", "governors_reviewed_on")
SIGN_OFF_LINK_DAYS = 14


def _require_editable(user, ret: Return) -> None:
    if not ret.is_editable:
        raise ServiceError("This return has been submitted. The business unit can send it back if it needs changes.")
    if not access.can_edit_return(user, ret):
        raise ServiceError("You cannot change this return.")


def _lock_editable(user, ret: Return) -> Return:
    """The return, locked for this transaction and read afresh, refused unless still editable: an answer saved
    while the lead submits either lands before the submission's completeness check or is refused after it."""
    locked = Return.objects.select_for_update(of=("self",)).select_related("cycle__framework__scale").get(pk=ret.pk)
    _require_editable(user, locked)
    return locked


def _mark_started(ret: Return, by) -> None:
    if ret.status == Return.Status.NOT_STARTED:
        history.update(Return.objects.filter(pk=ret.pk), user=by, status=Return.Status.IN_PROGRESS,
                       started_at=timezone.now(), completed_by=by)
        ret.status = Return.Status.IN_PROGRESS


@transaction.atomic
def return_update_header(*, ret: Return, by, expected_version: int, **values) -> Return:
    _lock_editable(by, ret)
    unknown = set(values) - set(HEADER_FIELDS)
    if unknown:
        raise ServiceError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    if values.get("deputy_email"):
        require_work_email(values["deputy_email"], field="deputy_email")
    officer = {f: values.pop(f) for f in OFFICER_FIELDS if f in values}
    if officer and _officer_changes(ret, **officer):
        _check_officer(ret, by=by, **officer)
    elif officer:
        officer = {}
    for field, value in {**values, **officer}.items():
        setattr(ret, field, value)
    fields = [("senior_officer_id" if f == "senior_officer" else f) for f in {**values, **officer}]
    save_versioned(ret, expected_version=expected_version, fields=fields, by=by)
    _mark_started(ret, by)
    return ret


def _officer_changes(ret: Return, *, senior_officer=None, senior_officer_name="", senior_officer_email="") -> bool:
    return ((senior_officer.pk if senior_officer else None) != ret.senior_officer_id
            or (senior_officer_name or "").strip() != ret.senior_officer_name
            or (senior_officer_email or "").strip().lower() != ret.senior_officer_email)


def _check_officer(ret: Return, *, by, senior_officer=None, senior_officer_name="", senior_officer_email="") -> None:
    """Who names the senior officer, and whom: the agency lead or the business unit; a colleague of the agency
    with an account, or a person without one by name and email; never the namer, never an author."""
    if not access.can_name_senior_officer(by, ret):
        raise ServiceError("Only your agency lead or the business unit can name the senior officer.",
                           field="senior_officer")
    name, email = (senior_officer_name or "").strip(), (senior_officer_email or "").strip().lower()
    if senior_officer is not None and (name or email):
        raise ServiceError("Choose a colleague with an account, or give the name and email of someone without one, "
                           "not both.", field="senior_officer")
    if senior_officer is None and not (name and email):
        field = "senior_officer_email" if name else "senior_officer_name" if email else "senior_officer"
        raise ServiceError("Choose the senior officer, or give the name and work email of a senior officer "
                           "without an account.", field=field)
    if email:
        require_work_email(email, field="senior_officer_email")
    if senior_officer is not None and (senior_officer.agency_id != ret.agency_id or not senior_officer.is_active):
        raise ServiceError("The senior officer must work for your agency.", field="senior_officer")
    field = "senior_officer" if senior_officer is not None else "senior_officer_email"
    if (senior_officer is not None and senior_officer.pk == by.pk) or (email and email == (by.email or "").lower()):
        raise ServiceError("You cannot name yourself: the senior officer signs off someone else's work. Name "
                           "another senior officer.", field=field)
    refusal = ret.sign_off_refusal(user=senior_officer, email=email)
    if refusal:
        raise ServiceError(refusal, field=field)


@transaction.atomic
def name_senior_officer(*, ret: Return, by, senior_officer=None, senior_officer_name: str = "",
                        senior_officer_email: str = "") -> Return:
    """Name (or change) the senior officer before sign-off. A submitted return's new officer is emailed at once."""
    ret = Return.objects.select_for_update(of=("self",)).select_related("completed_by", "submitted_by").get(pk=ret.pk)
    if ret.status == Return.Status.SIGNED_OFF:
        raise ServiceError("This return has been signed off.")
    _check_officer(ret, by=by, senior_officer=senior_officer, senior_officer_name=senior_officer_name,
                   senior_officer_email=senior_officer_email)
    ret.senior_officer = senior_officer
    ret.senior_officer_name = "" if senior_officer else senior_officer_name.strip()
    ret.senior_officer_email = "" if senior_officer else senior_officer_email.strip().lower()
    ret.save(update_fields=["senior_officer", "senior_officer_name", "senior_officer_email", "updated_at"])
    if ret.status == Return.Status.SUBMITTED:
        request_sign_off(ret)
    return ret


def request_sign_off(ret: Return) -> tuple[SignOffLink, str]:
    """Email the named senior officer a new single-use link at once (the outbox, in the caller's transaction);
    earlier unused links stop working. The email carries the link, never the return's text. Returns the link and
    its raw token (which is stored nowhere)."""
    SignOffLink.objects.filter(ret=ret, used_at__isnull=True).delete()
    raw, token_hash = new_token()
    link = SignOffLink.objects.create(ret=ret, email=ret.officer_email, token_hash=token_hash,
                                      expires_at=timezone.now() + datetime.timedelta(days=SIGN_OFF_LINK_DAYS))
    enqueue_email(to=ret.officer_email, subject=f"Please sign off {ret.agency}'s Section 11 return",
                  template="section11_sign_off", key=f"s11-sign-off:{link.pk}",
                  context={"ret": ret, "cycle": ret.cycle, "officer_name": ret.officer_name,
                           "link": settings.SITE_URL + reverse("section11:sign-off-link", args=[raw]),
                           "expires_at": link.expires_at})
    return link, raw


def find_sign_off_link(raw: str) -> SignOffLink | None:
    if not plausible(raw):
        return None
    return (SignOffLink.objects.select_related("ret__agency", "ret__cycle", "ret__submitted_by",
                                               "ret__senior_officer")
            .filter(token_hash=hash_token(raw)).first())


def sign_off_link_problem(link: SignOffLink | None) -> str | None:
    """Why this link cannot sign off now, or None."""
    if link is None:
        return "This link is not valid. Check you copied all of it from the email."
    if link.used_at:
        return "This link has already been used. Each sign-off link works once."
    if link.expires_at <= timezone.now():
        return ("This link has expired. Ask the agency lead or the business unit to name you again, and a new link "
                "will be emailed to you.")
    ret = link.ret
    if ret.status != Return.Status.SUBMITTED:
        return "This return is not waiting for sign-off."
    if link.email != ret.officer_email:
        return "This link no longer works: a different senior officer has been named for this return."
    return None


@transaction.atomic
def return_sign_off_by_link(*, raw: str) -> Return:
    """The named senior officer, with or without an account, signs off by the emailed single-use link."""
    link = find_sign_off_link(raw)
    if link is not None:  # locked: two clicks on the link sign off once
        link = SignOffLink.objects.select_for_update().get(pk=link.pk)
        link.ret = Return.objects.select_for_update().get(pk=link.ret_id)
    problem = sign_off_link_problem(link)
    if problem:
        raise ServiceError(problem)
    ret = link.ret
    refusal = ret.sign_off_refusal(user=ret.senior_officer, email=link.email)
    if refusal:
        raise ServiceError(refusal)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return _signed_off(ret, by=ret.senior_officer)


def _signed_off(ret: Return, *, by) -> Return:
    ret.status = Return.Status.SIGNED_OFF
    ret.signed_off_at = timezone.now()
    ret.signed_off_by = by
    ret.signed_off_name = ret.officer_name
    ret.save(update_fields=["status", "signed_off_at", "signed_off_by", "signed_off_name", "updated_at"])
    SignOffLink.objects.filter(ret=ret, used_at__isnull=True).delete()
    return ret


@transaction.atomic
def answer_save(*, answer: Answer, by, expected_version: int, rating: RatingLevel | None, not_applicable: bool,
                not_applicable_reason: str, narrative: str, impact: str, confirm_still_holds: bool = False) -> Answer:
    """Save a draft answer. Refuses a stale version so two colleagues never overwrite each other."""
    ret = answer.ret = _lock_editable(by, answer.ret)
    scale = ret.cycle.framework.scale
    if rating is not None and rating.scale_id != scale.pk:
        raise ServiceError("Choose a rating from this framework's scale.", field="rating")
    reason = (not_applicable_reason or "").strip()
    if not_applicable:
        if not scale.allows_not_applicable:
            raise ServiceError("This framework does not allow 'not applicable'.", field="not_applicable")
        if not reason:
            raise ServiceError("Explain why this does not apply to your agency.", field="not_applicable_reason")
        rating = None
    else:
        reason = ""
    answer.rating = rating
    answer.not_applicable = not_applicable
    answer.not_applicable_reason = reason
    answer.narrative = (narrative or "").strip()
    answer.impact = (impact or "").strip()
    if answer.needs_check and confirm_still_holds:
        answer.needs_check = False
    answer.status = (Answer.Status.DONE if (rating is not None or not_applicable) and not answer.needs_check
                     else Answer.Status.IN_PROGRESS if (rating or not_applicable or answer.narrative or answer.impact)
                     else Answer.Status.TO_DO)
    answer.updated_by = by
    save_versioned(answer, expected_version=expected_version, fields=[
        "rating_id", "not_applicable", "not_applicable_reason", "narrative", "impact", "needs_check", "status",
        "updated_by_id",
    ], by=by)
    _mark_started(ret, by)
    return answer


@transaction.atomic
def evidence_add(*, answer: Answer, by, upload) -> Evidence:
    answer.ret = _lock_editable(by, answer.ret)
    try:
        kind = check_upload(upload)
    except UploadRefused as refused:
        raise ServiceError(str(refused), field="evidence_file") from refused
    name = random_name(kind)
    evidence = Evidence(answer=answer, stored_name=name, original_name=(upload.name or name)[:200],
                        content_type=kind.content_type, size=upload.size, sha256=sha256_of(upload), uploaded_by=by)
    evidence.file.save(name, upload, save=False)
    evidence.save()
    _mark_started(answer.ret, by)
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, by) -> None:
    _lock_editable(by, evidence.answer.ret)
    shared = Evidence.objects.filter(file=evidence.file.name).exclude(pk=evidence.pk).exists()
    name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    if not shared:  # a copied link shares the stored file with the earlier cycle's return
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def answer_add_action(*, answer: Answer, by, title: str, description: str, owner, due_date: datetime.date) -> Action:
    """An improvement action from an answer, in the shared tracker (linked both ways)."""
    ret = answer.ret
    if not (access.is_agency_editor(by, ret) or access.is_oversight(by)):
        raise ServiceError("You cannot add actions to this return.")
    return action_create(by=by, title=title, description=description, owner_agency=ret.agency, owner=owner,
                         due_date=due_date, source=answer, status=Action.Status.PROPOSED)


def missing_answers(ret: Return) -> list[Answer]:
    """What stops submission: unanswered criteria, and copied answers not yet confirmed."""
    return [a for a in ret.answers.select_related("criterion__standard").order_by(
        "criterion__standard__number", "criterion__order") if not a.is_answered or a.needs_check]


def answers_to_check(ret: Return) -> list[Answer]:
    """Every answer as the check-your-answers page shows it before submission, with `evidence_count` and
    `action_count`, in standard and criterion order. One query whatever the size of the return."""
    return list(ret.answers.select_related("criterion__standard", "rating")
                .annotate(evidence_count=Count("evidence", distinct=True), action_count=Count("actions", distinct=True))
                .order_by("criterion__standard__number", "criterion__order"))


def not_met_without_action(answers: list[Answer]) -> list[Answer]:
    """The nudge before submission: criteria rated at the scale's red level ("Not met") with no improvement
    action. Not a refusal: the agency may still submit, but the partnership expects a plan for each."""
    return [a for a in answers if a.is_not_met and not a.action_count]


@transaction.atomic
def return_submit(*, ret: Return, by) -> Return:
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    if not access.can_submit_return(by, ret):
        if ret.is_editable and access.is_agency_editor(by, ret):
            raise ServiceError("Only your agency lead can submit the return.")
        raise ServiceError("You cannot submit this return.")
    missing = missing_answers(ret)
    if missing:
        raise ServiceError(f"{len(missing)} criteria still need an answer or a check before you can submit.")
    if not ret.officer_email:
        raise ServiceError("Name the senior officer who will sign the return off.", field="senior_officer")
    ret.submitted_by = by
    refusal = ret.sign_off_refusal(user=ret.senior_officer, email=ret.officer_email)
    if refusal:
        raise ServiceError(refusal, field="senior_officer")
    ret.status = Return.Status.SUBMITTED
    ret.submitted_at = timezone.now()
    ret.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    request_sign_off(ret)
    return ret


@transaction.atomic
def return_sign_off(*, ret: Return, by) -> Return:
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    refusal = ret.sign_off_refusal(user=by) if by.is_authenticated else None
    if refusal:
        raise ServiceError(refusal)
    if not access.can_sign_off_return(by, ret):
        raise ServiceError("Only the named senior officer can sign off a submitted return.")
    return _signed_off(ret, by=by)


@transaction.atomic
def return_send_back(*, ret: Return, by, message: str) -> Return:
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    if not access.can_send_back(by, ret):
        raise ServiceError("Only the business unit can return a submitted return for clarification.")
    message = (message or "").strip()
    if not message:
        raise ServiceError("Tell the agency what needs clarifying.", field="message")
    ret.status = Return.Status.RETURNED
    ret.returned_at = timezone.now()
    ret.return_message = message
    ret.save(update_fields=["status", "returned_at", "return_message", "updated_at"])
    _tell_sent_back(ret)
    return ret


def _tell_sent_back(ret: Return) -> int:
    """Email the agency's leads and whoever submitted the return, at once: a link to the return, never the message
    (it is read in the service). It is in their digest too (section11.reminders)."""
    people = {p.pk: p for p in leads([ret.agency_id]).get(ret.agency_id, [])}
    for person in (ret.submitted_by, ret.completed_by):
        if person is not None and person.is_active and person.email:
            people.setdefault(person.pk, person)
    for person in people.values():
        email_lead(ret, person, template="section11_sent_back",
                    subject=f"{ret.cycle.name}: your return has been sent back for clarification",
                    key=f"s11-sent-back:{ret.pk}:{person.pk}:{ret.returned_at:%Y%m%d%H%M%S}")
    return len(people)


@transaction.atomic
def answer_moderate(*, answer: Answer, by, expected_version: int, moderated_rating: RatingLevel | None,
                    comment: str) -> Answer:
    if not access.can_moderate(by, answer.ret):
        raise ServiceError("Only the business unit or QA members can moderate a submitted return.")
    if moderated_rating is not None and moderated_rating.scale_id != answer.ret.cycle.framework.scale_id:
        raise ServiceError("Choose a rating from this framework's scale.", field="moderated_rating")
    answer.moderated_rating = moderated_rating
    answer.moderator_comment = (comment or "").strip()
    answer.moderated_by = by
    answer.moderated_at = timezone.now()
    save_versioned(answer, expected_version=expected_version,
                   fields=["moderated_rating_id", "moderator_comment", "moderated_by_id", "moderated_at"], by=by)
    return answer


@transaction.atomic
def copy_answers_from(*, ret: Return, source: Return) -> int:
    """Start from the agency's last return: answers and evidence links, each marked for re-checking.

    Criteria are matched by code (a new framework version keeps codes where the question is the same).
    """
    previous = {a.criterion.code: a for a in source.answers.select_related("criterion").prefetch_related("evidence")}
    linked = set(Evidence.objects.filter(answer__ret=ret, copied_from__isnull=False)
                 .values_list("answer_id", "copied_from_id"))  # never link the same file twice
    copied = 0
    evidence = []
    for answer in ret.answers.select_related("criterion"):
        old = previous.get(answer.criterion.code)
        if old is None or not (old.is_answered or old.narrative):
            continue
        history.update(
            Answer.objects.filter(pk=answer.pk),
            rating_id=old.rating_id if old.rating_id and _same_scale(ret, source) else None,
            not_applicable=old.not_applicable, not_applicable_reason=old.not_applicable_reason,
            narrative=old.narrative, impact=old.impact, needs_check=True, status=Answer.Status.IN_PROGRESS,
        )
        evidence += [Evidence(answer=answer, file=e.file.name, stored_name=e.stored_name,
                              original_name=e.original_name, content_type=e.content_type, size=e.size,
                              sha256=e.sha256, uploaded_by=e.uploaded_by, uploaded_at=e.uploaded_at, copied_from=e)
                     for e in old.evidence.all() if (answer.pk, e.pk) not in linked]
        copied += 1
    Evidence.objects.bulk_create(evidence)
    history.update(Return.objects.filter(pk=ret.pk), copied_from=source)
    return copied


def _same_scale(ret: Return, source: Return) -> bool:
    return ret.cycle.framework.scale_id == source.cycle.framework.scale_id


def previous_return(ret: Return) -> Return | None:
    """The agency's return from the latest earlier cycle: what "start from our last return" copies."""
    return (Return.objects.filter(agency_id=ret.agency_id, cycle__opens_on__lt=ret.cycle.opens_on)
            .exclude(pk=ret.pk).select_related("cycle").order_by("-cycle__opens_on").first())


@transaction.atomic
def return_start_from_last(*, ret: Return, by) -> int:
    """The agency asks to start from its previous return (when the cycle did not copy at launch). The return is
    locked first, so pressing the button twice at once copies once and refuses the second."""
    ret = _lock_editable(by, ret)
    if ret.answers.exclude(status=Answer.Status.TO_DO).exists():
        raise ServiceError("You have already started this return, so it cannot be replaced by last cycle's answers.")
    source = previous_return(ret)
    if source is None:
        raise ServiceError("Your agency has no earlier return to start from.")
    copied = copy_answers_from(ret=ret, source=source)
    _mark_started(ret, by)
    return copied


__all__ = ["ConflictError", "answer_add_action", "find_sign_off_link", "name_senior_officer", "request_sign_off",
           "return_sign_off_by_link", "sign_off_link_problem", "answer_moderate", "answer_save", "copy_answers_from",
           "evidence_add", "evidence_remove", "missing_answers", "previous_return", "return_send_back",
           "return_sign_off", "return_start_from_last", "return_submit", "return_update_header"]
