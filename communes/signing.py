"""Thẩm quyền ký: how the holder of a post signs (Decree 30/2020/NĐ-CP, Art. 13 and Appendix I II.7).

The post says it: as the head (cấp trưởng), as a deputy on the head's behalf (KT., ký thay), as the acting
head (Q., quyền), by the head's order (TL., thừa lệnh) or by the head's authorisation (TUQ., thừa ủy quyền).
The kind of document says whether the competence is the collective's: then "TM." and the body's name
("TM. ỦY BAN NHÂN DÂN", "TM. HỘI ĐỒNG") stand above the person's lines. The lines are built here for
every kind of document; the decision records the capacity it was signed in.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningCapacity(models.TextChoices):
    HEAD = "head", _("As the head")
    DEPUTY = "deputy", _("As a deputy, on the head's behalf (KT.)")
    ACTING = "acting", _("As the acting head (Q.)")
    BY_ORDER = "by_order", _("By the head's order (TL.)")
    BY_AUTHORITY = "by_authority", _("By the head's authorisation (TUQ.)")


# The mark before the head's title ("KT. CHỦ TỊCH"); the head signs under the title alone.
MARK = {
    SigningCapacity.HEAD: "",
    SigningCapacity.DEPUTY: "KT.",
    SigningCapacity.ACTING: "Q.",
    SigningCapacity.BY_ORDER: "TL.",
    SigningCapacity.BY_AUTHORITY: "TUQ.",
}


def capacity_from_title(title: str) -> str:
    """The capacity a post's title implies: "Phó Chủ tịch" a deputy, "Q. Giám đốc" or "Quyền Giám đốc"
    the acting head, "TL."/"TUQ." as written; any other title the head. Used once to set the existing
    posts (a data step) and when a post or a decision is recorded without its capacity."""
    words = " ".join((title or "").split()).lower()
    if words.startswith(("q.", "quyền ")):
        return SigningCapacity.ACTING
    if words.startswith("tuq."):
        return SigningCapacity.BY_AUTHORITY
    if words.startswith("tl."):
        return SigningCapacity.BY_ORDER
    if words.startswith(("phó ", "kt.")):
        return SigningCapacity.DEPUTY
    return SigningCapacity.HEAD


def _own_title(title: str) -> str:
    """The signer's own post as the block prints it under "TL."/"TUQ." ("CHÁNH VĂN PHÒNG"): the title
    without a mark typed before it."""
    words = " ".join((title or "").split())
    for mark in ("TUQ.", "TL.", "KT.", "Q."):
        if words.upper().startswith(mark):
            words = words[len(mark) :].strip()
    return words.upper()


def signature_lines(*, capacity: str, title: str, head: str, signs_for: str = "") -> list[str]:
    """The lines above the signer's name: "CHỦ TỊCH"; "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"; "Q. GIÁM ĐỐC";
    "TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG"; "TUQ. CHỦ TỊCH / GIÁM ĐỐC SỞ …", with "TM. ỦY BAN NHÂN DÂN" above
    them when the kind's competence is the collective's (`signs_for`)."""
    capacity = capacity or capacity_from_title(title)
    mark = MARK[SigningCapacity(capacity)]
    lines = [f"{mark} {head}" if mark else head]
    if capacity == SigningCapacity.DEPUTY:
        lines.append(f"PHÓ {head}")
    elif capacity in (SigningCapacity.BY_ORDER, SigningCapacity.BY_AUTHORITY) and _own_title(title):
        lines.append(_own_title(title))
    return [f"TM. {signs_for}", *lines] if signs_for else lines


def signed_as(*, capacity: str, title: str, head: str) -> str:
    """How the history names the signer's capacity, after the name: "Chủ tịch", "KT. Chủ tịch",
    "Q. Chủ tịch", "TL. Chủ tịch" (the head's title in sentence case)."""
    capacity = capacity or capacity_from_title(title)
    words = head.capitalize()
    mark = MARK[SigningCapacity(capacity)]
    return f"{mark} {words}" if mark else words
