"""Forms for setting up and launching a Section 11 cycle. Input shape only; the rules live in services."""
from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import HTML, Div, Field, Fieldset, Size
from django import forms
from django.forms.utils import ErrorDict

from partnership.forms import GDSForm, date_field
from partnership.models import Agency, Sector

from ..models import Cycle, Framework

FILTER_BUTTONS = HTML(
    '<div class="govuk-button-group">'
    '<button type="submit" name="update_list" value="1" class="govuk-button govuk-button--secondary" '
    'data-module="govuk-button" formnovalidate>Update the list</button>'
    '<button type="submit" name="tick_all" value="1" class="govuk-button govuk-button--secondary" '
    'data-module="govuk-button" formnovalidate>Tick every agency in the list</button>'
    "</div>"
)


def _agency_hint(agency: Agency) -> str:
    parts = [agency.get_sector_display()]
    if agency.statutory_partner:
        parts.append("statutory safeguarding partner")
    if not agency.section11_duty:
        parts.append("no Section 11 duty")
    return "; ".join(parts)


class CycleForm(GDSForm, forms.Form):
    """A new cycle. The agency filter is part of the form, so changing it never loses what was typed."""

    name = forms.CharField(max_length=120, label="Name of the cycle",
                           help_text="For example, Section 11 self-assessment 2026",
                           error_messages={"required": "Enter a name for the cycle"})
    framework = forms.ModelChoiceField(queryset=Framework.objects.none(), label="Framework",
                                       empty_label="Choose the framework",
                                       help_text="The standards and criteria agencies answer against.",
                                       error_messages={"required": "Choose the framework"})
    opens_on = date_field("Opening date")
    deadline = date_field("Deadline", help_text="The last day agencies can submit. For example, 30 6 2026")
    cycle_length_months = forms.IntegerField(
        min_value=1, max_value=60, initial=24, widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        label="How often the partnership runs this self-assessment, in months",
        help_text="24 for every two years, 12 for every year.",
        error_messages={"required": "Enter how often the self-assessment runs, in months",
                        "invalid": "Enter a whole number of months, like 24",
                        "min_value": "Enter a number of months between 1 and 60",
                        "max_value": "Enter a number of months between 1 and 60"},
    )
    previous = forms.ModelChoiceField(queryset=Cycle.objects.none(), required=False, label="Previous cycle (optional)",
                                      empty_label="None",
                                      help_text="To compare with, and to copy agencies' answers from at launch.")
    sector = forms.ChoiceField(choices=[("", "All sectors"), *Sector.choices], required=False, label="Sector")
    statutory = forms.BooleanField(required=False, label="Statutory safeguarding partners only")
    section11 = forms.BooleanField(required=False, label="Agencies with a Section 11 duty only")
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(), widget=forms.CheckboxSelectMultiple, label="Agencies taking part",
        error_messages={"required": "Choose at least one agency to take part",
                        "invalid_choice": "Choose agencies from the list"},
    )

    def __init__(self, *args, shown_agencies, **kwargs):
        """`shown_agencies`: the agencies the filter lists. Ticked agencies are listed too, whatever the filter."""
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.filter(active=True).order_by("name", "-version")
        self.fields["previous"].queryset = Cycle.objects.order_by("-opens_on")
        self.fields["agencies"].queryset = Agency.objects.active()
        ticked = {str(v) for v in (self["agencies"].value() or [])}
        self._bound_fields_cache.pop("agencies", None)  # it caches the help text, which is set below
        shown = list(shown_agencies)
        self.shown_count = len(shown)
        missing = ticked - {str(a.pk) for a in shown}
        if missing:  # ticked before the filter changed: keep them, listed with the others
            shown += list(Agency.objects.active().filter(pk__in=[m for m in missing if m.isdigit()]))
            shown.sort(key=lambda a: a.name.lower())
        self.kept_count = len(shown) - self.shown_count
        self.ticked_count = len(ticked)
        self.fields["agencies"].choices = [Choice(a.pk, a.name, hint=_agency_hint(a)) for a in shown]
        if self.shown_count:
            one, kept = self.shown_count == 1, self.kept_count
            self.fields["agencies"].help_text = (
                f"{self.shown_count} {'agency matches' if one else 'agencies match'} the filter"
                + (f"; {kept} more that you ticked earlier {'is' if kept == 1 else 'are'} kept" if kept else "")
                + "."
            )
        else:
            self.fields["agencies"].help_text = "No agency matches the filter. Change the filter and update the list."
        self.setup_helper(
            Field.text("name"), Field.select("framework"), Field("opens_on"), Field("deadline"),
            Field.text("cycle_length_months", field_width=3), Field.select("previous"),
            Div(
                Fieldset(Field.select("sector"), Field.checkbox("statutory", small=True),
                         Field.checkbox("section11", small=True), FILTER_BUTTONS,
                         legend="Filter the list of agencies", legend_size=Size.SMALL),
                css_class="app-filter",
            ),
            Field.checkboxes("agencies", small=True, legend_size=Size.MEDIUM),
        )

    def clean(self):
        data = super().clean()
        # Also refused by services.cycle_create; checked here too so it is shown with the other errors.
        if data.get("opens_on") and data.get("deadline") and data["deadline"] < data["opens_on"]:
            self.add_error("deadline", "The deadline must be on or after the opening date")
        return data

    def hide_errors(self) -> None:
        """Show the form as typed without complaining (the filter changed; nothing was submitted yet)."""
        self.full_clean()
        self._errors = ErrorDict()

    def cycle_values(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("name", "framework", "opens_on", "deadline", "cycle_length_months",
                                              "previous", "agencies")}


class LaunchForm(GDSForm, forms.Form):
    copy_previous = forms.BooleanField(
        required=False, initial=True, label="Copy each agency's answers from the previous cycle",
        help_text="Answers and evidence are copied as a starting point. Every copied answer is marked for the "
        "agency to check before it can submit.",
    )

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        if cycle.previous_id:
            self.fields["copy_previous"].help_text = f"From {cycle.previous}. {self.fields['copy_previous'].help_text}"
            self.setup_helper(Field.checkbox("copy_previous"))
        else:
            del self.fields["copy_previous"]
            self.setup_helper()
