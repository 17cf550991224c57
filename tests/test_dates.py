"""A page that states its dates plainly (issue 20).

The masthead shows the day the brief was prepared and, when it differs, the date its
information is current to (the cut-off, or a profile's own as_of), each labelled; the
as-of date appears once in the page's header, not again in the line under the title. A
profile's as_of is checked against its sources as the cut-off is: a cited source
published after it is BG408.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.errors import BriefError
from briefgen.pipeline.options import BuildOptions
from tests.conftest import ROOT
from tests.test_render import md_plain, norm, parse_html, pdf_text

EXAMPLES = ["helsinki-summit-2018", "russia-us-relations-2018", "russia-profile-2018",
            "nato-profile-2018"]


def _heads(sheet: Path, tmp: Path) -> dict[str, str]:
    """The page's header (masthead, title, the line under it) in each format, as read."""
    slug = sheet.parent.name
    built = pipeline.make(sheet, BuildOptions(formats=("md", "html", "pdf")))
    html = parse_html(built.files[f"{slug}.html"].decode())
    head = " ".join(norm(n.text()) for n in html.iter()
                    if n.tag == "header" and {"masthead", "title-block"} & set(n.classes()))
    md = md_plain(built.files[f"{slug}.md"].decode())
    pdf = norm(pdf_text(built.files[f"{slug}.pdf"], tmp))
    return {"md": md[: md.index("Bottom line.")], "html": head,
            "pdf": pdf[: pdf.index("Bottom line.")]}


@pytest.mark.parametrize("slug", EXAMPLES)
def test_the_masthead_labels_both_dates_and_says_as_of_once(slug: str, tmp_path: Path) -> None:
    for fmt, head in _heads(ROOT / "seeds" / slug / "facts.yaml", tmp_path).items():
        assert "Information as of July 2018 · prepared 23 November 2026" in head, (fmt, head)
        assert len(re.findall(r"\bas of\b", head, re.IGNORECASE)) == 1, (fmt, head)
        assert head.count("23 November 2026") == 1, (fmt, head)


def test_a_cut_off_on_the_day_prepared_is_not_said_twice(example_copy: Path,
                                                          tmp_path: Path) -> None:
    text = example_copy.read_text(encoding="utf-8")
    example_copy.write_text(text.replace("    as_of: 2018-07\n", "    as_of: 2026-11-23\n", 1),
                            encoding="utf-8")
    for fmt, head in _heads(example_copy, tmp_path).items():
        assert "Prepared 23 November 2026" in head, (fmt, head)
        assert "as of" not in head.lower(), (fmt, head)
        assert head.count("23 November 2026") == 1, (fmt, head)


def test_a_profiles_as_of_before_a_cited_source_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "seeds" / "russia-profile-2018"
    shutil.copytree(ROOT / "seeds" / "russia-profile-2018", folder)
    sheet = folder / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    old = "    publisher: VOVWORLD                # from the article's own dateline\n" \
          "    published: unknown\n"
    assert old in text
    sheet.write_text(text.replace(old, old.replace("unknown", "2018-08-01")), encoding="utf-8")
    with pytest.raises(BriefError) as caught:
        pipeline.check(sheet)
    (found,) = caught.value.diagnostics
    line = text[: text.index(old)].count("\n") + 2
    assert (found.code, found.where.line) == ("BG408", line)
    assert found.message == ("source S2 was published (2018-08-01) after the profile's as-of "
                             "date 2018-07")
    assert found.hint == "move country.as_of, or drop the source and the facts taken from it"
