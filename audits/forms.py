"""Forms for the audits app. Input shape only; the rules live in services."""
from crispy_forms_gds.layout import Field, Size
from django import forms

from partnership.forms import GDSForm, InspectionCriteriaField, criteria_layout, date_field
from partnership.input_rules import as_id
from partnership.models import Agency, JourneyStage, Priority, User

from .models import Audit, AuditCase, AuditTool, Finding, Programme

TEXT = {"rows": 3}


def _select(qs, label, **kw):
    return forms.ModelChoiceField(queryset=qs, label=label, **kw)


class ProgrammeForm(GDSForm, forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["year", "notes"]
        labels = {"year": "Year", "notes": "Notes (optional)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].error_messages["required"] = "Enter the year, for example 2025-26"
        self.fields["year"].error_messages["unique"] = "There is already a programme for that year"
        self.setup_helper(Field.text("year", field_width=10), Field.textarea("notes", rows=3))


class AuditForm(GDSForm, forms.ModelForm):
    planned_month = date_field("Planned month", help_text="Any day in the month, for example 1 3 2026",
                               required=False)
    agency_audits_due = date_field("Agency audits due", required=False,
                                   help_text="In inspection mode, leave blank for the short deadline.")
    meeting_date = date_field("Audit meeting date", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Audit
        fields = ["theme", "question", "terms_of_reference", "prompted_by", "priority", "sample_criteria",
                  "agencies", "tool", "follow_up_of", "inspection_mode", "journey_stages", "inspection_criteria"]
        labels = {"theme": "Theme", "question": "The question the audit asks", "priority": "Partnership priority",
                  "prompted_by": "What prompted it (reviews, inspection findings, data)",
                  "follow_up_of": "Follow-up of an earlier audit (optional)", "tool": "Audit tool",
                  "agencies": "Agencies taking part", "sample_criteria": "Sample criteria"}
        widgets = {"agencies": forms.CheckboxSelectMultiple, "question": forms.Textarea(attrs=TEXT),
                   "terms_of_reference": forms.Textarea(attrs={"rows": 5}), "prompted_by": forms.Textarea(attrs=TEXT),
                   "sample_criteria": forms.Textarea(attrs=TEXT), "journey_stages": forms.CheckboxSelectMultiple}
        field_classes = {"inspection_criteria": InspectionCriteriaField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.active()
        self.fields["agencies"].required = False
        self.fields["tool"].queryset = AuditTool.objects.filter(active=True)
        self.fields["journey_stages"].label = "Stages of the child's journey (optional)"
        self.fields["priority"].queryset = Priority.objects.all()
        others = Audit.objects.order_by("-pk")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            self.fields["version"].initial = self.instance.version
        self.fields["follow_up_of"].queryset = others
        self.fields["theme"].error_messages["required"] = "Enter the theme of the audit"
        self.fields["tool"].error_messages["required"] = "Choose the audit tool"
        self.fields["inspection_mode"].help_text = ("During a joint targeted area inspection: inspectors name the "
                                                    "children and agencies audit them within a week.")
        self.setup_helper(
            Field.text("theme"), Field.textarea("question", rows=3), Field.textarea("terms_of_reference", rows=5),
            Field.textarea("prompted_by", rows=3), Field.select("priority"), Field.textarea("sample_criteria", rows=3),
            Field.checkboxes("agencies", small=True, legend_size=Size.SMALL), Field.select("tool"),
            Field("planned_month"), Field("agency_audits_due"), Field("meeting_date"), Field.select("follow_up_of"),
            Field.checkbox("inspection_mode", small=True),
            Field.checkboxes("journey_stages", small=True, legend_size=Size.SMALL), criteria_layout(),
            "version",
        )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if data.get("planned_month"):
            data["planned_month"] = data["planned_month"].replace(day=1)
        return data


class CaseForm(GDSForm, forms.Form):
    case_reference = forms.CharField(
        max_length=30, label="Case reference",
        help_text="The partnership's reference only, for example MA-2026-014. Never a name or a date of birth.",
        error_messages={"required": "Enter the case reference, for example MA-2026-014"})
    age_band = forms.ChoiceField(choices=AuditCase.AgeBand.choices, widget=forms.RadioSelect, label="Age band",
                                 error_messages={"required": "Choose the child's age band"})
    agencies = forms.ModelMultipleChoiceField(queryset=Agency.objects.none(), widget=forms.CheckboxSelectMultiple,
                                              label="Agencies involved with the child",
                                              error_messages={"required": "Choose at least one agency"})
    named_by_inspectors = forms.BooleanField(required=False, label="Named by the inspectors")

    def __init__(self, *args, audit: Audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.active()
        layout = [Field.text("case_reference", field_width=20),
                  Field.radios("age_band", small=True, inline=True, legend_size=Size.SMALL),
                  Field.checkboxes("agencies", small=True, legend_size=Size.SMALL)]
        if audit.inspection_mode:
            layout.append(Field.checkbox("named_by_inspectors", small=True))
        else:
            del self.fields["named_by_inspectors"]
        self.setup_helper(*layout)


class ConcernForm(GDSForm, forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Responsible agency",
                                    empty_label="Choose the agency",
                                    error_messages={"required": "Choose the agency that must act"})
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=5000, label="Why the child may be unsafe now",
        help_text="Describe the risk and what you found. Do not name the child or anyone in the family.",
        error_messages={"required": "Describe why the child may be unsafe now"})

    def __init__(self, *args, case: AuditCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = case.agencies.all()
        self.setup_helper(Field.select("agency"), Field.textarea("description", rows=5))


class AcknowledgeForm(GDSForm, forms.Form):
    action_taken = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                                   label="Action your agency has taken",
                                   error_messages={"required": "Say what action your agency has taken"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.textarea("action_taken", rows=4))


class MeetingForm(GDSForm, forms.Form):
    held_on = date_field("Date of the meeting")
    attendees = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False,
                                               widget=forms.CheckboxSelectMultiple, label="People who attended")
    attending_agencies = forms.ModelMultipleChoiceField(queryset=Agency.objects.none(), required=False,
                                                        widget=forms.CheckboxSelectMultiple,
                                                        label="Agencies represented")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False, label="Notes (optional)")

    def __init__(self, *args, audit: Audit, **kwargs):
        super().__init__(*args, **kwargs)
        agency_ids = list(audit.agencies.values_list("pk", flat=True))
        self.fields["attending_agencies"].queryset = Agency.objects.filter(pk__in=agency_ids)
        self.fields["attendees"].queryset = User.objects.filter(is_active=True).filter(
            roles__role__in=["business_unit", "qa_member", "chair", "agency_lead", "agency_contributor"]
        ).distinct().order_by("full_name")
        self.fields["attendees"].label_from_instance = lambda u: f"{u.full_name}" + (f" ({u.agency})" if u.agency_id
                                                                                     else "")
        self.setup_helper(Field("held_on"), Field.checkboxes("attendees", small=True, legend_size=Size.SMALL),
                          Field.checkboxes("attending_agencies", small=True, legend_size=Size.SMALL),
                          Field.textarea("notes", rows=5))


class FindingForm(GDSForm, forms.Form):
    kind = forms.ChoiceField(choices=Finding.Kind.choices, widget=forms.RadioSelect, label="Kind of finding",
                             error_messages={"required": "Choose a strength or an area for development"})
    theme = forms.CharField(max_length=120, label="Theme", help_text="For example, Voice of the child",
                            error_messages={"required": "Enter the theme this finding belongs to"})
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Finding",
                           error_messages={"required": "Describe the finding"})
    journey_stages = forms.ModelMultipleChoiceField(queryset=JourneyStage.objects.all(), required=False,
                                                    widget=forms.CheckboxSelectMultiple,
                                                    label="Stages of the child's journey (optional)")
    inspection_criteria = InspectionCriteriaField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.radios("kind", small=True, inline=True, legend_size=Size.SMALL), Field.text("theme"),
                          Field.textarea("text", rows=4),
                          Field.checkboxes("journey_stages", small=True, legend_size=Size.SMALL),
                          criteria_layout())


class RecommendationForm(GDSForm, forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Recommendation",
                           error_messages={"required": "Enter the recommendation"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.textarea("text", rows=3))


class SummaryForm(GDSForm, forms.Form):
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), label="The chair's summary",
                              error_messages={"required": "Write the summary"})
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.textarea("summary", rows=8), "version")


class FeedbackForm(GDSForm, forms.Form):
    given_on = date_field("Date feedback was given")
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False, label="Agency (optional)",
                                    empty_label="All the agencies involved")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Note (optional)")

    def __init__(self, *args, case: AuditCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = case.agencies.all()
        self.setup_helper(Field("given_on"), Field.select("agency"), Field.textarea("note", rows=3))


ANSWER_FIELDS = (("good_practice", "Good practice"), ("areas_for_development", "Areas for development"),
                 ("recommendations", "Recommendations"))


class AgencyAuditForm(GDSForm, forms.Form):
    """An agency's audit of a case, every domain on one page: for each domain a grade from the tool's scale
    (`grade-<domain id>`) and three boxes (`good_practice-<domain id>`, ...), with the record's version.
    The page lays the fields out itself (templates/audits/agency_audit.html); the rules are the service's
    (`services.returns.agency_audit_save`). No query: the grades are given."""

    version = forms.CharField(required=False, widget=forms.HiddenInput)  # anything but a number: a stale page

    def __init__(self, *args, answers, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.domain_ids = [answer.domain_id for answer in answers]
        self.grades = {str(grade.pk): grade for grade in grades}
        for answer in answers:
            title, domain_id = answer.domain.title, answer.domain_id
            self.fields[f"grade-{domain_id}"] = forms.ChoiceField(
                choices=[("", "Not graded yet"), *((pk, g.label) for pk, g in self.grades.items())], required=False,
                label=f"{title}, grade", widget=forms.RadioSelect)
            for name, label in ANSWER_FIELDS:
                self.fields[f"{name}-{domain_id}"] = forms.CharField(
                    required=False, label=f"{title}, {label.lower()}", widget=forms.Textarea)

    @property
    def submitting(self) -> bool:
        return self.data.get("action") == "submit"

    @property
    def expected_version(self) -> int:
        version = as_id(self.data.get("version", ""))
        return -1 if version is None else version

    def typed(self) -> dict[int, dict]:
        """What was typed, by domain id, as the service takes it: a grade of the scale or None, and the text as
        it was sent (shown again as it was when anything is refused)."""
        return {domain_id: {"grade": self.grades.get(self.data.get(f"grade-{domain_id}", "")),
                            **{name: self.data.get(f"{name}-{domain_id}", "") for name, _ in ANSWER_FIELDS}}
                for domain_id in self.domain_ids}


class ConsensusForm(GDSForm, forms.Form):
    """The meeting's consensus on a case, every domain on one page: for each domain an agreed grade from the
    tool's scale (`grade-<domain id>`), the learning (`notes-<domain id>`) and the version of the grade the
    page showed (`version-<domain id>`); then the discussion notes. The page lays the fields out itself
    (templates/audits/consensus.html); the rules are the service's (`services.meeting.consensus_save`). No
    query: the domains and grades are given."""

    discussion_notes = forms.CharField(required=False, label="Discussion notes", widget=forms.Textarea)

    def __init__(self, *args, domains, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.domain_ids = [domain.pk for domain in domains]
        self.grades = {str(grade.pk): grade for grade in grades}
        for domain in domains:
            title = domain.title.lower()
            self.fields[f"grade-{domain.pk}"] = forms.ChoiceField(
                choices=[("", "Not agreed yet"), *((pk, g.label) for pk, g in self.grades.items())], required=False,
                label=f"Agreed grade for {title}", widget=forms.RadioSelect)
            self.fields[f"notes-{domain.pk}"] = forms.CharField(required=False, label=f"Learning on {title}",
                                                                widget=forms.Textarea)
            # Anything but a number is a stale page; none at all, a page from before any grade.
            self.fields[f"version-{domain.pk}"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def typed_grade(self, domain_id: int):
        """The grade of the scale chosen for the domain, or None (shown again as chosen when refused)."""
        return self.grades.get(self.data.get(f"grade-{domain_id}", ""))

    def typed_notes(self, domain_id: int) -> str:
        return self.data.get(f"notes-{domain_id}", "")

    def values(self) -> dict:
        """The service's keyword arguments (`consensus_save`), from a valid form."""
        data = self.cleaned_data
        versions = {d: as_id(data[f"version-{d}"] or "0") for d in self.domain_ids}
        return {"grades": {d: self.grades.get(data[f"grade-{d}"]) for d in self.domain_ids},
                "notes": {d: data[f"notes-{d}"] for d in self.domain_ids},
                "discussion_notes": data["discussion_notes"],
                "versions": {d: -1 if v is None else v for d, v in versions.items()}}
