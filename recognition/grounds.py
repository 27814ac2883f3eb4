"""Căn cứ đề nghị: the documents a decision on several communes rests on, given by the parts of the
procedure above recognition (the council's minutes, Decision 28/2025). Recognition asks for them and
never reads those parts itself: each registers a source when its app is ready."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ground:
    """A document cited by number and date ("Biên bản họp Hội đồng xét duyệt số 01/BB-HĐXD ngày ..."),
    and the meeting it records: the decision is dated no earlier than `held_on` (`what` says why)."""

    title: str
    number: str
    issued_on: datetime.date
    held_on: datetime.date
    what: str
    # A proposal (Tờ trình) is cited "tại Tờ trình số … về việc …", before the minutes.
    proposal: bool = False
    subject: str = ""


GroundSource = Callable[[Iterable], list[Ground]]
SOURCES: list[GroundSource] = []


def register_ground_source(source: GroundSource) -> None:
    if source not in SOURCES:
        SOURCES.append(source)


def grounds_of(dossiers) -> list[Ground]:
    """The grounds of a decision on `dossiers`, from every registered source, oldest meeting first."""
    found = [ground for source in SOURCES for ground in source(dossiers)]
    # Oldest meeting first; a session's Tờ trình before its minutes, as its source gives them.
    return sorted(found, key=lambda g: g.held_on)
