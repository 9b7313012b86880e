"""Words shown to people, made the same way on every page."""
from django import template

register = template.Library()


@register.filter
def possessive(name) -> str:
    """A name's possessive: "Police" -> "Police's"; a plural ending in s takes the apostrophe alone
    ("Merton Children's Services" -> "Merton Children's Services'"), never "Services's"."""
    name = str(name)
    return f"{name}'" if name.endswith("s") else f"{name}'s"
