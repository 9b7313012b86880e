"""python manage.py board_report --period 2026-Q2 --output report.pdf"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from merton_qa import board_report
from partnership.periods import Quarter, QuarterError


class Command(BaseCommand):
    help = "Write the quarterly QA board report for a quarter of the financial year to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True,
                            help="The quarter of the financial year: 2026-Q2 is July to September 2026.")
        parser.add_argument("--output", required=True, help="The PDF file to write.")

    def handle(self, *args, period, output, **options):
        try:
            quarter = Quarter.parse(period)
        except QuarterError as error:
            raise CommandError(str(error)) from error
        pdf = board_report.render(quarter)
        Path(output).write_bytes(pdf)
        self.stdout.write(f"Wrote the board report for {quarter} to {output} ({len(pdf) // 1024} KB).")
