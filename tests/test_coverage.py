"""Nothing an analyst writes is lost: every field of the schema reaches every format.

The sheet is generated from the pydantic models: a walk over `model_fields` finds every
field, each gets a marker value of its own, and the Markdown, the HTML, the PDF text
(pdftotext), the Word document (python-docx) and the plain text must all show it. Only
the fields in `view.OFF_PAGE` are exempt, and each of those must be listed in the README.
A field added to the models without a place on the page, or dropped from a template or a
renderer, fails here. Each briefing kind (kinds.py) gets sheets of
its own, with the fields of its kind only (its own sections, issue 20): two per kind, each
stating one of the kind's own sections `unknown` (printed as such) and filling the rest,
so between them every field of the kind is printed.
"""

from __future__ import annotations

import io
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import docx
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from briefgen.compose.compose import compose
from briefgen.compose.page import OFF_PAGE
from briefgen.compose.phrases import format_date
from briefgen.pipeline.making import _pdf_renderer
from briefgen.render.pages import render_html, render_markdown
from briefgen.render.text import render_text
from briefgen.render.word import render_docx
from briefgen.schema.kinds import KINDS, TABLE, parse, sections
from briefgen.schema.vocabulary import FORMATS
from tests.conftest import ROOT
from tests.test_render import md_plain, norm, parse_html, pdf_text
from tests.test_word import document_text

ACTOR, SOURCE, JUDGMENT, NAME = "zqactor", "zqsrc", "zqjudg", "zqname"
# Fields a free-text marker does not fit (choices, numbers, references, formats): the value
# to write and the text the page must then show (None: off the page, see OFF_PAGE).
VALUES: dict[str, tuple[Any, str | None]] = {
    "schema_version": ("1", None),
    "briefing.language": ("de", None),
    "briefing.purpose": ("decision", "For decision"),
    "briefing.event.type": ("election", None),
    "briefing.event.location.country_code": ("NZ", None),
    "briefing.event.participants[]": (ACTOR, None),
    "briefing.country.code": ("SE", "(SE)"),
    "briefing.handling.tlp": ("AMBER+STRICT", None),
    "actors[].id": (ACTOR, None),
    "actors[].name": (NAME, NAME),
    "actors[].type": ("media", None),
    "sources[].id": (SOURCE, None),
    "sources[].url": ("https://example.org/zqurl", "https://example.org/zqurl"),
    "sources[].sha256": ("0" * 64, None),
    "sources[].type": ("press-conference", "Press conference"),
    "sources[].reliability": ("C", "reliability C"),
    "cite[].source": (SOURCE, "[1]"),
    "bottom_line.judgment": (JUDGMENT, None),
    "key_facts[].credibility": (2, "credibility 2: probably true"),
    "agenda[].raised_by[]": (ACTOR, f"per {NAME}"),
    "agenda[].status": ("confirmed", "confirmed"),
    "obstacles[].parties[]": (ACTOR, NAME),
    "positions[].actor": (ACTOR, NAME),
    "positions[].speech": ("direct", None),
    "positions[].stance": ("opposed", "Opposed on"),
    "positions[].credibility": (5, "credibility 5: improbable"),
    "assessments[].id": (JUDGMENT, f"{JUDGMENT}."),
    "assessments[].likelihood": ("almost-no-chance", "almost no chance, 1–5%"),
    "assessments[].high_impact": (True, "High impact."),
    "assessments[].confidence": ("moderate", "Moderate confidence"),
    "watch[].signals[]": (JUDGMENT, f"would make {JUDGMENT}"),
    "watch[].direction": ("lowers", "less likely"),
    "render.paper": ("Letter", None),
    "options[].likelihood": ("roughly-even-chance", "roughly even chance, 45–55%"),
    "options[].backers[]": (ACTOR, f"backed by {NAME}"),
    "membership.count": (1234, "1,234 members"),
    "indicators[].value": (98765.5, "98,765.5"),
    "relations[].state": ("strained", "Strained:"),
    "sources[].status": ("withdrawn", "Withdrawn"),
    "assessments[].if_withheld": ("zqalternative", None),
}
UNKNOWN_LINE = "Unknown: the sources do not say."


def _unwrap(annotation: Any) -> list[Any]:
    """The alternatives of an annotation, without None and with Annotated kept whole."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _bare(annotation: Any) -> Any:
    if typing.get_origin(annotation) is Annotated:
        return typing.get_args(annotation)[0]
    return annotation


def fields(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(path, annotation) of every leaf field under MODEL; a cite's fields are 'cite[].…'."""
    for name, info in model.model_fields.items():
        path = "cite[]" if name == "cite" else f"{prefix}{name}"
        annotation = info.annotation
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        yield from _leaves(annotation, path)


def _leaves(annotation: Any, path: str) -> Iterator[tuple[str, Any]]:
    for alternative in _unwrap(annotation):
        bare = _bare(alternative)
        if typing.get_origin(bare) is list:
            yield from _leaves(typing.get_args(bare)[0], f"{path}[]" if path != "cite[]" else path)
        elif isinstance(bare, type) and issubclass(bare, BaseModel):
            yield from fields(bare, f"{path}.")
        elif typing.get_origin(bare) in (typing.Union, types.UnionType):
            yield from _leaves(bare, path)
        elif not (path == "cite[]" and bare is str):  # a bare source id: cite[].source says it
            yield path, alternative


PATHS = {kind: dict(fields(TABLE[kind].sheet)) for kind in KINDS}
ALL_PATHS = {path for paths in PATHS.values() for path in paths}


def _marker(path: str, annotation: Any, k: int) -> tuple[Any, str | None]:
    """A value of PATH's type that the page shows recognisably, and how it shows."""
    if path in VALUES:
        return VALUES[path]
    adapter = TypeAdapter(annotation)
    for value, shown in ((f"zq{k:02d}x", f"zq{k:02d}x"),
                         (f"{1900 + k:04d}-0{1 + k % 9}-{10 + k % 18}", "")):
        try:
            adapter.validate_python(value, strict=True)
        except ValidationError:
            continue
        return value, shown or format_date(value)
    pytest.fail(f"{path}: no marker fits {annotation}; add it to VALUES with its rendered form")


def _sheet(kind: str = "event", unknown: int | None = None
           ) -> tuple[dict[str, Any], dict[str, str]]:
    """The generated sheet of KIND (one item per list) and the text each field must show;
    the kind's own section number UNKNOWN (not counting the positions, which alone print
    the actors' roles) is stated unknown instead of filled."""
    data: dict[str, Any] = {}
    shown: dict[str, str] = {}
    own = [s for s in TABLE[kind].sections if s != "positions"]
    silent = own[unknown] if unknown is not None else None
    for k, (path, annotation) in enumerate(PATHS[kind].items()):
        if path == "unknown[]" or (silent and path.split(".")[0].rstrip("[]") == silent):
            continue
        value, text = (kind, None) if path == "briefing.kind" else _marker(path, annotation, k)
        if path not in OFF_PAGE:
            assert text is not None, f"{path} has no rendered form but is not in OFF_PAGE"
            shown[path] = text
        _put(data, path, value)
    if silent:
        data["unknown"] = [silent]
        shown["unknown[]"] = f"{TABLE[kind].sections[silent].heading} {UNKNOWN_LINE}"
    for section in sections(TABLE[kind].sheet.model_construct()):
        if section in data:
            item = data[section] if isinstance(data[section], dict) else data[section][0]
            item["cite"] = [dict(data["cite"][0])]
    del data["cite"]
    return data, shown


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node: Any = data
    for part in parts[:-1]:
        node = _child(node, part, {})
    last = parts[-1]
    if last.endswith("[]"):
        node.setdefault(last[:-2], []).append(value)
    else:
        node[last] = value


def _child(node: dict[str, Any], part: str, empty: dict[str, Any]) -> dict[str, Any]:
    if part.endswith("[]"):
        items = node.setdefault(part[:-2], [empty])
        return typing.cast(dict[str, Any], items[0])
    return typing.cast(dict[str, Any], node.setdefault(part, empty))


@pytest.fixture(scope="module", params=[(k, n) for k in KINDS for n in (0, 1)],
                ids=lambda p: f"{p[0]}-unknown-{p[1]}")
def generated(tmp_path_factory: pytest.TempPathFactory,
              request: pytest.FixtureRequest) -> tuple[dict[str, str], dict[str, str]]:
    """(field → expected text, format → the page's plain text) for the generated sheets of
    each briefing kind."""
    kind, unknown = request.param
    data, shown = _sheet(kind, unknown)
    brief = parse(data)
    assert brief.briefing.kind == kind
    html = render_html(compose(brief).for_print())
    body = parse_html(html).find("body")
    assert body is not None
    pdf = _pdf_renderer(None).one_page(html, name="generated")
    word = docx.Document(io.BytesIO(render_docx(compose(brief).for_print())))
    texts = {"md": md_plain(render_markdown(compose(brief))), "html": norm(body.text()),
             "pdf": norm(pdf_text(pdf.data, tmp_path_factory.mktemp("pdf"))),
             "docx": norm(document_text(word)),
             "txt": norm(render_text(compose(brief).for_print()))}
    return shown, texts


def test_the_walk_finds_every_kind_of_field() -> None:
    assert {"briefing.event.location.city", "positions[].stance", "cite[].locator",
            "assessments[].assumptions[]", "briefing.handling.caveats[]", "gaps[]",
            "render.paper", "sources[].accessed", "briefing.kind", "briefing.issue.involved[]",
            "briefing.issue.since", "briefing.country.code", "briefing.organization.acronym",
            "briefing.organization.as_of", "question.why_now", "options[].likelihood",
            "mandate.founding_document", "leadership[].holder", "membership.members[]",
            "structure[].aspect", "decisions[].body", "government[].as_of",
            "indicators[].unit", "relations[].state", "unknown[]"} <= ALL_PATHS


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_has_only_its_own_sections(kind: str) -> None:
    """A kind's sheet walks to its own sections and the shared ones, none of another's."""
    roots = {path.split(".")[0].rstrip("[]") for path in PATHS[kind]}
    own = set(TABLE[kind].sections)
    foreign = {s for k in KINDS for s in TABLE[k].sections} - own
    assert own <= roots
    assert not roots & foreign


@pytest.mark.parametrize("kind", KINDS)
def test_the_two_sheets_of_a_kind_print_every_field_between_them(kind: str) -> None:
    """Each generated sheet leaves one own section unknown; the other prints its fields."""
    printed = set(_sheet(kind, 0)[1]) | set(_sheet(kind, 1)[1])
    assert printed == set(PATHS[kind]) - set(OFF_PAGE)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_field_reaches_every_format(
        generated: tuple[dict[str, str], dict[str, str]], fmt: str) -> None:
    shown, texts = generated
    if fmt == "txt":  # the plain text's headings are capitals
        texts = {**texts, fmt: texts[fmt].casefold()}
        shown = {path: text.casefold() for path, text in shown.items()}
    joined = texts[fmt].replace(" ", "")  # a URL may wrap at a '/' in the PDF: one word
    missing = {path: text for path, text in shown.items()
               if norm(text) not in texts[fmt] and not (" " not in text and text in joined)}
    assert not missing, f"{fmt} lacks (field: expected text): {missing}"


def test_off_page_names_only_real_fields() -> None:
    assert set(OFF_PAGE) <= ALL_PATHS, set(OFF_PAGE) - ALL_PATHS


@pytest.mark.parametrize("path", sorted(OFF_PAGE))
def test_every_off_page_field_is_in_the_readme(path: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{path}`" in readme, f"README.md does not say where {path} goes"


def test_off_page_keywords_reach_html_and_pdf_metadata(tmp_path: Path) -> None:
    data, _ = _sheet()
    html = render_html(compose(parse(data)).for_print())
    keywords = next(n.attrs.get("content") or "" for n in parse_html(html).iter()
                    if n.tag == "meta" and n.attrs.get("name") == "keywords")
    assert keywords.split(", ")[1:] == ["election", NAME, "NZ"]
    cite = next(n for n in parse_html(html).iter() if "cite" in n.classes())
    excerpt, locator = (data["key_facts"][0]["cite"][0][k] for k in ("excerpt", "locator"))
    assert cite.attrs["title"] == f"“{excerpt}” ({locator})"
    pypdf = pytest.importorskip("pypdf")
    pdf = _pdf_renderer(None).one_page(html, name="generated").data
    (tmp_path / "g.pdf").write_bytes(pdf)
    info = pypdf.PdfReader(tmp_path / "g.pdf").metadata
    assert info is not None
    assert "election" in str(info.get("/Keywords"))
    assert "NZ" in str(info.get("/Keywords"))

