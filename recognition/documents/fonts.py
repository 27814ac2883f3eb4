"""The typeface of the documents. Decree 30 asks for Times New Roman; the project ships Liberation Serif
(SIL OFL, metric-compatible: the same widths, so the same lines and pages), and a PDF names the font it
embeds under the font's own name, never claiming one it does not carry. A province holding a licence for
Times New Roman puts its four files in the folder DOCUMENT_FONT_DIR; the documents then use them.
`check --deploy` warns while the folder is unset (communes.checks W004)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SHIPPED = Path(__file__).resolve().parent.parent / "fonts"
# (weight, style) of each face, and its file: the shipped family, and the usual names of the licensed one.
FACES = [("normal", "normal"), ("bold", "normal"), ("normal", "italic"), ("bold", "italic")]
SHIPPED_FILES = [
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
]
LICENSED_FILES = ["times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"]


@dataclass(frozen=True)
class Typeface:
    family: str
    folder: Path
    # (weight, style, file URI) of each face, for the template's @font-face rules.
    faces: tuple[tuple[str, str, str], ...]


def _faces(folder: Path, files: list[str]) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (weight, style, (folder / name).as_uri()) for (weight, style), name in zip(FACES, files, strict=True)
    )


def licensed_folder() -> Path | None:
    """The folder of the licensed Times New Roman, when it is set and holds the four files."""
    folder = getattr(settings, "DOCUMENT_FONT_DIR", "")
    if not folder:
        return None
    path = Path(folder).resolve()
    found = {p.name.lower(): p.name for p in path.glob("*.ttf")} if path.is_dir() else {}
    return path if all(name in found for name in LICENSED_FILES) else None


@functools.lru_cache(maxsize=8)
def family_name(path: Path, modified: float) -> str:
    """The family the font file itself declares (its name table): the PDF names the font it embeds by
    it, so a file in the folder that is not Times New Roman is never printed as if it were."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return font["name"].getDebugName(16) or font["name"].getDebugName(1) or path.stem


def typeface() -> Typeface:
    folder = licensed_folder()
    if folder is not None:
        found = {p.name.lower(): p.name for p in folder.glob("*.ttf")}
        regular = folder / found[LICENSED_FILES[0]]
        return Typeface(
            family_name(regular, regular.stat().st_mtime),
            folder,
            _faces(folder, [found[n] for n in LICENSED_FILES]),
        )
    return Typeface("Liberation Serif", SHIPPED, _faces(SHIPPED, SHIPPED_FILES))
