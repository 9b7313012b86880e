"""The project's form renderer: Django's own (`django.forms.renderers.DjangoTemplates`), with one folder of its own
found first, `partnership/form_templates/`. It holds one template, `django/forms/widgets/select.html`: Django's
select with each option written inline, because Django's includes a template per option and a form that offers 2,600
people or 600 agencies paid a template render for each (5,200 with their attributes). The markup is Django's, byte
for byte (tests/partnership/test_widgets.py). Settings: `FORM_RENDERER = "partnership.form_renderer.FormRenderer"`."""
from pathlib import Path

from django.forms import renderers
from django.utils.functional import cached_property

OWN = Path(__file__).resolve().parent / "form_templates"
DJANGOS = Path(renderers.__file__).resolve().parent / "templates"


class FormRenderer(renderers.DjangoTemplates):
    @cached_property
    def engine(self):
        return self.backend({"APP_DIRS": True, "DIRS": [OWN, DJANGOS], "NAME": "djangoforms", "OPTIONS": {}})
