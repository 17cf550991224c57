"""`briefgen sources add|accept`: the command line of ingest.py and accept.py.

Only here are today's date and the environment's proxies read; the library gets them as
arguments. Confirmation is asked here, never in the library.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from briefgen.cli.options import accessed_option, print_diagnostics, reporting


def _sheet(path: Path) -> Path:
    return path / "facts.yaml" if path.is_dir() else path


sheet_argument = click.argument("sheet", type=click.Path(exists=True, path_type=Path))


@click.group(short_help="Add sources to a sheet; accept changed source texts.")
def sources() -> None:
    """Add documents as sources of a fact sheet, or accept a changed stored text.

    \b
    Examples:
        briefgen sources add seeds/geneva-talks-2025 https://example.org/news/talks.html
        briefgen sources accept seeds/geneva-talks-2025 S2
    """


@sources.command(short_help="Store files or URLs (text, HTML, PDF) as new sources.")
@sheet_argument
@click.argument("documents", nargs=-1, required=True)
@accessed_option
def add(sheet: Path, documents: tuple[str, ...], today: date) -> None:
    """Store each DOCUMENT (a file, or an http/https URL) as a new source of SHEET.

    HTML pages give their article text (navigation, captions, asides such as "Related
    News", footers and comments are left out) and the title, author, site name and
    publication date their metadata states; PDFs give their text layer, title and
    author. The text goes to sources/, the original to sources/original/, and a new
    `sources:` entry with the next free id, the sha256 and the retrieval date is added
    to the sheet; what the document does not state stays `unknown`. Only this command
    fetches; `check` and `build` never go online.

    \b
    Example:
        briefgen sources add seeds/geneva-talks-2025 https://example.org/a.html report.pdf
    """
    import urllib.request

    from briefgen.authoring.ingest import add_sources

    with reporting():
        added = add_sources(
            _sheet(sheet),
            list(documents),
            today=today,
            proxies=urllib.request.getproxies(),
        )
    for item in added:
        unknown = f" (unknown: {', '.join(item.unknown)})" if item.unknown else ""
        click.echo(f"{item.id}  {item.file}{unknown}")


@sources.command(short_help="Record the new sha256 of a source text changed on purpose.")
@sheet_argument
@click.argument("ids", nargs=-1)
@click.option("-y", "--yes", is_flag=True, help="Record without asking.")
@click.option("--force", is_flag=True, help="Record even if quotes or excerpts would break.")
def accept(sheet: Path, ids: tuple[str, ...], yes: bool, force: bool) -> None:
    """Record the new sha256 of SHEET's sources (or IDS) whose stored text changed.

    First shows every quote and excerpt citing a changed source that no longer verifies,
    with the word-level difference; refuses while any would break unless --force, and
    asks before writing unless --yes. Only the sha256 values in the sheet change.

    \b
    Example:
        briefgen sources accept seeds/geneva-talks-2025 S2 --yes
    """
    from briefgen.authoring.accept import record, review

    with reporting():
        found = review(_sheet(sheet), list(ids))
    for ident in found.unchanged:
        click.echo(f"{ident}: unchanged", err=True)
    if not found.changes:
        click.echo("no stored source text changed", err=True)
        return
    for change in found.changes:
        state = f", {len(change.broken)} passage(s) break" if change.broken else ""
        click.echo(f"{change.id}: {change.file} changed{state}", err=True)
    if found.broken:
        print_diagnostics(found.broken)
        if not force:
            click.echo("refused: fix those passages first, or record anyway with --force", err=True)
            raise SystemExit(1)
    if not yes and not click.confirm("Record the new sha256?", err=True):
        click.echo("nothing recorded", err=True)
        raise SystemExit(1)
    with reporting():
        recorded = record(found)
    for ident in recorded:
        click.echo(f"{ident}: recorded sha256")
