"""Vietnamese text helpers: NFC normalisation and search keys that match with or without diacritics."""

import re
import unicodedata

# GSO still spells some names with the old tone placement ("Thái Hoà", "Nghi Thuỷ"); officials type
# the new one ("Thái Hòa", "Nghi Thủy"). At the end of a syllable both mean the same letter sequence.
_OLD_TO_NEW_TONE = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
_OLD_TONE_RE = re.compile("(" + "|".join(_OLD_TO_NEW_TONE) + r")(?!\w)")


# Bidirectional controls (embeddings, overrides, isolates, the marks): typed into a place or a reason
# they are printed into official documents and reorder what an official signs ("Hội trường DNBU").
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F])

# What a spreadsheet reads as the start of a formula: the exports neutralise it, the importers refuse
# a name that begins with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def nfc(text: str) -> str:
    """Free text as the application keeps it, on the way in (forms through their services, the
    importers): decomposed Vietnamese composed (some keyboards and copy-paste send combining marks),
    and the bidirectional controls removed."""
    return unicodedata.normalize("NFC", text or "").translate(BIDI_CONTROLS)


def fold(text: str) -> str:
    """Lower case without diacritics: 'Nậm Cắn' -> 'nam can'."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def search_key(text: str) -> str:
    """Lower case, NFC, new-style tone placement: 'Thái Hoà' and 'Thái Hòa' give the same key."""
    lowered = " ".join(nfc(text).lower().split())
    return _OLD_TONE_RE.sub(lambda m: _OLD_TO_NEW_TONE[m.group(1)], lowered)


def has_diacritics(text: str) -> bool:
    return fold(text) != " ".join(nfc(text).lower().split())


def in_sentence(name: str) -> str:
    """'Huyện Kỳ Sơn' -> 'huyện Kỳ Sơn': a unit's kind is lower case inside a sentence, its name is not."""
    return name[:1].lower() + name[1:] if name else name


def plain_decimal(value):
    """A decimal as people write it: 100, not 1E+2 (what Decimal.normalize() gives for round values);
    12.5, not 12.50."""
    from decimal import Decimal

    if value is None:
        return None
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def document_number(number: int | None, symbol: str) -> str:
    """A document's number as printed, "05/QĐ-UBND" (Decree 30: under 10 with a leading zero); empty
    while it has none."""
    return f"{number:02d}/{symbol}" if number else ""
