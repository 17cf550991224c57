"""One page model: each sheet is composed once per edition, and every output renders from it.

During a real build of the bundled examples (in this process, one job), every call of the
composition step and of the lookups that decide what the page shows (the reader's
numbering, the citation graph, the item a passage belongs to, the provenance search, the
reading of stored sources) is recorded in order. Composition must happen once per sheet,
and after a sheet is composed nothing may number, search or read its sources again: the
Markdown, the web page, the PDF, the sources page and the index entry all come from the
one Page value.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from briefgen import pipeline
from briefgen.compose import compose as compose_module
from briefgen.compose.page import Page
from briefgen.pipeline.options import BuildOptions
from briefgen.schema import cites
from briefgen.verify import provenance
from briefgen.verify import sources as stored_sources
from tests.conftest import ROOT

LOOKUPS = {
    "numbering": cites.numbering,
    "cites": cites.cites,
    "item_id": cites.item_id,
    "verify": provenance.verify,
    "read_sources": stored_sources.read_sources,
}


def _spy_everywhere(monkeypatch: pytest.MonkeyPatch, name: str, original: Callable[..., object],
                    record: Callable[[str], None]) -> None:
    """Replace ORIGINAL under every name a briefgen module bound it to (`from x import f`)."""

    def spy(*args: object, **kwargs: object) -> object:
        record(name)
        return original(*args, **kwargs)

    modules: list[ModuleType] = [m for k, m in sys.modules.items()
                                 if k.startswith("briefgen") and m is not None]
    for module in modules:
        for attribute, value in list(vars(module).items()):
            if value is original:
                monkeypatch.setattr(module, attribute, spy)


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The order of composition, its end, each sheet's check, and every lookup."""
    import briefgen.pipeline.building
    import briefgen.pipeline.making
    import briefgen.site.pages

    seen: list[str] = []
    for name, original in LOOKUPS.items():
        _spy_everywhere(monkeypatch, name, original, seen.append)
    real_compose = compose_module.compose

    def compose(*args: object, **kwargs: object) -> Page:
        seen.append("compose")
        page = real_compose(*args, **kwargs)  # type: ignore[arg-type]
        seen.append("composed")
        return page

    monkeypatch.setattr(compose_module, "compose", compose)
    real_check = pipeline.check

    def check(*args: object, **kwargs: object) -> object:
        seen.append("check")
        return real_check(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(briefgen.pipeline.making, "check", check)
    return seen


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("helsinki-summit-2018", "russia-us-relations-2018"):
        shutil.copytree(ROOT / "seeds" / name, tmp_path / "seeds" / name)
    return tmp_path


def test_each_sheet_is_composed_once_and_nothing_looks_up_after(
        events: list[str], project: Path) -> None:
    sheets = pipeline.find_sheets(project)
    report = pipeline.build(sheets, project / "out", BuildOptions(project=project, jobs=1))
    assert report.published
    assert len(report.built) == 2
    assert events.count("check") == 2
    assert events.count("compose") == 2, events
    # between a sheet's composition and the next sheet's check: no numbering, no search
    for start, name in enumerate(events):
        if name != "composed":
            continue
        after = events[start + 1:]
        until = after.index("check") if "check" in after else len(after)
        assert after[:until] == [], f"looked up after composing: {after[:until]}"
    # and inside composition the numbering is decided once
    for start, name in enumerate(events):
        if name == "compose":
            inside = events[start + 1:events.index("composed", start)]
            assert inside.count("numbering") == 1, inside


def test_every_output_of_a_sheet_comes_from_the_one_page(project: Path) -> None:
    """The PDF's page is the web page's, only its links pointed at its own source list."""
    checked = pipeline.check(project / "seeds" / "helsinki-summit-2018" / "facts.yaml")
    page = compose_module.compose(checked.brief, evidence=checked.evidence,
                                  stored=checked.stored)
    printed = page.for_print()
    assert printed.sources == page.sources
    assert printed.meta == page.meta
    cited = [c for i in page.sections["key_facts"] for c in i.cites]
    assert cited
    assert all(c.href.startswith("sources.html#") for c in cited)
    assert all(c.href.startswith("#src-") for i in printed.sections["key_facts"]
               for c in i.cites)
    assert [c.n for i in printed.sections["key_facts"] for c in i.cites] == [
        c.n for c in cited]
    assert printed.nav == ()
    assert page.nav
    assert page.entry is not None
    assert page.entry.slug == page.id
    assert [t.n for t in page.texts] == [s.n for s in page.sources]
