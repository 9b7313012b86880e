"""An escalation's letter as a tagged A4 PDF, made from the record (the profile's facts as they stood on the
letter's date are kept on it), so the same letter comes out whenever it is downloaded.

One or two pages: WeasyPrint takes well under a second, so it is made in the request when downloaded."""
from django.conf import settings
from django.utils.text import slugify

from partnership.models import Escalation
from partnership.pdf import render_pdf


def letter_pdf(escalation: Escalation) -> bytes:
    return render_pdf("partnership/pdf/escalation_letter.html",
                      {"e": escalation, "SUPPORT_EMAIL": settings.SUPPORT_EMAIL})


def letter_filename(escalation: Escalation) -> str:
    return (f"escalation-stage-{escalation.stage}-{slugify(escalation.agency.display_name)}-"
            f"{escalation.letter_date:%Y-%m-%d}.pdf")
