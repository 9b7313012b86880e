"""`{% route "name" %}`: the address of a route without arguments, as `{% url "name" %}` writes it, reversed once per
process (`partnership.links.route_url`): the layout names the same few routes on every page."""
from django import template

from partnership.links import route_url

register = template.Library()


@register.simple_tag
def route(name: str) -> str:
    return route_url(name)
