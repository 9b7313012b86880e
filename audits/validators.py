"""The one place that decides what a case reference may look like: never a name, never a date of birth."""
import re

from django.core.exceptions import ValidationError

REFERENCE = re.compile(r"^[A-Z]{2,6}(-[A-Z0-9]{1,8}){1,3}$")
DATE_LIKE = re.compile(
    r"\d{1,2}\s*[/.\-\s]\s*\d{1,2}\s*[/.\-\s]\s*\d{2,4}"  # 3/4/2019, 03-04-19, 3 4 2019
    r"|\d{4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,2}"  # 2019-04-03
    r"|\d{1,2}\s*(st|nd|rd|th)?\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*",  # 3 April 2019
    re.IGNORECASE,
)
NAME_LIKE = re.compile(r"\b[A-Z][a-z]+[\s\-']+[A-Z][a-z]+")  # two capitalised words: "Jane Smith"
HOW = "Use the partnership's case reference only, for example MA-2026-014."


def case_reference_problem(value: str) -> str | None:
    """Why `value` cannot be a case reference, or None when it is fine."""
    text = (value or "").strip()
    if not text:
        return f"Enter the case reference. {HOW}"
    if DATE_LIKE.search(text):
        return ("This looks like a date, which could be a child's date of birth. Never record dates of birth. "
                f"{HOW}")
    if NAME_LIKE.search(text) or not any(ch.isdigit() for ch in text):
        return ("This looks like a name. Children must never be named in the audit. "
                f"{HOW} A reference has capital letters, then numbers, joined by hyphens.")
    if not REFERENCE.match(text):
        return ("Enter the reference in the partnership's format: capital letters, then numbers, joined by "
                f"hyphens. {HOW}")
    return None


def validate_case_reference(value: str) -> None:
    problem = case_reference_problem(value)
    if problem:
        raise ValidationError(problem, code="case_reference")
