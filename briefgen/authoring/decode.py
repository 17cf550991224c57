"""Document bytes → text: the encoding a document declares, else one detected with confidence.

Why: bytes mean nothing until their encoding is known, and a wrong guess is stored
silently as mojibake (a windows-1251 page read as MacCyrillic turns `Абзац` into
`јбзац`). The evidence is weighed as browsers weigh it: a byte order mark, the server's
charset, a `<meta>` or XML declaration near the top; then UTF-8 if every byte is UTF-8;
then charset-normalizer's detection over the lines that hold non-ASCII bytes. A choice
must decode every byte and read as text (no run of controls, no UTF-8 read as a one-byte
encoding, charset-normalizer's mess ratio under its threshold); else the next is tried,
and when none is left the document is refused (BG827), never stored garbled.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Iterator

from briefgen.errors import EXIT_USAGE, BriefError, Diagnostic, Location

_PRESCAN = 4096  # bytes searched for a declaration (the HTML standard says 1024; some go later)
_SAMPLE = 64 * 1024  # bytes of non-ASCII lines handed to the detector
_MESS = 0.2  # charset-normalizer's own threshold: past it a decoding reads as garbled
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_META = re.compile(rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_XML = re.compile(rb"<\?xml\s[^>]*?encoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE)
# Labels as the web uses them (the WHATWG Encoding standard): a page labelled latin-1 is
# read as windows-1252, Shift_JIS pages use Microsoft's extensions, and so on.
_ALIASES = {
    "windows-31j": "cp932",
    "x-sjis": "shift_jis",
    "ms_kanji": "shift_jis",
    "ks_c_5601-1987": "cp949",
    "x-mac-cyrillic": "mac_cyrillic",
    "x-mac-roman": "mac_roman",
    "x-euc-jp": "euc_jp",
}
_SUPERSETS = {
    "ascii": ("cp1252",),
    "iso8859-1": ("cp1252",),
    "iso8859-9": ("cp1254",),
    "tis-620": ("cp874",),
    "iso8859-11": ("cp874",),
    "shift_jis": ("shift_jis", "cp932"),
    "cp932": ("shift_jis", "cp932"),
    "euc_kr": ("euc_kr", "cp949"),
    "gb2312": ("gbk", "gb18030"),
    "gbk": ("gbk", "gb18030"),
}
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_C1 = re.compile("[\x80-\x9f]")
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")


def decode(body: bytes, *, declared: str | None, html: bool, name: str) -> str:
    """BODY as text; DECLARED is the server's charset, HTML says to read <meta> too."""
    tried: list[str] = []
    seen: set[str] = set()
    for why, label in _evidence(body, declared, html, name):
        for codec in _codecs(label):
            if codec in seen:
                continue
            seen.add(codec)
            try:
                text = body.decode(codec)
            except (UnicodeDecodeError, LookupError):
                tried.append(f"{why} does not fit its bytes")
                continue
            problem = "" if why == "its byte order mark" else _garbled(text, codec)
            if not problem:
                return text.removeprefix("\ufeff")
            tried.append(f"{why} {problem}")
    raise _refused(body, name, tried)


def _evidence(
    body: bytes, declared: str | None, html: bool, name: str
) -> Iterator[tuple[str, str]]:
    """(why, label) for each encoding worth trying, strongest evidence first."""
    for mark, codec in _BOMS:
        if body.startswith(mark):
            yield "its byte order mark", codec
    if declared:
        yield f"the server's charset {declared}", declared
    head = body[:_PRESCAN]
    if html and (found := _META.search(head) or _XML.match(head.lstrip())):
        label = found.group(1).decode("ascii").lower()
        # a page that can hold "<meta" in ASCII is not UTF-16, whatever it says (WHATWG)
        yield f"its declared charset {label}", "utf-8" if label.startswith("utf-16") else label
    yield "UTF-8", "utf-8"
    if guess := _detect(body, name):
        yield f"the detected encoding {guess}", guess


def _codecs(label: str) -> tuple[str, ...]:
    """The Python codecs to read LABEL with; none for a label that is no text encoding."""
    label = _ALIASES.get(label.strip().lower(), label.strip())
    try:
        info = codecs.lookup(label)
    except LookupError:
        return ()
    if info.name not in _allowed():
        return ()  # base64, rot13, unicode_escape, UTF-7…: not a way to store text
    return _SUPERSETS.get(info.name, (info.name,))


@functools.cache
def _allowed() -> frozenset[str]:
    from charset_normalizer.constant import IANA_SUPPORTED

    names = {codecs.lookup(n).name for n in IANA_SUPPORTED if n != "utf_7"}
    return frozenset(names | {"utf-8-sig", "cp932"})


# What detection chooses from: the legacy encodings web pages use (the WHATWG list, as
# Firefox's detector has it), one name each where two decode alike (cp932 for Shift_JIS).
# Mac and DOS code pages are left out: they tie with windows-1251 on short Russian text.
_WEB = [
    *(f"cp125{n}" for n in range(9)),
    *(f"iso8859_{n}" for n in (2, 4, 5, 6, 7, 8, 13, 15)),
    *("koi8_r", "koi8_u", "cp866", "cp874", "cp932", "euc_jp", "iso2022_jp", "cp949"),
    *("big5", "gb18030"),
]
_TIE = (0.02, 0.01)  # chaos and coherence within which two readings are as likely


def _detect(body: bytes, name: str) -> str | None:
    """charset-normalizer's reading of the lines holding non-ASCII bytes, when it is sure.

    Not sure: nothing fits, or another encoding fits as well and reads the bytes
    otherwise (a few words of Russian fit windows-1251 and windows-1253 alike)."""
    lines = [line for line in body.splitlines() if not line.isascii()]
    if not lines:
        return None
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # the ingest extra brings it; plain UTF-8 text needs no extra
        raise BriefError(
            Diagnostic(
                Location(name),
                "BG829",
                "telling this document's encoding needs charset-normalizer, which is not "
                "installed",
                "install the ingest extra: pip install 'briefgen[ingest]'",
            ),
            exit_code=EXIT_USAGE,
        ) from None
    found = from_bytes(b"\n".join(lines)[:_SAMPLE], cp_isolation=_WEB)
    best = found.best()
    if best is None:
        return None
    rivals = [
        other
        for other in found
        if other.chaos <= best.chaos + _TIE[0]
        and other.coherence >= best.coherence - _TIE[1]
        and str(other) != str(best)
    ]
    return None if rivals else best.encoding


def _garbled(text: str, codec: str) -> str:
    """Why TEXT, decoded with CODEC, does not read as text; "" when it does."""
    if len(_CONTROLS.findall(text, 0, 1 << 20)) > 3 + len(text[: 1 << 20]) // 1000:
        return "gives control characters"
    if codec.startswith("utf-8"):
        return ""  # every byte was UTF-8: a legacy text is almost never that by chance
    if _C1.search(text):
        return "gives control characters"
    runs = _NON_ASCII_RUN.findall(text)[:20_000]
    as_utf8 = sum(_is_utf8(run, codec) for run in runs)
    if as_utf8 and as_utf8 * 20 >= len(runs):
        return "reads UTF-8 text as mojibake"
    try:
        from charset_normalizer.md import mess_ratio
    except ImportError:  # a declared encoding, without the ingest extra: the checks above
        return ""
    lines = "\n".join(line for line in text.splitlines() if not line.isascii())
    if lines and mess_ratio(lines[: 1 << 18], _MESS) >= _MESS:
        return "reads as garbled text"
    return ""


def _is_utf8(run: str, codec: str) -> bool:
    """True when the bytes of RUN (non-ASCII characters decoded with CODEC) are UTF-8."""
    try:
        run.encode(codec).decode("utf-8")
    except UnicodeError:
        return False
    return True


def _refused(body: bytes, name: str, tried: list[str]) -> BriefError:
    reasons = [why for why in tried if not why.startswith("UTF-8 ")]  # said by `first`
    if not any(why.startswith("the detected") for why in tried):
        reasons.append("no other encoding was detected")
    where = Location(name)
    try:
        body.decode("utf-8")
        first = ""
    except UnicodeDecodeError as error:
        at = error.start
        line, col = body.count(b"\n", 0, at) + 1, at - (body.rfind(b"\n", 0, at) + 1) + 1
        where = Location(name, line, col)
        first = f"byte 0x{body[at]:02X} is not UTF-8; "
    return BriefError(
        Diagnostic(
            where,
            "BG827",
            "cannot tell the text's character encoding with confidence: "
            + first
            + "; ".join(dict.fromkeys(reasons)),
            "open it in a browser, check that the text reads right, save it as UTF-8 text "
            "(.txt) and add that file",
        ),
        exit_code=EXIT_USAGE,
    )
