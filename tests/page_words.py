"""What a reader must never see in a page's text: codes and slips that leak from the models and the templates.

`raw_text_problems(html)` reads the text a person sees (no markup, scripts, styles, attribute values or hidden
inputs) and answers each problem with the words around it:

- a model or status code: snake_case ("review_recommendation", "Review_recommendation") or words run together
  ("Section11", "In progressLate", "CamelCase");
- a time with seconds ("13:30:00"): the house writes "1:30pm";
- a possessive on a plural ending in s ("Services's");
- an empty count read as a result ("0 of 0 cases"): say that there is nothing yet instead;
- any code the service stores with a hyphen or underscore (a choice's value, an export's kind:
  "board-report requested"), found from the models and the export registry.

Used by tests/test_crawl_words.py on every page the crawl of the demo finds, so a new page is checked without
being listed. Email addresses, web addresses and file names keep their own spelling.
"""
import functools
import html
import re

HIDDEN = re.compile(r"<(script|style|template|svg)\b.*?</\1>|<!--.*?-->", re.S | re.I)
# A text box shows its value; other inputs (hidden, radios, buttons) show none.
INPUT = re.compile(r"<input\b[^>]*>", re.I)
TEXT_INPUT = re.compile(r'type="(?:text|email|search|tel|url)"|^<input(?![^>]*\btype=)', re.I)
VALUE = re.compile(r'\bvalue="([^"]*)"')
# Two tags side by side with nothing between them are heard and copied as one word: "In progressLate".
TAGS_RUN_TOGETHER = re.compile(r'</strong><strong class="govuk-tag[^"]*">', re.I)
TAG = re.compile(r"</?(?:strong|span|a|em|b|i|abbr|code|small|time|sup|sub|mark)\b[^>]*>", re.I)
TAG = re.compile(r"<[^>]+>")
# Spellings of things that are not ours to correct: addresses, links and file names.
VERBATIM = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+|\S+\.(?:pdf|xlsx|csv|docx|zip|png|svg|txt|json|yaml)\b"
                      r"|/\S*", re.I)
PROBLEMS = (
    ("a code with an underscore", re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")),
    ("words or a number run together", re.compile(r"\b[A-Za-z]*[a-z][A-Z][A-Za-z]*\b|\b[A-Z][a-z]+\d+\b")),
    ("a time with seconds", re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")),
    ("a possessive written s's", re.compile(r"\b\w+s's\b|\b\w+s’s\b")),
    ("an empty count", re.compile(r"\b0 of 0\b")),
)
# Names spelled with a capital inside them, as their owners write them.
PROPER = frozenset({"AbilityNet", "DfE", "SWLStG", "GitHub", "PowerPoint", "YouTube", "LinkedIn", "JavaScript",
                    "WhatsApp", "iPhone", "iPad", "McDonald", "MacDonald", "OpenID", "PostgreSQL", "WeasyPrint",
                    "SharePoint", "eLearning", "NHSmail", "OneDrive", "TikTok", "Snapchat", "eSafety"})


@functools.cache
def known_codes() -> re.Pattern:
    """The codes the service stores that are spelled with a hyphen ("board-report", an export's kind) or an
    underscore: every model field's choice values and every registered export kind, found, not listed."""
    from django.apps import apps

    from partnership.services.exports import export_kinds

    codes = set(export_kinds())
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.search(r"[a-z][-_][a-z]", value) \
                        and value.lower() != str(label).lower():
                    codes.add(value)
    return re.compile(r"(?<![\w/-])(?:" + "|".join(sorted(map(re.escape, codes), key=len, reverse=True))
                      + r")(?![\w/-])")


def _input_text(match) -> str:
    tag = match.group(0)
    value = VALUE.search(tag)
    return f" {value.group(1)} " if value and TEXT_INPUT.search(tag) else " "


def visible_text(page: str) -> str:
    text = TAG.sub(" ", TAGS_RUN_TOGETHER.sub("", INPUT.sub(_input_text, HIDDEN.sub(" ", page))))
    return " ".join(html.unescape(text).split())


def raw_text_problems(page: str) -> list[str]:
    text = VERBATIM.sub(" ", visible_text(page))
    found = []
    for what, pattern in (*PROBLEMS, ("a stored code", known_codes())):
        for match in pattern.finditer(text):
            if match.group(0) in PROPER:
                continue
            start, end = max(match.start() - 40, 0), match.end() + 40
            found.append(f"{what}: {match.group(0)!r} in “…{text[start:end]}…”")
    return found
