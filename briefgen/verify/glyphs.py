"""Stage 3, glyphs: every printed character has a glyph in a bundled font (BG330).

Why: the PDF is laid out with the bundled fonts only (render/fontset.py), so a character
none of them has would print as an empty box (`.notdef`) while everything else passed.
Refusing it here, at the field that holds it, is the other half of that promise: what
`check` accepts, the PDF draws, the same on every machine.

What the fonts cover is read from the built-in fonts.css (each @font-face's file and its
unicode-range, as WeasyPrint applies it) and the fonts' own character maps (fontTools, a
WeasyPrint dependency), each read at most once per process and only when a character is not
already known: an ASCII-only sheet opens no font. Characters that print no glyph of their
own are not asked for: tab and line ends; format characters (the pages show each as `[U+202E]`,
but ZWJ and ZWNJ, which Pango draws as nothing); the other default-ignorable characters
(variation selectors); the spaces HarfBuzz makes from U+0020 and the hyphens Pango draws as
U+002D. A project's own fonts.css is not consulted.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from briefgen.assets import builtin_templates
from briefgen.errors import Diagnostic
from briefgen.sheet.load import Path_, SourceMap, dotted

SCRIPTS = "Latin, Greek, Cyrillic, Hebrew, Arabic, Chinese, Japanese and Korean"
_FACE = re.compile(r"@font-face\s*\{([^}]*)\}")
_SRC = re.compile(r"src\s*:\s*url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_RANGE = re.compile(r"unicode-range\s*:\s*([^;}]+)")
_EVERYTHING = ((0, 0x10FFFF),)
# Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties), which Pango draws as nothing
_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# drawn without a glyph of their own: spaces HarfBuzz synthesises from U+0020 (its space
# fallback), and the hyphens Pango replaces with U+002D when a font lacks them
_STAND_INS = ((0x00A0, 0x00A0), (0x2000, 0x200A), (0x2010, 0x2011), (0x202F, 0x202F),
              (0x205F, 0x205F), (0x3000, 0x3000))
_SHOWN = 3  # characters named in one diagnostic


def check(data: object, where: SourceMap, path: Path_ = ()) -> Iterator[Diagnostic]:
    """BG330 at each text field of the loaded sheet that holds a character no bundled
    font has. On the loaded data, like TODO placeholders: every string of a sheet may be
    printed (titles, names, quotes, even a source's file name)."""
    if isinstance(data, str):
        missing = [c for c in dict.fromkeys(data) if not printable(c)]
        if missing:
            yield _diagnostic(where, path, missing)
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from check(value, where, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from check(value, where, (*path, i))


def printable(char: str) -> bool:
    """True when a bundled font has CHAR, or CHAR needs no glyph."""
    if " " <= char <= "~":
        return True  # ASCII: Liberation has it all (tests/test_glyphs.py holds it to that)
    return _known(char)


@functools.cache
def _known(char: str) -> bool:
    point = ord(char)
    if char in "\t\n\r" or unicodedata.category(char) == "Cf":
        return True
    if _within(point, _IGNORABLE + _STAND_INS):
        return True
    return any(_within(point, ranges) and point in _cmap(file) for file, ranges in faces())


def _diagnostic(where: SourceMap, path: Path_, missing: list[str]) -> Diagnostic:
    named = ", ".join(f"“{c}” (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})"
                      for c in missing[:_SHOWN])
    more = f" and {len(missing) - _SHOWN} other(s)" if len(missing) > _SHOWN else ""
    first = missing[0]
    return Diagnostic(
        where.at(path),
        "BG330",
        f"{dotted(path)} holds {named}{more}, which no bundled font can print: "
        "the PDF would show an empty box",
        f"U+{ord(first):04X} is in none of the bundled fonts (they cover {SCRIPTS}); "
        "write it in one of those scripts, e.g. transliterate the name, or leave it out",
        "error",
    )


def _within(point: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= point <= high for low, high in ranges)


@functools.cache
def faces() -> tuple[tuple[Path, tuple[tuple[int, int], ...]], ...]:
    """Each @font-face of the built-in fonts.css: its font file and its unicode-range."""
    folder = builtin_templates()
    css = (folder / "fonts.css").read_text(encoding="utf-8")
    found = []
    for block in _FACE.findall(css):
        src = _SRC.search(block)
        if src is None:
            continue
        declared = _RANGE.search(block)
        ranges = _ranges(declared.group(1)) if declared else _EVERYTHING
        found.append((folder / src.group(1), ranges))
    return tuple(found)


def _ranges(text: str) -> tuple[tuple[int, int], ...]:
    """'U+0600-06FF, U+4E??' → ((0x600, 0x6FF), (0x4E00, 0x4EFF))."""
    found = []
    for part in text.replace(" ", "").split(","):
        value = part.upper().removeprefix("U+")
        low, _, high = value.partition("-")
        if "?" in low:
            found.append((int(low.replace("?", "0"), 16), int(low.replace("?", "F"), 16)))
        else:
            found.append((int(low, 16), int(high or low, 16)))
    return tuple(found)


@functools.cache
def _cmap(file: Path) -> frozenset[int]:
    """The code points FILE has a glyph for (its best Unicode cmap)."""
    from fontTools.ttLib import TTFont

    with TTFont(file, lazy=True) as font:
        # placeholder glyph names: a font without a 'post' name table (Droid Sans Fallback)
        # would otherwise have fontTools make up 50,000 names from the cmap, ~0.7 s
        font.setGlyphOrder([f"g{i}" for i in range(font["maxp"].numGlyphs)])
        return frozenset(font.getBestCmap() or ())
