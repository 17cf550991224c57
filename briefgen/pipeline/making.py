"""Stages 4–5 for one sheet: a checked sheet → its briefing files in memory.

`make` is what a worker runs: check, compose the page once, render every format from it,
fit the PDF to one page. Nothing here writes a file; `pipeline.build` publishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.assets import template_dirs
from briefgen.errors import BriefError, Diagnostic, Location, errors_in
from briefgen.pipeline.checking import check
from briefgen.pipeline.options import BuildOptions
from briefgen.schema.vocabulary import SOURCES_FILE, page_file

if TYPE_CHECKING:
    from collections.abc import Mapping

    from briefgen.compose.changes import Change, Digests
    from briefgen.compose.entry import Entry
    from briefgen.compose.revisions import Snapshot
    from briefgen.publish.editions import Prior
    from briefgen.publish.records import Archived
    from briefgen.render.pdf import Renderer
    from briefgen.schema.model import Brief


@dataclass(frozen=True)
class Built:
    """One briefing rendered in memory: file name → bytes, and how the page was fitted."""

    sheet: Path
    slug: str
    files: dict[str, bytes]
    entry: Entry
    fill: float | None = None
    step: str | None = None
    layouts: int = 0
    warnings: tuple[Diagnostic, ...] = ()
    sections: Digests | None = None  # item digests (changes.digests)
    change: Change | None = None  # against the published version, set when staged
    content: str | None = None  # the edition: a digest of the sheet (changes.content_digest)
    snapshot: Snapshot | None = None  # what its reader sees (revisions.snapshot)
    earlier: tuple[str, ...] = ()  # the labels of its earlier editions, oldest first
    new_edition: bool = False  # its content changed: the published edition is archived
    published: str | None = None  # the day this edition was first published
    expires: str | None = None  # its next review or validity date (freshness.next_due)
    lang: str = "en"  # the page's language (its changes page is in it too)
    editions: tuple[Archived, ...] = ()  # its earlier editions, set when staged
    before: Snapshot | None = None  # the previous edition's snapshot, set when staged


def make(sheet: Path, options: BuildOptions | None = None) -> Built:
    """Check SHEET and render its briefing files in memory; BriefError if anything fails."""
    return _make(sheet, options=options or BuildOptions())


def make_pages(sheet: Path, options: BuildOptions, *, out: Path | None = None) -> Built:
    """The files `build` publishes for SHEET, byte for byte, without the PDF:
    what `serve` shows while the PDF is being made; as the next edition of what the site
    OUT has published (its earlier editions listed), when given."""
    priors = None
    if out is not None:
        from briefgen.publish import editions, manifest

        record = manifest.read(out).briefings.get(manifest.name_of(sheet, options.project))
        priors = {sheet: editions.prior(record)}
    return _make(sheet, options=options, pdf=False, priors=priors)


def _make(
    sheet: Path,
    *,
    options: BuildOptions,
    pdf: bool = True,
    priors: Mapping[Path, Prior] | None = None,
) -> Built:
    """`make` with one options record: what workers run for `build`. The page is composed
    once; every file is rendered from that one value. PRIORS are the published editions
    of the sheets (none: a first edition)."""
    from briefgen.compose.changes import content_digest
    from briefgen.compose.compose import compose
    from briefgen.publish.editions import Prior, next_labels
    from briefgen.render.pages import render_html, render_markdown
    from briefgen.site import pages as site
    from briefgen.verify.freshness import next_due

    formats, project = options.formats, options.project
    checked = check(sheet, strict=options.strict, today=options.today, scheme=options.scheme)
    before = (priors or {}).get(sheet, Prior())
    content = content_digest(checked.brief)
    earlier, new_edition = next_labels(before, content, options.keep_editions)
    same = before.content == content
    published = before.published if same and before.published else options.today
    page = compose(
        checked.brief,
        options.edition(),
        evidence=checked.evidence,
        stored=checked.stored,
        earlier=earlier,
        name=str(sheet),
    )
    slug = page.id
    files: dict[str, bytes] = {}
    if "md" in formats:
        files[page_file(slug, "md")] = render_markdown(page, project=project).encode()
    if "html" in formats:
        files[page_file(slug, "html")] = render_html(page, project=project).encode()
        files[SOURCES_FILE] = site.sources_page(page, base_url=options.base_url, project=project)
    if "docx" in formats:
        from briefgen.render.word import reference_document, render_docx

        reference = reference_document(project)
        files[page_file(slug, "docx")] = render_docx(page.for_print(), reference=reference)
    if "txt" in formats:
        from briefgen.render.text import render_text

        files[page_file(slug, "txt")] = render_text(page.for_print()).encode()
    fitted: tuple[float | None, str | None, int] = (None, None, 0)
    warnings = checked.warnings
    if "pdf" in formats and pdf:
        html = render_html(page.for_print(), project=project)
        advice = _advice(checked.brief)
        result = _pdf_renderer(project).one_page(html, name=str(sheet), advice=advice)
        files[page_file(slug, "pdf")] = result.data
        fitted = (result.fill, result.step.name, result.layouts)
        warnings += tuple(
            Diagnostic(Location(str(sheet)), "BG320", f"PDF renderer: {w}", severity="warning")
            for w in result.warnings
        )
        if errors_in(warnings, strict=options.strict):
            raise BriefError(*warnings)
    entry = site.entry(page, {name: len(data) for name, data in files.items()})
    entry = site.dated(entry, published, earlier)
    return Built(
        sheet, slug, files, entry, *fitted, warnings=warnings, sections=page.digests,
        content=content, snapshot=page.snapshot, earlier=earlier, new_edition=new_edition,
        published=published, expires=next_due(checked.brief, options.today), lang=page.lang,
    )


def _pdf_renderer(project: Path | None) -> Renderer:
    """The PDF stage with the project's templates and fonts first, then the built-in ones:
    the one lookup rule of every template, font and asset (`assets.template_dirs`)."""
    from briefgen.render import pdf
    from briefgen.render.pages import read_template

    roots = tuple(template_dirs(project))
    return pdf.renderer(roots, read_template("fonts.css", project=project))


def _advice(brief: Brief) -> str:
    """What to cut when the page overflows: the sections over budget, or the longest lists."""
    from briefgen.schema.budgets import section_words
    from briefgen.verify.budgets import over_budget

    over = over_budget(brief)
    words = sum(section_words(brief).values())
    if over:
        return f"the body has {words} words; over budget: {', '.join(over)}"
    return f"the body has {words} words, within budget; shorten or drop items in the longest lists"
