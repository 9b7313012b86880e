"""The personal-data check's own table: what it refuses, and the professional text it must let through."""
import pytest

from partnership.personal_data import find_personal_data, nhs_checksum_ok

REFUSE = [
    # dates of birth, numeric and written, beside a birth word
    ("Jayden Smith (DOB 12/03/2013)", "birth"),
    ("Baby Amelia Jones, born 01/09/2026", "birth"),
    ("d.o.b. 3.4.19, lives with mother", "birth"),
    ("D.O.B: 2013-03-12", "birth"),
    ("date of birth 12 March 2013", "birth"),
    ("Date of birth: 12th of March 2013", "birth"),
    ("born on 1 May 2020 at St Helier", "birth"),
    ("born in March 2013", "birth"),
    ("born March 12, 2013", "birth"),
    ("dob 12 03 2013", "birth"),
    ("12/03/2013 (DOB)", "birth"),
    ("birthday 05/06/2015", "birth"),
    # a given name and a surname beside a child word
    ("Baby Amelia was seen at the clinic", "name"),
    ("baby Amelia Jones was seen at the clinic", "name"),
    ("The child Jayden Smith was not seen for six weeks", "name"),
    ("Her son Jayden Smith attends the primary school", "name"),
    ("her daughter, Amelia Jones, was at home", "name"),
    ("The pupil Tyler Brown left early", "name"),
    ("Young person Kai Okafor was missing overnight", "name"),
    ("a child called Jayden was at home", "name"),
    ("Jayden Smith, aged 10, was at home", "name"),
    ("Jayden Smith, the child in this review, was not seen", "name"),
    ("Amelia Jones (the baby) was admitted", "name"),
    ("Kai Okafor, a pupil at the school, disclosed", "name"),
    ("Jayden Smith, 9 years old, was excluded", "name"),
    # NHS numbers
    ("NHS number 943 476 5919", "nhs"),
    ("Health records checked: 9434765919", "nhs"),
    ("NHS no: 123 456 7890", "nhs"),
    # full postcodes
    ("The family moved to SW19 2HL last year", "postcode"),
    ("living at cr4 3dq with an aunt", "postcode"),
    ("CR4 3DQ", "postcode"),
]

PASS = [
    "Strategy meeting held on 12/03/2026 with police and health.",
    "The incident on 01/09/2026 was reported to the front door the same day.",
    "Meeting on 12 March 2026; review due March 2027.",
    "Child protection conference on 3 April 2026 agreed a child protection plan.",
    "Child Q and Child R were seen together; Baby T was discharged.",
    "The child was seen by the health visitor at St Helier Hospital.",
    "Sarah Jones, the child protection lead, chaired the meeting.",
    "Sarah Jones, the children's social worker, visited twice.",
    "Designated Nurse (child protection) and Named Doctor attended.",
    "Merton Council, South West London ICB and the Metropolitan Police took part.",
    "Children's Social Care and the MASH agreed the Early Help plan.",
    "The family lives in SW19; the school is in Mitcham.",
    "Year 2 2nd term: attendance fell to 82%.",
    "Call the front door on 020 8545 4226.",
    "Section 11 standard 3 met; 42 of 42 criteria answered.",
    "Child Sexual Exploitation and Child Criminal Exploitation panels meet monthly.",
    "Baby Friendly Initiative accreditation was renewed.",
    "Young people in the Youth Justice Service gave feedback.",
    "The pupil referral unit and Merton Virtual School were involved.",
    "Lee Lead, the agency lead, submitted the return on 2 December 2026.",
    "Children born after 2023 are not in scope of this audit.",
    "DOB not recorded on the referral of 12/03/2026.",
    "Reference MA-2026-014, age band 11 to 15.",
    "",
]


@pytest.mark.parametrize(("text", "kind"), REFUSE)
def test_refuses(text, kind):
    finding = find_personal_data(text)
    assert finding is not None, text
    assert finding.kind == kind, text
    assert "instead" in finding.message


@pytest.mark.parametrize("text", PASS)
def test_passes_professional_text(text):
    assert find_personal_data(text) is None, find_personal_data(text)


def test_a_venue_may_hold_a_postcode_when_the_field_allows_it():
    assert find_personal_data("Merton Civic Centre, London Road, Morden SM4 5DX", allow_postcode=True) is None
    assert find_personal_data("Merton Civic Centre, London Road, Morden SM4 5DX").kind == "postcode"
    assert find_personal_data("Room 3, for Baby Amelia Jones", allow_postcode=True).kind == "name"


def test_nhs_checksum():
    assert nhs_checksum_ok("9434765919")
    assert not nhs_checksum_ok("9434765918")
    assert not nhs_checksum_ok("12345")


@pytest.mark.parametrize("text", ["a" * 40_000, "A" * 40_000, "Aa " * 13_000, "aB-" * 13_000, "1" * 40_000,
                                  "Jayden " * 6_000, "the child " * 4_000, "12/" * 13_000])
def test_the_check_takes_time_in_proportion_to_the_text_never_more(text):
    """No pattern backtracks over a long run (a regular-expression denial of service): 40,000 characters of any
    shape are checked in well under a second (one was a minute)."""
    import time

    started = time.process_time()
    find_personal_data(text)
    assert time.process_time() - started < 1.0
