"""What a web page states about itself: its publication date and its site's name.

Why not trafilatura's own: it falls back to guesses a briefing must not print as facts,
a date from the URL (`/2018/07/16/`) or from text such as a footer's "Updated …", and
the host name as the site name. Here only declarations count: meta tags (Open Graph,
Dublin Core, citation and the like), `itemprop` microdata and JSON-LD; anything else
stays unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "date",
)
_SITE_KEYS = ("og:site_name", "application-name")
_DATE = re.compile(r"(\d{4})(?:[-/](\d{2})(?:[-/](\d{2}))?)?(?:$|[T ])")  # ISO, or 2018/07/16


def stated(tree: Any) -> tuple[str | None, str | None]:
    """The publication date (YYYY[-MM[-DD]]) and site name a parsed page declares, else None.

    TREE is lxml's tree of the page (None when it could not be parsed)."""
    if tree is None:
        return None, None
    metas = _metas(tree)
    ld = list(_json_ld(tree))
    when = next(
        (d for key in _DATE_KEYS for value in metas.get(key, []) if (d := _date(value))),
        None,
    ) or next((d for item in ld if (d := _date(item.get("datePublished"))) is not None), None)
    site = next((v.strip() for key in _SITE_KEYS for v in metas.get(key, []) if v.strip()), None)
    if site is None:
        site = next((n for item in ld if (n := _name(item.get("publisher")))), None)
    return when, site


def _metas(tree: Any) -> dict[str, list[str]]:
    """Declared values by lower-case key: meta property/name/itemprop, and <time> microdata."""
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        if meta.get("content"):
            found.setdefault(key.strip().lower(), []).append(meta.get("content"))
    for node in tree.iter("time"):
        if (node.get("itemprop") or "").lower() == "datepublished" and node.get("datetime"):
            found.setdefault("datepublished", []).append(node.get("datetime"))
    return found


def _json_ld(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD scripts (graphs and lists flattened)."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(_pruned(script.text or ""))
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(v for k, v in item.items() if k == "@graph")


MAX_DEPTH = 16  # JSON-LD nests a few levels; what lies deeper is ignored
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|[^"\[\]{}]+|"')


def _pruned(text: str) -> str:
    """TEXT with every array or object nested deeper than MAX_DEPTH replaced by null.

    Why: json.loads recurses once per level and raises RecursionError on a script nested
    a thousand deep; pruning by tokens first keeps the shallow metadata and never recurses."""
    out: list[str] = []
    depth = 0
    for token in _TOKEN.findall(text):
        if token in ("[", "{"):
            depth += 1
            if depth == MAX_DEPTH + 1:
                out.append("null")
        elif token in ("]", "}"):
            depth -= 1
            if depth == MAX_DEPTH:
                continue
        if depth <= MAX_DEPTH:
            out.append(token)
    return "".join(out)


def _date(value: object) -> str | None:
    """A date as the schema writes it (YYYY, YYYY-MM or YYYY-MM-DD), if VALUE is one."""
    match = _DATE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return "-".join(p for p in (year, month, day) if p)


def _name(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    name = value.get("name") if isinstance(value, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else None
