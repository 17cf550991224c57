"""Markings and audience editions (issue 22): nothing above an audience's level anywhere
in its site, a banner equal to the highest marking held, portion marks, positioned errors.

The sheet `tests/cases/marked` carries items and sources at every TLP level, each with a
marker word of its own (in its text, its id, a source's title, stored text and file
name). Its project names an audience per level below TLP:RED; one `briefgen build
--search` writes the full site and the four audience sites, and every file of each tree
(HTML, Markdown, PDF text, sources page, feed, sitemap, search index, manifest, and the
file names themselves) is searched for every marker word.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli_helpers import run
from tests.conftest import ROOT

CASE = ROOT / "tests" / "cases" / "marked"
LEVELS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")
# audience site → its level; "out" is the full edition, which holds everything
SITES = {"site-clear": 0, "site-green": 1, "site-amber": 2, "site-strict": 3, "out": 4}
# marker word → the level of the item or source it belongs to (the sheet says so)
MARKERS = {
    **dict.fromkeys(["zqclearfact", "zqclearagenda", "zqclearjudgment", "zqclearwatch"], 0),
    **dict.fromkeys(
        ["zqgreenfact", "zqgreenfactid", "zqgreentext", "zqgreentitle", "zqgreenfile"], 1
    ),
    **dict.fromkeys(
        ["zqamberfact", "zqamberfactid", "zqambertext", "zqambertitle", "zqamberfile",
         "zqamberposition", "zqamberposid", "zqamberspeaker", "zqambergap"], 2
    ),
    **dict.fromkeys(
        ["zqstrictagenda", "zqstrictagendaid", "zqstricttext", "zqstricttitle",
         "zqstrictfile"], 3
    ),
    **dict.fromkeys(
        ["zqredfact", "zqredfactid", "zqredtext", "zqredtitle", "zqredfile",
         "zqredjudgment", "zqredjudgmentid", "zqredwatch", "zqredwatchid",
         # a TLP:CLEAR source that only the TLP:RED fact cites goes with it
         "zqorphantitle", "zqorphantext", "zqorphanfile"], 4
    ),
}
# J2 (TLP:AMBER) rests on an AMBER and a RED fact: the full edition prints its statement,
# the AMBER and AMBER+STRICT editions its if_withheld text, the lower ones neither.
J2 = {"zqj2statement": {"out"}, "zqj2alternative": {"site-amber", "site-strict"}}


def _needs(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The marked project, built once: the full site and one site per audience."""
    pytest.importorskip("pagefind")
    _needs("pdftotext")
    root = tmp_path_factory.mktemp("marked")
    shutil.copy(CASE / "briefgen.toml", root / "briefgen.toml")
    shutil.copytree(CASE, root / "seeds" / "marked", ignore=shutil.ignore_patterns("*.toml"))
    result = run("build", "--search", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def _tree_text(site: Path) -> str:
    """Everything a reader of SITE could get at: each file's name, its text, a PDF's text
    (pdftotext) and the search index's fragments (gzip)."""
    found = []
    for path in sorted(site.rglob("*")):
        found.append(path.relative_to(site).as_posix())
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".pdf":
            found.append(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                        capture_output=True, text=True, check=True).stdout)
        elif data[:2] == b"\x1f\x8b":  # Pagefind's fragments, index and metadata
            data = gzip.decompress(data)
        found.append(data.decode("utf-8", "replace"))
    return "\n".join(found).lower()


@pytest.mark.parametrize("site", list(SITES))
def test_no_withheld_marker_word_anywhere_in_an_audience_tree(project: Path, site: str) -> None:
    text = _tree_text(project / site)
    level = SITES[site]
    leaked = sorted(w for w, at in MARKERS.items() if at > level and w in text)
    missing = sorted(w for w, at in MARKERS.items() if at <= level and w not in text)
    assert not leaked, f"{site} holds material above {LEVELS[level]}: {leaked}"
    assert not missing, f"{site} lost material at or below {LEVELS[level]}: {missing}"
    for word, sites in J2.items():
        assert (word in text) == (site in sites), (site, word)


def test_the_search_index_is_searched_by_the_leak_test(project: Path) -> None:
    """The full site's Pagefind fragments hold the RED words: so the scan reads them."""
    fragments = "".join(
        gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
        for p in (project / "out" / "pagefind" / "fragment").iterdir()
    )
    assert "zqredfact" in fragments.lower()


def _words_with_boxes(pdf: Path) -> tuple[list[tuple[int, float, float, float, str]], int]:
    """Every word of PDF with its page, top, bottom and the page's height (pdftotext -bbox)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    words, page, height = [], 0, 0.0
    for line in html.splitlines():
        if m := re.search(r'<page width="[\d.]+" height="([\d.]+)"', line):
            page, height = page + 1, float(m[1])
        elif m := re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', line):
            words.append((page, float(m[1]), float(m[2]), height, m[3]))
    return words, page


@pytest.mark.parametrize("site", list(SITES))
def test_the_banner_is_the_highest_marking_held_top_and_bottom_of_every_page(
    project: Path, site: str
) -> None:
    banner = LEVELS[SITES[site]]  # every site holds an item at its own level
    words, pages = _words_with_boxes(project / site / "marked" / "marked.pdf")
    assert pages >= 1
    for page in range(1, pages + 1):
        at = [(top / h, bottom / h) for p, top, bottom, h, w in words if p == page and w == banner]
        assert any(bottom < 0.1 for _, bottom in at), f"page {page}: no {banner} at the top"
        assert any(top > 0.9 for top, _ in at), f"page {page}: no {banner} at the bottom"
    html = (project / site / "marked" / "marked.html").read_text()
    lines = re.findall(r'<(?:p|div) class="marking (marking-\w+)[^"]*" role="note">(.*?)</', html)
    assert [where for where, _ in lines] == ["marking-top", "marking-bottom"]
    for _, shown in lines:
        assert re.search(rf'<span class="level [^"]*">{re.escape(banner)}$', shown), shown
    sources = (project / site / "marked" / "sources.html").read_text()
    shown = re.findall(r'<p class="marking" role="note">([^<]*)</p>', sources)
    assert shown == [f"UNCLASSIFIED // {banner}"] * 2  # the sources page: top and bottom
    md = (project / site / "marked" / "marked.md").read_text().splitlines()
    handling = [line for line in md if line.startswith("**Handling:**")]
    assert handling == [md[2], md[-1]]
    assert all(line.endswith(f"// {banner}") for line in handling), handling


def test_the_full_edition_prints_a_portion_mark_before_every_item(project: Path) -> None:
    html = (project / "out" / "marked" / "marked.html").read_text()
    items = re.findall(r'<li id="[^"]+">(.{0,60})', html) + re.findall(
        r'<th scope="row">(.{0,60})', html)
    items.append(html.split('id="bottom-line"')[1].split("<p>", 1)[1][:60])
    assert len(items) == 13  # the bottom line, 4 facts, 2 agenda, 1 position, 3 judgments, 2 watch
    for item in items:
        assert re.match(r'<span class="portion">\(TLP:[A-Z+]+\)</span> ', item), item
    md = (project / "out" / "marked" / "marked.md").read_text()
    lines = md.splitlines()
    bullets = [b for b in lines if b.startswith(("- ", "| ")) and b[2:3] not in ("A", "-")]
    assert any(b.startswith("(TLP:CLEAR) **Bottom line.**") for b in lines)
    assert len(bullets) == 12
    for b in bullets:
        assert re.match(r"(- |\| )\(TLP:[A-Z+]+\) ", b), b


def test_an_edition_says_it_leaves_material_out_and_numbers_its_own_sources(
    project: Path,
) -> None:
    md = (project / "site-green" / "marked" / "marked.md").read_text()
    assert "This edition is for readers at TLP:GREEN: material marked above it is left out." in md
    listed = re.findall(r"^(\d+)\. ", md, re.M)
    assert listed == ["1", "2"]  # S1 and S2 only, numbered densely
    assert "left out" not in (project / "out" / "marked" / "marked.md").read_text()


def test_each_audience_site_is_its_own_tree_and_rebuilds_incrementally(project: Path) -> None:
    for site in SITES:
        tree = project / site
        for shared in ("index.html", "feed.xml", "sitemap.xml", ".briefgen-manifest.json"):
            assert (tree / shared).is_file(), (site, shared)
    again = run("build", "--search", cwd=project)
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("up to date") == len(SITES), again.stderr


# --- positioned errors ------------------------------------------------------------------


def _broken(tmp_path: Path, old: str, new: str) -> str:
    sheet = tmp_path / "seeds" / "marked"
    shutil.copytree(CASE, sheet, ignore=shutil.ignore_patterns("*.toml"))
    text = (sheet / "facts.yaml").read_text()
    assert old in text
    (sheet / "facts.yaml").write_text(text.replace(old, new, 1))
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    return result.stderr


def test_an_unknown_level_is_a_positioned_error(tmp_path: Path) -> None:
    err = _broken(tmp_path, 'marking: "TLP:RED"\n    cite: [{source: S5',
                  'marking: "TLP:PURPLE"\n    cite: [{source: S5')
    assert re.search(r"facts\.yaml:\d+:14: error BG220: unknown marking 'TLP:PURPLE' in "
                     r"key_facts\[3\]\.marking", err), err


def test_an_item_marked_lower_than_a_source_it_cites_is_a_positioned_error(
    tmp_path: Path,
) -> None:
    err = _broken(tmp_path, '(zqgreenfact)."\n    marking: "TLP:GREEN"',
                  '(zqgreenfact)."\n    marking: "TLP:CLEAR"')
    assert re.search(r"facts\.yaml:32:14: error BG340: zqgreenfactid is marked TLP:CLEAR "
                     r"but cites S2, marked TLP:GREEN", err), err


def test_a_hand_typed_banner_lower_than_the_items_is_a_positioned_error(tmp_path: Path) -> None:
    default = '    marking: "TLP:CLEAR"\n'
    err = _broken(tmp_path, default, f"{default}    tlp: GREEN\n")
    assert re.search(r"facts\.yaml:13:10: error BG341: the banner is typed as TLP:GREEN, "
                     r"but S3 is marked TLP:AMBER", err), err


def test_a_judgment_resting_partly_on_withheld_items_must_say_what_to_print(
    tmp_path: Path,
) -> None:
    alternative = '    if_withheld: "A quota deal before summer is likely (zqj2alternative)."\n'
    err = _broken(tmp_path, alternative, "")
    assert re.search(r"facts\.yaml:\d+:\d+: error BG342: J2 rests on zqredfactid", err), err


def test_an_alternative_per_level_must_cover_every_edition_that_needs_one(
    tmp_path: Path,
) -> None:
    alternative = '    if_withheld: "A quota deal before summer is likely (zqj2alternative)."\n'
    err = _broken(tmp_path, alternative,
                  '    if_withheld: {"TLP:AMBER": "A quota deal is likely (zqj2alternative)."}\n')
    assert re.search(r"facts\.yaml:\d+:18: error BG342: J2 rests on zqredfactid marked above "
                     r"the judgment itself: the TLP:AMBER\+STRICT edition\(s\) need", err), err


def test_an_unknown_max_marking_is_refused_at_the_flag(tmp_path: Path) -> None:
    result = run("build", "--max-marking", "TLP:BLUE", "-o", str(tmp_path / "o"), cwd=tmp_path)
    assert result.returncode == 2
    assert "--max-marking: error BG220: unknown marking 'TLP:BLUE'" in result.stderr
    assert not (tmp_path / "o").exists()


# --- briefgen.toml ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "found"),
    [
        ('[audiences.p]\nmax_marking = "TLP:BLUE"\noutput = "o-p"\n',
         "found audience 'p' at 'TLP:BLUE', which is no level"),
        ('[audiences.p]\nmax_marking = "TLP:GREEN"\noutput = "out/p"\n',
         "found audience 'p' inside or around `output` (out)"),
        ('levels = ["A", "A"]\n', "found a level named twice"),
        ('levels = [{name = "A", colour = "red"}]\n', "found 'colour' in a level"),
    ],
)
def test_bad_levels_and_audiences_are_refused_at_the_setting(
    tmp_path: Path, toml: str, found: str
) -> None:
    (tmp_path / "briefgen.toml").write_text(toml)
    result = run("check", cwd=tmp_path)
    assert result.returncode == 2
    assert re.search(r"briefgen\.toml:1:\d+: error BG703: ", result.stderr), result.stderr
    assert found in result.stderr


def test_a_scheme_of_its_own_prints_its_labels_and_short_forms(tmp_path: Path) -> None:
    (tmp_path / "briefgen.toml").write_text(
        'levels = [{name = "OFFICIAL", short = "O"}, '
        '{name = "SECRET", label = "UK SECRET", short = "S"}]\n'
    )
    sheet = tmp_path / "seeds" / "marked"
    shutil.copytree(CASE, sheet, ignore=shutil.ignore_patterns("*.toml"))
    text = (sheet / "facts.yaml").read_text()
    text = re.sub(r'"TLP:(AMBER\+STRICT|AMBER|RED)"', '"SECRET"', text)
    (sheet / "facts.yaml").write_text(re.sub(r'"TLP:(CLEAR|GREEN)"', '"OFFICIAL"', text))
    result = run("build", "--format", "md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    md = (tmp_path / "out" / "marked" / "marked.md").read_text()
    assert md.splitlines()[2] == "**Handling:** UK SECRET"  # no default UNCLASSIFIED: own scheme
    assert "- (O) **Quotas**" in md
    assert "- (S) **zqredjudgmentid.**" in md
