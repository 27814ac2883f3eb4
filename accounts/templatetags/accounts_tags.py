from html import escape

from django import template
from django.utils.safestring import mark_safe

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
    per option, and the district filter has 20 to 500 options. Every value and label is escaped."""
    current = "" if field.value() is None else str(field.value())
    options = "".join(
        f'<option value="{escape(str(value))}"{" selected" if str(value) == current else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in field.field.choices
    )
    return mark_safe(  # noqa: S308 - escaped above
        f'<select name="{escape(field.html_name)}" id="{escape(field.id_for_label)}">{options}</select>'
    )


@register.simple_tag
def layout_link(name: str) -> str:
    """`{% url name %}` for the layout's own links, reversed once per process."""
    from accounts.context_processors import layout_link as link

    return link(name)
