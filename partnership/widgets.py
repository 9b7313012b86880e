"""A select whose options are written in Python, for the list filters of every agency (the action list's and the
scorecard's): Django's Select renders a template for every option, which for the 600 agencies of many partnerships
on one service was most of a list page's time (about 250 ms). Every other form's selects go through the project's
form renderer (partnership/form_renderer.py: the options inline in one template, about twice QuickSelect's time).
The markup is Django's own, byte for byte (tests/partnership/test_widgets.py); option groups fall back to
Django's templates."""
from django import forms
from django.utils.html import format_html, format_html_join


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html in Python: ` name="value"`, a bare name for True, nothing for False."""
    return format_html_join("", " {}{}", (
        (name, "" if value is True else format_html('="{}"', value))
        for name, value in attrs.items() if value is not False and value is not None))


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if any(group_name for group_name, _, _ in groups):
            return super().render(name, value, attrs, renderer)
        options = format_html_join("", "\n  <option value=\"{}\"{}>{}</option>\n", (
            (str(option["value"]), _attrs(option["attrs"]), option["label"])
            for _, choices, _ in groups for option in choices))
        return format_html('<select name="{}"{}>{}\n</select>', widget["name"], _attrs(widget["attrs"]), options)
