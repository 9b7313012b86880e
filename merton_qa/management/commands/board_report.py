"""python manage.py board_report --period 2026-Q2 --output report.pdf"""
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from merton_qa import board_report
from partnership.dates import Quarter, QuarterError


def _writable(output: str) -> Path:
    """The output path, refused unless a file can be written there."""
    path = Path(output)
    if not output.strip() or "\x00" in output:
        raise CommandError("--output: give the PDF file to write, for example report.pdf.")
    if path.is_dir():
        raise CommandError(f"{output}: is a folder; give the PDF file to write, for example {path / 'report.pdf'}.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"{output}: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CommandError(f"{output}: you cannot write there (permission denied).")
    return path


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
            raise CommandError(str(error)) from None
        if quarter.start > timezone.localdate():
            raise CommandError(f"{quarter} has not started yet: give a quarter that has started.")
        path = _writable(output)  # before rendering: a bad path is refused in a moment, not after the whole PDF
        pdf = board_report.render(quarter)
        try:
            path.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"{output}: cannot write the report ({exc.strerror or exc}).") from None
        self.stdout.write(f"Wrote the board report for {quarter} to {output} ({len(pdf) // 1024} KB).")
