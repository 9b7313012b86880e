"""Section 11 documents: the feedback letter to an agency after its challenge session, and a whole return as a
PDF (both made in the background: `FEEDBACK_LETTER_KIND`, `RETURN_PDF_KIND`)."""

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

from partnership import selectors
from partnership.dates import add_months
from partnership.models import Action
from partnership.pdf import render_pdf
from partnership.services.exports import register_export

from .models import Answer, ChallengeSession, RatingLevel, Return

RETURN_PDF_KIND = "section11-return-pdf"
FEEDBACK_LETTER_KIND = "section11-feedback-letter"


def return_filename(ret: Return, extension: str) -> str:
    return f"section11-{slugify(ret.agency.display_name)}-{slugify(ret.cycle.name)}.{extension}"


def return_pdf_context(ret: Return) -> dict:
    from . import spreadsheets

    answers = spreadsheets.export_answers(ret)
    standards, current = [], None
    for answer in answers:
        answer.pdf_long = len(answer.narrative) + len(answer.impact) + len(answer.not_applicable_reason) > 1800
        if current is None or current["standard"].pk != answer.criterion.standard_id:
            current = {"standard": answer.criterion.standard, "answers": []}
            standards.append(current)
        current["answers"].append(answer)
    return {
        "ret": ret, "standards": standards, "total": len(answers),
        "answered": sum(1 for a in answers if a.is_answered),
        "not_applicable": sum(1 for a in answers if a.not_applicable),
    }


@register_export(RETURN_PDF_KIND, title="Section 11 return (PDF)", private=True)
def return_pdf(parameters: dict) -> tuple[str, bytes]:
    """The whole return as the agency wrote it (access was checked when it was asked for; only the person who
    asked sees the file)."""
    ret = Return.objects.select_related("agency", "cycle__framework").get(pk=parameters["return_id"])
    return return_filename(ret, "pdf"), render_pdf("section11/pdf/return.html", return_pdf_context(ret))


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def _counts(answers: list[Answer], levels: list[RatingLevel], attr: str) -> list[dict]:
    """How many answers sit at each level (levels with none are left out), best first."""
    ids = [getattr(a, f"{attr}_id") for a in answers]
    return [{"level": lvl, "count": ids.count(lvl.pk)} for lvl in levels if ids.count(lvl.pk)]


def feedback_letter_context(session: ChallengeSession) -> dict:
    """Everything the letter says, in at most five queries whatever the size of the return."""
    session = ChallengeSession.objects.select_related(
        "ret__agency", "ret__cycle__framework__scale", "ret__senior_officer",
    ).get(pk=session.pk)
    ret = session.ret
    cycle = ret.cycle
    levels = list(RatingLevel.objects.filter(scale_id=cycle.framework.scale_id).order_by("order"))
    scores = [lvl.score for lvl in levels]
    top, bottom = (max(scores), min(scores)) if scores else (None, None)
    answers = list(
        ret.answers.select_related("criterion__standard", "rating", "moderated_rating")
        .prefetch_related(Prefetch("actions", queryset=Action.objects.select_related("owner").order_by(
            "due_date", "pk")))
        .order_by("criterion__standard__number", "criterion__order")
    )

    standards: dict[int, dict] = {}
    strengths, development, actions, seen_actions = [], [], [], set()
    for answer in answers:
        standard = answer.criterion.standard
        row = standards.setdefault(standard.pk, {"standard": standard, "answers": []})
        row["answers"].append(answer)
        moderated, own = answer.moderated_rating, answer.rating
        if moderated is not None and moderated.score == top:
            strengths.append({"answer": answer})
        lower_than_own = moderated is not None and own is not None and moderated.score < own.score
        if moderated is not None and (moderated.score == bottom or lower_than_own):
            development.append({"answer": answer, "lower_than_own": lower_than_own,
                                "has_action": bool(answer.actions.all())})
        for action in answer.actions.all():
            if action.pk not in seen_actions:
                seen_actions.add(action.pk)
                actions.append({"action": action, "answer": answer})

    summary = []
    for row in standards.values():
        rows = row["answers"]
        both = [a for a in rows if a.moderated_rating_id and a.rating_id]
        summary.append({
            "standard": row["standard"],
            "own": _counts(rows, levels, "rating"),
            "moderated": _counts(rows, levels, "moderated_rating"),
            "not_applicable": sum(1 for a in rows if a.not_applicable),
            "not_moderated": sum(1 for a in rows if not a.moderated_rating_id and not a.not_applicable),
            "agreed": sum(1 for a in both if a.moderated_rating_id == a.rating_id),
            "compared": len(both),
        })

    addressee = ret.senior_officer
    if addressee is None:
        addressee = selectors.agency_leads([ret.agency_id]).first()
    return {
        "session": session, "ret": ret, "cycle": cycle, "agency": ret.agency, "addressee": addressee,
        "letter_date": timezone.localdate(), "levels": levels, "summary": summary, "answers": answers,
        "strengths": strengths, "development": development, "actions": actions,
        "development_without_action": [d for d in development if not d["has_action"]],
        "moderated_count": sum(1 for a in answers if a.moderated_rating_id),
        "panel_members": _lines(session.panel_members), "agency_attendees": _lines(session.agency_attendees),
        "questions": _lines(session.questions),
        "next_cycle": add_months(cycle.opens_on.replace(day=1), cycle.cycle_length_months),  # its month
        "signatory": session.letter_signatory or "Business unit manager",
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
    }


def feedback_letter_pdf(session: ChallengeSession) -> bytes:
    """The feedback letter as a tagged A4 PDF."""
    return render_pdf("section11/pdf/feedback_letter.html", feedback_letter_context(session))


@register_export(FEEDBACK_LETTER_KIND, title="Section 11 feedback letter (PDF)", private=True)
def feedback_letter_export(parameters: dict) -> tuple[str, bytes]:
    """The letter, made in the background (access was checked when it was asked for; only the person who asked
    sees the file: it is one agency's record)."""
    session = ChallengeSession.objects.select_related("ret__agency").get(pk=parameters["session_id"])
    return feedback_letter_filename(session), feedback_letter_pdf(session)


def feedback_letter_filename(session: ChallengeSession) -> str:
    return f"section11-feedback-{slugify(session.ret.agency.display_name)}-{session.held_on:%Y-%m-%d}.pdf"
