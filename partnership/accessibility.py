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
    KnownGap("The site administration pages (used by the business unit to manage reference data) are Django's "
             "own: some links and buttons are smaller than 24 by 24 pixels, and links are not underlined.",
             "2.5.8 Target Size (Minimum), 1.4.1 Use of Colour", datetime.date(2027, 3, 31)),
    KnownGap("In the PDFs, the up and down arrows that show a figure's direction may be read aloud as "
             "symbols; the direction is also written in words beside them.",
             "1.3.1 Info and Relationships", datetime.date(2027, 3, 31)),
    KnownGap("We have not yet tested the service with screen readers, speech recognition software or disabled "
             "users; the checks below are automated or done by the team.",
             "(all)", datetime.date(2027, 6, 30)),
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
