"""`briefgen sources add` on hostile page structure: deep JSON-LD, nesting past the parser.

Local files only: the shapes, not the network, are under test. Each page would have
crashed the command (RecursionError) or been stored cut short without a word (issue 18).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ingest_helpers import run

ARTICLE = """<!doctype html><html><head><title>Talks end without a deal</title>{head}</head>
<body><article><h1>Talks end without a deal</h1>
<p>Negotiators left Geneva on Friday after three days of talks that produced no agreement
on the main issues.</p>
{middle}
<p>Both sides said they would meet again in the spring, according to a joint statement
released late in the evening.</p></article></body></html>"""
DEEP_TEXT = "<p>The deepest paragraph says the delegations exchanged draft texts overnight.</p>"


def _ld(depth: int) -> str:
    """A JSON-LD script whose article is shallow and whose `mentions` nest DEPTH deep."""
    return (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2019-03-12", "publisher": {"@type": "Organization", '
        f'"name": "Geneva Times"}}, "mentions": {"[" * depth}{"]" * depth}}}</script>'
    )


@pytest.mark.parametrize(
    "head",
    [
        _ld(100_000),
        _ld(990),
        '<script type="application/ld+json">' + '{"a": ' * 50_000 + "1" + "}" * 50_000
        + "</script>" + _ld(3),
    ],
    ids=["arrays-100000-deep", "arrays-990-deep", "objects-50000-deep"],
)
def test_json_ld_nested_deep_is_read_to_a_depth_and_no_further(
    example_copy: Path, tmp_path: Path, head: str
) -> None:
    page = tmp_path / "talks.html"
    page.write_text(ARTICLE.format(head=head, middle=""), encoding="utf-8")
    result = run("sources", "add", str(example_copy), str(page), cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert "RecursionError" not in result.stderr
    assert result.returncode == 0, result.stderr
    entry = example_copy.read_text(encoding="utf-8").split("  - id: S3\n", 1)[1]
    assert '    published: "2019-03-12"\n' in entry  # the shallow metadata still counts
    assert '    publisher: "Geneva Times"\n' in entry


@pytest.mark.parametrize("depth", [300, 5_000])
def test_a_page_nested_past_the_parser_limit_is_refused_not_cut_short(
    example_copy: Path, tmp_path: Path, depth: int
) -> None:
    page = tmp_path / "deep.html"
    middle = "<div>" * depth + DEEP_TEXT + "</div>" * depth
    page.write_text(ARTICLE.format(head="", middle=middle), encoding="utf-8")
    before = example_copy.read_bytes()
    files = sorted(p.name for p in example_copy.parent.rglob("*"))
    result = run("sources", "add", str(example_copy), str(page), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{page}:" in result.stderr
    assert "error BG850: the page nests its elements more than 255 deep" in result.stderr
    assert "hint: save the article's text" in result.stderr
    assert example_copy.read_bytes() == before
    assert sorted(p.name for p in example_copy.parent.rglob("*")) == files


def test_a_page_nested_within_the_limit_is_stored_whole(
    example_copy: Path, tmp_path: Path
) -> None:
    page = tmp_path / "nested.html"
    middle = "<div>" * 200 + DEEP_TEXT + "</div>" * 200
    page.write_text(ARTICLE.format(head="", middle=middle), encoding="utf-8")
    result = run("sources", "add", str(example_copy), str(page), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    stored = (example_copy.parent / "sources" / "nested.txt").read_text(encoding="utf-8")
    assert "The deepest paragraph says the delegations exchanged draft texts" in stored
    assert "Both sides said they would meet again in the spring" in stored
