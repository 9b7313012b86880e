"""Your account: who the service thinks you are, two-factor sign-in, and your reminder emails."""
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path

from partnership.forms import GDSForm
from partnership.services import accounts

from .mixins import form_status, form_view


class RemindersForm(GDSForm, forms.Form):
    optional_reminders = forms.TypedChoiceField(
        label="Do you want daily reminders of things coming up?",
        choices=[("yes", "Yes, email me each morning when something is due or overdue"),
                 ("no", "No, only statutory deadlines")],
        coerce=lambda value: value == "yes", widget=forms.RadioSelect,
        help_text="Statutory deadlines (serious-incident and review clocks, immediate concerns from audits) are "
                  "always sent, whatever you choose.",
        error_messages={"required": "Choose whether you want daily reminders"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper()


@form_view(RemindersForm)
def account(request):
    user = request.user
    form = RemindersForm(request.POST or None,
                         initial={"optional_reminders": "yes" if user.optional_reminders else "no"})
    if request.method == "POST" and form.is_valid():
        accounts.reminders_preference_set(user=user, optional_reminders=form.cleaned_data["optional_reminders"])
        messages.success(request, "Your reminder settings have been saved.")
        return redirect("partnership:account")
    return render(request, "partnership/account.html", {"form": form}, status=form_status(form))


urlpatterns = [
    path("account/", account, name="account"),
]
