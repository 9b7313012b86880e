"""What the service may record about a child, one scheme for every app: an age band, and for a serious-incident
notification the child's sex, ethnicity and disability. Never a name or a date of birth (partnership.personal_data).

The age bands are the ones the national Child Safeguarding Practice Review Panel reports serious incident
notifications in (under 1, 1 to 5, 6 to 10, 11 to 15, 16 to 17, 18 and over), with "Unborn" for a pre-birth case
and the care leavers' band: an audit's cases and a notification's children are counted in the same bands, so the
board can set them side by side. Ethnicity follows the ONS 2021 Census categories for England (grouped as the
Census groups them), disability the Government Statistical Service harmonised question (day-to-day activities
limited a lot, a little, or not), sex the two categories of the ONS standard; each with "Not known" and "Prefer not
to say".

Earlier schemes (before one scheme): the audits recorded 0-2, 3-5, 6-10, 11-15, 16-17; the notifications 1_4, 5_9,
10_15. `OLD_AGE_BANDS` maps each to the band it shares most years with; the migrations that moved the stored values
use it (audits 0005, reviews 0002).
"""
from django.db import models


class AgeBand(models.TextChoices):
    UNBORN = "unborn", "Unborn"
    UNDER_1 = "under_1", "Under 1"
    Y1_5 = "1_5", "1 to 5"
    Y6_10 = "6_10", "6 to 10"
    Y11_15 = "11_15", "11 to 15"
    Y16_17 = "16_17", "16 to 17"
    Y18_24 = "18_24", "18 to 24 (care leaver)"


# Old stored value -> the band now. An old band that straddles two goes where most of its years are:
# 0-2 (ages 0, 1, 2) to 1 to 5; 5_9 (5 to 9) to 6 to 10; 10_15 (10 to 15) to 11 to 15.
OLD_AGE_BANDS = {
    "0-2": AgeBand.Y1_5, "3-5": AgeBand.Y1_5, "6-10": AgeBand.Y6_10, "11-15": AgeBand.Y11_15,
    "16-17": AgeBand.Y16_17, "1_4": AgeBand.Y1_5, "5_9": AgeBand.Y6_10, "10_15": AgeBand.Y11_15,
}

NOT_KNOWN = "not_known", "Not known"
PREFER_NOT = "prefer_not", "Prefer not to say"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = NOT_KNOWN
    PREFER_NOT = PREFER_NOT


class Disability(models.TextChoices):
    LIMITED_A_LOT = "limited_a_lot", "Disabled: day-to-day activities limited a lot"
    LIMITED_A_LITTLE = "limited_a_little", "Disabled: day-to-day activities limited a little"
    NOT_DISABLED = "not_disabled", "Not disabled"
    NOT_KNOWN = NOT_KNOWN
    PREFER_NOT = PREFER_NOT


# (group, [(value, label)]): the ONS 2021 Census ethnic groups for England, then not known and prefer not to say.
ETHNICITY_GROUPS = [
    ("Asian or Asian British", [
        ("asian_bangladeshi", "Bangladeshi"), ("asian_chinese", "Chinese"), ("asian_indian", "Indian"),
        ("asian_pakistani", "Pakistani"), ("asian_other", "Any other Asian background")]),
    ("Black, Black British, Caribbean or African", [
        ("black_african", "African"), ("black_caribbean", "Caribbean"),
        ("black_other", "Any other Black, Black British or Caribbean background")]),
    ("Mixed or multiple ethnic groups", [
        ("mixed_white_asian", "White and Asian"), ("mixed_white_black_african", "White and Black African"),
        ("mixed_white_black_caribbean", "White and Black Caribbean"),
        ("mixed_other", "Any other Mixed or multiple ethnic background")]),
    ("White", [
        ("white_british", "English, Welsh, Scottish, Northern Irish or British"), ("white_irish", "Irish"),
        ("white_gypsy_traveller", "Gypsy or Irish Traveller"), ("white_roma", "Roma"),
        ("white_other", "Any other White background")]),
    ("Other ethnic group", [("other_arab", "Arab"), ("other_any", "Any other ethnic group")]),
    ("Not recorded", [NOT_KNOWN, PREFER_NOT]),
]
ETHNICITY_LABELS = {value: f"{group}: {label}" if group != "Not recorded" else label
                    for group, options in ETHNICITY_GROUPS for value, label in options}
# A model field's choices (flat, each with its group, so a list reads "Mixed or multiple ethnic groups: White
# and Black African"); a form shows ETHNICITY_GROUPS as grouped options.
ETHNICITY_CHOICES = list(ETHNICITY_LABELS.items())
ETHNICITY_NOT_KNOWN = NOT_KNOWN[0]  # the stored value for an ethnicity not known


def choice_from_text(text: str, choices) -> str:
    """A value typed before these were choices, as a choice: the choice whose value or label (or the part of an
    ethnicity's label after its group) it matches, ignoring case and spaces; "Not known" otherwise (and when
    empty). Used by the data migration that moved the notifications' free text to choices."""
    typed = " ".join(str(text).split()).casefold().replace("mixed:", "mixed or multiple ethnic groups:")
    if not typed:
        return NOT_KNOWN[0]
    for value, label in choices:
        names = {value.casefold(), str(label).casefold(), str(label).split(": ", 1)[-1].casefold()}
        if typed in names:
            return value
    words = {"no": "not_disabled", "none": "not_disabled", "not disabled": "not_disabled", "m": "male",
             "f": "female", "unknown": NOT_KNOWN[0], "prefer not to say": PREFER_NOT[0]}
    answer = words.get(typed)
    return answer if answer in {v for v, _ in choices} else NOT_KNOWN[0]
