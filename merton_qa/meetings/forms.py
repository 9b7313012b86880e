"""The meeting pages' forms: input shape only (the rules are in partnership.services.meetings)."""
import datetime

from crispy_forms_gds.layout import Field
from django import forms
from django.utils import timezone

from partnership.forms import GDSForm, date_field
from partnership.models import Agency, Attendance, User
from partnership.uploads import UploadRefused, check_upload

NUMERIC = {"inputmode": "numeric"}


class MeetingForm(GDSForm, forms.Form):
    day = date_field("Date", min_year=2000, max_year=2100)
    start_time = forms.TimeField(label="Starts at", help_text="For example, 14:00",
                                 widget=forms.TimeInput(format="%H:%M", attrs=NUMERIC),
                                 error_messages={"required": "Enter the time the meeting starts",
                                                 "invalid": "Enter the time as hours and minutes, like 14:00"})
    place = forms.CharField(label="Place", required=False, max_length=200,
                            help_text="For example, Civic Centre, committee room 3")
    joining_link = forms.URLField(label="Joining link", required=False, max_length=500, assume_scheme="https",
                                  help_text="For an online or hybrid meeting.")

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None and not self.is_bound:
            start = timezone.localtime(meeting.starts_at)
            self.initial.update(day=start.date(), start_time=start.strftime("%H:%M"), place=meeting.place,
                                joining_link=meeting.joining_link)
        self.setup_helper(Field("day"), Field.text("start_time", field_width=5), Field.text("place"),
                          Field.text("joining_link"))

    @property
    def starts_at(self) -> datetime.datetime:
        data = self.cleaned_data
        return datetime.datetime.combine(data["day"], data["start_time"], tzinfo=timezone.get_current_timezone())


class CancelForm(GDSForm, forms.Form):
    reason = forms.CharField(label="Why is the meeting cancelled?", max_length=300,
                             help_text="Members are told by email, with a link to the meeting.",
                             error_messages={"required": "Say why the meeting is cancelled"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.text("reason"))


class AgendaItemForm(GDSForm, forms.Form):
    title = forms.CharField(label="Item", max_length=300, error_messages={"required": "Enter the item's title"})
    presenter = forms.CharField(label="Presented by (optional)", max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.text("title"), Field.text("presenter", field_width=20))


class MinutesForm(GDSForm, forms.Form):
    presenter = forms.CharField(label="Presented by", max_length=150, required=False)
    minutes = forms.CharField(label="Minutes", required=False, widget=forms.Textarea(attrs={"rows": 8}),
                              help_text="What was discussed. Record decisions separately, so those that need "
                                        "doing become actions.")
    finished = forms.ChoiceField(label="Was the item finished?", widget=forms.RadioSelect,
                                 choices=[("yes", "Yes"), ("no", "No, carry it over to the next meeting")],
                                 error_messages={"required": "Say whether the item was finished"})

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None and not self.is_bound:
            self.initial.update(presenter=item.presenter, minutes=item.minutes,
                                finished="yes" if item.finished else "no")
        self.setup_helper(Field.text("presenter", field_width=20), Field.textarea("minutes", rows=8),
                          Field.radios("finished", small=True))


class PaperUploadForm(GDSForm, forms.Form):
    title = forms.CharField(label="Title (optional)", max_length=300, required=False,
                            help_text="The file's name is used if you leave this empty.")
    file = forms.FileField(label="Upload a paper", help_text="A PDF, Word or Excel file, or an image. Up to 10 MB.",
                           error_messages={"required": "Choose a file to upload"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.text("title"), Field("file"))

    def clean_file(self):
        """The project's upload rules, next to the field (the service checks again before it stores the file)."""
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload)
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return upload


class AttendanceForm(GDSForm, forms.Form):
    """One row per member: GOV.UK radios for whether they came, and who deputised."""

    def __init__(self, *args, memberships=(), recorded=None, **kwargs):
        super().__init__(*args, **kwargs)
        recorded = recorded or {}
        self.rows = []
        layout = []
        for membership in memberships:
            name = f"m{membership.pk}"
            before = recorded.get(membership.person_id)
            self.fields[name] = forms.ChoiceField(
                label=f"{membership.person.full_name}, {membership.agency.display_name} "
                      f"({membership.get_role_display().lower()})",
                choices=Attendance.Status.choices, widget=forms.RadioSelect,
                initial=before.status if before else None,
                error_messages={"required": f"Choose whether {membership.person.full_name} attended"})
            self.fields[f"{name}_deputy"] = forms.CharField(
                label=f"Deputy for {membership.person.full_name}", required=False, max_length=150,
                initial=before.deputy_name if before else (membership.deputy.full_name if membership.deputy else ""),
                help_text="Only if a deputy attended.")
            layout += [Field.radios(name, small=True, inline=True), Field.text(f"{name}_deputy", field_width=20)]
            self.rows.append(membership)
        self.setup_helper(*layout)

    def as_rows(self) -> list[tuple]:
        return [(m, self.cleaned_data[f"m{m.pk}"], self.cleaned_data[f"m{m.pk}_deputy"]) for m in self.rows]


class DecisionForm(GDSForm, forms.Form):
    item = forms.TypedChoiceField(label="Agenda item", required=False, coerce=int, empty_value=None)
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "Enter the decision"})
    needs_action = forms.ChoiceField(
        label="Does it need doing?", widget=forms.RadioSelect,
        choices=[("no", "No, it is recorded only"), ("yes", "Yes, make it an action in the tracker")],
        initial="no", error_messages={"required": "Say whether the decision needs doing"})
    action_title = forms.CharField(label="Action title", max_length=200, required=False,
                                   help_text="Short, as the tracker lists it. The decision's first line if empty.")
    owner_agency = forms.ModelChoiceField(label="Owning agency", queryset=Agency.objects.none(), required=False)
    owner = forms.ModelChoiceField(label="Named owner", queryset=User.objects.none(), required=False,
                                   help_text="Someone in the owning agency. Choose the agency and press "
                                             "'Show its people' if the list is long.")
    due_date = date_field("Due date", required=False, min_year=2000)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "None")] + [(i.pk, f"{n}. {i.title}")
                                                        for n, i in enumerate(meeting.items.all(), start=1)]
        self.fields["owner_agency"].queryset = Agency.objects.active()
        people = User.objects.filter(is_active=True, agency__isnull=False).select_related("agency")
        agency_id = self.data.get("owner_agency") if self.is_bound else None
        if agency_id and str(agency_id).isdigit():
            people = people.filter(agency_id=int(agency_id))  # the named owner, filtered to the owning agency
        self.fields["owner"].queryset = people.order_by("agency__name", "full_name")
        self.fields["owner"].label_from_instance = lambda u: f"{u.full_name} ({u.agency.display_name})"
        self.setup_helper(Field.select("item"), Field.textarea("text", rows=4),
                          Field.radios("needs_action", small=True), Field.text("action_title"),
                          Field.select("owner_agency"), Field.select("owner"), Field("due_date"))

    def clean(self):
        data = super().clean()
        if data.get("needs_action") == "yes":
            if not data.get("owner_agency"):
                self.add_error("owner_agency", "Choose the agency that owns the action")
            if not data.get("due_date"):
                self.add_error("due_date", "Enter the date the action is due")
            owner, agency = data.get("owner"), data.get("owner_agency")
            if owner and agency and owner.agency_id != agency.pk:
                self.add_error("owner", "Choose someone who works for the owning agency")
        return data
