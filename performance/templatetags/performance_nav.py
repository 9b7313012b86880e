"""`{% performance_subnav "scorecard" %}`: the performance framework's sub-navigation, the current page marked."""
from django import template

from .. import navigation

register = template.Library()


@register.inclusion_tag("performance/includes/subnav.html", takes_context=True)
def performance_subnav(context, current: str = ""):
    user = context["request"].user
    return {"links": [{"key": key, "label": label, "url": url, "current": key == current}
                      for key, label, url in navigation.sections(user)]}
