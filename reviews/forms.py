"""Input shape only for the reviews app; every rule lives in reviews.services."""
from django import forms

from partnership.child_details import ETHNICITY_GROUPS, AgeBand, Disability, Sex
from partnership.forms import GDSForm, InspectionCriteriaField, date_field
from partnership.models import Agency, JourneyStage

from .models import LCSPR, LCSPRCheck, Notification, NotifiedChild, ParallelProcess, RapidReview

TEXTAREA = forms.Textarea(attrs={"rows": 5})


class _Form(GDSForm, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper()


def _agencies():
    return Agency.objects.order_by("name")


class ReferralForm(_Form):
    case_reference = forms.CharField(max_length=40, label="Case reference", help_text="For example, MSCP-2026-07",
                                     error_messages={"required": "Enter the case reference"})
    referring_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Referring agency",
                                              error_messages={"required": "Choose the referring agency"})
    referred_on = date_field("Date referred")
    summary = forms.CharField(widget=TEXTAREA, label="Summary",
                              help_text="What happened. Do not use names or dates of birth.",
                              error_messages={"required": "Enter a summary"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referring_agency"].queryset = _agencies()


class PartnerReferralForm(_Form):
    summary = forms.CharField(
        widget=TEXTAREA, label="What happened?",
        help_text="What happened to the child, when your agency learned of it, and which agencies are involved. "
                  "Do not use names, dates of birth or addresses: the reviews group will contact you for details.",
        error_messages={"required": "Describe what happened"})


class ScreeningForm(_Form):
    notifiable = forms.TypedChoiceField(
        choices=[("yes", "Yes: the criteria for notification are met"), ("no", "No: not notifiable")],
        coerce=lambda v: v == "yes", widget=forms.RadioSelect, label="Do the three partners decide it is notifiable?",
        error_messages={"required": "Choose whether the case is notifiable"})
    rationale = forms.CharField(widget=TEXTAREA, label="Rationale", error_messages={"required": "Enter the rationale"})
    decided_on = date_field("Date of the decision")


class NotificationForm(_Form):
    pseudonym = forms.CharField(max_length=60, label="Pseudonym", help_text="For example, Child R. Never a real name.",
                                error_messages={"required": "Enter a pseudonym"})
    nature = forms.ChoiceField(choices=Notification.Nature.choices, widget=forms.RadioSelect, label="Nature",
                               error_messages={"required": "Choose the nature of the incident"})
    incident_on = date_field("Date of the incident")
    became_aware_on = date_field("Date the local authority became aware",
                                 help_text="The 5-working-day clock starts here. For example, 23 12 2026")
    location = forms.ChoiceField(choices=Notification.Location.choices, widget=forms.RadioSelect, label="Location",
                                 initial=Notification.Location.IN_AREA)
    suspected_suicide = forms.BooleanField(required=False, label="Suspected suicide")
    media_interest = forms.BooleanField(required=False, label="Media interest")
    parallel_processes = forms.MultipleChoiceField(choices=ParallelProcess.choices, required=False,
                                                   widget=forms.CheckboxSelectMultiple, label="Parallel processes")
    agencies = forms.ModelMultipleChoiceField(queryset=Agency.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple, label="Agencies involved",
                                              help_text="Each is asked for an individual agency summary.")
    rules_version = forms.CharField(max_length=20, initial="2023", label="Notification rules version")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = _agencies()


class ChildForm(_Form):
    """The child's details as the service's standard categories (partnership.child_details), never typed."""

    age_band = forms.ChoiceField(choices=[("", "Choose an age band")] + AgeBand.choices, label="Age band",
                                 help_text="An age band, never a date of birth.",
                                 error_messages={"required": "Choose the child's age band"})
    sex = forms.ChoiceField(choices=Sex.choices, widget=forms.RadioSelect, label="Sex",
                            error_messages={"required": "Choose the child's sex, or Not known"})
    ethnicity = forms.ChoiceField(
        choices=[("", "Choose an ethnic group")] + [(group, options) for group, options in ETHNICITY_GROUPS],
        label="Ethnicity", help_text="The ONS 2021 Census categories.",
        error_messages={"required": "Choose the child's ethnicity, or Not known"})
    disability = forms.ChoiceField(choices=Disability.choices, widget=forms.RadioSelect, label="Disability",
                                   help_text="A physical or mental health condition lasting or expected to last "
                                             "12 months or more, and whether it limits day-to-day activities.",
                                   error_messages={"required": "Choose whether the child is disabled, or Not known"})
    legal_status = forms.ChoiceField(choices=NotifiedChild.LegalStatus.choices, label="Legal status")


class NotificationSubmitForm(_Form):
    notified_on = date_field("Date notified")
    partners_told_on = date_field("Date the safeguarding partners were told", required=False)
    panel_reference = forms.CharField(max_length=40, required=False, label="The Panel's reference")
    late_reason = forms.CharField(widget=TEXTAREA, required=False, label="Reason for a late notification",
                                  help_text="Required when notified after the 5-working-day deadline.")


class ContentForm(_Form):
    context = forms.CharField(widget=TEXTAREA, required=False,
                              label="Context of the child and family, including race, disability and other "
                                    "protected characteristics")
    incident = forms.CharField(widget=TEXTAREA, required=False, label="The incident")
    practice_episodes = forms.CharField(widget=TEXTAREA, required=False, label="Key practice episodes and analysis")
    strengths = forms.CharField(widget=TEXTAREA, required=False, label="Strengths")
    learning = forms.CharField(widget=TEXTAREA, required=False, label="Learning")
    immediate_actions = forms.CharField(widget=TEXTAREA, required=False, label="Immediate safeguarding actions")
    parallel_processes_note = forms.CharField(widget=TEXTAREA, required=False, label="Parallel processes")
    panel_met_on = date_field("Date the rapid review panel met", required=False)
    journey_stages = forms.ModelMultipleChoiceField(
        queryset=JourneyStage.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Journey stages the learning concerns", help_text="Counted in the learning coverage map.")
    inspection_criteria = InspectionCriteriaField(label="Inspection criteria the learning concerns (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journey_stages"].queryset = JourneyStage.objects.all()


class DecisionForm(_Form):
    criterion_a = forms.BooleanField(required=False, label=RapidReview._meta.get_field("criterion_a").verbose_name)
    criterion_b = forms.BooleanField(required=False, label=RapidReview._meta.get_field("criterion_b").verbose_name)
    criterion_c = forms.BooleanField(required=False, label=RapidReview._meta.get_field("criterion_c").verbose_name)
    criterion_d = forms.BooleanField(required=False, label=RapidReview._meta.get_field("criterion_d").verbose_name)
    rationale = forms.CharField(widget=TEXTAREA, label="Rationale", error_messages={"required": "Enter the rationale"})
    outcome = forms.ChoiceField(choices=RapidReview.Outcome.choices, widget=forms.RadioSelect, label="Outcome",
                                error_messages={"required": "Choose the outcome"})
    panel_leading_national_review = forms.BooleanField(required=False, label="The Panel is leading a national review")
    decided_on = date_field("Date of the decision")


class SendForm(_Form):
    sent_on = date_field("Date sent to the Panel")


class PanelResponseForm(_Form):
    response = forms.ChoiceField(choices=RapidReview.PanelResponse.choices, widget=forms.RadioSelect,
                                 label="The Panel's response", error_messages={"required": "Choose the response"})
    received_on = date_field("Date received")


class SummaryForm(_Form):
    involvement = forms.CharField(widget=TEXTAREA, required=False, label="Your agency's involvement")
    analysis = forms.CharField(widget=TEXTAREA, required=False, label="Analysis of practice")
    learning = forms.CharField(widget=TEXTAREA, required=False, label="Learning")
    immediate_actions = forms.CharField(widget=TEXTAREA, required=False, label="Immediate actions taken")


class LCSPRMoveForm(_Form):
    stage = forms.ChoiceField(choices=LCSPR.Stage.choices, label="Move to", widget=forms.RadioSelect)
    on = date_field("Date of the pre-publication notice, or of publication", required=False,
                    help_text="Needed for the pre-publication notice and for publication. For example, 2 10 2026")
    planned_publication_on = date_field("Planned publication date", required=False,
                                        help_text="Needed with the pre-publication notice.")
    reviewer_name = forms.CharField(max_length=150, required=False, label="Independent reviewer",
                                    help_text="Needed to move to 'Reviewer appointed'.")
    terms_of_reference = forms.CharField(widget=TEXTAREA, required=False, label="Terms of reference",
                                         help_text="Needed to move to 'Terms of reference agreed'.")
    deferred_reason = forms.CharField(widget=TEXTAREA, required=False, label="Reason publication is deferred",
                                      help_text="Needed to defer publication.")
    published_title = forms.CharField(max_length=120, required=False, label="Published title",
                                      help_text="Needed to publish: a pseudonym, for example Child M.")

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(c, LCSPR.Stage(c).label) for c in choices]


class LCSPRCheckForm(_Form):
    kind = forms.ChoiceField(choices=LCSPRCheck.Kind.choices, widget=forms.RadioSelect, label="Kind")
    on = date_field("Date")
    note = forms.CharField(widget=TEXTAREA, label="What was checked or asked for",
                           error_messages={"required": "Enter what was checked"})


class LCSPRDelayForm(_Form):
    on = date_field("Date recorded")
    reason = forms.CharField(widget=TEXTAREA, label="Reason for the delay",
                             error_messages={"required": "Enter the reason"})


class RecommendationForm(_Form):
    text = forms.CharField(widget=TEXTAREA, label="Recommendation", error_messages={"required": "Enter the text"})
    made_on = date_field("Date of the recommendation (or publication)")
    journey_stages = forms.ModelMultipleChoiceField(queryset=JourneyStage.objects.none(), required=False,
                                                    widget=forms.CheckboxSelectMultiple, label="Journey stages")
    inspection_criteria = InspectionCriteriaField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journey_stages"].queryset = JourneyStage.objects.all()


class ActionForm(_Form):
    title = forms.CharField(max_length=200, label="Action title",
                            help_text="Seen by the owning agency in the tracker: no case detail.")
    description = forms.CharField(widget=TEXTAREA, label="SMART description")
    owner_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Owning agency")
    due_date = date_field("Due date", required=False, help_text="Leave blank for the three-month action plan date.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = _agencies()
