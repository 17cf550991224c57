"""`briefgen sources add URL`: the only place briefgen opens a network connection.

Why a module of its own: `check` and `build` must never fetch (a briefing is checked
against the text stored when it was curated, not against today's page). Here a download
is bounded in every way a hostile or broken server could abuse: http(s) only, a few
redirects, a timeout per read and for the whole body, at most MAX_DOWNLOAD_BYTES read
(never more than the bound plus one byte), and only the content types briefgen can turn
into text (HTML, PDF, plain text).
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import IO
from urllib.parse import urlsplit

from briefgen.errors import EXIT_IO, EXIT_USAGE, BriefError, Diagnostic, Location

MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = 30.0  # seconds per connect or read
TOTAL_TIME = 120.0  # seconds for the whole body: a server dripping bytes is cut off
KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "text/plain": "text",
}


@dataclass(frozen=True)
class Download:
    """What a URL served: its final URL, kind (html, pdf, text), charset and bytes."""

    url: str
    kind: str
    charset: str | None
    body: bytes


def fetch(url: str, *, proxies: dict[str, str]) -> Download:
    """Download URL within the bounds above; PROXIES as `urllib.request.getproxies()`."""
    _check_scheme(url, url)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler(proxies), _Redirects(url))
    request = urllib.request.Request(
        url, headers={"User-Agent": "briefgen", "Accept": _ACCEPT, "Accept-Encoding": "identity"}
    )
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            kind, charset = _kind(url, response.headers)
            body = _read(url, response)
            length = response.headers.get("Content-Length", "").strip()
            if length.isdigit() and len(body) < int(length):
                raise _failed(
                    url,
                    "BG822",
                    f"the download stopped after {len(body)} of {length} bytes",
                    "try again; the connection was cut",
                )
            return Download(response.geturl(), kind, charset, body)
    except urllib.error.HTTPError as error:
        raise _failed(
            url,
            "BG821",
            f"the server answered {error.code} {error.reason}",
            "check the address; save the page from a browser and add the file instead",
        ) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", None) or error
        raise _failed(
            url, "BG822", f"cannot download: {reason}", "check the address and the network"
        ) from None


_ACCEPT = "text/html, application/xhtml+xml, application/pdf, text/plain;q=0.9"


class _Redirects(urllib.request.HTTPRedirectHandler):
    """At most MAX_REDIRECTS redirects, to http(s) only."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, url: str) -> None:
        self.url = url

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        _check_scheme(self.url, newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)

    def http_error_302(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        if len(getattr(req, "redirect_dict", {})) >= MAX_REDIRECTS:
            raise _failed(
                self.url,
                "BG825",
                f"more than {MAX_REDIRECTS} redirects",
                "open the address in a browser, and add the page it ends on",
            )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _check_scheme(url: str, target: str) -> None:
    try:
        parts = urlsplit(target)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a bad port or IPv6 literal
        usable = False
    if not usable:
        raise BriefError(
            Diagnostic(
                Location(url),
                "BG820",
                f"'{target}' is not an http or https address",
                "give a web address (https://…) or a file",
            ),
            exit_code=EXIT_USAGE,
        )


def _kind(url: str, headers: Message) -> tuple[str, str | None]:
    """The kind of document the headers announce, and its charset; refuse other types."""
    declared = headers.get_content_type()
    if declared not in KINDS:
        raise _failed(
            url,
            "BG823",
            f"the server sent {declared}, not HTML, PDF or plain text",
            "add web pages, PDFs or text files; save anything else as text first",
            exit_code=EXIT_USAGE,
        )
    encoding = headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):  # asked for identity; a bomb is not unpacked here
        raise _failed(
            url,
            "BG823",
            f"the server sent {encoding}-compressed data though none was asked for",
            "save the page from a browser and add the file",
            exit_code=EXIT_USAGE,
        )
    length = headers.get("Content-Length", "")
    if length.strip().isdigit() and int(length) > MAX_DOWNLOAD_BYTES:
        raise _too_large(url)
    return KINDS[declared], headers.get_content_charset()


def _read(url: str, response: IO[bytes]) -> bytes:
    """At most MAX_DOWNLOAD_BYTES + 1 bytes, within TOTAL_TIME; refuse a larger body."""
    chunks: list[bytes] = []
    left = MAX_DOWNLOAD_BYTES + 1
    deadline = time.monotonic() + TOTAL_TIME
    while left > 0 and (chunk := response.read(min(left, 1 << 16))):
        chunks.append(chunk)
        left -= len(chunk)
        if time.monotonic() > deadline:
            raise _failed(
                url,
                "BG822",
                f"the download took more than {TOTAL_TIME:.0f} seconds",
                "try again later, or save the page from a browser and add the file",
            )
    if left <= 0:
        raise _too_large(url)
    return b"".join(chunks)


def _too_large(url: str) -> BriefError:
    return _failed(
        url,
        "BG824",
        f"the document is larger than {MAX_DOWNLOAD_BYTES >> 20} MiB",
        "save the part the briefing cites as a text file and add that",
        exit_code=EXIT_USAGE,
    )


def _failed(
    url: str, code: str, message: str, hint: str, *, exit_code: int = EXIT_IO
) -> BriefError:
    return BriefError(Diagnostic(Location(url), code, message, hint), exit_code=exit_code)
