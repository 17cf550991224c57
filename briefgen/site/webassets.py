"""Stage 6, site: the screen edition's static files (fonts, stylesheets, favicon), as {path: bytes}.

Why served with the site: the web page then sets its text in the very fonts the PDF embeds,
so screen and paper match on any machine. The files are read from the template folders
(a project's own first), in a fixed order, so two builds write the same bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

from briefgen.assets import template_dirs
from briefgen.errors import BriefError, Diagnostic, Location
from briefgen.render.pages import read_template, render_template

ASSETS = "assets"  # out/assets/: shared by every page, linked relatively
_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_SITE_FILES = ("favicon.svg", "favicon.ico", "filter.js")


def plan(project: Path | None) -> dict[str, bytes]:
    """assets/fonts.css with the font files it names, assets/screen.css, assets/filter.js
    (the index's filters) and the favicons."""
    fonts = read_template("fonts.css", project=project)
    files = {
        f"{ASSETS}/fonts.css": fonts.encode(),
        f"{ASSETS}/screen.css": render_template("screen.css", project).encode(),
    }
    for name in sorted(set(_URL.findall(fonts))):
        files[f"{ASSETS}/{name}"] = _binary(name, project, asked_by="fonts.css")
    for name in _SITE_FILES:
        where = f"{ASSETS}/{name}" if name.endswith(".js") else name
        files[where] = _binary(f"site/{name}", project, asked_by="the site")
    return files


def _binary(name: str, project: Path | None, *, asked_by: str) -> bytes:
    """The bytes of template file NAME, the project's own first; BG610 if none is found."""
    if name.startswith(("/", "..")) or "/../" in name or ":" in name:
        raise _missing(name, project, asked_by, "only files inside the template folders are served")
    for folder in template_dirs(project):
        path = folder / name
        if path.is_file():
            return path.read_bytes()
    raise _missing(name, project, asked_by, "")


def _missing(name: str, project: Path | None, asked_by: str, why: str) -> BriefError:
    looked = ", ".join(str(d) for d in template_dirs(project))
    return BriefError(
        Diagnostic(
            Location(name),
            "BG610",
            f"site asset not found: {name} (named by {asked_by})",
            why or f"looked in: {looked}; add the file or remove its mention",
        )
    )
