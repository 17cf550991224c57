"""The benchmark's baselines: the same work without briefgen around it.

    python bench/plain.py prepare PROJECT DEST   # briefgen writes the pages it lays out
    python bench/plain.py pdf DEST [I K]         # plain WeasyPrint renders every I-th of K
    python bench/plain.py yaml PROJECT [I K]     # libyaml parses every I-th of K sheets
    python bench/plain.py pandoc PROJECT [I K]   # pandoc + WeasyPrint on every I-th of K

Why `prepare`: the plain WeasyPrint baseline must lay out exactly what briefgen lays out:
the PDF's own HTML (not the web page, which has a site menu and links) with its columns
split as briefgen splits them at the designed size (render/columns.py), with briefgen's
fonts.css and columns' style, its base URL and font configuration, PDF/UA-1 and no
presentational hints, so the difference is briefgen's own work (checking, rendering,
fitting, the site). The
baseline renders each page once, at the designed size; briefgen also fits tight pages.
`pdf`, `yaml` and `pandoc` import nothing from briefgen.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def prepare(project: Path, dest: Path) -> None:
    """Write DEST/<slug>.html for every sheet that passes check, and DEST/setup.json."""
    from briefgen import pipeline
    from briefgen.compose.compose import compose
    from briefgen.errors import BriefError
    from briefgen.pipeline.making import _pdf_renderer
    from briefgen.render import columns, pdf
    from briefgen.render.pages import read_template, render_html

    dest.mkdir(parents=True, exist_ok=True)
    renderer = _pdf_renderer(project)
    for sheet in pipeline.find_sheets(project):
        try:
            checked = pipeline.check(sheet)
        except BriefError:
            continue  # briefgen does not lay failing sheets out either
        page = compose(checked.brief, evidence=checked.evidence)  # as pipeline.make
        html = renderer.laid_out(render_html(page.for_print(), project=project))
        (dest / f"{checked.brief.briefing.id}.html").write_text(html, encoding="utf-8")
    setup = {
        "base_url": renderer.base_url,
        "fonts_css": read_template("fonts.css", project=project),
        "step_css": pdf.LADDER[0].css or "html{}",
        "columns_css": columns.STYLE.format(half=pdf.GAP_MM / 2),
    }
    (dest / "setup.json").write_text(json.dumps(setup), encoding="utf-8")


def _shard(paths: list[Path], argv: list[str]) -> list[Path]:
    i, k = (int(argv[0]), int(argv[1])) if argv else (0, 1)
    return sorted(paths)[i::k]


def render_pdfs(dest: Path, argv: list[str]) -> None:
    """WeasyPrint alone: one font set-up per process, then every page of this shard."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    setup = json.loads((dest / "setup.json").read_text(encoding="utf-8"))
    fonts = FontConfiguration()
    sheets = [
        CSS(string=setup["fonts_css"], base_url=setup["base_url"], font_config=fonts),
        CSS(string=setup["columns_css"], base_url=setup["base_url"], font_config=fonts),
        CSS(string=setup["step_css"], base_url=setup["base_url"], font_config=fonts),
    ]
    for page in _shard(list(dest.glob("*.html")), argv):
        document = HTML(string=page.read_text(encoding="utf-8"), base_url=setup["base_url"])
        laid_out = document.render(
            stylesheets=sheets,
            font_config=fonts,
            pdf_variant="pdf/ua-1",
            presentational_hints=False,
        )
        laid_out.write_pdf(page.with_suffix(".pdf"), pdf_variant="pdf/ua-1")


def parse_yaml(project: Path, argv: list[str]) -> None:
    """libyaml's C parser (yaml.CSafeLoader) over every sheet of this shard."""
    import yaml

    for sheet in _shard(list((project / "seeds").glob("*/facts.yaml")), argv):
        with sheet.open(encoding="utf-8") as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)


def pandoc(project: Path, argv: list[str]) -> None:
    """Pandoc with WeasyPrint as its PDF engine, one process pair per briefing."""
    for md in _shard(list((project / "out").glob("*/*.md")), argv):
        subprocess.run(
            [
                "pandoc",
                str(md),
                "-o",
                str(md.with_suffix(".pandoc.pdf")),
                "--pdf-engine=weasyprint",
            ],
            check=True,
        )


if __name__ == "__main__":
    command, folder, *rest = sys.argv[1:]
    if command == "prepare":
        prepare(Path(folder), Path(rest[0]))
    else:
        {"pdf": render_pdfs, "yaml": parse_yaml, "pandoc": pandoc}[command](Path(folder), rest)
