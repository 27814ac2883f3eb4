"""The defaults of an issuing body (cơ quan ban hành) made on first use, by its kind and level: who
gives its numbers and the symbol of each register series. They are data shipped with the application
(communes/data/issuing_body_defaults.json), copied onto each body, which provincial staff then change in
the admin; never environment settings."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DEFAULTS_FILE = Path(__file__).resolve().parent / "data" / "issuing_body_defaults.json"


@cache
def _defaults() -> dict:
    return json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))


def body_defaults(key: str) -> dict:
    """{"numbering": ..., "symbols": {series: symbol}} of the bodies of `key` ("ubnd", "police:province")."""
    return _defaults()[key]


def defaults_key(*, kind: str, level: str) -> str:
    """A People's Committee's defaults are the same at every level; a police command's depend on it."""
    return "ubnd" if kind == "ubnd" else f"police:{level}"
