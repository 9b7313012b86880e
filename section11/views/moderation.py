"""Oversight of a submitted return: moderation, the challenge session, and the feedback letter."""
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import path, reverse

from partnership.access import get_visible_or_404, require
from partnership.dates import day_words
from partnership.services.errors import ServiceError
from partnership.services.exports import export_request
from partnership.views.confirm import form_step
from partnership.views.conflicts import edits_versioned, refusal_status
from partnership.views.mixins import button_view, form_view, inline_form_view

from .. import access, reports, selectors
from ..forms.moderation import ChallengeSessionForm, ModerationForm
from ..models import Answer, Return
from ..services import challenge as challenge_services
from ..services import returns as services


def _get_return(request, pk) -> Return:
    return get_visible_or_404(access.visible_returns(request.user).select_related("cycle__framework__scale"), pk=pk)




@login_required
def moderation_summary(request, pk):
    """Self and moderated rating for every criterion of the return, by standard. Two queries for the rows."""
    ret = _get_return(request, pk)
    require(access.is_oversight(request.user))
    answers = list(ret.answers.select_related("criterion__standard", "rating", "moderated_rating", "moderated_by")
                   .order_by("criterion__standard__number", "criterion__order"))
    standards: dict[int, dict] = {}
    for answer in answers:
        group = standards.setdefault(answer.criterion.standard_id,
                                     {"standard": answer.criterion.standard, "answers": []})
        group["answers"].append(answer)
    for group in standards.values():
        group["moderated"] = sum(1 for a in group["answers"] if a.moderated_rating_id)
    counts = Counter(a.agreement for a in answers)
    return render(request, "section11/moderate_summary.html", {
        "ret": ret, "groups": list(standards.values()), "counts": counts, "total": len(answers),
        "moderated": sum(1 for a in answers if a.moderated_rating_id),
        "can_moderate": access.can_moderate(request.user, ret),
        "can_record_challenge": access.can_record_challenge(request.user, ret),
    })


def _standard_context(request, ret: Return, number: int, *, bound: dict[int, ModerationForm] | None = None) -> dict:
    standard = get_visible_or_404(selectors.framework_standards(ret.cycle.framework_id), number=number)
    levels = selectors.rating_levels(ret.cycle.framework)
    answers = (ret.answers.filter(criterion__standard=standard)
               .select_related("criterion", "rating", "moderated_rating", "moderated_by")
               .prefetch_related(Prefetch("evidence", queryset=selectors.evidence_in_order()))
               .order_by("criterion__order"))
    bound = bound or {}
    items = [{"answer": a, "form": bound.get(a.pk) or ModerationForm(answer=a, levels=levels)} for a in answers]
    previous_number, next_number = standard.neighbours()
    return {
        "ret": ret, "standard": standard, "items": items,
        "previous_number": previous_number, "next_number": next_number,
        "errors_forms": [f for f in bound.values() if f.errors],
    }


@login_required
def moderate_standard(request, pk, number):
    """One standard's criteria: what the agency said beside a moderation form for each."""
    ret = _get_return(request, pk)
    require(access.can_moderate(request.user, ret))
    return render(request, "section11/moderate_standard.html", _standard_context(request, ret, number))


@inline_form_view(ModerationForm)
@edits_versioned(Answer)
def moderate_answer(request, pk, answer_pk):
    ret = _get_return(request, pk)
    require(access.can_moderate(request.user, ret))
    answers = ret.answers.select_related("criterion__standard", "ret__cycle__framework")
    answer = get_visible_or_404(answers, pk=answer_pk)
    levels = selectors.rating_levels(ret.cycle.framework)
    form = ModerationForm(request.POST, answer=answer, levels=levels)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.answer_moderate(answer=answer, by=request.user, expected_version=data["version"],
                                     moderated_rating=data["moderated_rating"], comment=data["comment"])
        except ServiceError as error:
            status = refusal_status(form, error, current=lambda: answers.get(pk=answer.pk),
                                    saved_form=lambda record: ModerationForm(answer=record, levels=levels))
        else:
            messages.success(request, f"Your moderation of {answer.criterion.code} has been saved.")
            return redirect(reverse("section11:moderate-standard", args=[ret.pk, answer.criterion.standard.number])
                            + f"#m-{answer.pk}")
    context = _standard_context(request, ret, answer.criterion.standard.number, bound={answer.pk: form})
    return render(request, "section11/moderate_standard.html", context, status=status)


def _moderated(ret: Return, pk: int) -> Answer:
    return ret.answers.select_related("criterion__standard", "ret__cycle__framework", "rating").get(pk=pk)


@inline_form_view(ModerationForm)
@edits_versioned(Answer)
def moderate_standard_save(request, pk, number):
    """Save the moderation of every criterion changed on the standard in one post (whichever button was used), so
    nothing typed on another criterion is lost. "agree" moderates each criterion not given a rating on the page at
    the agency's own rating, keeping the comments typed."""
    ret = _get_return(request, pk)
    require(access.can_moderate(request.user, ret))
    standard = get_visible_or_404(selectors.framework_standards(ret.cycle.framework_id), number=number)
    levels = selectors.rating_levels(ret.cycle.framework)
    answers = list(ret.answers.filter(criterion__standard=standard).select_related("criterion", "rating")
                   .order_by("criterion__order"))
    agree = request.POST.get("agree") == "1"
    posted = request.POST.copy()
    bound, saved, status = {}, [], 200
    for answer in answers:
        form = ModerationForm(posted, answer=answer, levels=levels)
        if agree and answer.rating_id and not posted.get(form.add_prefix("moderated_rating")):
            posted[form.add_prefix("moderated_rating")] = str(answer.rating_id)
        chosen = request.POST.get("save") == str(answer.pk)  # its own button: checked even when unchanged
        if not chosen and not [name for name in form.changed_data if name != "version"]:
            continue
        if not form.is_valid():
            bound[answer.pk], status = form, 400
            continue
        data = form.cleaned_data
        try:
            services.answer_moderate(answer=answer, by=request.user, expected_version=data["version"],
                                     moderated_rating=data["moderated_rating"], comment=data["comment"])
        except ServiceError as error:
            refused = refusal_status(form, error, current=lambda pk=answer.pk: _moderated(ret, pk),
                                     saved_form=lambda record: ModerationForm(answer=record, levels=levels))
            bound[answer.pk], status = form, max(status, refused)
        else:
            saved.append(answer.criterion.code)
    if saved:
        codes = saved[0] if len(saved) == 1 else ", ".join(saved[:-1]) + " and " + saved[-1]
        messages.success(request, ("You agreed with the agency's own ratings where you had not given one. " if agree
                                   else "") + f"Your moderation of {codes} has been saved.")
    elif status == 200:
        messages.info(request, "There were no changes to save.")
    if status != 200:
        context = _standard_context(request, ret, number, bound=bound)
        return render(request, "section11/moderate_standard.html", context, status=status)
    previous_number, next_number = standard.neighbours()
    then = request.POST.get("then")
    if then == "next":
        return redirect(reverse("section11:moderate-standard", args=[ret.pk, next_number]) if next_number
                        else reverse("section11:moderation-summary", args=[ret.pk]))
    if then == "previous" and previous_number:
        return redirect(reverse("section11:moderate-standard", args=[ret.pk, previous_number]))
    anchor = f"#m-{request.POST['save']}" if request.POST.get("save", "").isdigit() else ""
    return redirect(reverse("section11:moderate-standard", args=[ret.pk, number]) + anchor)


@form_view(ChallengeSessionForm)
def challenge_record(request, pk):
    ret = _get_return(request, pk)
    require(access.can_record_challenge(request.user, ret))
    # Panels are usually the same for every agency in a cycle: start from the last one recorded.
    last = selectors.last_challenge_session(ret.cycle_id)
    initial = {"panel_members": last.panel_members, "letter_signatory": last.letter_signatory} if last else {}
    form = ChallengeSessionForm(request.POST if request.method == "POST" else None, initial=initial)
    return form_step(request, form,
                     save=lambda f: challenge_services.challenge_record(ret=ret, by=request.user, **f.cleaned_data),
                     success=lambda session: f"The challenge session on {day_words(session.held_on)} has been "
                                             "recorded. Make the feedback letter below.",
                     template="section11/challenge_form.html", context={"ret": ret},
                     to=lambda _: (reverse("section11:return-detail", args=[ret.pk]) + "#challenge-sessions",))


@button_view("a button (and its confirmation): nothing typed")
def feedback_letter(request, pk):
    """Ask for the feedback letter as a PDF. It is made in the background (reports.feedback_letter_export), like
    the whole return's PDF: rendering may take longer than a request may hold a web worker. While some criteria
    are not moderated yet, the first post answers with a page saying how many are, and only a confirmed post
    makes the letter."""
    session = get_visible_or_404(selectors.challenge_sessions_visible(request.user), pk=pk)
    require(access.can_read_feedback_letter(request.user, session.ret))
    moderated, total = challenge_services.moderation_counts(session.ret)
    if moderated < total and request.POST.get("confirm") != "yes":
        # Not every criterion is moderated: say how many are, and ask before making a letter that reports them.
        return render(request, "section11/feedback_letter_confirm.html", {
            "session": session, "ret": session.ret, "moderated": moderated, "total": total,
            "not_moderated": total - moderated, "can_moderate": access.can_moderate(request.user, session.ret),
        })
    export = export_request(kind=reports.FEEDBACK_LETTER_KIND, parameters={"session_id": session.pk},
                            by=request.user)
    return redirect(export)


urlpatterns = [
    path("returns/<int:pk>/moderation/", moderation_summary, name="moderation-summary"),
    path("returns/<int:pk>/moderation/standards/<int:number>/", moderate_standard, name="moderate-standard"),
    path("returns/<int:pk>/moderation/standards/<int:number>/save/", moderate_standard_save,
         name="moderate-standard-save"),
    path("returns/<int:pk>/moderation/answers/<int:answer_pk>/", moderate_answer, name="moderate-answer"),
    path("returns/<int:pk>/challenge/", challenge_record, name="challenge-record"),
    path("challenge-sessions/<int:pk>/feedback-letter/", feedback_letter, name="feedback-letter"),
]
