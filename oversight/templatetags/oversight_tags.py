from django import template

from oversight.reports import percent as format_percent

register = template.Library()


@register.filter
def percent(value):
    """0.953 → 95.3%; ``None`` → —."""
    return format_percent(value)
