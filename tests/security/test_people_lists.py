"""A person choosing someone in a form sees only the people they may choose: generated over every page without an
object id and every page of the object registry a police agency lead may open (tests/security/objects.py), no
list of choices shown to them names a person of another agency."""
import re

from django.test import Client
from django.urls import reverse

from .objects import BUILDERS, OBJECTS
from .urlconf import converter_types, url_for, walk

OPTION = re.compile(r"<option[^>]*>([^<]*)</option>")


def options_on(client: Client, url: str) -> list[str]:
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    return OPTION.findall(response.content.decode())


def test_no_choice_list_shown_to_an_agency_lead_names_another_agencys_person(request, agency_lead, outsider):
    client = Client(raise_request_exception=False)
    client.force_login(agency_lead)
    urls = {name: url_for(name, pattern) for name, pattern in walk() if not converter_types(pattern)}
    for name, entry in OBJECTS.items():
        if "agency_lead" not in entry.denied:
            try:
                obj = BUILDERS[entry.object](request.getfixturevalue)
                urls[name] = reverse(name, kwargs=entry.kwargs(obj))
            except Exception:  # noqa: BLE001 - an object this persona cannot have (another app's fixture)
                continue
    leaks = {name: [o for o in options_on(client, url) if outsider.full_name in o] for name, url in urls.items()}
    leaks = {name: found for name, found in leaks.items() if found}
    assert "partnership:action-create" in urls
    assert not leaks, f"choice lists naming {outsider.full_name} (another agency): {leaks}"
