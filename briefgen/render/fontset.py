"""Stage 5, pdf: the font set WeasyPrint lays out with — the bundled fonts and nothing else.

Why: WeasyPrint's `FontConfiguration` loads the host's fontconfig set-up (its fonts.conf,
~/.fonts, whatever is installed) and only adds the @font-face fonts to it. Pango then draws
a character the named fonts lack with the best font of the machine (DejaVu on Debian), and
a system rule that prepends a family (`prepend_first`, as some distributions ship for CJK or
emoji) can even take over covered text; the same sheet then gives different PDFs on
different machines. So the font map gets a fontconfig configuration of its own, created
empty (no font folders, no rules, nothing read from the environment: `FONTCONFIG_FILE` and
the like are ignored), into which WeasyPrint adds the faces of fonts.css as usual. What the
PDF can draw is then exactly what the bundled fonts hold; `check` refuses any other
character (BG330), so nothing falls to `.notdef`.

fontconfig's `FcConfigCreate` and `FcConfigBuildFonts` are not in WeasyPrint's bindings; they
are declared here on a cffi FFI that includes WeasyPrint's, so the pointer types are shared,
and looked up in the fontconfig library already loaded into the process.
"""

from __future__ import annotations

import functools
from typing import Any

# the names WeasyPrint tries (weasyprint/text/ffi.py), in its order
_LIBRARY_NAMES = (
    "libfontconfig-1",
    "fontconfig-1",
    "fontconfig",
    "libfontconfig.so.1",
    "libfontconfig.1.dylib",
    "libfontconfig-1.dll",
)
_EMPTY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
    b"<fontconfig></fontconfig>\n"
)


@functools.cache
def _fontconfig() -> tuple[Any, Any]:
    """Our FFI and the fontconfig library with the two functions WeasyPrint does not bind."""
    from cffi import FFI
    from weasyprint.text import ffi as weasy

    ours = FFI()
    ours.include(weasy.ffi)
    ours.cdef(
        "FcConfig * FcConfigCreate (void); FcBool FcConfigBuildFonts (FcConfig *config);"
        "FcBool FcConfigSetCurrent (FcConfig *config);"
    )
    for name in _LIBRARY_NAMES:
        try:
            return ours, ours.dlopen(name)
        except OSError:
            continue
    msg = "fontconfig library not found (WeasyPrint loaded one: this should not happen)"
    raise OSError(msg)


def _empty_config() -> Any:
    """A new fontconfig configuration with no fonts and no rules; the caller owns it."""
    from weasyprint.text import ffi as weasy

    _ours, library = _fontconfig()
    config = library.FcConfigCreate()
    if config == weasy.ffi.NULL:
        msg = "FcConfigCreate failed"
        raise MemoryError(msg)
    weasy.fontconfig.FcConfigParseAndLoadFromMemory(config, _EMPTY, True)
    library.FcConfigBuildFonts(config)
    return config


@functools.cache
def _library_rules_off() -> None:
    """Make an empty configuration fontconfig's current one, once per process.

    PangoFT2 applies the *current* configuration's rules to every font request
    (`FcConfigSubstitute(NULL, …)`), whatever configuration its font map holds; the host's
    rules (a family put first with `prepend_first`, aliases) would still choose among the
    bundled faces. Nothing else in a briefgen process uses fontconfig.
    """
    _ours, library = _fontconfig()
    config = _empty_config()
    library.FcConfigSetCurrent(config)  # fontconfig takes its own reference
    from weasyprint.text import ffi as weasy

    weasy.fontconfig.FcConfigDestroy(config)


def bundled_only() -> Any:
    """A WeasyPrint FontConfiguration that sees no font of the machine.

    The @font-face fonts of the stylesheets parsed with it are added to it as WeasyPrint
    always does (a temporary copy registered with `FcConfigAppFontAddFile`).
    """
    from weasyprint.text import ffi as weasy
    from weasyprint.text.fonts import FontConfiguration

    class BundledFontsOnly(FontConfiguration):  # type: ignore[misc]
        """WeasyPrint's configuration with its font map switched to an empty fontconfig."""

        def __init__(self) -> None:
            super().__init__()
            _library_rules_off()
            config = _empty_config()
            font_map = weasy.ffi.cast("PangoFcFontMap *", self.font_map)
            weasy.pangoft2.pango_fc_font_map_set_config(font_map, config)
            weasy.fontconfig.FcConfigDestroy(config)  # the font map keeps its own reference
            self._config = config  # where add_font_face registers the @font-face fonts

    return BundledFontsOnly()
