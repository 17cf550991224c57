"""Stage 5, render: the Page → plain text for an e-mail or a cable. Pure.

Why its own format: Markdown and HTML both arrive broken when pasted into a mail client
or a message system. The plain text has no markup at all: headings are capitals, list
items start with a dash, tables become one paragraph per row, every line wraps at 72
columns (a long address is cut), and the banner is the first and the last line. It is
laid out from the same blocks as the Word document (`render/blocks.py`).
"""

from __future__ import annotations

import textwrap

from briefgen.compose.page import Page
from briefgen.render.blocks import Block, layout

WIDTH = 72


def render_text(page: Page) -> str:
    """The plain-text briefing of PAGE: UTF-8 text, no line over WIDTH characters; a blank
    line between blocks, none between the items of one list."""
    out: list[str] = []
    previous = ""
    for block in layout(page):
        if out and not (block.kind == previous and block.kind in _LISTS):
            out.append("")
        out.append(_lines(block))
        previous = block.kind
    return "\n".join(out) + "\n"


_LISTS = ("bullet", "source")


def _lines(block: Block) -> str:
    """One block as wrapped lines."""
    text = " ".join(block.text.split())
    if block.kind == "banner":
        return _wrap(text, center=True)
    if block.kind == "heading":
        return _wrap(text if block.level == 1 else text.upper())
    if block.kind == "bullet":
        return _wrap(text, first="- ", rest="  ")
    if block.kind == "table":  # each row an entry: who — what they hold
        rows = (" — ".join(" ".join("".join(r.text for r in c).split()) for c in row)
                for row in block.rows[1:])
        return "\n".join(_wrap(row, first="- ", rest="  ") for row in rows)
    if block.kind == "source":
        url = f"\n{_wrap(block.url, first='    ', rest='    ')}" if block.url else ""
        return _wrap(text, rest="    ") + url
    return _wrap(text)


def _wrap(text: str, *, first: str = "", rest: str = "", center: bool = False) -> str:
    lines = textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=True,
    ) or [""]
    return "\n".join(line.center(WIDTH).rstrip() if center else line for line in lines)
