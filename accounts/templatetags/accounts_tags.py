from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def minutes(value) -> int:
    """A timedelta as whole minutes (the lockout page)."""
    try:
        return int(value.total_seconds() // 60)
    except AttributeError:
        return 0


@register.simple_tag
def fast_select(field):
    """A form field's <select>, built in one pass in Python: Django's widget templates cost an include
    per option, and the district filter has 20 to 500 options."""
    current = "" if field.value() is None else str(field.value())
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == current else "", label) for value, label in field.field.choices),
    )
    return format_html('<select name="{}" id="{}">{}</select>', field.html_name, field.id_for_label, options)
