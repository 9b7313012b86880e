"""The yearly report's pages under Reports: the reports (published and being drafted) and a new one; a report's
page (its written sections, the partners' approvals, the Word document, publishing, the publication record); the
published PDF. Thin views: the rules are in `partnership.services.yearly_reports`."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from partnership import access
from partnership.dates import Quarter, financial_year_label
from partnership.forms import GDSForm, date_field
from partnership.models import SafeguardingPartner, YearlyReport
from partnership.services import exports, yearly_reports
from partnership.services.errors import ServiceError
from partnership.views.confirm import versioned_edit_step
from partnership.views.conflicts import edits_versioned, refusal_status
from partnership.views.mixins import button_view, form_status, form_view, inline_form_view, posted_version

from . import selectors


def _years(today) -> list[tuple[str, str]]:
    current = Quarter.containing(today).financial_year
    return [(financial_year_label(y), f"{financial_year_label(y)}: April {y} to March {y + 1}"
             + (" (the year under way)" if y == current else "")) for y in range(current, current - 5, -1)]


class YearForm(GDSForm, forms.Form):
    year = forms.ChoiceField(label="Which year?", widget=forms.RadioSelect,
                             help_text="Financial years, which start in April.",
                             error_messages={"required": "Choose the year the report is for."})

    start = date_field("Or, for 12 months that are not a financial year, the first day", required=False,
                       help_text="Leave blank for the year chosen above. For example, 1 9 2025")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years(today)
        self.setup_helper()


class TextForm(GDSForm, forms.ModelForm):
    class Meta:
        model = YearlyReport
        fields = list(yearly_reports.TEXT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in yearly_reports.TEXT_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper()


class ApprovalForm(GDSForm, forms.Form):
    partner = forms.ChoiceField(label="For which safeguarding partner?", widget=forms.RadioSelect,
                                error_messages={"required": "Choose the safeguarding partner."})
    approver_name = forms.CharField(label="Who approved it", required=False, max_length=150,
                                    help_text="Leave blank when you are approving for your own organisation.")
    approver_role = forms.CharField(label="Their role", required=False, max_length=150)
    approved_on = date_field("Date approved", required=False,
                             help_text="Leave blank for today. For example, 27 6 2026")

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [(p, SafeguardingPartner(p).label) for p in partners]
        self.setup_helper()


class PublicationForm(GDSForm, forms.ModelForm):
    class Meta:
        model = YearlyReport
        fields = ["web_address"]
        widgets = {"web_address": forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false",
                                                         "autocomplete": "url"})}

    published_on = date_field("Date published on the website")
    sent_to_panel_on = date_field("Date sent to the national Panel", required=False)
    sent_to_dfe_on = date_field("Date sent to the Department for Education", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["web_address"].help_text = "Starting https://"
        instance = kwargs.get("instance")
        if instance is not None and not self.is_bound:
            for name in ("published_on", "sent_to_panel_on", "sent_to_dfe_on"):
                self.initial[name] = getattr(instance, name)
        self.setup_helper("published_on", "web_address", "sent_to_panel_on", "sent_to_dfe_on")


def _require_reader(user) -> None:
    access.require(yearly_reports.can_read(user))


@form_view(YearForm)
def yearly_report_list(request):
    """The yearly reports: published ones, those being drafted, and a new one (or the figures alone, in Word)."""
    _require_reader(request.user)
    today = timezone.localdate()
    form = YearForm(request.POST or None, today=today,
                    initial={"year": _years(today)[1][0]})
    can_edit = yearly_reports.can_edit(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            start = form.cleaned_data["start"] or Quarter(yearly_reports.parse_year(form.cleaned_data["year"]), 1).start
            if request.POST.get("make") == "report" and can_edit:
                return redirect(yearly_reports.report_start(start=start, by=request.user))
            yearly_reports.require_started(start)
            export = exports.export_request(kind=yearly_reports.DOCX_KIND, parameters={"start": start.isoformat()},
                                            by=request.user)
            return redirect(export)
        except ServiceError as error:
            form.add_service_error(error)
    reports = list(selectors.yearly_reports_listed())
    return render(request, "reports/yearly_reports.html", {
        "form": form, "can_edit": can_edit, "can_see_reports": access.can_request_reports(request.user),
        "published": [r for r in reports if r.is_published],
        "drafts": [r for r in reports if not r.is_published],
    }, status=form_status(form))


def _report(request, pk) -> YearlyReport:
    _require_reader(request.user)
    return get_object_or_404(selectors.yearly_reports().select_related("published_by"), pk=pk)


@form_view(TextForm)
@edits_versioned(YearlyReport)
def yearly_report_detail(request, pk):
    """A report: its written sections (editable by the business unit while no partner has approved), the
    partners' approvals, the Word document and, once published, the PDF and the publication record."""
    report = _report(request, pk)
    approvals = list(report.approvals.select_related("recorded_by"))
    can_edit = yearly_reports.can_edit(request.user)
    text_editable = can_edit and report.is_editable and not approvals
    form = TextForm(request.POST or None, instance=report) if text_editable else None
    version = posted_version(request, default=report.version)
    if request.method == "POST":
        access.require(text_editable)
    return versioned_edit_step(
        request, form, save=lambda: yearly_reports.report_edit(
            report=_saved(pk), expected_version=version, by=request.user,
            **{name: form.cleaned_data[name] for name in yearly_reports.TEXT_FIELDS}),
        done="The report's written sections have been saved.", back=report, current=lambda: _saved(pk),
        page=lambda status: render(request, "reports/yearly_report.html", {
            **_detail_context(request, report, approvals),
            "form": form, "version": form.conflict.version if getattr(form, "conflict", None) else version,
        }, status=status))


def _saved(pk) -> YearlyReport:
    return selectors.yearly_reports().get(pk=pk)


def _detail_context(request, report: YearlyReport, approvals: list) -> dict:
    done = {a.partner for a in approvals}
    partners = [p for p in yearly_reports.partners_user_may_approve(request.user) if p not in done]
    can_edit = yearly_reports.can_edit(request.user)
    return {
        "report": report, "approvals": approvals, "can_edit": can_edit,
        "partners": [{"label": label, "approval": next((a for a in approvals if a.partner == key), None)}
                     for key, label in SafeguardingPartner.choices],
        "approved": yearly_reports.is_approved(report, approvals),
        "approval_form": ApprovalForm(partners=partners, initial={"partner": partners[0]} if len(partners) == 1
                                      else {}) if partners and report.is_editable and not report.missing_text
        else None,
        "publication_form": PublicationForm(instance=report) if can_edit and report.is_published else None,
        "documents": access.visible_exports(request.user).filter(kind=yearly_reports.DOCX_KIND,
                                                                 parameters__report_id=report.pk)[:5],
        "today": timezone.localdate(),
    }


@inline_form_view(ApprovalForm)
def yearly_report_approve(request, pk):
    report = _report(request, pk)
    approvals = list(report.approvals.select_related("recorded_by"))
    context = _detail_context(request, report, approvals)
    access.require(context["approval_form"] is not None)
    form = ApprovalForm(request.POST, partners=[c[0] for c in context["approval_form"].fields["partner"].choices])
    if form.is_valid():
        try:
            yearly_reports.report_approve(report=report, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The approval has been recorded.")
            return redirect(report)
    return render(request, "reports/yearly_report.html", {**context, "approval_form": form, "form": None},
                  status=400)


@inline_form_view(PublicationForm)
@edits_versioned(YearlyReport)
def yearly_report_publication(request, pk):
    report = _report(request, pk)
    access.require(yearly_reports.can_edit(request.user) and report.is_published)
    form = PublicationForm(request.POST, instance=report)
    version = posted_version(request, default=report.version)
    status = 400
    if form.is_valid():
        try:
            yearly_reports.report_record_publication(report=_saved(pk), expected_version=version, by=request.user,
                                                     **form.cleaned_data)
        except ServiceError as error:
            status = refusal_status(form, error, current=lambda: _saved(pk),
                                    saved_form=lambda saved: PublicationForm(instance=saved))
        else:
            messages.success(request, "The publication record has been saved.")
            return redirect(report)
    report.refresh_from_db()
    context = _detail_context(request, report, list(report.approvals.select_related("recorded_by")))
    return render(request, "reports/yearly_report.html", {
        **context, "publication_form": form, "form": None,
        "publication_version": form.conflict.version if getattr(form, "conflict", None) else version,
    }, status=status)


STEPS = {
    "word": (lambda report, by: yearly_reports.report_make_docx(report=report, by=by),
             "The Word document is being made. It appears below when it is ready, and we will email you."),
    "ask-approval": (lambda report, by: yearly_reports.report_ask_approval(report=report, by=by),
                     "The chair and the safeguarding partners' leads have been emailed a link to approve it."),
    "reopen": (lambda report, by: yearly_reports.report_reopen(report=report, by=by),
               "The approvals have been withdrawn: the report can be edited again."),
    "publish": (lambda report, by: yearly_reports.report_publish(report=report, by=by),
                "The report is being published as a PDF. You will be emailed when it is ready."),
}


@button_view("a button that moves the report a step on: nothing typed")
def yearly_report_step(request, pk, step):
    report = _report(request, pk)
    if step not in STEPS:
        raise Http404
    report.version = posted_version(request, default=report.version)
    do, done = STEPS[step]
    try:
        do(report, request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(report)


@login_required
def yearly_report_download(request, pk):
    """The published report's PDF exactly as it was published, with its SHA-256."""
    _require_reader(request.user)
    report = get_object_or_404(YearlyReport, pk=pk, status=YearlyReport.Status.PUBLISHED)
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="yearly-report-{report.start:%Y}-v{report.pk}.pdf"'
    response["X-Content-SHA256"] = report.sha256
    return response


urlpatterns = [
    path("reports/yearly/", yearly_report_list, name="yearly-reports"),
    path("reports/yearly/<int:pk>/", yearly_report_detail, name="yearly-report"),
    path("reports/yearly/<int:pk>/approve/", yearly_report_approve, name="yearly-report-approve"),
    path("reports/yearly/<int:pk>/publication/", yearly_report_publication,
         name="yearly-report-publication"),
    path("reports/yearly/<int:pk>/pdf/", yearly_report_download, name="yearly-report-download"),
    path("reports/yearly/<int:pk>/<slug:step>/", yearly_report_step, name="yearly-report-step"),
]
