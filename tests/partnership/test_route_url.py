"""`route_url` and `{% route %}`: a route without arguments reversed once per process, written as `reverse` and
`{% url %}` write it, under every script prefix (a deployment below a path) and URL conf."""
import pytest
from django.template import engines
from django.urls import clear_script_prefix, reverse, set_script_prefix

from partnership.links import route_url

ROUTES = ["home", "priority-list", "partnership:account", "partnership:sign-out", "performance:scorecard"]


@pytest.mark.parametrize("prefix", ["/", "/qa/"])
def test_route_url_is_reverse_under_each_script_prefix(prefix):
    set_script_prefix(prefix)
    try:
        for name in ROUTES:
            assert route_url(name) == reverse(name)
        assert route_url("home") == prefix
    finally:
        clear_script_prefix()


def test_the_route_tag_writes_what_the_url_tag_writes():
    django = engines["django"]
    for name in ROUTES:
        assert (django.from_string("{% load routes %}{% route '" + name + "' %}").render({})
                == django.from_string("{% url '" + name + "' %}").render({}))
