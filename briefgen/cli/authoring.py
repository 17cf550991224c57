"""The authoring commands: `cite` (find the excerpt) and `words` (the budgets, all at once).

Why apart from commands.py: they only read a sheet and print; the shell for them is here, the
work in `briefgen.authoring.cite` and `briefgen.authoring.words`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefgen.cli.options import reporting
from briefgen.errors import UNSAFE, inert

if TYPE_CHECKING:  # the models cost ~0.3 s to import: only the commands load them
    from briefgen.authoring.words import Row

sheet_argument = click.argument("sheet", type=click.Path(dir_okay=True, path_type=Path))


def _sheet(path: Path) -> Path:
    """A folder stands for its facts.yaml; a missing one is a usage error, as in `check`."""
    from briefgen.project.discover import resolve_sheets

    return resolve_sheets([path], Path())[0]


def _escape(found: re.Match[str]) -> str:
    """C1, separators and bidi inside JSON strings as \\u escapes (json.dumps did C0)."""
    char = found.group(0)
    return char if char < " " else f"\\u{ord(char):04x}"


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="For people, or for tools.",
)


@click.command(short_help="Find a verbatim excerpt in a sheet's sources.")
@sheet_argument
@click.argument("phrase", nargs=-1, required=True)
@click.option("--quote", is_flag=True, help="Print a `quote:` line instead of a cite entry.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="How many passages to show.",
)
@format_option
def cite(sheet: Path, phrase: tuple[str, ...], quote: bool, limit: int, fmt: str) -> None:
    """Search the stored sources of SHEET for PHRASE (fuzzy) and print the best passages.

    Each passage shows its source, paragraph (¶, as the sources page numbers them) and the
    match marked; the last line is ready to paste into the sheet, and its excerpt is exact
    stored text that `briefgen check` accepts. Exits 1 when no source has anything alike.

    \b
    Examples:
        briefgen cite seeds/helsinki-summit-2018 high level meeting July 16
        briefgen cite seeds/helsinki-summit-2018 "fine relationship" --quote
    """
    from briefgen.authoring.cite import paste_line, search

    what = "quote" if quote else "excerpt"
    with reporting():
        found = search(_sheet(sheet), " ".join(phrase), what=what, limit=limit)
    line = paste_line(found[0], what)
    if fmt == "json":
        doc = {"passages": [p.as_dict() for p in found], "paste": line}
        text = json.dumps(doc, indent=2, ensure_ascii=False)
        click.echo(UNSAFE.sub(_escape, text))
        return
    tty = sys.stdout.isatty()
    for p in found:
        mark = click.style(p.match, bold=True) if tty else f"[{p.match}]"
        click.echo(inert(f"{p.source} ¶{p.paragraph} (line {p.line}, {p.score:.0f}% alike)"))
        shown = inert(p.before) + mark + inert(p.after)
        click.echo(f"    {shown}")
        if p.missing:
            click.echo(inert(f"    not found: {', '.join(p.missing)}"))
    click.echo()
    click.echo(inert(line))


@click.command(short_help="Word count and budget of every field and section.")
@sheet_argument
@format_option
def words(sheet: Path, fmt: str) -> None:
    """Print every budgeted field and section of SHEET with its word count and budget.

    Rows over budget are marked OVER. It is a report: it exits 0 even when something is
    over (`briefgen check` warns, and `--strict` fails); 1 only when the sheet cannot be
    read.

    \b
    Examples:
        briefgen words seeds/helsinki-summit-2018
        briefgen words seeds/helsinki-summit-2018 --format json
    """
    from briefgen.authoring.draft import draft
    from briefgen.authoring.words import table

    with reporting():
        rows = table(draft(_sheet(sheet))[0])
    if fmt == "json":
        text = json.dumps({"rows": [r.as_dict() for r in rows]}, indent=2, ensure_ascii=False)
        click.echo(UNSAFE.sub(_escape, text))
        return
    width = max(len(_label(r)) for r in rows)
    click.echo(f"{'field or section':<{width}}  words  budget")
    for r in rows:
        mark = "  OVER" if r.over else ""
        click.echo(inert(f"{_label(r):<{width}}  {r.words:>5}  {r.budget:>6}{mark}"))


def _label(row: Row) -> str:
    if row.kind == "field":
        return f"  {row.path}"
    if row.items is not None:
        return f"{row.path} total, {row.items} of at most {row.most} items"
    return f"{row.path} total"
