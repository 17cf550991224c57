"""Stage 5, render: the Page → Markdown and HTML strings through Jinja2 templates. Pure.

Why siblings, not parent and child: the HTML needs section classes, ids and a legend that
Markdown cannot express, so both formats render from the same Page (compose/page.py) and
share its citation numbering. Data is never rendered as a template: `{{ 7*7 }}` in a fact stays
text. HTML autoescapes; inline Markdown goes through markdown-it-py with raw HTML off,
no images and only http(s)/mailto links.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from briefgen.assets import builtin_templates, template_dirs
from briefgen.compose.page import Item, Page
from briefgen.errors import BriefError, Diagnostic, Location
from briefgen.schema import cites as mentions

# Unicode's invisible format characters (category Cf, as of Unicode 15) but ZWNJ and ZWJ,
# which shape scripts and emoji: bidi controls, U+200B, U+2060, U+FEFF, tags…
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
_MD_SPECIAL = re.compile(r"([\\`<>|\[\]])")
_MD_LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\(([^()\s]*)\)")
_TAG = re.compile(r"(<[^>]*>)")
_SPACES = re.compile(r"[^\S\u00a0]+")
_MD_MENTION = re.compile(r"\\\[[A-Za-z][\w,\s-]*\\\](?!\()")  # `[S1]` after md_text: `\[S1\]`


def render_html(page: Page, *, project: Path | None = None) -> str:
    """The one HTML document that serves as web page and, as `page.for_print()`, as the
    PDF's source: the site page links each citation to its paragraph on the sources page
    and carries the site's navigation; the printed one links to its own source list."""
    return _render("brief.html", page, project, html=True)


def render_markdown(page: Page, *, project: Path | None = None) -> str:
    """The Markdown briefing (reads as plain text, renders on GitHub); each citation links
    to its paragraph on the sources page, as on the site."""
    return _render("brief.md", page, project, html=False)


def render_template(name: str, project: Path | None = None, **context: Any) -> str:
    """Render any named template (the site's pages) with autoescape by file type."""
    return _render(name, None, project, html=name.endswith((".html", ".xml")), **context)


def read_template(name: str, *, project: Path | None = None) -> str:
    """The text of one template file (project first, then built in), e.g. fonts.css."""
    env = _environment(True, _dirs(project))
    try:
        source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    except jinja2.TemplateNotFound:
        raise BriefError(
            Diagnostic(
                Location(name),
                "BG503",
                "template not found",
                f"looked in: {', '.join(map(str, _dirs(project)))}",
            )
        ) from None
    except SecurityError as error:
        raise BriefError(_outside(error, Location(name))) from None
    return source


def _dirs(project: Path | None) -> tuple[str, ...]:
    return tuple(str(d) for d in template_dirs(project))


def _render(
    name: str, page: Page | None, project: Path | None, *, html: bool, **context: Any
) -> str:
    env = _environment(html, _dirs(project))
    try:
        text = env.get_template(name).render(**({"brief": page} if page else {}), **context)
    except jinja2.TemplateSyntaxError as error:
        raise BriefError(
            Diagnostic(
                Location(error.filename or error.name or name, error.lineno),
                "BG501",
                f"template syntax: {error.message}",
            )
        ) from None
    except jinja2.UndefinedError as error:
        raise BriefError(
            Diagnostic(
                Location(*_template_frame(error, name)),
                "BG502",
                f"template uses an undefined value: {error.message}",
                "check the spelling against the fact-sheet fields",
            )
        ) from None
    except jinja2.TemplateNotFound as error:
        raise BriefError(
            Diagnostic(
                Location(*_template_frame(error, name)),
                "BG503",
                f"template '{error.name}' not found",
                "project templates/ files override the built-in ones",
            )
        ) from None
    except SecurityError as error:
        raise BriefError(_outside(error, Location(*_template_frame(error, name)))) from None
    except RecursionError as error:
        raise BriefError(
            Diagnostic(
                Location(*_template_frame(error, name)),
                "BG505",
                "templates nest too deeply: a macro, include or block that calls itself "
                "without end",
                "give the recursion a condition that stops it",
            )
        ) from None
    return text.rstrip("\n") + "\n"


def _outside(error: SecurityError, where: Location) -> Diagnostic:
    """BG504 at WHERE, the template line whose include/import/extends left the folders."""
    return Diagnostic(
        where,
        "BG504",
        str(error),
        "include, import and extend only files inside the project's templates/ folder "
        "or the built-in ones (`builtin/…`)",
    )


def _template_frame(error: BaseException, fallback: str) -> tuple[str, int | None]:
    """The template file and line an error came from (Jinja keeps that frame), else FALLBACK."""
    tb = error.__traceback__
    found: tuple[str, int | None] = (fallback, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".md", ".xml", ".css")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


class _FolderLoader(jinja2.BaseLoader):
    """The project's templates, then the built-in ones (also as `builtin/…`); nothing else.

    Why: FileSystemLoader refuses `..` only as "not found" and follows symlinks anywhere,
    so a name or a file that leaves the template folders is refused here as a
    SecurityError, which `_render` reports at the template line that asked for it.
    """

    def __init__(self, dirs: tuple[str, ...]) -> None:
        builtin = str(builtin_templates())
        self.roots = tuple(Path(d).resolve() for d in (*dirs, builtin))
        self.inner = jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(list(dirs)),
                jinja2.PrefixLoader({"builtin": jinja2.FileSystemLoader(builtin)}),
            ]
        )

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        pieces = template.replace("\\", "/").split("/")
        if template.startswith(("/", "\\")) or ".." in pieces or ":" in pieces[0]:
            msg = f"template '{template}' is outside the template folders"
            raise SecurityError(msg)
        source, filename, uptodate = self.inner.get_source(environment, template)
        real = Path(filename).resolve() if filename else None
        if real is not None and not any(real.is_relative_to(r) for r in self.roots):
            msg = f"template '{template}' leads outside the template folders (a symlink)"
            raise SecurityError(msg)
        return source, filename, uptodate


@functools.lru_cache(maxsize=8)
def _environment(html: bool, dirs: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_FolderLoader(dirs),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=html, default=html),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_visible,
    )
    env.filters["css_string"] = css_string
    env.filters.update(inline_md=_inline_md, md=_md, cites_md=cites_md, plain=plain)
    return env


def _numbers(context: jinja2.runtime.Context) -> dict[str, int]:
    """The reader's source numbers of the page being rendered (none on the site's pages)."""
    page = context.get("brief")
    return {sid: c.n for sid, c in page.mentions.items()} if isinstance(page, Page) else {}


@jinja2.pass_context
def _inline_md(context: jinja2.runtime.Context, text: str) -> Markup:
    """inline_md, with each `[S1]` as the reader's number linked like a citation."""
    page = context.get("brief")
    html = str(inline_md(text))
    if not isinstance(page, Page):
        return Markup(html)
    found = page.mentions

    def linked(ids: list[str]) -> str:
        links = (
            f'<a class="cite mention" href="{escape(found[i].href)}" '
            f'aria-label="{found[i].label}">'
            f"{found[i].n}</a>"
            for i in ids
        )
        return f"[{', '.join(links)}]"

    numbers = _numbers(context)
    parts = _TAG.split(html)  # text, tag, text, …: a link's title attribute stays plain
    return Markup(
        "".join(
            mentions.resolve(p, numbers, linked) if i % 2 == 0 else mentions.as_numbers(p, numbers)
            for i, p in enumerate(parts)
        )
    )


@jinja2.pass_context
def _md(context: jinja2.runtime.Context, text: str) -> str:
    """md_text, with each `[S1]` as the reader's number (escaped brackets are put back)."""
    numbers = _numbers(context)

    def unescaped(m: re.Match[str]) -> str:
        mention = m.group(0).replace("\\", "")
        shown = mentions.as_numbers(mention, numbers)
        return shown if shown != mention else m.group(0)

    return _MD_MENTION.sub(unescaped, md_text(text))


@functools.lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # typographer for curly quotes and apostrophes only; replacements would turn a
    # sheet's "(c)" or "--" into other characters
    md = MarkdownIt("js-default", {"linkify": False, "typographer": True})
    md.disable(["image", "html_inline", "entity", "replacements"], ignoreInvalid=True)
    md.validateLink = _safe_link  # type: ignore[method-assign]
    return md


def css_string(text: str) -> Markup:
    """TEXT as a quoted CSS string: anything but plain letters, digits and spaces is a hex
    escape, so no value can close the string, the rule or the <style> element."""
    escaped = "".join(
        c if (c.isalnum() and c.isascii()) or c == " " else f"\\{ord(c):x} " for c in plain(text)
    )
    return Markup(f'"{escaped}"')


@jinja2.pass_context
def _visible(context: jinja2.runtime.Context, value: object) -> object:
    """Applied to every `{{ … }}`: bidi controls become visible text in every field, and a
    `[S1]` the template did not link (a title, an attribute) shows the reader's number."""
    if isinstance(value, str) and not isinstance(value, Markup):
        if "[" not in value:  # no mention possible: the index runs this for every field
            return plain(value)
        return plain(mentions.as_numbers(value, _numbers(context)))
    return value


def _safe_link(url: str) -> bool:
    """Only web and mail links survive; javascript:, data:, file: and relative ones do not."""
    return url.strip().lower().startswith(("http://", "https://", "mailto:"))


def plain(text: str) -> str:
    """Show invisible format characters as visible text, e.g. `[U+202E]`: bidi controls
    cannot reorder the page, and U+200B, U+2060 or U+FEFF cannot hide in a title."""
    return _INVISIBLE.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)


def inline_md(text: str) -> Markup:
    """One text field as inline HTML: emphasis and safe links; everything else escaped."""
    # `![` starts an image, which is off: escape its `[` so it stays text, as in Markdown
    rendered = _markdown().renderInline(plain(text).replace("![", "!\\["))
    return Markup(rendered.replace("<a href=", '<a rel="nofollow noopener" href='))


def md_text(text: str) -> str:
    """One text field for the Markdown output, with the same rules as the HTML.

    HTML, code and bracket characters are escaped, so raw HTML, images and links with
    other schemes stay visible text; an http(s) or mailto link is kept as a link.
    """
    text = " ".join(_SPACES.split(text.strip()))  # a no-break space stays (dates, "·")
    parts, last = [], 0
    for m in _MD_LINK.finditer(text):
        parts.append(_md_escape(text[last : m.start()]))
        if not m.group(1) and _safe_link(m.group(3)):
            parts.append(f"[{_md_escape(m.group(2))}]({m.group(3)})")
        else:
            parts.append(_md_escape(m.group(0)))
        last = m.end()
    parts.append(_md_escape(text[last:]))
    return plain("".join(parts))


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def cites_md(item: Item) -> str:
    """The `[n]` markers of one item, e.g. ' [1 ¶7, 2]', each a link when it has a target:
    ' [[1 ¶7](sources.html#S1-p7), [2](sources.html#S2)]'."""
    marks = (f"[{c.shown}]({c.href})" if c.href else c.shown for c in item.cites)
    flags = "".join(f" **\\[{flag}\\]**" for flag in item.flags)  # due, withdrawn
    return (f" [{', '.join(marks)}]" if item.cites else "") + flags
