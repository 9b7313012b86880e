"""Forms for the agency's side of a return. Input shape only; the rules live in services."""
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field, Fieldset
from django import forms

from partnership.forms import GDSForm, date_field
from partnership.models import User
from partnership.work_email import refuse_personal_email

from ..models import Answer, Return

NOT_APPLICABLE = "na"
NOT_APPLICABLE_LABEL = "This does not apply to our agency"


def fingerprint(rating, narrative, impact, reason) -> str:
    """A short fingerprint of an answer's rating and texts, the same for the served and the posted answer."""
    import hashlib

    def norm(text) -> str:
        return str(text or "").replace("\r\n", "\n").strip()

    return hashlib.sha256("\x1f".join(norm(v) for v in (rating, narrative, impact, reason)).encode()).hexdigest()[:20]


class AnswerForm(GDSForm, forms.Form):
    """One criterion's answer. Prefixed by the answer id, so a standard's page holds many of them.

    "Not applicable" is one more choice of the rating, revealing the reason box (GOV.UK conditional
    reveal); `clean` turns the choice back into `rating` (a RatingLevel or None) and `not_applicable`.
    """

    rating = forms.ChoiceField(required=False, widget=forms.RadioSelect, label="Your rating")
    not_applicable_reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                            label="Why it does not apply", max_length=2000)
    narrative = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=10000,
                                label="How do you know?",
                                help_text="What you do, and the evidence that shows it. Name documents you hold.")
    impact = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                             label="Impact on children and families",
                             help_text="What is better for children because of this?")
    confirm_still_holds = forms.BooleanField(required=False, label="I have checked this answer and it still holds")
    evidence_file = forms.FileField(required=False, label="Upload evidence (optional)",
                                    help_text="A PDF, Word or Excel file, or an image. Up to 10 MB.")
    version = forms.IntegerField(widget=forms.HiddenInput)
    # What the page showed, so "Save and continue" saves only what the person changed (not what a colleague
    # saved since): a fingerprint of the served answer.
    served = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, answer: Answer, levels, **kwargs):
        kwargs.setdefault("prefix", f"a{answer.pk}")
        kwargs.setdefault("initial", {
            "rating": NOT_APPLICABLE if answer.not_applicable else answer.rating_id,
            "not_applicable_reason": answer.not_applicable_reason, "narrative": answer.narrative,
            "impact": answer.impact, "version": answer.version,
            "served": fingerprint(NOT_APPLICABLE if answer.not_applicable else answer.rating_id,
                                  answer.narrative, answer.impact, answer.not_applicable_reason),
        })
        super().__init__(*args, **kwargs)
        self.answer = answer
        self.levels = {str(lvl.pk): lvl for lvl in levels}
        allows_na = answer.ret.cycle.framework.scale.allows_not_applicable
        choices = [(str(lvl.pk), lvl.label) for lvl in levels]
        if allows_na:
            choices.append((NOT_APPLICABLE, NOT_APPLICABLE_LABEL))
        self.fields["rating"].choices = choices
        self.fields["rating"].label = f"Your rating for {answer.criterion.code}"
        if allows_na:
            reason = ConditionalQuestion(NOT_APPLICABLE_LABEL, Field.textarea("not_applicable_reason", rows=2))
            rating = ConditionalRadios("rating", *[label for _, label in choices[:-1]], reason)
        else:
            rating = Field.radios("rating", legend_size="s")
            del self.fields["not_applicable_reason"]
        layout = [rating, Field.textarea("narrative", rows=4), Field.textarea("impact", rows=3), Field("evidence_file")]
        if answer.needs_check:
            layout.insert(0, Field.checkboxes("confirm_still_holds"))
        else:
            del self.fields["confirm_still_holds"]
        self.setup_helper(*layout, "version", "served")
        self.helper.show_non_field_errors = True  # saved in place: no error summary above the criterion

    def typed_changes(self) -> bool:
        """Whether what was posted differs from what the page showed (a file or a confirmation is a change)."""
        value = lambda name: self.data.get(self.add_prefix(name), "")  # noqa: E731
        if self.files.get(self.add_prefix("evidence_file")) or value("confirm_still_holds"):
            return True
        served = value("served")
        if not served:  # a page from before the fingerprint: compare with the answer as it is now
            return bool([name for name in self.changed_data if name not in ("version", "served")])
        return fingerprint(value("rating"), value("narrative"), value("impact"),
                           value("not_applicable_reason")) != served

    def clean(self):
        data = super().clean()
        choice = data.get("rating") or ""
        data["not_applicable"] = choice == NOT_APPLICABLE
        data["rating"] = self.levels.get(choice)
        data.setdefault("not_applicable_reason", "")
        if data["not_applicable"] and not (data.get("not_applicable_reason") or "").strip():
            self.add_error("not_applicable_reason", "Explain why this does not apply to your agency")
        return data


OFFICER_HELP = ("A colleague with an account signs off in the service. A senior officer without an account: give "
                "their name and work email instead, and they sign off by a single-use link we email them. Never the "
                "person who completes or submits the return.")


def officer_fields(form, ret: Return) -> list:
    """The senior officer's fields, shared by the header form (agency lead) and the officer page (lead or business
    unit)."""
    officer = form.fields["senior_officer"]
    officer.queryset = User.objects.filter(agency_id=ret.agency_id, is_active=True)
    officer.empty_label = "None: someone without an account"
    officer.required = False
    officer.label = "Senior officer with an account"
    officer.help_text = OFFICER_HELP
    form.fields["senior_officer_name"].label = "Or, without an account: their name"
    form.fields["senior_officer_email"].label = "Their work email"
    form.fields["senior_officer_email"].error_messages["invalid"] = "Enter an email address like name@example.org"
    refuse_personal_email(form.fields["senior_officer_email"])
    return [Fieldset(Field.select("senior_officer"), Field.text("senior_officer_name"),
                     Field.text("senior_officer_email"), legend="Senior officer who signs off", legend_size="s")]


class ReturnHeaderForm(GDSForm, forms.ModelForm):
    dsl_trained_on = date_field("DSL last trained", required=False)
    deputy_dsl_trained_on = date_field("Deputy DSL last trained", required=False)
    governors_reviewed_on = date_field("Governing body reviewed this return", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Return
        fields = ["deputy_name", "deputy_email", "senior_officer", "senior_officer_name", "senior_officer_email",
                  "dsl_name", "dsl_trained_on", "deputy_dsl_name", "deputy_dsl_trained_on", "governor_name",
                  "governors_reviewed_on"]

    def __init__(self, *args, can_name_officer: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        ret = self.instance
        self.fields["version"].initial = ret.version
        self.fields["deputy_email"].error_messages["invalid"] = "Enter an email address like name@example.org"
        refuse_personal_email(self.fields["deputy_email"])
        layout = [Field.text("deputy_name"), Field.text("deputy_email")]
        if can_name_officer:
            layout += officer_fields(self, ret)
        else:  # only the agency lead or the business unit names the senior officer
            for name in ("senior_officer", "senior_officer_name", "senior_officer_email"):
                del self.fields[name]
        if ret.cycle.framework.is_schools:
            layout.append(Fieldset(
                Field.text("dsl_name"), Field("dsl_trained_on"), Field.text("deputy_dsl_name"),
                Field("deputy_dsl_trained_on"), Field.text("governor_name"), Field("governors_reviewed_on"),
                legend="School safeguarding leads", legend_size="m",
            ))
        else:
            for name in ["dsl_name", "dsl_trained_on", "deputy_dsl_name", "deputy_dsl_trained_on", "governor_name",
                         "governors_reviewed_on"]:
                del self.fields[name]
        self.setup_helper(*layout, "version")

    def header_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class SeniorOfficerForm(GDSForm, forms.ModelForm):
    class Meta:
        model = Return
        fields = ["senior_officer", "senior_officer_name", "senior_officer_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(*officer_fields(self, self.instance))


class ImprovementActionForm(GDSForm, forms.Form):
    title = forms.CharField(max_length=200, label="Improvement action",
                            error_messages={"required": "Enter the improvement action"})
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What will be done, by whom",
                                  error_messages={"required": "Describe what will be done"})
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Named owner")
    due_date = date_field("Due date")

    def __init__(self, *args, ret: Return, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(agency_id=ret.agency_id, is_active=True)
        self.setup_helper(Field.text("title"), Field.textarea("description"), Field.select("owner"),
                          Field("due_date"))


class SendBackForm(GDSForm, forms.Form):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="What needs clarifying?",
                              help_text="The agency sees this message on their return.",
                              error_messages={"required": "Tell the agency what needs clarifying"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.textarea("message"))
