"""The rules for what a person may type, in one place: dates, numbers, text, and the GOV.UK wording of every
refusal. Nothing typed gives a 500, and nothing typed is quietly changed or dropped.

- Dates (`DateField`, made by `partnership.forms.date_field`): a real date between 1 January 1900 and
  31 December 2100 (a form may set other years), all three parts or none ("14 / / 2026" is refused, never
  saved as empty), and no 500 for a year like 99999999999.
- Text (`harden_fields`, run by `GDSForm` on every form): no NUL, no other control character, no Unicode
  non-character (U+FFFE, U+FFFF...: they make XLSX exports unreadable); a free-text box without its own limit
  gets the house limit (`TEXT_MAX` for a textarea, `LINE_MAX` for a one-line box). Views that read raw text
  call `text_problem` through their service.
- Numbers: a decimal is bounded by its digits (a model field's max_digits and decimal_places, or
  `DECIMAL_DIGITS`), an integer by the database's integer range; "1e308" and "²" are refused, never crash.
- Query strings (`BadQueryValuesMiddleware`): a GET value with a control or non-character is dropped, so a
  filter ignores it instead of reaching the database.
- Raw ids (`as_id`): only ASCII digits reach int() ("²".isdigit() is True, int("²") raises).
- Messages: Django's defaults ("This field is required.", "Select a valid choice. <typed> is not one of...")
  are replaced once, in the house style, with the field's label, never echoing what was typed.
"""
import datetime
import re

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.html import strip_tags

MIN_YEAR, MAX_YEAR = 1900, 2100
TEXT_MAX = 10_000  # a textarea without its own limit
LINE_MAX = 500  # a one-line text box without its own limit
DECIMAL_DIGITS, DECIMAL_PLACES = 14, 2  # a decimal without its own bounds
INTEGER_MAX = 2_147_483_647  # PostgreSQL integer; SQLite is wider
HIDDEN_CODE = "hidden_characters"

# C0 controls but tab, line feed and carriage return; DEL and C1 controls; surrogates; the non-characters.
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                     + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
                     + "]")
_ASCII_DIGITS = re.compile(r"[0-9]{1,18}")


# A one-line box is one line: a line break typed or pasted into a name would start a new line in every email and
# page that quotes it (an attacker's "paragraph" in an email sent from the partnership).
_LINE_BREAK = re.compile("[\n\r\u2028\u2029]")
LINE_BREAK_CODE = "line_break"
LINK_CODE = "link"
# A web or email address in a name or role typed on a public page (no account): links in a name would be
# relayed to whoever reads it. Schemes, "www.", an "@", or a host name with a common top-level domain.
_LINK = re.compile(
    r"(?i)([a-z][a-z0-9+.-]{0,20}:/|\b(?:javascript|data|vbscript|mailto|tel|sms):|www\.|@|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|io|co|info|biz|ru|cn|"
    r"xyz|link|ly|me|app|site|online|top|click|gov|nhs|ac|sch|edu|de|fr|eu|us|tk|gl|gd|to|sh|cc|ws|tv|page|dev)"
    r"(?![a-z0-9-]))")


def has_line_break(text) -> bool:
    return isinstance(text, str) and _LINE_BREAK.search(text) is not None


def has_link(text) -> bool:
    return isinstance(text, str) and _LINK.search(text) is not None


class OneLine:
    """A one-line box's validator: no line breaks."""

    code = LINE_BREAK_CODE

    def __call__(self, value) -> None:
        if has_line_break(value):
            raise ValidationError("This must be one line", code=self.code)

    def __eq__(self, other):
        return isinstance(other, OneLine)


class NoLinks:
    """A public form's one-line boxes (names, roles): no web or email address."""

    code = LINK_CODE

    def __call__(self, value) -> None:
        if has_link(value):
            raise ValidationError("This must not contain a web or email address", code=self.code)

    def __eq__(self, other):
        return isinstance(other, NoLinks)


def is_one_line(field) -> bool:
    return (isinstance(field, forms.CharField) and isinstance(field.widget, forms.widgets.Input)
            and not isinstance(field.widget, (forms.HiddenInput, forms.FileInput)))


def has_hidden_characters(text) -> bool:
    return isinstance(text, str) and _HIDDEN.search(text) is not None


def words(label, name: str = "") -> str:
    """A field's label as plain words ("Date of the decision"), from its label or its name."""
    text = strip_tags(str(label)) if label else name.replace("_", " ")
    return " ".join(text.split()).rstrip(":?") or "This field"


def _lower(text: str) -> str:
    """"Due date" → "due date", but "DSL last trained" stays as it is."""
    return text if len(text) > 1 and text[1].isupper() else text[:1].lower() + text[1:]


def hidden_message(label: str) -> str:
    return f"{label} must not contain hidden characters. Type it again rather than pasting it"


def text_problem(text, label: str = "The text", max_length: int = TEXT_MAX) -> str | None:
    """For views that read raw text boxes (their service calls this beside `personal_data_problem`)."""
    text = text or ""
    if has_hidden_characters(text):
        return hidden_message(label)
    if len(text) > max_length:
        return f"{label} must be {max_length:,} characters or fewer"
    return None


def as_id(raw) -> int | None:
    """An id or a version typed in a form or a query string: ASCII digits only (never "²"), else None."""
    raw = (raw or "").strip() if isinstance(raw, str) else ""
    return int(raw) if _ASCII_DIGITS.fullmatch(raw) else None


class NoHiddenCharacters:
    """A field validator: refuses NUL, other control characters and Unicode non-characters."""

    code = HIDDEN_CODE

    def __call__(self, value) -> None:
        if has_hidden_characters(value if isinstance(value, str) else str(value or "")):
            raise ValidationError(hidden_message("This"), code=self.code)

    def __eq__(self, other):
        return isinstance(other, NoHiddenCharacters)


class WithinLimits:
    """A text field's other validators (the personal-data scan among them), skipped for text refused anyway for
    its hidden characters or for being longer than any text box takes: scanning 200,000 characters is slow.
    Text a little over a field's own limit is still scanned, so a child's name is named as the problem."""

    def __init__(self, inner, max_length: int = TEXT_MAX):
        self.inner, self.max_length = list(inner), max_length

    def __call__(self, value) -> None:
        if isinstance(value, str) and (len(value) > max(self.max_length, TEXT_MAX) or has_hidden_characters(value)):
            return
        for validator in self.inner:
            validator(value)

    def __eq__(self, other):
        return isinstance(other, WithinLimits) and other.inner == self.inner


def _order_text_validators(field: forms.CharField) -> None:
    """The limits first; everything else (added before or since, e.g. by `guard_free_text`) behind them."""
    limits = [v for v in field.validators
              if isinstance(v, (NoHiddenCharacters, validators.MaxLengthValidator, OneLine, NoLinks))]
    wrapped = next((v for v in field.validators if isinstance(v, WithinLimits)), WithinLimits([]))
    for validator in field.validators:
        if validator not in limits and not isinstance(validator, WithinLimits) and validator not in wrapped.inner:
            wrapped.inner.append(validator)
    wrapped.max_length = field.max_length if field.max_length is not None else TEXT_MAX
    field.validators = limits + ([wrapped] if wrapped.inner else [])


class DateField(DateInputField):
    """GOV.UK date input: a real date between `min_year` and `max_year`, all of day, month and year or none."""

    def __init__(self, *, label: str, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR, **kwargs):
        super().__init__(label=label, **kwargs)
        self.min_year, self.max_year = min_year, max_year
        name = words(label)
        real = f"{name} must be a real date"
        self.error_messages.update({
            "required": f"Enter the {_lower(name)}",
            "incomplete": f"Enter the {_lower(name)} as a day, month and year",
            "invalid": real, "real": real,
            "range": f"{name} must be between 1 January {min_year} and 31 December {max_year}",
        })
        for part in self.fields:
            part.validators = [v for v in part.validators
                               if not isinstance(v, (validators.ProhibitNullCharactersValidator,
                                                     validators.RegexValidator))]
            part.validators.append(validators.RegexValidator(r"\A[0-9]{1,20}\Z", real))

    def clean(self, value):
        if isinstance(value, (list, tuple)):
            parts = [*value, None, None, None][:3]
            filled = [p not in self.empty_values and str(p).strip() != "" for p in parts]
            if any(filled) and not all(filled):
                raise ValidationError(self.error_messages["incomplete"], code="incomplete")
            if any(has_hidden_characters(p) for p in parts):
                raise ValidationError(self.error_messages["real"], code="invalid")
        return super().clean(value)

    def compress(self, data_list):
        day, month, year = (data_list or (None, None, None))[:3]
        if not (day and month and year):
            return None
        day, month, year = int(day), int(month), int(year)
        if not self.min_year <= year <= self.max_year:
            raise ValidationError(self.error_messages["range"], code="range")
        try:
            return datetime.date(year, month, day)
        except (ValueError, OverflowError) as error:
            raise ValidationError(self.error_messages["real"], code="invalid") from error


def _message(field: forms.Field, code: str, text: str) -> None:
    """Replace Django's default wording for `code` (a form's own wording is kept)."""
    current = field.error_messages.get(code)
    default = None
    for klass in type(field).__mro__:
        default = getattr(klass, "default_error_messages", {}).get(code)
        if default is not None:
            break
    if current is None or str(current) == str(default):
        field.error_messages[code] = text


def harden_fields(fields, public: bool = False) -> None:
    """Give every field of a form the input rules above, once (idempotent; fields added in `__init__` too).
    `public`: the form is typed by people without an account, so its names and roles carry no links."""
    for name, field in fields.items():
        if public and is_one_line(field) and not isinstance(field, (forms.EmailField, forms.URLField)) \
                and NoLinks() not in field.validators:
            field.validators.append(NoLinks())
            field.error_messages[LINK_CODE] = (f"{words(field.label, name)} must not contain a web address or an "
                                               "email address")
        if getattr(field, "_input_rules", False):
            if isinstance(field, forms.CharField):
                _order_text_validators(field)
            continue
        field._input_rules = True
        label = words(field.label, name)
        safe = label.replace("%", "%%")  # messages are %-formatted with the error's params
        lower = _lower(safe)
        choice = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField,
                                    forms.FileField))
        question = str(field.label or "").strip().endswith("?")  # "Which quarter?": not a noun to name
        if question:
            _message(field, "required", "Select an answer" if choice else "Enter an answer")
        else:
            _message(field, "required", f"Select {lower}" if choice else f"Enter {lower}")
        if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
            shown = "Select one of the options shown" + ("" if question else f" for {lower}")
            for code in ("invalid_choice", "invalid_pk_value", "invalid_list"):
                _message(field, code, shown)
        if isinstance(field, forms.CharField):
            _harden_text(field, safe)
        elif isinstance(field, forms.DecimalField):
            _harden_decimal(field, safe)
        elif isinstance(field, forms.IntegerField):
            _harden_integer(field, safe)


def _harden_text(field: forms.CharField, label: str) -> None:
    field.validators = [v for v in field.validators if not isinstance(v, validators.ProhibitNullCharactersValidator)]
    field.validators.append(NoHiddenCharacters())
    field.error_messages[HIDDEN_CODE] = hidden_message(label)
    field.error_messages["null_characters_not_allowed"] = hidden_message(label)
    if field.max_length is None:  # every text box has a limit (a password too: hashing 200,000 characters is slow)
        field.max_length = TEXT_MAX if isinstance(field.widget, forms.Textarea) else LINE_MAX
        field.validators.append(validators.MaxLengthValidator(field.max_length))
    if field.max_length is not None:
        _message(field, "max_length", f"{label} must be {field.max_length:,} characters or fewer")
    if field.min_length is not None:
        _message(field, "min_length", f"{label} must be {field.min_length:,} characters or more")
    _message(field, "invalid", f"Enter {_lower(label)} in the correct format")
    if is_one_line(field):
        field.validators.append(OneLine())
        field.error_messages[LINE_BREAK_CODE] = f"{label} must be one line"
    _order_text_validators(field)


def _harden_decimal(field: forms.DecimalField, label: str) -> None:
    if field.max_digits is None:
        field.max_digits, field.decimal_places = DECIMAL_DIGITS, field.decimal_places or DECIMAL_PLACES
        field.validators.append(validators.DecimalValidator(field.max_digits, field.decimal_places))
    _message(field, "invalid", f"{label} must be a number, like 12 or 12.5")
    largest = 10 ** (field.max_digits - (field.decimal_places or 0))
    _message(field, "max_digits", f"{label} must be smaller than {largest:,}")
    _message(field, "max_whole_digits", f"{label} must be smaller than {largest:,}")
    _message(field, "max_decimal_places", f"{label} must have no more than %(max)s decimal places")
    _bounds(field, label)


def _harden_integer(field: forms.IntegerField, label: str) -> None:
    if field.max_value is None:
        field.max_value = INTEGER_MAX
        field.validators.append(validators.MaxValueValidator(INTEGER_MAX))
    if field.min_value is None:
        field.min_value = -INTEGER_MAX
        field.validators.append(validators.MinValueValidator(-INTEGER_MAX))
    _message(field, "invalid", f"{label} must be a whole number, like 12")
    _bounds(field, label)


def _bounds(field, label: str) -> None:
    _message(field, "max_value", f"{label} must be %(limit_value)s or less")
    _message(field, "min_value", f"{label} must be %(limit_value)s or more")
    _message(field, "step_size", f"{label} must be a multiple of %(limit_value)s")


class BadQueryValuesMiddleware:
    """A query-string key or value with a control or non-character (`?person=%00`) is dropped before any view
    reads it: the filter ignores it instead of reaching the database (PostgreSQL refuses NUL with a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if any(has_hidden_characters(k) or any(has_hidden_characters(v) for v in query.getlist(k)) for k in query):
            clean = QueryDict(mutable=True)
            for key in query:
                if not has_hidden_characters(key):
                    values = [v for v in query.getlist(key) if not has_hidden_characters(v)]
                    if values:
                        clean.setlist(key, values)
            clean._mutable = False
            request.GET = clean
        return self.get_response(request)

