"""Input shape only. Business rules live in services."""
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

from partnership.models import Action, Agency, Priority, Role, User

from .input_rules import DateField, harden_fields
from .personal_data import guard_free_text
from .services.errors import ServiceError
from .uploads import XLSX, UploadRefused, check_upload, detect_kind
from .work_email import WorkEmailField

DASHES = "---------"  # Django's empty choice (BLANK_CHOICE_DASH, ModelChoiceField.empty_label)


class GDSForm:
    """Mixin: a GOV.UK helper without a <form> tag (templates own the tag and the buttons), and the personal-data
    check on every free-text field (`partnership.personal_data`), including fields added in `__init__`."""

    label_size = Size.SMALL
    public = False  # typed by people without an account: one-line boxes refuse links (partnership.input_rules)

    def full_clean(self):
        guard_free_text(self.fields)
        super().full_clean()

    def _clean_fields(self):
        """The input rules (`partnership.input_rules`) on every field, fields added in `__init__` included: no
        hidden characters, the house text limits, bounded numbers, GOV.UK messages. Kept apart from
        `full_clean` on purpose."""
        harden_fields(self.fields, public=self.public)
        super()._clean_fields()

    def setup_helper(self, *layout):
        self.name_empty_choices()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = self.label_size
        self.helper.legend_size = self.label_size
        grouped = [name for name, field in self.fields.items() if isinstance(field, InspectionCriteriaField)]
        if grouped and not layout:  # the default layout, but grouped checkboxes for the criteria
            layout = [criteria_layout(name) if name in grouped else name for name in self.fields]
        if layout:
            self.helper.layout = Layout(*layout)

    def name_empty_choices(self) -> None:
        """A select's empty choice in words, not Django's "---------": "Choose one" where a choice is needed,
        "None" where it may be left empty."""
        for field in self.fields.values():
            words = "Choose one" if field.required else "None"
            if getattr(field, "empty_label", None) == DASHES:
                field.empty_label = words
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                choices = list(field.choices)
                if choices and choices[0] == ("", DASHES):
                    field.choices = [("", words), *choices[1:]]

    def add_service_error(self, error: ServiceError) -> None:
        """Show a refusal from a service next to its field (or at the top)."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


class SpreadsheetUploadForm(GDSForm, forms.Form):
    """A completed template spreadsheet, uploaded to be checked and saved (`partnership.views.uploads`). The size
    first, then the kind its content shows (a PDF renamed .xlsx is still a PDF): an Excel workbook, within the
    workbook limits. Each app declares its own `file` field (its words) and may take other kinds (`kind_of`).
    `kind` is what was accepted: "xlsx", or the app's other kind."""

    max_bytes = 5 * 1024 * 1024  # a template's file is well under 1 MB

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = None
        self.setup_helper(Field("file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size and upload.size > self.max_bytes:
            raise forms.ValidationError(f"The selected file must be smaller than {self.max_bytes // 2**20} MB")
        try:  # the content decides, not the name: a PDF renamed .xlsx is still a PDF
            kind = detect_kind(upload)
        except UploadRefused:
            kind = None
        self.kind = self.kind_of(upload, kind)
        return upload

    def kind_of(self, upload, kind) -> str:
        """What the upload is taken as, given the kind its content shows (None: none this service knows)."""
        if kind is not XLSX:
            found = f": this file is a {kind.label}" if kind else ""
            raise forms.ValidationError(f"The selected file must be an Excel workbook (.xlsx){found}")
        return self.workbook(upload)

    def workbook(self, upload) -> str:
        """An Excel workbook within the limits (`check_upload`: its size unzipped, its members)."""
        try:
            check_upload(upload, max_bytes=self.max_bytes)
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused).rstrip(".")) from refused
        return "xlsx"


def date_field(label: str, help_text: str = "", required: bool = True, **years) -> DateField:
    """A GOV.UK date input (`partnership.input_rules.DateField`): a real date, 1900 to 2100 unless `min_year` or
    `max_year` say otherwise, all three parts or none."""
    return DateField(label=label, help_text=help_text or "For example, 27 3 2027", required=required, **years)


class SignInForm(GDSForm, auth_forms.AuthenticationForm):
    username = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    error_messages = {
        "invalid_login": "Enter a correct email address and password. Passwords are case-sensitive.",
        "inactive": "This account has been closed. Contact the business unit.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.setup_helper(Field.text("username"), Field.text("password"))


class SignInEmailForm(GDSForm, forms.Form):
    """The sign-in page's first question when work accounts are set up: the email, to choose how to sign in."""

    username = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def __init__(self, *args, **kwargs):
        kwargs.pop("request", None)
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.setup_helper(Field.text("username"))


class ActionForm(GDSForm, forms.ModelForm):
    due_date = date_field("Due date")

    class Meta:
        model = Action
        fields = ["title", "description", "owner_agency", "owner", "priority", "due_date"]
        labels = {"owner_agency": "Owning agency", "owner": "Named owner", "priority": "Partnership priority"}
        help_texts = {"owner": "The person in the owning agency who answers for this action."}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = Agency.objects.active()
        self.fields["owner"].queryset = User.objects.filter(is_active=True).select_related("agency")
        self.fields["owner"].label_from_instance = lambda u: f"{u.full_name} ({u.agency})" if u.agency else u.full_name
        self.fields["priority"].queryset = Priority.objects.all()
        self.fields["title"].error_messages["required"] = "Enter a short title for the action"
        self.fields["description"].error_messages["required"] = "Describe what will be done and how you will know"
        self.fields["owner_agency"].error_messages["required"] = "Choose the agency that owns the action"
        # The named owner is chosen from the owning agency's people only, once the owning agency is known (the
        # action's, or the creator's own); the business unit and QA, who set up actions for any agency, see
        # everyone with their agency (partnership.services.actions refuses an owner from another agency).
        self.any_agency = False  # True when the owning agency is chosen here, from every agency
        if self.instance.pk:
            del self.fields["owner_agency"]
            owning_agency_id = self.instance.owner_agency_id
            if user is not None and not user.has_role(Role.BUSINESS_UNIT):
                del self.fields["due_date"]  # a change of due date is a request (action_due_date_request)
        elif user is not None and not user.has_role(Role.BUSINESS_UNIT, Role.QA_MEMBER):
            self.fields["owner_agency"].queryset = Agency.objects.filter(pk=user.agency_id)
            self.fields["owner_agency"].initial = user.agency_id
            owning_agency_id = user.agency_id
        else:  # the business unit or QA: once an owning agency is posted ("Show its people"), its people only
            posted = self.data.get(self.add_prefix("owner_agency")) if self.is_bound else None
            owning_agency_id = int(posted) if posted and str(posted).isdigit() else None
            self.any_agency = True
            self.fields["owner"].help_text = ("The person in the owning agency who answers for this action. Choose "
                                              "the agency and press 'Show its people' to list only its people.")
        if owning_agency_id is not None:
            self.fields["owner"].queryset = self.fields["owner"].queryset.filter(agency_id=owning_agency_id)
        self.fields["owner"].error_messages["invalid_choice"] = (
            "Choose a named owner who works for the owning agency, or choose None")
        fields = [Field.text("title"), Field.textarea("description", rows=5)]
        if "owner_agency" in self.fields:
            fields.append(Field.select("owner_agency"))
        fields += [Field.select("owner"), Field.select("priority")]
        if "due_date" in self.fields:
            fields.append(Field("due_date"))
        self.setup_helper(*fields)

    def clean(self):
        """The named owner works for the owning agency, whatever list was posted from (the service refuses it too)."""
        data = super().clean()
        owner = data.get("owner")
        agency = data.get("owner_agency") if "owner_agency" in self.fields else self.instance.owner_agency
        if owner is not None and agency is not None and owner.agency_id != agency.pk:
            self.add_error("owner", f"Choose a named owner who works for {agency.display_name}, or choose None")
        return data


class DueDateRequestForm(GDSForm, forms.Form):
    to_date = date_field("New due date", min_year=2000)
    reason = forms.CharField(label="Why does the due date need to move?", widget=forms.Textarea(attrs={"rows": 4}),
                             max_length=5000, error_messages={"required": "Say why the due date needs to move"},
                             help_text="The business unit reads this when it decides. No case detail.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_date"].error_messages["required"] = "Enter the new due date you are asking for"
        self.setup_helper(Field("to_date"), Field.textarea("reason", rows=4))


class DueDateDecisionForm(GDSForm, forms.Form):
    decision = forms.ChoiceField(label="Do you agree to move the due date?", widget=forms.RadioSelect,
                                 choices=[("agree", "Yes, move the due date"), ("decline", "No, keep the due date")],
                                 error_messages={"required": "Choose whether you agree to move the due date"})
    note = forms.CharField(label="Note to the agency", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=5000, help_text="Needed when you decline: say why, so the agency knows what "
                                                      "to do.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.radios("decision", legend_size="m"), Field.textarea("note", rows=3))


class ActionUpdateForm(GDSForm, forms.Form):
    note = forms.CharField(
        label="Add a progress update",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What has happened since the last update, and what happens next.",
        error_messages={"required": "Enter what has happened since the last update"},
        max_length=5000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.textarea("note", rows=4))


class ActionTransitionForm(GDSForm, forms.Form):
    to = forms.ChoiceField(label="What do you want to do?", widget=forms.RadioSelect,
                           error_messages={"required": "Choose what you want to do"})
    evidence = forms.CharField(
        label="Evidence", required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=10000,
        help_text="For completion: what was done and where the evidence is. For impact assured: what is "
        "better for children and families because of this action.",
    )
    reason = forms.CharField(
        label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        help_text="Needed when the action is not accepted, or when completion evidence is not enough.",
    )
    evidence_file = forms.FileField(required=False, label="Attach a file of evidence (optional)",
                                    help_text="With completion or impact evidence: a PDF, Word or Excel file, or an "
                                              "image. Up to 10 MB.")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices
        self.setup_helper(Field.radios("to"), Field.textarea("evidence", rows=5), Field("evidence_file"),
                          Field.textarea("reason", rows=3), "version")


class ActionImpactForm(GDSForm, forms.Form):
    """The agency's evidence of impact, once the action is completed."""

    evidence = forms.CharField(
        label="What is better for children and families because of this action?", widget=forms.Textarea(
            attrs={"rows": 6}), max_length=10000, error_messages={"required": "Describe the evidence of impact"},
        help_text="How you know: what changed, for whom, and what shows it (an audit, feedback, figures). No case "
                  "detail.")
    evidence_file = forms.FileField(required=False, label="Attach a file of evidence (optional)",
                                    help_text="A PDF, Word or Excel file, or an image. Up to 10 MB.")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.textarea("evidence", rows=6), Field("evidence_file"), "version")


class InviteUserForm(GDSForm, forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150,
                                error_messages={"required": "Enter the person's full name"})
    email = WorkEmailField(label="Work email address",
                           error_messages={"required": "Enter the person's work email address",
                                             "invalid": "Enter an email address in the correct format, "
                                                        "like name@example.org"})
    job_title = forms.CharField(label="Job title", max_length=150, required=False)
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.none(),
                                    error_messages={"required": "Choose the person's agency"})
    roles = forms.MultipleChoiceField(label="Roles", choices=Role.choices, widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": "Choose at least one role"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.active()
        self.setup_helper(
            Field.text("full_name"), Field.text("email"), Field.text("job_title"), Field.select("agency"),
            Field.checkboxes("roles"),  # renders its own fieldset and legend
        )


class SetPasswordForm(GDSForm, auth_forms.SetPasswordForm):
    """Invitation acceptance and password reset: one password field typed twice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Create a password"
        self.fields["new_password1"].help_text = (
            "Use at least 12 characters. A few unrelated words make a strong password that is easy to remember."
        )
        self.fields["new_password2"].label = "Type the password again"
        self.fields["new_password1"].error_messages["required"] = "Enter a password"
        self.fields["new_password2"].error_messages["required"] = "Type the password again"
        self.setup_helper(Field.text("new_password1"), Field.text("new_password2"))


class PasswordResetRequestForm(GDSForm, forms.Form):
    email = forms.EmailField(label="Email address", error_messages={"required": "Enter your email address"},
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.text("email"))


class TOTPCodeForm(GDSForm, forms.Form):
    code = forms.RegexField(
        label="Security code", regex=r"^\s*\d{6}\s*$",
        help_text="The 6-digit code shown in your authenticator app.",
        error_messages={"required": "Enter the 6-digit security code",
                        "invalid": "Enter the 6-digit security code, like 123456"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field.text("code", field_width=5))

    @property
    def token(self) -> str:
        return self.cleaned_data["code"].strip()


class EmailCodeForm(TOTPCodeForm):
    """The 6-digit code emailed to prove the address before setting up two-factor sign-in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from the email"
        self.fields["code"].help_text = "The 6-digit code in the email we have just sent you."
        self.fields["code"].error_messages["required"] = "Enter the 6-digit code from the email"


def validate_new_password(password: str, user) -> None:
    password_validation.validate_password(password, user)


class LegalHoldForm(GDSForm, forms.Form):
    kind = forms.ChoiceField(label="Kind of record", error_messages={"required": "Choose the kind of record"})
    object_id = forms.IntegerField(label="Record reference (its number)", min_value=1,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
                                   error_messages={"required": "Enter the record's reference number",
                                                   "invalid": "Enter the reference as a number, like 42"})
    reason = forms.CharField(label="Reason for the hold", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Give the reason for the hold"})

    def __init__(self, *args, **kwargs):
        from partnership.retention import held_models

        super().__init__(*args, **kwargs)
        self.models = {m._meta.label_lower: m for m in held_models()}
        self.fields["kind"].choices = [("", "Choose")] + [
            (label, str(m._meta.verbose_name).capitalize()) for label, m in self.models.items()
        ]
        self.setup_helper(Field.select("kind"), Field.text("object_id", field_width=10), Field.textarea("reason"))


class InspectionCriteriaField(forms.ModelMultipleChoiceField):
    """The inspection frameworks' criteria (ILACS, JTAI, Working Together, KCSIE) as checkboxes grouped by framework:
    a long ctrl-click multi-select neither reflowed at 320 px nor said how to choose more than one (accessibility
    issue). One query, as a multi-select's; the GOV.UK error link goes to the first checkbox (`id_<name>_1`)."""

    widget = forms.CheckboxSelectMultiple
    template = "gds/layout/grouped_checkboxes.html"

    def __init__(self, *, label="Inspection criteria (optional)", **kwargs):
        from partnership.models import InspectionCriterion

        kwargs.setdefault("queryset", InspectionCriterion.objects.select_related("framework"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Choose all that apply, under each framework.")
        super().__init__(label=label, **kwargs)

    def groups(self) -> list[tuple[str, list[tuple[int, str, str]]]]:
        """[(framework name, [(position from 1, value, label), ...]), ...] in the frameworks' order."""
        grouped: list = []
        for position, criterion in enumerate(self.queryset, start=1):
            if not grouped or grouped[-1][0] != criterion.framework.name:
                grouped.append((criterion.framework.name, []))
            grouped[-1][1].append((position, str(criterion.pk), f"{criterion.code}: {criterion.name}"))
        return grouped


def criteria_layout(name: str = "inspection_criteria") -> Field:
    return Field(name, template=InspectionCriteriaField.template)
