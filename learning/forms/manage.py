"""Forms of the coordinator's pages. Input shape only; rules in services."""
from crispy_forms_gds.layout import Field
from django import forms
from django.utils import timezone

from partnership.forms import GDSForm, date_field
from partnership.models import Agency, InspectionCriterion, JourneyStage, Priority, User
from partnership.personal_data import allow_postcode

from ..models import Booking, Briefing, BriefingUse, Course, Level, Session


class VersionField(forms.IntegerField):
    """The version the person started editing from (hidden): a stale one is refused, never overwritten."""

    def __init__(self):
        super().__init__(widget=forms.HiddenInput, required=False)


def set_version(form) -> None:
    form.fields["version"].initial = form.instance.version if form.instance.pk else None


class RecordValues:
    """A model form's values as its service takes them (keyword arguments): the record's fields as typed."""

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}  # boxes shown

    @property
    def expected_version(self) -> int | None:
        """The version the person started editing from (None: a new record, or a stale page)."""
        return self.cleaned_data.get("version")


class CourseForm(RecordValues, GDSForm, forms.ModelForm):
    version = VersionField()
    outcomes_text = forms.CharField(label="Learning outcomes", widget=forms.Textarea(attrs={"rows": 5}),
                                    help_text="One outcome a line. Delegates rate their confidence against each.")

    class Meta:
        model = Course
        fields = ["title", "summary", "level", "audience", "mode", "duration", "duration_hours",
                  "requires_manager_approval", "prerequisites", "priorities", "journey_stages",
                  "inspection_criteria", "responds_to", "active"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4}), "audience": forms.Textarea(attrs={"rows": 3}),
                   "responds_to": forms.Textarea(attrs={"rows": 3}),
                   "duration_hours": forms.TextInput(attrs={"inputmode": "decimal"}),
                   "prerequisites": forms.CheckboxSelectMultiple, "priorities": forms.CheckboxSelectMultiple,
                   "journey_stages": forms.CheckboxSelectMultiple,
                   "inspection_criteria": forms.CheckboxSelectMultiple}
        labels = {"responds_to": "Reviews or audits this course responds to",
                  "requires_manager_approval": "Bookings need the manager's approval",
                  "active": "Offered (shown on the public list)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = Level.objects.all()
        self.fields["prerequisites"].queryset = Course.objects.exclude(pk=self.instance.pk)
        self.fields["priorities"].queryset = Priority.objects.all()
        self.fields["journey_stages"].queryset = JourneyStage.objects.all()
        self.fields["inspection_criteria"].queryset = InspectionCriterion.objects.select_related("framework")
        self.fields["title"].error_messages["required"] = "Enter the course title"
        if self.instance.pk:
            self.fields["outcomes_text"].initial = "\n".join(o.text for o in self.instance.outcomes.all())
        self.setup_helper(
            Field.text("title"), Field.textarea("summary"), Field.select("level"), Field.textarea("audience"),
            Field.radios("mode", inline=True), Field.radios("duration", inline=True),
            Field.text("duration_hours", field_width=4), Field.textarea("outcomes_text"),
            Field.checkbox("requires_manager_approval"), Field.checkboxes("prerequisites", small=True),
            Field.checkboxes("priorities", small=True), Field.checkboxes("journey_stages", small=True),
            Field.checkboxes("inspection_criteria", small=True), Field.textarea("responds_to"),
            Field.checkbox("active"), "version")
        set_version(self)

    def outcome_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["outcomes_text"].splitlines() if line.strip()]


class SessionForm(RecordValues, GDSForm, forms.ModelForm):
    version = VersionField()
    day = date_field("Date")
    start_time = forms.TimeField(label="Starts at", help_text="For example, 09:30",
                                 widget=forms.TimeInput(format="%H:%M", attrs={"inputmode": "numeric"}))
    end_time = forms.TimeField(label="Ends at", help_text="For example, 16:30",
                               widget=forms.TimeInput(format="%H:%M", attrs={"inputmode": "numeric"}))
    online_link = forms.URLField(label="Online link", required=False, assume_scheme="https",
                                 help_text="Shown only to confirmed delegates.")

    class Meta:
        model = Session
        fields = ["course", "venue", "online_link", "joining_instructions", "capacity", "booking_cutoff_days",
                  "cancellation_cutoff_days"]
        widgets = {"venue": forms.Textarea(attrs={"rows": 3}),
                   "joining_instructions": forms.Textarea(attrs={"rows": 3}),
                   "capacity": forms.TextInput(attrs={"inputmode": "numeric"}),
                   "booking_cutoff_days": forms.TextInput(attrs={"inputmode": "numeric"}),
                   "cancellation_cutoff_days": forms.TextInput(attrs={"inputmode": "numeric"})}
        labels = {"booking_cutoff_days": "Booking closes (working days before)",
                  "cancellation_cutoff_days": "Free cancellation until (working days before)"}

    def __init__(self, *args, joining=True, **kwargs):
        """`joining`: whether the person may see (and so change) the online link and joining instructions
        (`learning.access.sees_joining_details`); without it the two boxes are not in the form, and saving it
        keeps them as they are."""
        super().__init__(*args, **kwargs)
        if not joining:
            del self.fields["online_link"], self.fields["joining_instructions"]
        self.fields["course"].queryset = Course.objects.filter(active=True)
        allow_postcode(self.fields["venue"])  # an address: its postcode is the venue's, not a family's
        if self.instance.pk:
            start = timezone.localtime(self.instance.starts_at)
            self.initial.update(day=start.date(), start_time=start.time(),
                                end_time=timezone.localtime(self.instance.ends_at).time())
        joining_boxes = (Field.text("online_link"), Field.textarea("joining_instructions")) if joining else ()
        self.setup_helper(Field.select("course"), Field("day"), Field.text("start_time", field_width=5),
                          Field.text("end_time", field_width=5), Field.textarea("venue"), *joining_boxes,
                          Field.text("capacity", field_width=4),
                          Field.text("booking_cutoff_days", field_width=3),
                          Field.text("cancellation_cutoff_days", field_width=3), "version")
        set_version(self)

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            tz = timezone.get_current_timezone()
            import datetime

            data["starts_at"] = datetime.datetime.combine(day, start, tzinfo=tz)
            data["ends_at"] = datetime.datetime.combine(day, end, tzinfo=tz)
            if end <= start:
                self.add_error("end_time", "The session must end after it starts")
        return data

    def values(self) -> dict:
        return {**super().values(), "starts_at": self.cleaned_data["starts_at"],
                "ends_at": self.cleaned_data["ends_at"]}


class TrainerForm(GDSForm, forms.Form):
    name = forms.CharField(label="Trainer's name", max_length=200)
    agency = forms.ModelChoiceField(label="Lent by (agency)", queryset=Agency.objects.none(), required=False,
                                    empty_label="Not lent by an agency")
    days = forms.DecimalField(label="Days given", min_value=0, max_digits=4, decimal_places=1, initial=1,
                              widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    user = forms.ModelChoiceField(label="Their account in this service (optional)", queryset=User.objects.none(),
                                  required=False, empty_label="No account",
                                  help_text="A trainer with an account can mark attendance for this session.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.active()
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("full_name")
        self.fields["name"].error_messages["required"] = "Enter the trainer's name"
        self.setup_helper(Field.text("name"), Field.select("agency"), Field.text("days", field_width=3),
                          Field.select("user"))


CANCELLED_MARKS = ("", Booking.Attendance.CANCELLED_IN_TIME, Booking.Attendance.LATE_CANCELLATION)


class AttendanceForm(GDSForm, forms.Form):
    """One select per booking, named by booking id: all rows saved at once."""

    def __init__(self, *args, bookings, everyone_attended: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.bookings = bookings
        for b in bookings:
            # A cancelled booking can be marked as a cancellation, never as attended or a no-show.
            choices = Booking.Attendance.choices if b.status in Booking.HOLDS_PLACE else [
                (value, label) for value, label in Booking.Attendance.choices if value in CANCELLED_MARKS]
            initial = (Booking.Attendance.ATTENDED if everyone_attended and b.status in Booking.HOLDS_PLACE
                       else b.attendance)
            self.fields[f"b{b.pk}"] = forms.ChoiceField(label=f"Attendance of {b.name}", choices=choices,
                                                        required=False, initial=initial)

    def marks(self) -> dict[int, str]:
        return {b.pk: self.cleaned_data.get(f"b{b.pk}", "") for b in self.bookings}

    def rows(self):
        for b in self.bookings:
            yield b, self[f"b{b.pk}"]


class BriefingForm(RecordValues, GDSForm, forms.ModelForm):
    version = VersionField()
    class Meta:
        model = Briefing
        fields = ["title", "source_kind", "source_title", "source_reference", "background", "why_it_matters",
                  "key_points", "what_to_do", "reflection_questions", "journey_stages", "inspection_criteria"]
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in
                   ("background", "why_it_matters", "key_points", "what_to_do", "reflection_questions")}
        widgets["journey_stages"] = forms.CheckboxSelectMultiple
        widgets["inspection_criteria"] = forms.CheckboxSelectMultiple
        labels = {"source_title": "Source title", "source_reference": "Source reference (optional)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journey_stages"].queryset = JourneyStage.objects.all()
        self.fields["inspection_criteria"].queryset = InspectionCriterion.objects.select_related("framework")
        self.setup_helper(
            Field.text("title"), Field.radios("source_kind", inline=True), Field.text("source_title"),
            Field.text("source_reference"), Field.textarea("background"), Field.textarea("why_it_matters"),
            Field.textarea("key_points"), Field.textarea("what_to_do"), Field.textarea("reflection_questions"),
            Field.checkboxes("journey_stages", small=True), Field.checkboxes("inspection_criteria", small=True),
            "version")
        set_version(self)


class BriefingUseForm(RecordValues, GDSForm, forms.ModelForm):
    used_on = date_field("Date used")

    class Meta:
        model = BriefingUse
        fields = ["agency", "team", "used_on", "attendees", "reflections", "actions"]
        widgets = {"attendees": forms.TextInput(attrs={"inputmode": "numeric"}),
                   "reflections": forms.Textarea(attrs={"rows": 3}), "actions": forms.Textarea(attrs={"rows": 3})}
        labels = {"team": "Team or meeting", "attendees": "Number of people there",
                  "reflections": "What people reflected on", "actions": "Actions agreed"}

    def __init__(self, *args, user, manager: bool, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.active()
        if not manager:
            agencies = agencies.filter(pk=user.agency_id)
            self.fields["agency"].initial = user.agency_id
        self.fields["agency"].queryset = agencies
        self.fields["team"].error_messages["required"] = "Enter the team or meeting"
        self.fields["attendees"].error_messages["required"] = "Enter how many people were there"
        self.setup_helper(Field.select("agency"), Field.text("team"), Field("used_on"),
                          Field.text("attendees", field_width=4), Field.textarea("reflections"),
                          Field.textarea("actions"))


