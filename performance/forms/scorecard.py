"""Scorecard filters and the turn-the-curve form. Input shape only; the rules live in services/curve.py."""
from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from partnership.forms import GDSForm, date_field
from partnership.models import User
from partnership.widgets import QuickSelect

from ..models import Frequency, Period, TurnTheCurve
from ..scorecard import RAG_FILTERS

SELECT = QuickSelect(attrs={"class": "govuk-select"})  # the agencies: hundreds on a service of many partnerships


def _choices(rows, empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((str(pk), label) for pk, label in rows)]


class ScorecardFilterForm(GDSForm, forms.Form):
    """The GET filters of the scorecard (and the period chooser of the exception report).

    Anything unknown is ignored rather than refused: a stale bookmark still shows a scorecard.
    """

    frequency = forms.ChoiceField(choices=Frequency.choices, required=False, label="Indicators reported",
                                  widget=SELECT)
    period = forms.ChoiceField(required=False, label="Period", widget=SELECT)
    priority = forms.ChoiceField(required=False, label="Partnership priority", widget=SELECT)
    journey_stage = forms.ChoiceField(required=False, label="Journey of the child", widget=SELECT)
    agency = forms.ChoiceField(required=False, label="Owning agency", widget=SELECT)
    rag = forms.ChoiceField(required=False, label="RAG rating", choices=_choices(RAG_FILTERS, "Any rating"),
                            widget=SELECT)

    FILTERS = ("priority", "journey_stage", "agency", "rag")

    def __init__(self, data, *, periods: list[Period], priorities=(), stages=(), agencies=()):
        super().__init__(data)
        self.fields["period"].choices = [(str(p.pk), p.label + ("" if p.has_validated else " (not yet validated)"))
                                         for p in periods]
        self.fields["priority"].choices = _choices(priorities, "All priorities")
        self.fields["journey_stage"].choices = _choices(stages, "Every stage")
        self.fields["agency"].choices = _choices(agencies, "All agencies")

    def value(self, name: str) -> str:
        """The cleaned value, or "" when it was missing or not one of the choices."""
        if not self.is_bound:
            return ""
        raw = self.data.get(name) or ""
        return raw if any(str(key) == raw for key, _ in self.fields[name].choices) else ""

    def as_params(self, *names: str) -> dict[str, str]:
        return {name: self.value(name) for name in names if self.value(name)}


class TurnTheCurveForm(GDSForm, forms.ModelForm):
    """A turn-the-curve record, and optionally a new action for the shared tracker in the same save."""

    action_title = forms.CharField(max_length=200, required=False, label="Action title")
    action_description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What will be done, by whom",
        help_text="Specific and measurable: how will you know it has made a difference?")
    action_owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Named owner",
                                          empty_label="No named owner yet")
    action_due_date = date_field("Due date", required=False)
    last_updated = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = TurnTheCurve
        fields = ["baseline", "forecast", "story", "partners", "what_works"]
        labels = {
            "baseline": "Baseline: where are we now?",
            "forecast": "Forecast: what happens if we do nothing differently?",
            "story": "The story behind the curve",
            "partners": "Partners with a role to play",
            "what_works": "What works (what could work)?",
        }
        help_texts = {
            "baseline": "The figures so far and the trend, in words.",
            "forecast": "Where the line goes in the next year or two if the partnership carries on as now.",
            "story": "What is pushing the line up or down: contributing and limiting factors.",
            "partners": "Who else could help turn the curve.",
            "what_works": "Including low-cost and no-cost ideas, and what the evidence says.",
        }

    ACTION_FIELDS = ("action_title", "action_description", "action_owner", "action_due_date")

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        messages = {"baseline": "Describe the baseline", "forecast": "Describe the forecast",
                    "story": "Tell the story behind the curve", "partners": "Name the partners with a role",
                    "what_works": "Describe what works"}
        for name, message in messages.items():
            self.fields[name].error_messages["required"] = message
        self.fields["action_owner"].queryset = User.objects.filter(agency_id=indicator.owner_agency_id,
                                                                   is_active=True)
        if self.instance.pk and not self.is_bound:
            self.initial["last_updated"] = self.instance.updated_at.isoformat()
        self.setup_helper(
            Field.textarea("baseline", rows=3), Field.textarea("forecast", rows=3), Field.textarea("story", rows=5),
            Field.textarea("partners", rows=3), Field.textarea("what_works", rows=5),
            Fieldset(
                Field.text("action_title"), Field.textarea("action_description", rows=3),
                Field.select("action_owner"),
                Field("action_due_date"),
                legend="Add an action to the partnership's tracker (optional)", legend_size=Size.MEDIUM,
            ),
            "last_updated",
        )

    def clean(self):
        data = super().clean()
        given = [name for name in self.ACTION_FIELDS if data.get(name)]
        if given:
            required = {"action_title": "Enter the action title, or leave every action field empty",
                        "action_description": "Describe what will be done",
                        "action_due_date": "Enter the due date of the action"}
            for name, message in required.items():
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return data

    def action(self) -> dict | None:
        """The new action's details, or None when none was asked for."""
        data = self.cleaned_data
        if not data.get("action_title"):
            return None
        return {"title": data["action_title"], "description": data["action_description"],
                "owner": data.get("action_owner"), "due_date": data["action_due_date"]}

    def record_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
