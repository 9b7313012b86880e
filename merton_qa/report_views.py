"""The board packs (draft, approve, publish, download; a figures-only PDF for any quarter) and the sent-reminders
log. Thin views: the rules are in `partnership.services.board_packs`."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from partnership import access
from partnership.dates import Quarter, recent_quarters
from partnership.forms import GDSForm
from partnership.kept_forms import posts
from partnership.models import BoardPack
from partnership.selectors import as_saved
from partnership.services import board_packs, exports, outbox
from partnership.services.errors import ServiceError
from partnership.views.confirm import versioned_edit_step
from partnership.views.conflicts import edits_versioned
from partnership.views.mixins import button_view, form_status, form_view, paginate, posted_version, tracks_delivery

from . import board_report, digest, selectors


class BoardReportForm(GDSForm, forms.Form):
    period = forms.ChoiceField(label="Which quarter?", widget=forms.RadioSelect,
                               help_text="Quarters of the financial year, which starts in April.",
                               error_messages={"required": "Choose the quarter the report is for."})

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (q.code, f"{q.label}: {q.months}{' (figures to date)' if q.end >= today else ''}")
            for q in recent_quarters(today, 8)
        ]
        self.setup_helper()


class PackTextForm(GDSForm, forms.ModelForm):
    class Meta:
        model = BoardPack
        fields = ["narrative", "asks"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 10}), "asks": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper()


@login_required
@posts(BoardReportForm)
def board_reports(request):
    """The board packs: published ones (every version), those being drafted, and a new draft or a figures-only
    PDF for any quarter."""
    access.require(access.can_request_reports(request.user))
    today = timezone.localdate()
    form = BoardReportForm(request.POST or None, today=today,
                           initial={"period": Quarter.containing(today).code})
    can_draft = board_packs.can_draft(request.user)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        if request.POST.get("make") == "pack" and can_draft:
            try:
                pack = board_packs.pack_start(period_code=period, by=request.user)
            except ServiceError as error:
                form.add_service_error(error)
            else:
                return redirect(pack)
        else:
            export = exports.export_request(kind=board_report.EXPORT_KIND, parameters={"period": period},
                                            by=request.user)
            return redirect(export)
    past = access.visible_exports(request.user).filter(kind=board_report.EXPORT_KIND)
    page = paginate(request, past, per_page=20)
    for export in page.object_list:
        export.quarter = _quarter_or_none(export.parameters.get("period", ""))
    return render(request, "reports/board_reports.html", {
        "form": form, "page": page, "can_draft": can_draft,
        "published": list(board_packs.published_packs()[:20]),
        "drafts": list(selectors.board_pack_drafts()),
    }, status=form_status(form))


def _pack(request, pk) -> BoardPack:
    access.require(access.can_request_reports(request.user))
    return get_object_or_404(selectors.board_pack_for_page(), pk=pk)


@form_view(PackTextForm)
@edits_versioned(BoardPack)
def board_pack(request, pk):
    """A pack: its narrative and asks (editable while a draft), its status and what can be done next."""
    pack = _pack(request, pk)
    can_edit = pack.is_editable and board_packs.can_draft(request.user)
    form = PackTextForm(request.POST or None, instance=pack) if can_edit else None
    version = posted_version(request, default=pack.version)
    if request.method == "POST":
        access.require(can_edit)

    def page(status):
        drafts = access.visible_exports(request.user).filter(kind=board_report.EXPORT_KIND,
                                                             parameters__pack_id=pack.pk)[:5]
        conflict = getattr(form, "conflict", None)
        return render(request, "reports/board_pack.html", {
            "pack": pack, "form": form, "version": conflict.version if conflict else version,
            "quarter": _quarter_or_none(pack.period_code), "drafts": drafts,
            "can_draft": board_packs.can_draft(request.user), "can_approve": board_packs.can_approve(request.user),
            "versions": board_packs.published_packs().filter(period_code=pack.period_code),
        }, status=status)

    return versioned_edit_step(
        request, form, save=lambda: board_packs.pack_edit(
            pack=as_saved(pack), narrative=form.cleaned_data["narrative"], asks=form.cleaned_data["asks"],
            expected_version=version, by=request.user),
        done="The narrative and the board's asks have been saved.", back=pack,
        current=lambda: selectors.board_packs().get(pk=pack.pk), page=page)


# What each button on a pack's page does, and what the person is told when it is done.
PACK_STEPS = {
    "draft-pdf": (lambda pack, by: exports.export_request(kind=board_report.EXPORT_KIND,
                                                          parameters={"period": pack.period_code, "pack_id": pack.pk},
                                                          by=by),
                  "The draft PDF is being made. It appears below when it is ready."),
    "ask-approval": (lambda pack, by: board_packs.pack_ask_approval(pack=pack, by=by),
                     "The chair has been emailed a link to approve the pack."),
    "approve": (lambda pack, by: board_packs.pack_approve(pack=pack, by=by), "You have approved the pack."),
    "reopen": (lambda pack, by: board_packs.pack_reopen(pack=pack, by=by), "The pack is a draft again."),
    "publish": (lambda pack, by: board_packs.pack_publish(pack=pack, by=by),
                "The pack is being published. Everyone who reads board packs will be emailed when it is ready."),
}


@button_view("a button that moves the pack a step on: nothing typed")
def board_pack_step(request, pk, step):
    pack = _pack(request, pk)
    if step not in PACK_STEPS:
        raise Http404
    pack.version = posted_version(request, default=pack.version)
    do, done = PACK_STEPS[step]
    try:
        do(pack, request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(pack)


@login_required
def board_pack_download(request, pk):
    """A published pack's PDF exactly as it was published (never made again), with its SHA-256."""
    access.require(access.can_request_reports(request.user))
    pack = get_object_or_404(BoardPack, pk=pk, status=BoardPack.Status.PUBLISHED)
    response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
    name = f"board-pack-{pack.period_code.lower()}-v{pack.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-SHA256"] = pack.sha256
    return response


def _quarter_or_none(code: str) -> Quarter | None:
    try:
        return Quarter.parse(code)
    except ValueError:
        return None


@login_required
def sent_reminders(request):
    """The business unit sees what the daily digest sent to whom, and can send today's now."""
    access.require(access.is_business_unit(request.user))
    page = paginate(request, digest.sent_digests(), per_page=25)
    return render(request, "reports/sent_reminders.html", {"page": page, "tracks_delivery": tracks_delivery(page)})


@login_required
def sent_reminder_detail(request, pk):
    access.require(access.is_business_unit(request.user))
    email = access.get_visible_or_404(digest.sent_digests(), pk=pk)
    return render(request, "reports/sent_reminder_detail.html", {"email": email})


@button_view("a button: nothing typed")
def send_reminders_now(request):
    access.require(access.is_business_unit(request.user))
    messages.success(request, outbox.queued_words(
        outbox.is_waiting(digest.digests_request()),
        "Today's reminders have been handed to the mail service and go out in the next few minutes. Anything "
        "already sent today is not sent again.", "Sending today's reminders"))
    return redirect("sent-reminders")


urlpatterns = [
    path("reports/board/", board_reports, name="board-reports"),
    path("reports/board/packs/<int:pk>/", board_pack, name="board-pack"),
    path("reports/board/packs/<int:pk>/pdf/", board_pack_download, name="board-pack-download"),
    path("reports/board/packs/<int:pk>/<slug:step>/", board_pack_step, name="board-pack-step"),
    path("reminders/sent/", sent_reminders, name="sent-reminders"),
    path("reminders/sent/<int:pk>/", sent_reminder_detail, name="sent-reminder-detail"),
    path("reminders/send-now/", send_reminders_now, name="send-reminders-now"),
]
