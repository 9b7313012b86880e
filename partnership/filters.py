import django_filters
from django import forms
from django.utils import timezone

from partnership.forms import GDSForm
from partnership.models import Action, Agency, Priority
from partnership.models.actions import hidden_source_kinds, kind_words
from partnership.widgets import QuickSelect


class FilterForm(GDSForm, forms.Form):
    """The form of every filter set: the input rules of `partnership.input_rules` (real dates in range, bounded
    numbers, no hidden characters) apply to filters too, so a bad query value is refused, never a 500."""


def _source_choices():
    kinds = Action.objects.order_by().values_list("source_kind", flat=True).distinct()
    return [(k, kind_words(k)) for k in sorted(kinds)]


def _source_choices_for(user):
    """The kinds `user` may learn of (partnership.models.actions.source_kind_labels decides)."""
    hidden = hidden_source_kinds(user)
    return [(k, label) for k, label in _source_choices() if k not in hidden]


class ActionFilter(django_filters.FilterSet):
    owner_agency = django_filters.ModelChoiceFilter(  # every agency: hundreds on a service of many partnerships
        label="Agency", queryset=Agency.objects.all(), empty_label="All agencies", widget=QuickSelect
    )
    status = django_filters.ChoiceFilter(label="Status", choices=Action.Status.choices, empty_label="Any status")
    priority = django_filters.ModelChoiceFilter(
        label="Priority", queryset=Priority.objects.all(), empty_label="Any priority"
    )
    source_kind = django_filters.ChoiceFilter(label="Source", choices=_source_choices, empty_label="Any source")
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method="filter_overdue", widget=forms.CheckboxInput
    )
    q = django_filters.CharFilter(label="Title contains", field_name="title", lookup_expr="icontains")

    class Meta:
        model = Action
        form = FilterForm
        fields = ["owner_agency", "status", "priority", "source_kind", "overdue", "q"]

    def __init__(self, *args, restrict_agency=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if restrict_agency is not None:
            del self.filters["owner_agency"]
        if user is not None:
            self.filters["source_kind"].extra["choices"] = lambda: _source_choices_for(user)
        for f in self.form.fields.values():
            if isinstance(f.widget, forms.Select):
                f.widget.attrs["class"] = "govuk-select"
            elif isinstance(f.widget, forms.TextInput):
                f.widget.attrs["class"] = "govuk-input"
            elif isinstance(f.widget, forms.CheckboxInput):
                f.widget.attrs["class"] = "govuk-checkboxes__input"

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(timezone.localdate())
        return queryset
