"""Subgroups and their meetings: members, a forward plan, agendas built from what is due, papers, attendance,
minutes and decisions (a decision that needs doing becomes a tracker action, linked back to its meeting)."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partnership.dates import day_words

from ..history import SET_NULL_KEEPING_HISTORY, person_field
from .actions import ActionSource
from .base import HasPage, TimeStampedModel, VersionedModel, status_is


def checked_upload(file) -> None:
    """The project's upload rules (partnership.uploads) for a file added in the admin: type by content, size."""
    from django.core.exceptions import ValidationError

    from partnership.uploads import UploadRefused, check_upload

    if getattr(file, "_committed", True):  # already stored: checked when it was uploaded
        return
    try:
        check_upload(file)
    except UploadRefused as refused:
        raise ValidationError(str(refused)) from refused


def terms_path(instance, filename: str) -> str:
    """A random stored name (the upload rules checked that the name's extension matches the content)."""
    import secrets

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"subgroups/terms/{secrets.token_hex(16)}.{extension[:8]}"


class Subgroup(HasPage, TimeStampedModel):
    class Kind(models.TextChoices):
        QA = "qa", "Quality assurance subgroup"
        THEMATIC = "thematic", "Thematic subgroup"
        EXECUTIVE = "executive", "Partnership executive"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    terms_of_reference = models.TextField(blank=True, help_text="What the group is for, who chairs it, quoracy.")
    terms_file = models.FileField("Terms of reference (file)", upload_to=terms_path, blank=True,
                                  max_length=300, validators=[checked_upload])
    priorities = models.ManyToManyField("partnership.Priority", blank=True, related_name="subgroups",
                                        help_text="A thematic subgroup's agenda offers what is tagged to these first.")
    active = models.BooleanField(default=True)
    # The performance pack that goes with the group's papers every period: the scorecard with these filters.
    scorecard_priority = models.ForeignKey("partnership.Priority", on_delete=SET_NULL_KEEPING_HISTORY,
                                           null=True, blank=True,
                                           related_name="+", verbose_name="Scorecard: priority")
    scorecard_stage = models.ForeignKey("partnership.JourneyStage", on_delete=SET_NULL_KEEPING_HISTORY, null=True,
                                        blank=True, related_name="+", verbose_name="Scorecard: journey stage")
    scorecard_agency = models.ForeignKey("partnership.Agency", on_delete=SET_NULL_KEEPING_HISTORY,
                                         null=True, blank=True,
                                         related_name="+", verbose_name="Scorecard: agency")
    history = HistoricalRecords(excluded_fields=["terms_file"])

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    url_name = "subgroup-detail"

    @property
    def scorecard_filters(self) -> dict:
        return {k: v for k, v in (("priority", self.scorecard_priority_id), ("journey_stage", self.scorecard_stage_id),
                                  ("agency", self.scorecard_agency_id)) if v}


class Membership(TimeStampedModel):
    class GroupRole(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        ADVISER = "adviser", "Adviser"

    subgroup = models.ForeignKey(Subgroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey("partnership.Agency", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("Role in the group", max_length=20, choices=GroupRole.choices,
                            default=GroupRole.MEMBER)
    deputy = person_field(related_name="deputising")
    start_date = models.DateField("From", default=timezone.localdate)
    end_date = models.DateField("To", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["subgroup", "role", "agency__name", "person__full_name"]

    def __str__(self):
        return f"{self.person} ({self.agency}) in {self.subgroup}"

    def is_current(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class Meeting(HasPage, ActionSource, TimeStampedModel, VersionedModel):
    action_source_kind = "meeting"
    action_source_label = "A subgroup meeting"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    STATUS_COLOURS = {Status.PLANNED: "blue", Status.HELD: "green", Status.CANCELLED: "red"}  # {% status_tag %}

    subgroup = models.ForeignKey(Subgroup, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField("Date and time")
    place = models.CharField("Place", max_length=200, blank=True)
    joining_link = models.URLField("Joining link", max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    created_by = person_field(blank=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["subgroup", "starts_at"])]

    def __str__(self):
        return f"{self.subgroup} on {day_words(timezone.localtime(self.starts_at))}"

    url_name = "meeting-detail"

    def action_source_visible_to(self, user) -> bool:
        from partnership import access

        return access.can_read_meeting(user, self)

    is_open_for_agenda = status_is(Status.PLANNED)
    is_held = status_is(Status.HELD)
    is_cancelled = status_is(Status.CANCELLED)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=60, blank=True)
    source_key = models.CharField(max_length=120, blank=True,
                                  help_text="The suggestion this item was taken from (AgendaSuggestion.key).")
    detail = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=500, blank=True)
    presenter = models.CharField(max_length=150, blank=True)
    minutes = models.TextField(blank=True)
    finished = models.BooleanField(default=True, help_text="Unfinished items are carried over to the next meeting.")
    # Cleared by the service before an item is removed (a SET_NULL would update history-tracked rows unseen).
    carried_over_from = models.ForeignKey("self", on_delete=models.DO_NOTHING, null=True, blank=True,
                                          related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "source_key"], condition=~models.Q(source_key=""),
                                               name="agenda_item_source_once_per_meeting")]

    def __str__(self):
        return self.title


def paper_path(instance, filename):
    return f"meetings/{instance.meeting_id}/{instance.stored_name}"


class Paper(models.Model):
    """A paper for a meeting: one from the system (a key, a title and a link) or an uploaded file."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=300)
    system_key = models.CharField(max_length=120, blank=True)
    url = models.CharField(max_length=500, blank=True)
    file = models.FileField(upload_to=paper_path, max_length=300, blank=True)
    stored_name = models.CharField(max_length=80, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "system_key"], condition=~models.Q(system_key=""),
                                               name="paper_system_key_once_per_meeting")]

    def __str__(self):
        return self.title

    @property
    def is_upload(self) -> bool:
        return bool(self.stored_name)


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        DEPUTY = "deputy", "Deputy sent"
        ABSENT = "absent", "Absent"

    ATTENDED = (Status.PRESENT, Status.DEPUTY)  # the agency was represented

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    # A member who has attended is ended (its "to" date), never deleted.
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("partnership.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices)
    deputy_name = models.CharField(max_length=150, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "agency__name", "person__full_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_person")]

    def __str__(self):
        return f"{self.person} at {self.meeting}: {self.get_status_display()}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    # An item with decisions cannot be removed (the service refuses).
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    text = models.TextField("Decision")
    needs_action = models.BooleanField(default=False)
    action = models.OneToOneField("partnership.Action", on_delete=SET_NULL_KEEPING_HISTORY, null=True, blank=True,
                                  related_name="decision")
    recorded_by = person_field(blank=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.text[:80]
