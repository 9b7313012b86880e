"""The one action tracker: every app's actions, held to account in one place."""
import re

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..history import SET_NULL_KEEPING_HISTORY, person_field
from ..links import pk_url
from .base import HasPage, StoredFile, TimeStampedModel, VersionedModel, choice_is, status_is, text_needed_when
from .visibility import KindVisibility

# What `partnership/includes/action_table.html` shows of each action, its priority, agency and owner
# (`ActionQuerySet.for_table`; with the pk and `for_list`'s `is_overdue`).
TABLE_FIELDS = ("title", "due_date", "status", "priority__title", "owner_agency__name", "owner_agency__short_name",
                "owner__full_name")


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Action.OPEN_STATUSES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)

    def with_overdue(self, today=None):
        """Annotate `is_overdue` (computed, never stored)."""
        today = today or timezone.localdate()
        return self.annotate(
            is_overdue=Case(
                When(Q(status__in=Action.OPEN_STATUSES, due_date__lt=today), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def for_list(self, today=None):
        return self.select_related("owner_agency", "owner", "priority").with_overdue(today)

    def for_table(self, today=None):
        """`for_list` reading only the table's columns (`TABLE_FIELDS`): a priority's page lists 137 actions, and the
        home page's one query for its tables reads no other column. `today`: overdue before it (today if not
        given)."""
        return self.for_list(today).only(*TABLE_FIELDS)


class Action(HasPage, TimeStampedModel, VersionedModel):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "Agreed"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        IMPACT_ASSURED = "impact_assured", "Impact assured"
        CLOSED = "closed", "Closed"
        NOT_ACCEPTED = "not_accepted", "Not accepted"

    OPEN_STATUSES = (Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS)
    WORK_DONE = (Status.COMPLETED, Status.IMPACT_ASSURED, Status.CLOSED)  # the owner finished the work
    IMPACT_SHOWN = (Status.IMPACT_ASSURED, Status.CLOSED)  # its difference signed off (closed after it)
    STATUS_COLOURS = {Status.PROPOSED: "grey", Status.AGREED: "purple", Status.IN_PROGRESS: "",
                      Status.COMPLETED: "teal", Status.IMPACT_ASSURED: "green", Status.CLOSED: "grey",
                      Status.NOT_ACCEPTED: "orange"}  # {% status_tag %}

    title = models.CharField(max_length=200)
    description = models.TextField(
        help_text="Specific, measurable, achievable, relevant and time-bound: what will be done and how "
        "you will know it has made a difference."
    )
    source_kind = models.CharField(
        max_length=40, default="other", help_text="What produced this action (set by the service)."
    )
    owner_agency = models.ForeignKey("partnership.Agency", on_delete=models.PROTECT, related_name="actions")
    owner = person_field(related_name="owned_actions")
    priority = models.ForeignKey(
        "partnership.Priority", on_delete=SET_NULL_KEEPING_HISTORY, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    not_accepted_reason = models.TextField(blank=True)
    completion_evidence = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    impact_evidence = models.TextField(blank=True)
    signed_off_by = person_field()
    signed_off_at = models.DateTimeField(null=True, blank=True)
    created_by = person_field()
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["source_kind"])]
        constraints = [
            text_needed_when("not_accepted_reason", status="not_accepted", name="action_not_accepted_needs_reason"),
            text_needed_when("completion_evidence", status__in=["completed", "impact_assured", "closed"],
                             name="action_completed_needs_evidence"),
            text_needed_when("impact_evidence", status__in=["impact_assured", "closed"],
                             name="action_impact_assured_needs_evidence"),
        ]

    def __str__(self):
        return self.title

    @property
    def source_words(self) -> str:
        return kind_words(self.source_kind)

    url_name = "partnership:action-detail"

    @property
    def reference(self) -> str:
        return f"A-{self.pk:04d}"

    @property
    def overdue(self) -> bool:
        if hasattr(self, "is_overdue"):
            return self.is_overdue
        return self.status in self.OPEN_STATUSES and self.due_date < timezone.localdate()

    is_open = status_is(*OPEN_STATUSES)
    is_not_accepted = status_is(Status.NOT_ACCEPTED, doc="Turned down by its owner, with a reason.")


class ActionUpdate(models.Model):
    """A dated progress note on an action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Update on {self.action_id} at {self.created_at:%d/%m/%Y}"


def action_file_path(instance, filename):
    return f"actions/{instance.action_id}/{instance.stored_name}"


class ActionFile(HasPage, StoredFile):
    """A file of evidence on an action (of completion or of impact): a `StoredFile`, checked like every upload
    (`partnership.uploads.check_upload`) and served only through a permission-checked view."""

    class Kind(models.TextChoices):
        COMPLETION = "completion", "Evidence of completion"
        IMPACT = "impact", "Evidence of impact"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    file = models.FileField(upload_to=action_file_path, max_length=300)

    url_name = "partnership:action-file"

    is_completion = choice_is("kind", Kind.COMPLETION)
    is_impact = choice_is("kind", Kind.IMPACT)


class DueDateRequest(models.Model):
    """An agency asks to move its action's due date; the business unit agrees or declines. The action keeps its date
    until agreed. Every request stays on record (history too); at most one waits at a time."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the business unit"
        AGREED = "agreed", "Agreed"
        DECLINED = "declined", "Declined"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="due_date_requests")
    from_date = models.DateField("Due date when asked")
    to_date = models.DateField("New due date asked for")
    reason = models.TextField()
    requested_by = person_field(blank=False)
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = person_field()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["action"], condition=Q(status="pending"),
                                               name="one_pending_due_date_request")]

    def __str__(self):
        return f"Move {self.action_id} from {self.from_date} to {self.to_date}"

    def get_absolute_url(self):
        return pk_url("partnership:action-detail", self.action_id) + "#due-date-requests"

    is_pending = status_is(Status.PENDING)
    is_agreed = status_is(Status.AGREED)
    is_declined = status_is(Status.DECLINED)


class ActionSource(KindVisibility, models.Model):
    """Mix into any model that produces actions: it declares the many-to-many to Action.

    Subclasses set `action_source_kind` (a short slug shown in filters) and `get_absolute_url`.
    Add actions through `partnership.services.actions.action_create(source=...)`.
    """

    action_source_kind = "other"
    # Roles that read every action of this kind whatever agency owns it (the group that oversees the source:
    # the reviews group follows the actions of serious-incident reviews). partnership.access applies it.
    action_readers: tuple[str, ...] = ()
    # What the source is, shown instead of a link to someone who may not open it (see action_source_visible_to).
    action_source_label = "Source record"
    actions = models.ManyToManyField(Action, blank=True, related_name="+")

    class Meta:
        abstract = True

    @property
    def action_source_words(self) -> str:
        return kind_words(self.action_source_kind)

    def action_source_visible_to(self, user) -> bool:
        """Whether the action's page may link to (and name) this source for `user`."""
        return self.kind_visible_to(user)


def source_models() -> list[type[ActionSource]]:
    """Every concrete model that produces actions (each declares its many-to-many to Action)."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, ActionSource)]


def source_kind_labels(user) -> dict[str, str]:
    """How each source kind is shown to `user` in lists and exports: its own words, or, for a kind they may not
    learn of, that kind's `hidden_kind_label` (the same rule as the action's page: `kind_visible_to`)."""
    return {m.action_source_kind: kind_words(m.action_source_kind) if m.kind_visible_to(user) else m.hidden_kind_label
            for m in source_models()}


def kind_words(kind: str) -> str:
    """A source kind as words: "review_recommendation" -> "Review recommendation", "section11" -> "Section 11"."""
    return re.sub(r"(?<=[a-z])(?=\d)", " ", kind.replace("-", " ").replace("_", " ")).capitalize()


def source_kind_label(labels: dict[str, str], kind: str) -> str:
    return labels.get(kind) or kind_words(kind)


def hidden_source_kinds(user) -> set[str]:
    return {m.action_source_kind for m in source_models() if not m.kind_visible_to(user)}


def sources_of(action: Action) -> list[ActionSource]:
    """The records that produced an action: one query per source model of the action's kind.

    `action_create(source=...)` sets the kind, so an action made without a source ("other") has none.
    """
    found = []
    for model in source_models():
        if model.action_source_kind == action.source_kind:
            found.extend(model.objects.filter(actions=action))
    return found
