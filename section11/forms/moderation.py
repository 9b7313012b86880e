"""Forms for moderating a return and recording its challenge session. Input shape only."""
from crispy_forms_gds.layout import Field, Size
from django import forms

from partnership.forms import GDSForm, date_field

from ..models import Answer, RatingLevel


class ModerationForm(GDSForm, forms.Form):
    """One criterion's moderated rating. Prefixed by the answer id: a standard's page holds many of them."""

    moderated_rating = forms.ModelChoiceField(queryset=RatingLevel.objects.none(), required=False,
                                              widget=forms.RadioSelect, empty_label=None, label="Moderated rating")
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                              label="Moderator's comment",
                              help_text="What the evidence shows. The agency reads this in its feedback letter.")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, answer: Answer, levels, **kwargs):
        kwargs.setdefault("prefix", f"m{answer.pk}")
        kwargs.setdefault("initial", {"moderated_rating": answer.moderated_rating_id,
                                      "comment": answer.moderator_comment, "version": answer.version})
        super().__init__(*args, **kwargs)
        self.answer = answer
        field = self.fields["moderated_rating"]
        field.queryset = RatingLevel.objects.filter(pk__in=[lvl.pk for lvl in levels])
        field.choices = [(lvl.pk, lvl.label) for lvl in levels]
        field.label = f"Moderated rating for {answer.criterion.code}"
        self.fields["comment"].label = f"Moderator's comment on {answer.criterion.code}"
        self.setup_helper(Field.radios("moderated_rating", legend_size=Size.SMALL, small=True),
                          Field.textarea("comment", rows=4), "version")
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        if not data.get("moderated_rating") and not (data.get("comment") or "").strip() and not self.errors:
            self.add_error("moderated_rating", f"Choose a moderated rating for {self.answer.criterion.code}, "
                                               "or write a comment")
        return data


class ChallengeSessionForm(GDSForm, forms.Form):
    held_on = date_field("Date the session was held")
    panel_members = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="Panel members", max_length=5000,
        help_text="One per line: name and role.", error_messages={"required": "Enter the panel members"},
    )
    agency_attendees = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Who attended for the agency", max_length=5000,
        help_text="One per line: name and role.", error_messages={"required": "Enter who attended for the agency"},
    )
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), label="Questions asked", max_length=10000,
        help_text="One per line.", error_messages={"required": "Enter the questions the panel asked"},
    )
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), label="Outcome", max_length=10000,
        help_text="What the panel concluded and what it asks of the agency. This goes into the feedback letter.",
        error_messages={"required": "Enter the outcome of the session"},
    )
    letter_signatory = forms.CharField(
        max_length=150, required=False, label="Who signs the feedback letter (optional)",
        help_text="Name and role, for example Jo Smith, Independent Scrutineer. Leave blank for the business "
        "unit manager.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field("held_on"), Field.textarea("panel_members", rows=4),
                          Field.textarea("agency_attendees", rows=3), Field.textarea("questions", rows=6),
                          Field.textarea("outcome", rows=6), Field.text("letter_signatory"))
