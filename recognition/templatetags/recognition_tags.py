from django import template

from communes.text import in_sentence as _in_sentence

register = template.Library()


@register.filter
def in_sentence(name: str) -> str:
    """'Huyện Kỳ Sơn' -> 'huyện Kỳ Sơn' (communes.text.in_sentence), for the documents' templates."""
    return _in_sentence(name)


@register.filter
def criterion_wording(text: str) -> str:
    """A criterion's text as a document quotes it (recognition.documents.criterion_wording)."""
    from recognition.documents import criterion_wording as wording

    return wording(text)


@register.filter(name="sentence")
def sentence_filter(text: str) -> str:
    """A typed text as one sentence with one closing full stop (no doubled punctuation)."""
    from recognition.documents import sentence

    return sentence(text)
