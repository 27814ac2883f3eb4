from django import template

register = template.Library()


@register.inclusion_tag("recognition/_documents.html", takes_context=True)
def dossier_documents(context, dossier):
    """The documents panel of the dossier page (status, download, retry), refreshed while pending."""
    from recognition.views import documents_context

    return documents_context(dossier, context["request"].user)


@register.filter
def in_sentence(name: str) -> str:
    """'Huyện Kỳ Sơn' -> 'huyện Kỳ Sơn': the kind is lower case inside a sentence, the name is not."""
    return name[:1].lower() + name[1:] if name else name
