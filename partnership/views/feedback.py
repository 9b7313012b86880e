"""The "you said, we did" feedback record, for the business unit: the list, a new entry, an edit. Thin views: the
rules are in `partnership.services.yearly_reports`."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from partnership import access, selectors
from partnership.forms import GDSForm, date_field
from partnership.models import Feedback
from partnership.services import yearly_reports
from partnership.services.errors import ServiceError

from .conflicts import edits_versioned, refusal_status
from .mixins import form_status, form_view, paginate, posted_version


class FeedbackForm(GDSForm, forms.ModelForm):
    heard_on = date_field("When was it heard?")

    class Meta:
        model = Feedback
        fields = ["source", "heard_on", "how_sought", "heard", "changed", "priority", "action"]
        widgets = {"source": forms.RadioSelect, "heard": forms.Textarea(attrs={"rows": 5}),
                   "changed": forms.Textarea(attrs={"rows": 5})}
        labels = {"priority": "Partnership priority it is about", "action": "Action it led to"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = Feedback.Source.choices
        self.fields["priority"].queryset = selectors.priorities_in_order()
        self.fields["action"].queryset = selectors.actions_by_title()
        self.fields["heard"].error_messages["required"] = "Enter what was heard"
        self.fields["source"].error_messages["required"] = "Choose who said it"
        self.setup_helper()


def _require_business_unit(user) -> None:
    access.require(yearly_reports.can_edit(user))


@login_required
def feedback_list(request):
    _require_business_unit(request.user)
    page = paginate(request, selectors.feedback_listed(), per_page=25)
    return render(request, "partnership/feedback_list.html", {"page": page})


@form_view(FeedbackForm)
def feedback_create(request):
    _require_business_unit(request.user)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            yearly_reports.feedback_add(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The feedback has been recorded.")
            return redirect("partnership:feedback-list")
    return render(request, "partnership/feedback_form.html", {"form": form, "feedback": None},
                  status=form_status(form))


@form_view(FeedbackForm)
@edits_versioned(Feedback)
def feedback_edit(request, pk):
    _require_business_unit(request.user)
    feedback = get_object_or_404(Feedback, pk=pk)
    form = FeedbackForm(request.POST or None, instance=feedback)
    version = posted_version(request, default=feedback.version)
    status = form_status(form)
    if request.method == "POST" and form.is_valid():
        try:
            yearly_reports.feedback_edit(feedback=selectors.as_saved(feedback), expected_version=version,
                                         by=request.user, **form.cleaned_data)
        except ServiceError as error:
            status = refusal_status(form, error, current=lambda: selectors.as_saved(feedback))
        else:
            messages.success(request, "The feedback has been saved.")
            return redirect("partnership:feedback-list")
    return render(request, "partnership/feedback_form.html", {
        "form": form, "feedback": feedback,
        "version": form.conflict.version if getattr(form, "conflict", None) else version,
    }, status=status)


urlpatterns = [
    path("feedback/", feedback_list, name="feedback-list"),
    path("feedback/new/", feedback_create, name="feedback-create"),
    path("feedback/<int:pk>/", feedback_edit, name="feedback-edit"),
]
