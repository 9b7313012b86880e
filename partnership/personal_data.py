"""The one check that keeps children unnamed in free text: no date of birth, no name, no NHS number, no postcode.

Every free-text form field gets it through `GDSForm` (`guard_free_text`), so a new field is covered without being
listed; the few views that read raw textareas have their service call `personal_data_problem`. It looks for:

- a date (numeric or written, or a month and year) beside "DOB", "d.o.b", "date of birth", "born", "birthday";
- a given name and a surname beside a child word ("Baby Amelia Jones", "her son Jayden Smith",
  "Jayden Smith, aged 10", "Jayden Smith (the child)"), or a child "called"/"named" someone;
- an NHS number: ten digits (3-3-4, with or without spaces) that pass the NHS checksum, or any ten digits after
  "NHS";
- a full UK postcode ("SW19 2HL"); the district alone ("SW19") is fine.

Ordinary professional text passes: dates of meetings and incidents, agency and place names, staff names and
roles, pseudonyms such as "Child Q".
"""
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

CODE = "personal_data"

MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
DATE = (
    rf"(?:\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*\d{{2,4}}"  # 12/03/2013, 12.3.13, 12-03-2013
    rf"|\d{{4}}\s*-\s*\d{{1,2}}\s*-\s*\d{{1,2}}"  # 2013-03-12
    rf"|\d{{1,2}}\s+\d{{1,2}}\s+\d{{4}}"  # 12 03 2013
    rf"|{DAY}\s+(?:of\s+)?{MONTHS}\.?,?\s+\d{{2,4}}"  # 12 March 2013, 12th of Mar 2013
    rf"|{MONTHS}\.?\s+{DAY},?\s+\d{{4}}"  # March 12, 2013
    rf"|{MONTHS}\.?\s+\d{{4}}"  # March 2013
    rf"|\d{{1,2}}\s*/\s*\d{{4}})"  # 03/2013
)
BIRTH = r"(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s*date|birthday|born)"
BIRTH_DATE = re.compile(rf"\b{BIRTH}[\s:,\-–(]*(?:on\s+|in\s+)?(?:the\s+)?{DATE}"  # DOB 12/03/2013, born on 1 May 2013
                        rf"|{DATE}\s*[(\[,\-–]?\s*{BIRTH}", re.IGNORECASE)  # 12/03/2013 (DOB)

CHILD = (r"(?:baby|babies|child|children|son|daughter|step-?son|step-?daughter|pupil|student|infant|toddler|"
         r"newborn|boy|girl|sibling|brother|sister|twin|young\s+person|teenager|youngster|grandson|granddaughter|"
         r"nephew|niece|yp|cyp|cla|cin)")
# Capitalised words that are not given names or surnames: roles, services, places, and words that start sentences.
NOT_NAMES = frozenset("""
a about academy access after agency all also an and any april are as at august autumn before board borough both
but by care centre child children clinical college commissioning community conference consultant council county
court cpd cse csc day december designated detective director doctor dr during early education emergency
exploitation family february financial first following for friday friendly from front general gp head health help
helier her his hospital house however if in initial inspector integrated into it its january july june justice
lead learning local london looked manager march mash may me mental merton midwife miss monday mr mrs ms multi
named national need neglect network nhs no north not november nurse october of on or our out outcome panel
paediatrician paediatric partnership plan police practice practitioner primary probation protection provider
psychiatric public referral review rapid safeguarding saturday school schools secondary senior september service
services sexual she since social south special spring st staff summer sunday support team teacher the their then
there they this thursday to trust tuesday unit under visitor we wednesday welfare when where which who winter with
worker year youth abuse assessment board conference criminal death domestic harm in initial strategy
""".split())
# A word starts at a word boundary and its letters are taken possessively: a long run of letters is one failed try,
# not one per letter with every length backtracked (which made "aaaa…" of 40,000 characters take a minute).
WORD = r"\b[A-Z][a-z]++(?:[-'][A-Z]?[a-z]++)?+"
NAME_PAIR = rf"(?P<given>{WORD})\s+(?P<surname>{WORD})"
CHILD_THEN_NAME = (  # tried one by one: a lower-case pair matched by one must not hide a name from the next
    re.compile(rf"\b{CHILD}\b[\s,:(]*(?:(?:is|was)\s+)?(?:(?P<called>called|named|known\s+as)\s+)?{NAME_PAIR}",
               re.IGNORECASE),
    re.compile(rf"\b{CHILD}\b[\s,:(]*(?:(?:is|was)\s+)?(?:called|named|known\s+as)\s+(?P<single>{WORD})",
               re.IGNORECASE),
    re.compile(rf"\bbaby\s+(?P<baby>{WORD})", re.IGNORECASE),
)
# "Jayden Smith, the child." or "..., a pupil at ...", but not "Sarah Jones, the child protection lead".
CHILD_ENDS = (r"\b(?=\s*[,.;:)!?]|\s*$|\s+(?:who|was|is|has|had|have|aged|at|in|with|from|of|and|lives|living|"
              r"attends|attending|known|concerned|involved|subject)\b)")
NAME_THEN_CHILD = re.compile(
    rf"{NAME_PAIR}\s*(?:,|\(|-|–)?\s*(?:(?:is|was|who\s+is|a|an|the|our|their|her|his)\s+)*"
    rf"(?:aged\s+\d|age\s+\d|\d{{1,2}}\s*(?:years?|yrs?|months?)\s*old|{CHILD}{CHILD_ENDS})", re.IGNORECASE)
NHS_CONTEXT = re.compile(r"\bnhs\s*(?:no\.?|number|num|#)?\s*[:\-]?\s*(\d{3}\s?-?\d{3}\s?-?\d{4})\b", re.IGNORECASE)
TEN_DIGITS = re.compile(r"(?<![\d/.\-])(\d{3})[ \-]?(\d{3})[ \-]?(\d{4})(?![\d/.\-])")
POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
ORDINALS = {"st", "nd", "rd", "th"}

INSTEAD = "Write the case reference instead, for example MA-2026-014"
MESSAGES = {
    "birth": ("Remove the date of birth. Children are never identified here: write the child's age or age band "
              "instead, for example \"aged 11 to 15\"."),
    "name": (f"Remove the child's name. {INSTEAD}, or \"the child\" (or \"Child A\" if there is more than one)."),
    "nhs": f"Remove the NHS number. {INSTEAD}.",
    "postcode": "Remove the full postcode. Write the area instead, for example \"SW19\" or \"Mitcham\".",
}


@dataclass(frozen=True)
class Finding:
    kind: str  # birth, name, nhs, postcode

    @property
    def message(self) -> str:
        return MESSAGES[self.kind]


def nhs_checksum_ok(digits: str) -> bool:
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _is_name(*words: str) -> bool:
    return all(w and w.lower() not in NOT_NAMES and len(w) > 1 for w in words)


def _names_a_child(text: str) -> bool:
    pairs, called, babies = CHILD_THEN_NAME
    for match in pairs.finditer(text):
        given, surname = match.group("given"), match.group("surname")
        if given[0].isupper() and surname[0].isupper() and (match.group("called") or _is_name(given, surname)):
            return True
    for match in (*called.finditer(text), *babies.finditer(text)):
        single = match.group(match.lastgroup)
        if single[0].isupper() and _is_name(single):
            return True
    for match in NAME_THEN_CHILD.finditer(text):
        given, surname = match.group("given"), match.group("surname")
        if given[0].isupper() and surname[0].isupper() and _is_name(given, surname):
            return True
    return False


def _has_postcode(text: str) -> bool:
    for match in POSTCODE.finditer(text):
        found = match.group(0)
        if found.isupper():
            return True
        if found.islower() and found[-2:] not in ORDINALS:  # "y2 2nd" is a year group and an ordinal
            return True
    return False


def find_personal_data(text: str, *, allow_postcode: bool = False) -> Finding | None:
    """The first kind of personal data about a child found in `text`, or None."""
    if not text:
        return None
    if BIRTH_DATE.search(text):
        return Finding("birth")
    if _names_a_child(text):
        return Finding("name")
    if NHS_CONTEXT.search(text) or any(nhs_checksum_ok("".join(m.groups())) for m in TEN_DIGITS.finditer(text)):
        return Finding("nhs")
    if not allow_postcode and _has_postcode(text):
        return Finding("postcode")
    return None


def personal_data_problem(text: str, *, allow_postcode: bool = False) -> str | None:
    finding = find_personal_data(text, allow_postcode=allow_postcode)
    return finding.message if finding else None


class NoPersonalData:
    """A field validator: refuses text that identifies a child."""

    def __init__(self, allow_postcode: bool = False):
        self.allow_postcode = allow_postcode

    def __call__(self, value) -> None:
        problem = personal_data_problem(str(value or ""), allow_postcode=self.allow_postcode)
        if problem:
            raise ValidationError(problem, code=CODE)

    def __eq__(self, other):
        return isinstance(other, NoPersonalData) and other.allow_postcode == self.allow_postcode


def is_free_text(field: forms.Field) -> bool:
    """Free text is a plain CharField typed into a text box or a textarea (not an email, a URL, a code, a password,
    a hidden value or a choice)."""
    return (type(field) is forms.CharField
            and isinstance(field.widget, (forms.Textarea, forms.TextInput))
            and not isinstance(field.widget, (forms.PasswordInput, forms.HiddenInput)))


def allow_postcode(field: forms.Field) -> forms.Field:
    """Mark a field that holds an address (a training venue): a full postcode is fine there, the rest is not."""
    field.personal_data_allows_postcode = True
    return field


def guard_free_text(fields) -> None:
    """Give every free-text field in `fields` the check, once."""
    for field in fields.values():
        if is_free_text(field) and not any(isinstance(v, NoPersonalData) for v in field.validators):
            field.validators.append(NoPersonalData(getattr(field, "personal_data_allows_postcode", False)))

