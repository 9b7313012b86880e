"""Forms for data returns. Input shape only: the value rules live in services/returns.py (`check_value`)."""
from crispy_forms_gds.layout import HTML, Field
from django import forms
from django.utils.html import escape, format_html

from partnership.forms import GDSForm, SpreadsheetUploadForm, date_field
from partnership.uploads import XLSX

from .. import spreadsheets
from ..models import Indicator, Period, Unit, Value
from ..services.returns import MAX_TEXT
from ..services.upload import is_csv

VALUE_LABELS = {Unit.COUNT: "Number", Unit.DAYS: "Number of days", Unit.PERCENTAGE: "Percentage",
                Unit.RATE_PER_10K: "Rate per 10,000 children", Unit.YES_NO: "Yes or no"}


class NumberField(forms.DecimalField):
    """A figure typed in a text box (crispy-forms-gds leaves number inputs unstyled, and a number input
    changes a figure when someone scrolls over it). '1,250' and '85%' are read as 1250 and 85."""

    def __init__(self, **kwargs):
        attrs = {"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"}
        super().__init__(required=False, widget=forms.TextInput(attrs=attrs), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return spreadsheets.parse_number(value)
        except spreadsheets.NumberError as error:
            raise forms.ValidationError(str(error), code="invalid") from error


def _label(text: str, code: str) -> str:
    """A label that names the indicator to screen readers (a page holds one form per indicator)."""
    return format_html('{}<span class="govuk-visually-hidden"> for {}</span>', text, code)


class ValueForm(GDSForm, forms.Form):
    """One indicator's figure for the period. Prefixed by the indicator, so a return's page holds many."""

    numerator = NumberField()
    denominator = NumberField()
    value = NumberField()
    provisional = forms.BooleanField(required=False, label="This figure is provisional: it may still change")
    commentary = forms.CharField(required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}),
                                 label="Commentary",
                                 help_text="The story behind the number: what explains it, and what is being done.")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, indicator: Indicator, value: Value | None = None, **kwargs):
        kwargs.setdefault("prefix", f"i{indicator.pk}")
        if value is not None:
            kwargs.setdefault("initial", {
                "numerator": spreadsheets.format_number(value.numerator),
                "denominator": spreadsheets.format_number(value.denominator),
                # A ratio's value is worked out from its parts: the box holds only a value typed on its own.
                "value": spreadsheets.format_number(value.value) if value.value is not None and not (
                    indicator.uses_ratio and value.numerator is not None) else "",
                "provisional": value.provisional, "commentary": value.commentary, "version": value.version})
        else:
            kwargs.setdefault("initial", {"version": 0})  # 0: no figure yet; one entered meanwhile conflicts
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        code = indicator.code
        self.fields["commentary"].label = _label("Commentary", code)
        self.fields["commentary"].error_messages["max_length"] = (
            f"Commentary must be {MAX_TEXT} characters or fewer")
        self.fields["provisional"].label = _label("This figure is provisional: it may still change", code)
        layout = []
        if indicator.uses_ratio:
            self.fields["numerator"].label = _label("Numerator", code)
            self.fields["numerator"].help_text = indicator.numerator_definition
            self.fields["denominator"].label = _label("Denominator", code)
            self.fields["denominator"].help_text = indicator.denominator_definition
            unit = VALUE_LABELS[indicator.unit].lower()
            self.fields["value"].label = _label(f"The {unit}", code)
            self.fields["value"].help_text = "Leave the numerator and denominator empty: with them, it is worked out."
            # The value on its own is the exception: tucked in a details element, open when it is used.
            used = bool(self.initial.get("value")) or (self.is_bound and bool(self.data.get(self.add_prefix("value"))))
            layout += [Field.text("numerator", field_width=10), Field.text("denominator", field_width=10),
                       HTML(f'<details class="govuk-details"{" open" if used else ""}><summary class="govuk-details__'
                            f'summary"><span class="govuk-details__summary-text">I only have the {escape(unit)}'
                            '</span></summary><div class="govuk-details__text">'),
                       Field.text("value", field_width=10), HTML("</div></details>")]
        else:
            del self.fields["numerator"], self.fields["denominator"]
            if indicator.unit == Unit.YES_NO:
                self.fields["value"] = forms.TypedChoiceField(
                    choices=[("1", "Yes"), ("0", "No")], coerce=spreadsheets.parse_number, empty_value=None,
                    required=False, widget=forms.RadioSelect, label=_label("Yes or no", code))
                if value is not None and value.value is not None:
                    self.initial["value"] = "1" if value.value else "0"
                layout.append(Field.radios("value", inline=True))
            else:
                self.fields["value"].label = _label(VALUE_LABELS[indicator.unit], code)
                layout.append(Field.text("value", field_width=10))
        layout += [Field.checkbox("provisional", small=True), Field.textarea("commentary", rows=3)]
        self.setup_helper(*layout, "version")

    def figures(self) -> dict:
        """What `value_save` and `check_value` take, from the cleaned data."""
        data = self.cleaned_data
        return {"numerator": data.get("numerator"), "denominator": data.get("denominator"),
                "value": data.get("value"), "provisional": data.get("provisional", False),
                "commentary": data.get("commentary", "")}


class PeriodChoiceForm(GDSForm, forms.Form):
    period = forms.ModelChoiceField(queryset=Period.objects.none(), label="Period", empty_label=None)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        field.queryset = periods
        # Every period of every kind (about 85): read once as choices, not once by the widget and again by the
        # GOV.UK template through the field's queryset iterator.
        field.choices = [(p.pk, f"{p.label} ({p.get_kind_display().lower()})") for p in periods]
        self.setup_helper(Field.select("period"))


class OpenForm(GDSForm, forms.Form):
    due_date = date_field("Due date", help_text="After the period ends. For example, 20 1 2027")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field("due_date"))


class QueryForm(GDSForm, forms.Form):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=MAX_TEXT,
                              label="What needs checking?",
                              help_text="The agency sees this on their data return, which they can change again, "
                                        "and its leads are emailed a link to it. Never name a child.",
                              error_messages={"required": "Say what needs checking, so the agency can answer"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.textarea("message", rows=5))


class ReplyForm(GDSForm, forms.Form):
    """A reply in a data return's query thread (the agency's or the business unit's)."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_TEXT, label="Your reply",
                           help_text="The other side is emailed a link to read it here. Never name a child.",
                           error_messages={"required": "Write your reply"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.textarea("text", rows=4))


class UploadForm(SpreadsheetUploadForm):
    """The data return's workbook, or a CSV file with the same columns (a data return's file is a few kilobytes)."""

    file = forms.FileField(
        label="Upload your completed spreadsheet",
        help_text="The Excel workbook (.xlsx) you downloaded from this data return, or a CSV file with the same "
                  "columns. Up to 5 MB.",
        error_messages={"required": "Select the completed spreadsheet", "empty": "The selected file is empty"},
    )

    def kind_of(self, upload, kind) -> str:
        if kind is XLSX:
            return self.workbook(upload)
        if kind is None and is_csv(upload):
            return "csv"
        if kind is not None:
            raise forms.ValidationError("The selected file must be an Excel workbook (.xlsx) or a CSV file: this "
                                        f"file is a {kind.label}")
        if (upload.name or "").lower().endswith(".csv"):
            raise forms.ValidationError("The selected CSV file is not UTF-8 text. In Excel, save it as “CSV UTF-8 "
                                        "(comma delimited)” and upload it again")
        raise forms.ValidationError("The selected file must be an Excel workbook (.xlsx) or a CSV file (.csv)")
