"""The one-page guarantee holds for every kind (issue 20): a sheet of each kind with every
section at its budget (as many items as fit, as many words as the budgets allow: 400 body
words) prints on one page of Letter, the binding paper, as designed or through the fitting
ladder; one item more per list, past the budgets, is refused with BG310, never cut.

The sheets are generated from the kinds' table and the models' budgets: each item's
budgeted fields share the section's words up to each field's own budget.
"""

from __future__ import annotations

import io
import itertools
import typing
from typing import Any

import pypdf
import pytest

from briefgen.compose.compose import Edition, compose
from briefgen.errors import BriefError
from briefgen.pipeline.making import _pdf_renderer
from briefgen.render.pages import render_html
from briefgen.schema.budgets import counted, field_limits, section_budgets, section_words
from briefgen.schema.kinds import KINDS, TABLE, parse
from briefgen.schema.schemapath import model_in

WORDS = itertools.cycle(
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "  # noqa: SIM905
    "oscar papa quebec romeo sierra tango uniform victor whiskey yankee zulu".split())
# Values of the fields that are no budgeted text, by name (every item gets the optional
# dates and references too: the longest an item can print).
FIXED: dict[str, Any] = {
    "date": "2018-07-16", "since": "2018-07", "as_of": "2018", "said_on": "2018-07-10",
    "founded": "1949-04-04", "by": "2018-08", "raised_by": ["a1"], "parties": ["a1"],
    "actor": "a1", "speech": "indirect", "likelihood": "likely", "confidence": "low",
    "signals": ["J1"], "direction": "raises", "value": 1234.5, "state": "strained",
    "status": "confirmed", "stance": "opposed", "backers": ["a1"], "members": ["a1"],
    "count": 30, "body": "a1", "cite": ["S1"],
}


def _words(n: int) -> str:
    return " ".join(next(WORDS) for _ in range(n)).capitalize() if n else ""


def _item(model: Any, words: int, n: int) -> dict[str, Any]:
    """One item of MODEL whose budgeted text fields hold WORDS words between them."""
    item: dict[str, Any] = {"id": f"X{n}"} if "id" in model.model_fields else {}
    limits = field_limits(model)
    words -= sum(len(FIXED[n]) for n in counted(model) if n not in limits and n in FIXED)
    for name in counted(model):
        if name in limits:
            take = min(words, limits[name])
            if take:
                item[name] = _words(take)
            words -= take
    for name in model.model_fields:
        if name in FIXED and name not in item:
            item[name] = FIXED[name]
    return item


def full_sheet(kind: str, extra: int = 0) -> dict[str, Any]:
    """A sheet of KIND with every section at its budget (EXTRA more items per list)."""
    sheet = TABLE[kind].sheet
    data: dict[str, Any] = {
        "schema_version": "1",
        "briefing": {"id": f"full-{kind}", "title": _words(12), "kind": kind,
                     "prepared": {"date": "2018-07-20"}, kind: {
                         "event": {"name": _words(3), "start_date": "2018-07-16",
                                   "location": {"city": "Helsinki", "country": "Finland"}},
                         "issue": {"name": _words(3), "involved": ["a1", "Russia"]},
                         "country": {"name": "Russia", "code": "RU", "as_of": "2018-07"},
                         "organization": {"name": _words(4), "acronym": "NATO",
                                          "headquarters": "Brussels", "as_of": "2018-07"},
                     }[kind]},
        "actors": [{"id": "a1", "name": "Sergey Lavrov", "role": "Foreign Minister",
                    "affiliation": "Russia"}],
        "sources": [{"id": "S1", "title": _words(8), "publisher": "VOVWORLD",
                     "published": "2018-07-12", "type": "news-article",
                     "url": "https://example.org/a"}],
    }
    for section, (words, most) in section_budgets(kind).items():
        model = model_in(sheet.model_fields[section].annotation)
        many = typing.get_origin(sheet.model_fields[section].annotation) is list
        count = most + extra if many else 1
        items = [_item(model, words // most, n) for n in range(count)]
        if section == "assessments":
            for n, a in enumerate(items):
                a["id"] = f"J{n + 1}"
                a["statement"] = " ".join([*a["statement"].split()[:-2], "is", "likely"])
        data[section] = items if many else items[0]
    return data


@pytest.mark.parametrize("kind", KINDS)
def test_a_sheet_at_every_budget_is_valid_and_uses_them(kind: str) -> None:
    brief = parse(full_sheet(kind))
    counts = section_words(brief)
    budgets = section_budgets(kind)
    assert all(counts[s] <= words for s, (words, _) in budgets.items()), counts
    assert sum(counts.values()) >= 0.85 * sum(w for w, _ in budgets.values()), counts


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_at_its_budgets_prints_on_one_letter_page(kind: str) -> None:
    html = render_html(compose(parse(full_sheet(kind)), Edition(paper="Letter")).for_print())
    result = _pdf_renderer(None).one_page(html, name=f"full-{kind}")
    assert len(pypdf.PdfReader(io.BytesIO(result.data)).pages) == 1
    print(kind, result.step.name, f"{result.fill:.0%}")  # the rung each kind needs


@pytest.mark.parametrize("kind", KINDS)
def test_past_its_budgets_every_kind_is_refused_not_cut(kind: str) -> None:
    html = render_html(compose(parse(full_sheet(kind, extra=4)), Edition(paper="Letter"))
                       .for_print())
    with pytest.raises(BriefError) as caught:
        _pdf_renderer(None).one_page(html, name=f"full-{kind}")
    assert [d.code for d in caught.value.diagnostics] == ["BG310"]
