"""Asking for a PDF that is made in the background, as a person would: POST the button's URL, run the export,
download the file from the export's page."""
import re

from django.urls import reverse

from partnership.models import ReportExport


def made_in_background(client, url: str, data: dict | None = None) -> bytes:
    from partnership.services.exports import export_run

    asked = client.post(url, data or {})
    assert asked.status_code == 302
    export_id = int(re.search(r"/(\d+)/$", asked["Location"]).group(1))
    assert export_run(export_id=export_id).status == "ready"
    download = client.get(reverse("partnership:export-download", args=[export_id]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    return b"".join(download.streaming_content)


def assert_only_the_asker_sees_it(client_for, *others) -> ReportExport:
    """The one export made so far: another person (even a report reader) gets 404 on its page and its file."""
    export = ReportExport.objects.get()
    for other in others:
        assert client_for(other).get(reverse("partnership:export-download", args=[export.pk])).status_code == 404
        assert client_for(other).get(reverse("partnership:export-detail", args=[export.pk])).status_code == 404
    return export
