"""What the accessibility statement says, as data, so the statement and the code cannot drift apart.

The statement (templates/pages/accessibility.html) lists every PDF the service makes, every known gap with the
date we plan to fix it by, and the automated findings we accept and why. tests/partnership/test_accessibility_
statement.py holds `PDF_DOCUMENTS` to exactly the templates that make a PDF, and the browser tests take the
accepted axe findings from `ACCEPTED_AXE_FINDINGS`, so a new PDF or a new accepted finding must be named here,
and so on the statement, before the tests pass.
"""
import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class PdfDocument:
    template: str
    name: str
    who: str


@dataclass(frozen=True)
class KnownGap:
    what: str
    criterion: str  # the WCAG 2.2 success criterion it fails
    fix_by: datetime.date | None  # None: not planned to change (say why in `what`)
    # The axe rules this gap accounts for in the site administration (tests/e2e/test_admin_sweep.py accepts exactly
    # these there, and fails when one of them no longer occurs, so the gap comes off the statement when it is fixed).
    admin_axe_rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Check:
    what: str  # what we check, as the statement says it
    test: str  # the test that checks it (a path from the project root): it must exist


@dataclass(frozen=True)
class AcceptedFinding:
    rule: str  # the axe rule id
    where: str
    why: str


# Every PDF the service makes. Each is tagged (PDF/UA-1), with a language and a title; each chart's alternative
# text carries its figures; tables repeat their header row on each page (tests/pdf_structure.py checks every PDF
# made in the tests).
PDF_DOCUMENTS = (
    PdfDocument("reports/board_report.html", "Board pack (quarterly report to the partnership board)",
                "chair, business unit, QA subgroup"),
    PdfDocument("reports/yearly_report_pdf.html", "Yearly partnership report (approved and published version)",
                "everyone: it is published"),
    PdfDocument("section11/pdf/return.html", "Section 11 or school safeguarding self-assessment return",
                "the agency or school, business unit"),
    PdfDocument("section11/pdf/feedback_letter.html", "Section 11 feedback letter after a challenge session",
                "the agency, business unit"),
    PdfDocument("section11/pdf/analysis.html", "Section 11 analysis of a cycle", "business unit, QA subgroup"),
    PdfDocument("audits/pdf/report.html", "Multi-agency case audit report", "business unit, QA subgroup"),
    PdfDocument("audits/pdf/board_section_preview.html", "Audit section of the board pack, on its own",
                "business unit"),
    PdfDocument("performance/pdf/scorecard.html", "Performance scorecard", "business unit, QA subgroup"),
    PdfDocument("performance/pdf/exceptions.html", "Performance exceptions report", "business unit, QA subgroup"),
    PdfDocument("reviews/pdf/board_section_document.html", "Reviews section of the board pack, on its own",
                "reviews group"),
    PdfDocument("learning/pdf/briefing.html", "Learning briefing (seven-minute briefing)", "everyone"),
    PdfDocument("learning/pdf/certificate.html", "Training attendance certificate", "the delegate"),
    PdfDocument("learning/pdf/board_section_document.html", "Learning section of the board pack, on its own",
                "learning and development coordinator"),
    PdfDocument("partnership/pdf/escalation_letter.html", "Escalation letter to an agency",
                "business unit, chair, the agency's lead"),
    PdfDocument("meetings/minutes_pdf.html", "Minutes of a subgroup meeting", "the subgroup's members, business unit"),
    PdfDocument("pdf/actions_overdue.html", "Overdue actions report", "business unit"),
)
# Templates that extend pdf/base.html but are not documents the service offers (a check that PDFs work here).
NOT_OFFERED = ("pdf/sample.html",)

KNOWN_GAPS = (
    KnownGap("You are signed out after a fixed number of hours, however active you are, and cannot extend it. "
             "The limit protects information about children if a device is left signed in; you are warned "
             "before it, and nothing you saved is lost. We do not plan to change this.",
             "2.2.1 Timing Adjustable", None),
    KnownGap("In the site administration (Django's own pages, used by the business unit to manage reference data): "
             "the date and time boxes of a date-and-time field, and the boxes in rows added inside another record "
             "(such as a person's roles or a subgroup's members), are not each named by a label; the column of "
             "a row's title and its 'Delete?' column have no header text; the filter boxes of a two-list choice "
             "carry a name on an element that may not have one.",
             "1.3.1 Info and Relationships, 4.1.2 Name, Role, Value", datetime.date(2027, 3, 31),
             admin_axe_rules=("label", "select-name", "aria-input-field-name", "aria-prohibited-attr",
                              "empty-table-header")),
    KnownGap("We have not yet tested the service with screen readers, speech recognition software or disabled "
             "users; the checks below are automated or done by the team.",
             "(all)", datetime.date(2027, 6, 30)),
)

# How we test, each time the service changes (the statement lists these; tests/partnership/
# test_accessibility_statement.py holds each to a test that exists).
CHECKS = (
    Check("automated checks with axe-core against WCAG 2.2 levels A and AA (and some of its best-practice rules), "
          "in the Chromium browser, on every type of page in each of its states (full, empty, and with errors in a "
          "form), as each kind of user who sees the page differently", "tests/e2e/test_every_page_personas.py"),
    Check("the site administration pages the business unit uses (every list, add and change page of the reference "
          "data), with the same automated checks and widths", "tests/e2e/test_admin_sweep.py"),
    Check("every page at 320 pixels wide (the width of a 1280-pixel screen zoomed to 400%), and at 640, 768, 900 and "
          "1024 pixels: the page must not scroll sideways outside a data table's own scrolling box, and no text may "
          "overflow its table cell", "tests/e2e/sweep.py"),
    Check("every link in an error summary leads to the field it names and moves the focus there",
          "tests/e2e/test_every_page.py"),
    Check("every page has a title of its own that says what the page is, and no two links on a page have the same "
          "words but go to different places", "tests/test_every_page_titles_and_links.py"),
    Check("every PDF the tests make is read back to check its tags, language, title, tables and the text "
          "alternatives of its charts, and that decorative symbols (such as the arrows beside 'Better' and "
          "'Worse') are not read aloud", "tests/pdf_structure.py"),
    Check("the main journeys completed using only a keyboard, and with JavaScript switched off",
          "tests/e2e/test_keyboard_nojs.py"),
    Check("the widest pages (the Section 11 heat map, the performance scorecard, the training coverage map) and the "
          "grouped checkbox questions looked at by a person at 320 pixels wide and at 400% zoom",
          "tests/e2e/test_looks.py"),
    Check("no page breaks the Content Security Policy, which also keeps styles and scripts where assistive "
          "technology expects them", "tests/e2e/conftest.py"),
)

ACCEPTED_AXE_FINDINGS = (
    AcceptedFinding(
        "aria-allowed-attr",
        "radios that reveal a further question (for example 'does not apply' on a Section 11 standard)",
        "GOV.UK Frontend sets aria-expanded on such radios; it is not allowed on a radio in ARIA 1.2 but was kept "
        "by GOV.UK after research with screen reader users (GOV.UK Frontend issues 979 and 1972)."),
)

STATEMENT_PREPARED = datetime.date(2026, 11, 26)
STATEMENT_REVIEWED = datetime.date(2026, 12, 6)
