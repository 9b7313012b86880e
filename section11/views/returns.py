"""The agency's side of a return: task list, answering a standard, evidence, submission and sign-off."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from partnership import kept_forms
from partnership.access import get_visible_or_404, require
from partnership.downloads import stored_download
from partnership.kept_forms import posts
from partnership.selectors import as_saved
from partnership.services.errors import ServiceError
from partnership.views.confirm import confirm_page, versioned_edit_step
from partnership.views.conflicts import edits_versioned, refusal_status
from partnership.views.mixins import (
    button_view,
    confirm_view,
    form_status,
    form_view,
    inline_form_view,
    paginated,
    post_only,
)

from .. import access, selectors
from ..forms.returns import AnswerForm, ImprovementActionForm, ReturnHeaderForm, SendBackForm, SeniorOfficerForm
from ..models import Answer, Return, Standard
from ..services import returns as services
from ..services.challenge import moderation_counts


def _get_return(request, pk) -> Return:
    return get_visible_or_404(access.visible_returns(request.user).select_related("senior_officer"), pk=pk)


@login_required
def return_list(request):
    """Your agency's returns (agency people); every return (business unit and QA)."""
    returns = access.visible_returns(request.user).order_by("-cycle__opens_on", "agency__name", "pk")
    context = paginated(request, returns)
    page = context["page"]  # progress counted for the page's returns only
    page.object_list = list(returns.filter(pk__in=[r.pk for r in page.object_list]).with_progress())
    return render(request, "section11/return_list.html", context)


@login_required
def return_detail(request, pk):
    ret = _get_return(request, pk)
    progress = selectors.standards_progress(ret)
    user = request.user
    return render(request, "section11/return_detail.html", {
        "ret": ret, "progress": progress,
        "answered": sum(p.answered for p in progress), "total": sum(p.total for p in progress),
        "to_check": sum(p.to_check for p in progress),
        "can_edit": access.can_edit_return(user, ret), "can_submit": access.can_submit_return(user, ret),
        "can_name_officer": access.can_name_senior_officer(user, ret),
        "can_sign_off": access.can_sign_off_return(user, ret), "can_send_back": access.can_send_back(user, ret),
        "can_moderate": access.can_moderate(user, ret), "is_oversight": access.is_oversight(user),
        "can_record_challenge": access.can_record_challenge(user, ret),
        "can_read_feedback_letter": access.can_read_feedback_letter(user, ret),
        "moderation": moderation_counts(ret) if access.can_read_feedback_letter(user, ret) else None,
        "can_see_analysis": access.can_see_analysis(user),
        "can_start_from_last": access.can_edit_return(user, ret) and not ret.copied_from_id
        and all(p.is_not_started for p in progress) and services.previous_return(ret) is not None,
    })


@form_view(ReturnHeaderForm)
@edits_versioned(Return)
def return_header(request, pk):
    ret = _get_return(request, pk)
    require(access.can_edit_return(request.user, ret))
    form = ReturnHeaderForm(request.POST or None, instance=selectors.return_with_framework(ret.pk),
                            can_name_officer=access.can_name_senior_officer(request.user, ret))
    return versioned_edit_step(
        request, form, save=lambda: services.return_update_header(
            ret=as_saved(ret), by=request.user, expected_version=form.cleaned_data["version"], **form.header_values()),
        done="The return's contact details have been saved.", back=ret,
        current=lambda: selectors.return_with_framework(ret.pk),
        saved_form=lambda record: ReturnHeaderForm(
            instance=record, can_name_officer=access.can_name_senior_officer(request.user, ret)),
        page=lambda status: render(request, "section11/return_header.html", {"ret": ret, "form": form},
                                   status=status))


# An answer kept through signing in again goes back into its own criterion's form, in place on the standard's
# page among the others, to be checked and saved there; answers are saved by htmx, which needs a whole-page
# redirect to sign in. The kernel's kept page ("Your changes were not saved") shows a whole form and sends it
# again as it was, so this page keeps its answers itself, through partnership.kept_forms and nothing else: the
# same typist-only, logged-read rules.
KEPT_ANSWER = "section11_kept_answer"


def _kept_forms(request, ret: Return, answers, levels) -> dict[int, AnswerForm]:
    where = kept_forms.kept_at(request, KEPT_ANSWER)
    if not where or where.get("pk") != ret.pk:
        return {}
    answer = next((a for a in answers if a.pk == where.get("answer_pk")), None)
    if answer is None or not access.can_edit_return(request.user, ret):
        return {}
    form = AnswerForm(kept_forms.take(request, KEPT_ANSWER), answer=answer, levels=levels)
    form.is_valid()
    messages.warning(request, f"You were signed out before your answer to {answer.criterion.code} was saved. "
                              "We kept what you typed: check it and save it.")
    return {answer.pk: form}


def _standard_context(request, ret: Return, number: int, *, bound: dict[int, AnswerForm] | None = None):
    standard = get_visible_or_404(ret.cycle.framework.standards.all(), number=number)
    levels = selectors.rating_levels(ret.cycle.framework)
    answers = list(selectors.standard_answers(ret, standard))
    bound = bound or _kept_forms(request, ret, answers, levels)
    can_edit = access.can_edit_return(request.user, ret)
    items = [{"answer": a, "form": bound.get(a.pk) or AnswerForm(answer=a, levels=levels)} for a in answers]
    previous_number, next_number = standard.neighbours()
    return {
        "ret": ret, "standard": standard, "items": items, "can_edit": can_edit, "levels": levels,
        "previous_number": previous_number, "next_number": next_number,
        "errors_forms": [f for f in bound.values() if f.errors],
    }


@login_required
def answer_kept(request, pk, answer_pk):
    """Where signing in again leads after an expired session: the answer's place on its standard's page."""
    ret = _get_return(request, pk)
    answer = get_visible_or_404(ret.answers.select_related("criterion__standard"), pk=answer_pk)
    return redirect(reverse("section11:standard", args=[ret.pk, answer.criterion.standard.number])
                    + f"#c-{answer.pk}")


@login_required
def standard_page(request, pk, number):
    ret = _get_return(request, pk)
    return render(request, "section11/standard.html", _standard_context(request, ret, number))


NEXT_PLACES = {"next", "previous", "stay", "task-list"}


def _after_saving(ret: Return, standard: Standard, then: str) -> str:
    previous_number, next_number = standard.neighbours()
    if then == "next":
        return (reverse("section11:standard", args=[ret.pk, next_number]) if next_number
                else ret.get_absolute_url())
    if then == "previous" and previous_number:
        return reverse("section11:standard", args=[ret.pk, previous_number])
    if then == "task-list":
        return ret.get_absolute_url()
    return reverse("section11:standard", args=[ret.pk, standard.number])


@inline_form_view(AnswerForm)
@edits_versioned(Answer)
def standard_save(request, pk, number):
    """"Save and continue": save every criterion on the standard whose answer changed (one post, with or without
    JavaScript; "Next standard" posts here too, so leaving never loses what was typed). Unchanged criteria are
    left alone, so a colleague's newer save of another criterion is not refused. "remove_evidence" removes one
    file after saving the typed answers."""
    ret = _get_return(request, pk)
    require(access.can_edit_return(request.user, ret))
    standard = get_visible_or_404(ret.cycle.framework.standards.all(), number=number)
    levels = selectors.rating_levels(ret.cycle.framework)
    answers = list(selectors.standard_answers(ret, standard).select_related("ret__cycle__framework__scale"))
    bound: dict[int, AnswerForm] = {}
    saved, status = [], 200
    for answer in answers:
        form = AnswerForm(request.POST, request.FILES, answer=answer, levels=levels)
        if not form.typed_changes():
            continue
        if not form.is_valid():
            bound[answer.pk], status = form, 400
            continue
        data = form.cleaned_data
        try:
            services.answer_save(
                answer=answer, by=request.user, expected_version=data["version"], rating=data["rating"],
                not_applicable=data["not_applicable"], not_applicable_reason=data["not_applicable_reason"],
                narrative=data["narrative"], impact=data["impact"],
                confirm_still_holds=data.get("confirm_still_holds", False))
        except ServiceError as error:
            refused = refusal_status(form, error,
                                     current=lambda pk=answer.pk: selectors.standard_answers(ret, standard).get(pk=pk),
                                     saved_form=lambda record: AnswerForm(answer=record, levels=levels))
            bound[answer.pk], status = form, max(status, refused)
            continue
        saved.append(answer.criterion.code)
        if data.get("evidence_file"):
            try:
                services.evidence_add(answer=answer, by=request.user, upload=data["evidence_file"])
            except ServiceError as error:
                bound[answer.pk] = _file_refused(request, answer, levels, error)
                status = max(status, 400)
    removed = _remove_evidence(request, ret, answers)
    if saved:
        messages.success(request, f"Your {'answer' if len(saved) == 1 else 'answers'} to {_and(saved)} "
                                  f"{'has' if len(saved) == 1 else 'have'} been saved.")
    if removed:
        messages.success(request, f"{removed} has been removed.")
    if status == 200:
        if not saved and not removed and request.POST.get("then") == "stay":
            messages.info(request, "There were no changes to save.")
        return redirect(_after_saving(ret, standard, request.POST.get("then", "stay")))
    context = _standard_context(request, ret, number, bound=bound)
    return render(request, "section11/standard.html", context, status=status)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _file_refused(request, answer: Answer, levels, error: ServiceError) -> AnswerForm:
    """The answer was saved but its file refused: the form again (as typed, at the new version), and a message
    that says both."""
    data = request.POST.copy()
    form = AnswerForm(data, answer=answer, levels=levels)
    data[form.add_prefix("version")] = str(answer.version)
    form.is_valid()
    form.add_error("evidence_file", f"Your answer to {answer.criterion.code} has been saved, but the file was not: "
                                    f"{error.message}")
    return form


def _remove_evidence(request, ret: Return, answers) -> str:
    pk = request.POST.get("remove_evidence", "")
    if not pk.isdigit():
        return ""
    evidence = selectors.evidence_among(int(pk), answers)
    if evidence is None:
        return ""
    services.evidence_remove(evidence=evidence, by=request.user)
    return evidence.original_name


@kept_forms.keeps_in_place(KEPT_ANSWER, then="section11:answer-kept")
@posts(AnswerForm)
@post_only
@edits_versioned(Answer)
def answer_save(request, pk, answer_pk):
    """Save one criterion's answer (and an optional evidence file). Works with and without JavaScript."""
    ret = _get_return(request, pk)
    answer = get_visible_or_404(ret.answers.select_related("criterion__standard", "ret__cycle__framework__scale"),
                                pk=answer_pk)
    require(access.can_edit_return(request.user, ret))
    levels = selectors.rating_levels(ret.cycle.framework)
    form = AnswerForm(request.POST, request.FILES, answer=answer, levels=levels)
    status = 200
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.answer_save(
                answer=answer, by=request.user, expected_version=data["version"], rating=data["rating"],
                not_applicable=data["not_applicable"], not_applicable_reason=data["not_applicable_reason"],
                narrative=data["narrative"], impact=data["impact"],
                confirm_still_holds=data.get("confirm_still_holds", False),
            )
            saved = True
        except ServiceError as error:
            status = refusal_status(
                form, error,
                current=lambda: selectors.standard_answers(ret, answer.criterion.standard).get(pk=answer.pk),
                saved_form=lambda record: AnswerForm(answer=record, levels=levels))
        if saved and data.get("evidence_file"):
            try:
                services.evidence_add(answer=answer, by=request.user, upload=data["evidence_file"])
            except ServiceError as error:
                # The typed answer is saved; only the file was refused. Say both, next to the field.
                form = _file_refused(request, answer, levels, error)
                saved, status = False, 400
    else:
        status = 400
    standard_number = answer.criterion.standard.number
    if saved:
        message = f"Your answer to {answer.criterion.code} has been saved."
        if request.htmx:
            fresh = selectors.standard_answers(ret, answer.criterion.standard).get(pk=answer.pk)
            return render(request, "section11/includes/criterion.html", {
                "item": {"answer": fresh, "form": AnswerForm(answer=fresh, levels=levels)}, "ret": ret,
                "can_edit": True, "saved_message": message, "levels": levels,
            })
        messages.success(request, message)
        return redirect(reverse("section11:standard", args=[ret.pk, standard_number]) + f"#c-{answer.pk}")
    if request.htmx:
        fresh = selectors.standard_answers(ret, answer.criterion.standard).get(pk=answer.pk)
        return render(request, "section11/includes/criterion.html", {
            "item": {"answer": fresh, "form": form}, "ret": ret, "can_edit": True, "levels": levels,
        }, status=status)
    context = _standard_context(request, ret, standard_number, bound={answer.pk: form})
    return render(request, "section11/standard.html", context, status=status)


@form_view(ImprovementActionForm)
def action_add(request, pk, answer_pk):
    ret = _get_return(request, pk)
    answer = get_visible_or_404(ret.answers.select_related("criterion__standard"), pk=answer_pk)
    require(access.can_edit_return(request.user, ret))
    form = ImprovementActionForm(request.POST or None, ret=ret)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.answer_add_action(answer=answer, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Improvement action {action.reference} has been added to the action tracker.")
            return redirect(reverse("section11:standard", args=[ret.pk, answer.criterion.standard.number])
                            + f"#c-{answer.pk}")
    return render(request, "section11/action_add.html", {"ret": ret, "answer": answer, "form": form},
                  status=form_status(form))


@login_required
def evidence_download(request, pk):
    evidence = get_visible_or_404(access.visible_evidence(request.user), pk=pk)
    return stored_download(evidence.file, evidence.original_name, evidence.content_type)


@button_view("a button: nothing typed")
def evidence_delete(request, pk):
    evidence = get_visible_or_404(access.visible_evidence(request.user).select_related("answer__criterion__standard"),
                                  pk=pk)
    ret = evidence.answer.ret
    require(access.can_edit_return(request.user, ret))
    services.evidence_remove(evidence=evidence, by=request.user)
    messages.success(request, f"{evidence.original_name} has been removed.")
    return redirect(reverse("section11:standard", args=[ret.pk, evidence.answer.criterion.standard.number])
                    + f"#c-{evidence.answer_id}")


@button_view("a button: nothing typed")
def start_from_last(request, pk):
    ret = _get_return(request, pk)
    require(access.can_edit_return(request.user, ret))
    try:
        copied = services.return_start_from_last(ret=ret, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{copied} answers were copied from your last return. Check each one still "
                                  "holds: they are marked 'Check'.")
    return redirect(ret)


@confirm_view("a confirmation button: nothing typed")
def return_submit(request, pk):
    ret = _get_return(request, pk)
    require(access.can_submit_return(request.user, ret))
    missing = services.missing_answers(ret)
    answers = services.answers_to_check(ret) if not missing else []

    def context() -> dict:
        standards: dict[int, dict] = {}
        for answer in answers:  # check your answers: grouped by standard
            standard = answer.criterion.standard
            standards.setdefault(standard.pk, {"standard": standard, "answers": []})["answers"].append(answer)
        return {"ret": ret, "missing": missing, "standards": list(standards.values()),
                "not_met_without_action": services.not_met_without_action(answers)}

    return confirm_page(request, act=lambda: services.return_submit(ret=ret, by=request.user),
                        done="Your return has been submitted. Your senior officer has been asked to sign it off.",
                        back=ret, template="section11/return_submit.html", context=context)


@confirm_view("a confirmation button: nothing typed")
def return_sign_off(request, pk):
    ret = _get_return(request, pk)
    require(access.can_sign_off_return(request.user, ret))
    if request.method == "POST":
        try:
            services.return_sign_off(ret=ret, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "You have signed off the return. Thank you.")
            return redirect(ret)
    return render(request, "section11/return_sign_off.html", {"ret": ret})


@form_view(SeniorOfficerForm)
def return_officer(request, pk):
    """The agency lead or the business unit names (or changes) the senior officer until the return is signed off."""
    ret = _get_return(request, pk)
    require(access.can_name_senior_officer(request.user, ret))
    form = SeniorOfficerForm(request.POST or None, instance=as_saved(ret))
    if request.method == "POST" and form.is_valid():
        try:
            ret = services.name_senior_officer(ret=ret, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"{ret.officer_name} is named as the senior officer."
                             + (" We have emailed them a link to sign the return off." if
                                ret.status == Return.Status.SUBMITTED else ""))
            return redirect(ret)
    return render(request, "section11/return_officer.html", {"ret": ret, "form": form},
                  status=form_status(form))


@require_http_methods(["GET", "POST"])
def sign_off_link(request, token):
    """The senior officer's emailed single-use link: no account needed. GET shows; only the POST signs off."""
    link = services.find_sign_off_link(token)
    problem = services.sign_off_link_problem(link)
    if request.method == "POST" and not problem:
        try:
            services.return_sign_off_by_link(raw=token)
        except ServiceError as error:
            problem = error.message
        else:
            return render(request, "section11/sign_off_link_done.html", {"ret": link.ret})
    return render(request, "section11/sign_off_link.html", {"link": link, "ret": link.ret if link else None,
                                                             "problem": problem},
                  status=404 if link is None else 400 if problem and request.method == "POST" else 200)


@form_view(SendBackForm)
def return_send_back(request, pk):
    ret = _get_return(request, pk)
    require(access.can_send_back(request.user, ret))
    form = SendBackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_send_back(ret=ret, by=request.user, message=form.cleaned_data["message"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"The return has been sent back to {ret.agency} for clarification.")
            return redirect(ret)
    return render(request, "section11/return_send_back.html", {"ret": ret, "form": form}, status=form_status(form))


urlpatterns = [
    path("returns/", return_list, name="return-list"),
    path("returns/<int:pk>/", return_detail, name="return-detail"),
    path("returns/<int:pk>/details/", return_header, name="return-header"),
    path("returns/<int:pk>/standards/<int:number>/", standard_page, name="standard"),
    path("returns/<int:pk>/standards/<int:number>/save/", standard_save, name="standard-save"),
    path("returns/<int:pk>/answers/<int:answer_pk>/", answer_save, name="answer-save"),
    path("returns/<int:pk>/answers/<int:answer_pk>/kept/", answer_kept, name="answer-kept"),
    path("returns/<int:pk>/answers/<int:answer_pk>/actions/", action_add, name="answer-action-add"),
    path("returns/<int:pk>/start-from-last/", start_from_last, name="return-start-from-last"),
    path("returns/<int:pk>/submit/", return_submit, name="return-submit"),
    path("returns/<int:pk>/sign-off/", return_sign_off, name="return-sign-off"),
    path("returns/<int:pk>/senior-officer/", return_officer, name="return-officer"),
    path("sign-off/<str:token>/", sign_off_link, name="sign-off-link"),
    path("returns/<int:pk>/send-back/", return_send_back, name="return-send-back"),
    path("evidence/<int:pk>/", evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/delete/", evidence_delete, name="evidence-delete"),
]
