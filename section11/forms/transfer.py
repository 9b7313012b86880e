"""Uploading a completed return workbook. Input shape only: the rows are checked by services/transfer.py."""
from crispy_forms_gds.layout import Field
from django import forms

from partnership.forms import GDSForm
from partnership.uploads import XLSX, UploadRefused, check_upload, detect_kind

MAX_IMPORT_BYTES = 5 * 1024 * 1024  # a return's workbook is well under 1 MB


class ImportForm(GDSForm, forms.Form):
    file = forms.FileField(
        label="Upload your completed workbook",
        help_text="The Excel workbook (.xlsx) you downloaded from this return and filled in. Up to 5 MB.",
        error_messages={"required": "Select the completed workbook", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field("file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(f"The selected file must be smaller than {MAX_IMPORT_BYTES // 2**20} MB")
        try:  # the content decides, not the name: a PDF renamed .xlsx is still a PDF
            kind = detect_kind(upload)
        except UploadRefused:
            kind = None
        if kind is not XLSX:
            found = f": this file is a {kind.label}" if kind else ""
            raise forms.ValidationError(f"The selected file must be an Excel workbook (.xlsx){found}")
        try:
            check_upload(upload, max_bytes=MAX_IMPORT_BYTES)
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused).rstrip(".")) from refused
        return upload
