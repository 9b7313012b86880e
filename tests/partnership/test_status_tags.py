"""Status is named once, on the model: its colour (`STATUS_COLOURS`, shown by `{% status_tag %}`), its named sets
(`Return.EDITABLE`, `Return.FINISHED`) and its predicates (`ret.is_returned`). Templates ask those, never compare a
status with a string (docs/architecture.md).

`STILL_TO_CONVERT` listed the templates that still compared, with how many times, and only shrank; every one is
converted now (issue 23), so it stays empty and any new comparison fails here.
"""
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.template import Context, Template

from partnership.templatetags.status_tags import COLOURS

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PATTERNS = ("*.html", "*.txt")  # pages, PDFs and the emails' text
COMPARES = re.compile(r"""\b\w+\.(status|state|kind)\s*(==|!=)\s*["'][a-z_]+["']""")

STILL_TO_CONVERT: dict[str, int] = {}  # all converted (issue 23): keep it empty


def _comparisons() -> dict[str, int]:
    found = {}
    for path in sorted(p for pattern in PATTERNS for p in TEMPLATES.rglob(pattern)):
        if n := len(COMPARES.findall(path.read_text(encoding="utf-8"))):
            found[str(path.relative_to(TEMPLATES))] = n
    return found


# Any value compared with a string in a template tag, either way round. Only the framework's own words may be:
# a form field's name (rendering a form's fields one by one) and a message's level (Django's messages).
ANY_COMPARISON = re.compile(r"""\{%-?\s*(?:el)?if\b[^%]*?([\w.]+)\s*(?:==|!=)\s*["'][^"']*["']"""
                            r"""|\{%-?\s*(?:el)?if\b[^%]*?["'][^"']*["']\s*(?:==|!=)\s*([\w.]+)""")
FRAMEWORK_WORDS = {"field.name", "message.level_tag"}


def test_templates_compare_no_value_with_a_string():
    """Not only statuses: a side, a mode, a basis or a caption compared with a string is a rule written in the
    template. The model (`message.from_agency`, `course.is_in_person`) or the view (`moderated`) names it once."""
    found = []
    for path in sorted(p for pattern in PATTERNS for p in TEMPLATES.rglob(pattern)):
        text = path.read_text(encoding="utf-8")
        for tag in re.finditer(r"\{%-?\s*(?:el)?if\b.*?%\}", text):
            for match in ANY_COMPARISON.finditer(tag.group(0)):
                value = match.group(1) or match.group(2)
                if value not in FRAMEWORK_WORDS:
                    line = text.count("\n", 0, tag.start()) + 1
                    found.append(f"{path.relative_to(TEMPLATES)}:{line}: {value} compared with a string")
    assert not found, "templates comparing a value with a string:\n" + "\n".join(found)


def test_templates_do_not_compare_statuses_with_strings():
    found = _comparisons()
    new = {name: n for name, n in found.items() if n > STILL_TO_CONVERT.get(name, 0)}
    assert not new, ("templates comparing a status with a string: ask the model's named set or predicate, or "
                     f"show it with {{% status_tag %}} instead: {new}")
    fewer = {name: found.get(name, 0) for name, n in STILL_TO_CONVERT.items() if found.get(name, 0) < n}
    assert not fewer, f"converted, well done: lower (or remove) these in STILL_TO_CONVERT: {fewer}"


def _tagged_models():
    return [model for model in apps.get_models() if hasattr(model, "STATUS_COLOURS")]


def _worded_models():
    return [model for model in apps.get_models() if hasattr(model, "STATUS_TAGS")]


def test_some_models_name_their_status_colours():
    assert {m.__name__ for m in _tagged_models()} >= {"Cycle", "Return"}


@pytest.mark.parametrize("model", _tagged_models(), ids=lambda m: m._meta.label)
def test_every_status_has_a_colour_and_renders_its_label(model):
    choices = dict(model._meta.get_field("status").choices)
    assert set(model.STATUS_COLOURS) == set(choices), f"{model.__name__}: a colour for each status, no more"
    assert set(model.STATUS_COLOURS.values()) <= COLOURS
    for value, label in choices.items():
        html = Template("{% load status_tags %}{% status_tag record %}").render(
            Context({"record": model(status=value)}))
        assert f">{label}</strong>" in html and "govuk-tag" in html


@pytest.mark.parametrize("model", _worded_models(), ids=lambda m: m._meta.label)
def test_every_status_has_its_words_and_a_colour(model):
    """A model whose pages word its statuses otherwise than its choices (`STATUS_TAGS`): words and a colour each."""
    choices = dict(model._meta.get_field("status").choices)
    assert not hasattr(model, "STATUS_COLOURS"), f"{model.__name__}: STATUS_TAGS or STATUS_COLOURS, not both"
    assert set(model.STATUS_TAGS) == set(choices), f"{model.__name__}: words and a colour for each status, no more"
    for value, (words, colour) in model.STATUS_TAGS.items():
        assert colour in COLOURS
        html = Template("{% load status_tags %}{% status_tag record %}").render(
            Context({"record": model(status=value)}))
        assert f">{words}</strong>" in html and "govuk-tag" in html
