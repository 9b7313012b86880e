"""Forms of the public pages (no account): booking, evaluations. Input shape only; rules in services."""
from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.conf import settings

from partnership import form_time
from partnership.forms import GDSForm
from partnership.models import Agency
from partnership.work_email import WorkEmailField

from ..services.bookings import SHARED_INBOX_MESSAGE, is_shared_inbox, normalise_email

OTHER = "other"


def form_purpose(session_pk) -> str:
    return f"learning.book:{session_pk}"


class BookingForm(GDSForm, forms.Form):
    public = True  # names and roles: one line, no links (partnership.input_rules)
    name = forms.CharField(label="Full name", max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}))
    email = WorkEmailField(label="Work email address", max_length=254,
                             help_text="Your own work address, not a shared inbox. We send your booking to it.",
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}))
    agency = forms.ChoiceField(label="Agency or organisation")
    other_agency_name = forms.CharField(label="If 'Other', the name of your organisation", max_length=200,
                                        required=False,
                                        widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    role = forms.CharField(label="Your role", max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "organization-title"}))
    manager_email = WorkEmailField(label="Your manager's work email address", required=False,
                                     help_text="This course needs your manager's approval: we email them.")
    # Anti-bot: a field people never see (bots fill it in) and a form-time ticket (partnership.form_time): signed,
    # bound to the browser session, single use, and refused when the form comes back too fast or too late.
    website = forms.CharField(required=False, label="Leave this empty",
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, needs_manager: bool = False, ticket: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_manager = needs_manager
        self.fields["agency"].choices = [("", "Choose your agency")] + [
            (str(a.pk), a.name) for a in Agency.objects.active().order_by("name")] + [(OTHER, "Other")]
        self.fields["started"].initial = ticket
        self.fields["name"].error_messages["required"] = "Enter your full name"
        self.fields["email"].error_messages["required"] = "Enter your work email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org")
        self.fields["agency"].error_messages["required"] = "Choose your agency, or 'Other'"
        self.fields["role"].error_messages["required"] = "Enter your role"
        layout = [Field.text("name"), Field.text("email"), Field.select("agency"), Field.text("other_agency_name"),
                  Field.text("role")]
        if needs_manager:
            self.fields["manager_email"].required = True
            self.fields["manager_email"].error_messages["required"] = "Enter your manager's work email address"
            layout.append(Field.text("manager_email"))
        else:
            del self.fields["manager_email"]
        self.setup_helper(*layout)

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if is_shared_inbox(email):
            raise forms.ValidationError(SHARED_INBOX_MESSAGE.format(local=email.split("@", 1)[0]))
        return email

    def clean(self):
        data = super().clean()
        if data.get("agency") == OTHER and not (data.get("other_agency_name") or "").strip():
            self.add_error("other_agency_name", "Enter the name of your organisation")
        return data

    def renew_ticket(self, ticket: str) -> None:
        """A form shown again carries a new ticket (the one it came back with is used up)."""
        self.fields["started"].initial = ticket
        if self.is_bound:
            self.data = self.data.copy()
            self.data["started"] = ticket

    def verdict(self, request, session_pk) -> form_time.Verdict:
        """The form-time ticket's verdict (it is used up by asking); the honeypot counts as a forgery."""
        verdict = form_time.check(request, form_purpose(session_pk), self.data.get("started", ""),
                                  min_seconds=settings.LEARNING_BOOKING_MIN_SECONDS,
                                  max_age=settings.LEARNING_BOOKING_FORM_MAX_AGE)
        if self.data.get("website") and verdict.outcome != form_time.REPLAYED:
            return form_time.Verdict(form_time.FORGED)
        return verdict

    def agency_object(self):
        value = self.cleaned_data.get("agency")
        return None if value in (None, "", OTHER) else Agency.objects.active().filter(pk=value).first()


SCALE_10 = [(str(n), str(n)) for n in range(1, 11)]
SCALE_5 = [("1", "1 – poor"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5 – excellent")]


class ConfidenceForm(GDSForm, forms.Form):
    """A 1–10 rating per learning outcome (radios), plus what the stage adds."""

    label_size = Size.SMALL

    def __init__(self, *args, outcomes, post: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = list(outcomes)
        layout = []
        if post:
            self.fields["quality"] = forms.TypedChoiceField(label="How good was the session?", choices=SCALE_5,
                                                            coerce=int, widget=forms.RadioSelect)
            self.fields["relevance"] = forms.TypedChoiceField(label="How relevant was it to your work?",
                                                              choices=SCALE_5, coerce=int, widget=forms.RadioSelect)
            self.fields["quality"].error_messages["required"] = "Rate the quality of the session"
            self.fields["relevance"].error_messages["required"] = "Rate how relevant it was to your work"
            layout += [Field.radios("quality", inline=True, legend_size=Size.SMALL),
                       Field.radios("relevance", inline=True, legend_size=Size.SMALL)]
        for outcome in self.outcomes:
            name = f"outcome_{outcome.pk}"
            self.fields[name] = forms.TypedChoiceField(label=outcome.text, choices=SCALE_10, coerce=int,
                                                       widget=forms.RadioSelect)
            self.fields[name].error_messages["required"] = f"Rate your confidence: {outcome.text}"
        confidence = [Field.radios(f"outcome_{o.pk}", inline=True, legend_size=Size.SMALL) for o in self.outcomes]
        layout.append(Fieldset(*confidence, legend="How confident are you, from 1 (not at all) to 10 (very)?",
                               legend_size=Size.MEDIUM))
        if post:
            self.fields["comments"] = forms.CharField(label="Anything else you want to tell us (optional)",
                                                      required=False, widget=forms.Textarea(attrs={"rows": 4}))
            layout.append(Field.textarea("comments"))
        self.helper = None
        self.setup_helper(*layout)

    def scores(self) -> dict[int, int]:
        return {o.pk: self.cleaned_data[f"outcome_{o.pk}"] for o in self.outcomes}


class FollowUpForm(GDSForm, forms.Form):
    practice_changed = forms.TypedChoiceField(label="Has the course changed how you work?",
                                              choices=[("yes", "Yes"), ("no", "No")],
                                              coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    practice_change = forms.CharField(label="What have you done differently?", required=False,
                                      widget=forms.Textarea(attrs={"rows": 4}))
    examples = forms.CharField(label="An example (no names of children or families)", required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    impact_on_children = forms.CharField(label="What difference has it made for children and families?",
                                         required=False, widget=forms.Textarea(attrs={"rows": 4}))
    manager_involved = forms.BooleanField(label="I completed this with my manager", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice_changed"].error_messages["required"] = "Say whether the course changed how you work"
        self.setup_helper(Field.radios("practice_changed", inline=True, legend_size=Size.SMALL),
                          Field.textarea("practice_change"), Field.textarea("examples"),
                          Field.textarea("impact_on_children"), Field.checkbox("manager_involved"))
