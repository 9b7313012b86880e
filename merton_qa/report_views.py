"""The board report page (ask for a quarter's report, download any made before) and the sent-reminders log."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from partnership import access
from partnership.forms import GDSForm
from partnership.models import ReportExport
from partnership.periods import Quarter, recent_quarters
from partnership.services import exports
from partnership.views.mixins import paginate, post_only

from . import board_report, digest


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


@login_required
def board_reports(request):
    access.require(access.can_request_reports(request.user))
    today = timezone.localdate()
    form = BoardReportForm(request.POST or None, today=today,
                           initial={"period": Quarter.containing(today).code})
    if request.method == "POST" and form.is_valid():
        export = exports.export_request(kind=board_report.EXPORT_KIND,
                                        parameters={"period": form.cleaned_data["period"]}, by=request.user)
        return redirect(export)
    past = access.visible_exports(request.user).filter(kind=board_report.EXPORT_KIND)
    page = paginate(request, past, per_page=20)
    for export in page.object_list:
        export.quarter = _quarter_or_none(export.parameters.get("period", ""))
    return render(request, "reports/board_reports.html", {"form": form, "page": page,
                                                          "ready": ReportExport.Status.READY})


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
    return render(request, "reports/sent_reminders.html", {"page": page})


@login_required
def sent_reminder_detail(request, pk):
    access.require(access.is_business_unit(request.user))
    email = access.get_visible_or_404(digest.sent_digests(), pk=pk)
    return render(request, "reports/sent_reminder_detail.html", {"email": email})


@login_required
@post_only
def send_reminders_now(request):
    access.require(access.is_business_unit(request.user))
    digest.digests_request()
    messages.success(request, "Today's reminders are being sent. Anything already sent today is not sent again.")
    return redirect("sent-reminders")
