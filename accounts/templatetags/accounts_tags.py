from django import template

register = template.Library()


@register.filter
def minutes(value) -> int:
    """A timedelta as whole minutes (the lockout page)."""
    try:
        return int(value.total_seconds() // 60)
    except AttributeError:
        return 0
