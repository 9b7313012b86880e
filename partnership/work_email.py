"""Work email only: personal (consumer) email domains are refused wherever a work email is typed.

The list is a setting (`PERSONAL_EMAIL_DOMAINS`, "yahoo.*" for every yahoo.<anything>), so a partnership adds a
provider without a release. One rule, used by the form field (`WorkEmailField`, the message next to the field),
the services that take an address (`require_work_email`), and agencies' email domains (`personal_domains_in`).
"""
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from .services.errors import ServiceError


def _domain(email_or_domain: str) -> str:
    return (email_or_domain or "").rpartition("@")[2].strip().lower().rstrip(".")


def is_personal_domain(domain: str) -> bool:
    """True for a listed personal domain, a sub-domain of one, or a match of a "name.*" pattern."""
    domain = _domain(domain)
    if not domain:
        return False
    for entry in settings.PERSONAL_EMAIL_DOMAINS:
        entry = entry.strip().lower().lstrip("@").rstrip(".")
        if not entry:
            continue
        if entry.endswith(".*"):
            stem = entry[:-2]
            if domain.startswith(stem + ".") or ("." + stem + ".") in domain:
                return True
        elif domain == entry or domain.endswith("." + entry):
            return True
    return False


def personal_email_message(email: str) -> str:
    return (f"Enter a work email address. {_domain(email)} is a personal email provider: use the address your "
            "organisation gave you")


def work_email_problem(email: str) -> str | None:
    """Why `email` cannot be used as a work email, or None."""
    return personal_email_message(email) if is_personal_domain(email) else None


def require_work_email(email: str, *, field: str = "email") -> None:
    """For services: refuse a personal address (shown next to `field`)."""
    if (problem := work_email_problem(email)) is not None:
        raise ServiceError(problem, field=field)


def validate_work_email(value: str) -> None:
    if (problem := work_email_problem(value)) is not None:
        raise ValidationError(problem, code="personal_email")


def personal_domains_in(domains) -> list[str]:
    """The personal domains among an agency's listed email domains."""
    return [d for d in domains if is_personal_domain(d)]


class WorkEmailField(forms.EmailField):
    """An email field that refuses personal email domains, with the message next to the field."""

    default_validators = [*forms.EmailField.default_validators, validate_work_email]


def refuse_personal_email(field: forms.Field) -> forms.Field:
    """Add the work-email rule to a field a ModelForm made from a model's EmailField."""
    if validate_work_email not in field.validators:
        field.validators.append(validate_work_email)
    return field
