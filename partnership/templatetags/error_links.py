"""Where each link of the GOV.UK error summary goes: the first control a person can focus in the field.

crispy-forms-gds links every error to the field's `auto_id`, which for a group of radios or checkboxes names no
element (each input is `id_<name>_<n>`, counted from 1) and for a date names the wrapping <div> (the day input
is `<auto_id>_0`). The summary (templates/gds/layout/error_summary.html) uses `error_links` instead, so a link
followed moves focus to the first radio, checkbox or day input (GOV.UK Frontend's error summary focuses the
target and scrolls its legend or label into view).
"""
from django import forms, template

register = template.Library()


def target_id(bound_field) -> str:
    """The id of the first focusable control of a bound field, as the GDS templates render it."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        # gds/layout/radios.html and checkboxes.html: id_<html_name>_<forloop.counter>.
        return f"id_{bound_field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"  # the first part (Django's MultiWidget ids: <auto_id>_<index>)
    return bound_field.auto_id


@register.filter
def error_links(form):
    """(id, message) for every error of `form`, in the order of its fields; the form's own errors (not of one
    field) go to its first field's control."""
    fields = form.visible_fields()
    links = []
    if fields:
        links += [(target_id(fields[0]), error) for error in form.non_field_errors()]
    for field in fields:
        subfields = getattr(field.field, "fields", None)
        seen = []
        if subfields:  # a date's day, month or year message goes to that part
            for index, subfield in enumerate(subfields):
                for error in getattr(subfield.widget, "errors", []):
                    links.append((f"{field.auto_id}_{index}", error))
                    seen.append(error)
        links += [(target_id(field), error) for error in field.errors if error not in seen]
    return links
