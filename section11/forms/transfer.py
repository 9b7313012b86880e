"""Uploading a completed return workbook. Input shape only: the rows are checked by services/transfer.py."""
from django import forms

from partnership.forms import SpreadsheetUploadForm


class ImportForm(SpreadsheetUploadForm):
    """An Excel workbook only (`SpreadsheetUploadForm`'s rule): a return's workbook is well under 1 MB."""

    file = forms.FileField(
        label="Upload your completed workbook",
        help_text="The Excel workbook (.xlsx) you downloaded from this return and filled in. Up to 5 MB.",
        error_messages={"required": "Select the completed workbook", "empty": "The selected file is empty"},
    )
