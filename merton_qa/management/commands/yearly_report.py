"""python manage.py yearly_report --year 2025-26 --output report.docx (or report.pdf)"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from merton_qa import selectors, yearly_report
from partnership.dates import ReportPeriod, day_words
from partnership.models import YearlyReport
from partnership.services import yearly_reports
from partnership.services.errors import ServiceError

FORMATS = {".docx": "Word", ".pdf": "PDF"}


class Command(BaseCommand):
    help = ("Write the partnership's yearly report for a financial year as a Word document (.docx) or a tagged PDF "
            "(.pdf): the format follows the file name. The report's written sections are included when the year "
            "has a report (the published one, else the one being drafted). For a year already published, the PDF "
            "is the one stored at publication, never made again.")

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="The financial year: 2025-26 is April 2025 to March 2026.")
        parser.add_argument("--output", required=True, help="The file to write: report.docx or report.pdf.")

    def handle(self, *args, year, output, **options):
        # Everything is checked before the (slow) rendering starts.
        try:
            first = yearly_reports.parse_year(year)
            period = ReportPeriod.for_financial_year(first)
            yearly_reports.require_started(period.start)
        except ServiceError as error:
            raise CommandError(error.message) from error
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix not in FORMATS:
            raise CommandError(f'"{output}" must end in .docx (a Word document) or .pdf (a tagged PDF).')
        if not path.parent.is_dir():
            raise CommandError(f'There is no folder "{path.parent}" to write "{path.name}" into.')
        if path.is_dir():
            raise CommandError(f'"{output}" is a folder: give a file name ending in {suffix}.')
        reports = selectors.yearly_reports().filter(start=period.start)
        report = reports.filter(status=YearlyReport.Status.PUBLISHED).order_by("-pk").first() or reports.order_by(
            "-pk").first()
        if suffix == ".pdf" and report is not None and report.is_published:
            stored = YearlyReport.objects.filter(pk=report.pk).values_list("pdf", "sha256").first()
            if stored and stored[0]:
                # A published report is never made again: the PDF the partners published is the report.
                path.write_bytes(bytes(stored[0]))
                as_at = f", its figures as at {day_words(timezone.localtime(report.as_at))}" if report.as_at else ""
                self.stdout.write(f"Wrote the published yearly report for {period.label} to {output}: the PDF stored "
                                  f"when it was published{as_at}, not made again from the records (SHA-256 "
                                  f"{stored[1]}).")
                return
        render = yearly_report.render_docx_for if suffix == ".docx" else yearly_report.render_pdf_for
        content = render(period, report=report)
        path.write_bytes(content)
        made = ("made afresh from the records (the published report is the stored PDF: ask for report.pdf)"
                if report is not None and report.is_published else "made from the records")
        self.stdout.write(f"Wrote the yearly report for {period.label} ({period.months}) as {FORMATS[suffix]} to "
                          f"{output} ({max(1, len(content) // 1024)} KB), {made}.")
