"""A paragraph is what a reader calls one (issue 18, real sources).

One rule (`briefgen/verify/paragraphs.py`) says where a stored text's paragraphs are, and
verification, the `[1 ¶5]` numbers, the sources page and `cite` all use it: the bundled
example keeps its numbers whether its sources are stored as they are (one paragraph per
line) or hard-wrapped at 72 columns; each form a real source comes in (hard-wrapped, one
paragraph per line, one sentence per line, a title over a block, CRLF) gets the
paragraphs a reader sees; a passage may cross a soft wrap but not stitch two paragraphs;
a passage cited under the wrong source names the source that has it.
"""

from __future__ import annotations

import hashlib
import random
import re
import textwrap
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen import pipeline
from briefgen.authoring.cite import paste_line, search
from briefgen.errors import BriefError, Diagnostic
from briefgen.pipeline.options import BuildOptions
from briefgen.verify.paragraphs import paragraphs
from briefgen.verify.passages import find, fold
from tests.cli_helpers import run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "seeds" / "helsinki-summit-2018"
SOURCES = sorted((EXAMPLE / "sources").glob("*.txt"))
MD = "helsinki-summit-2018.md"
BOTTOM_S2 = ('excerpt: "President Trump and Putin will meet for their first official summit '
             'since 2009"')


def reflow(text: str, width: int, newline: str = "\n") -> str:
    """TEXT's paragraphs (its non-blank lines) hard-wrapped at WIDTH, a blank line between,
    as a mail client or `fmt` writes them (never breaking a word at its hyphen)."""
    wrapped = [textwrap.fill(line.strip(), width, break_on_hyphens=False,
                             break_long_words=False)
               for line in text.splitlines() if line.strip()]
    return ("\n\n".join(wrapped) + "\n").replace("\n", newline)


def ragged(text: str, width: int, seed: int) -> str:
    """TEXT's paragraphs wrapped as a PDF set in a proportional font copies out: each line
    as many words as fit in 85-100 % of WIDTH characters."""
    rng = random.Random(seed)
    out = []
    for paragraph in (line.split() for line in text.splitlines() if line.strip()):
        lines = [paragraph[0]]
        limit = rng.randint(width * 85 // 100, width)
        for word in paragraph[1:]:
            if len(lines[-1]) + 1 + len(word) > limit:
                lines.append(word)
                limit = rng.randint(width * 85 // 100, width)
            else:
                lines[-1] += " " + word
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def texts(text: str) -> list[str]:
    """The paragraphs of TEXT, each on one line (its soft wraps as spaces)."""
    return [" ".join(text[start:end].split()) for start, end in paragraphs(text)]


def wrap_copy(sheet: Path, width: int, newline: str = "\n") -> Path:
    """Reflow both sources of the example copy SHEET at WIDTH and record their sha256."""
    text = sheet.read_text(encoding="utf-8")
    for path in SOURCES:
        data = reflow(path.read_text(encoding="utf-8"), width, newline).encode()
        (sheet.parent / "sources" / path.name).write_bytes(data)
        text = text.replace(hashlib.sha256(path.read_bytes()).hexdigest(),
                            hashlib.sha256(data).hexdigest())
    sheet.write_text(text, encoding="utf-8")
    return sheet


def markers(sheet: Path) -> tuple[list[str], bytes, str]:
    """The `1 ¶5` markers of SHEET's Markdown, the Markdown, and its sources page with
    runs of blanks as one space."""
    built = pipeline.make(sheet, BuildOptions(formats=("md", "html")))
    md = built.files[MD]
    page = re.sub(r"\s+", " ", built.files["sources.html"].decode())
    return re.findall(r"\d+ ¶\d+", md.decode()), md, page



def failures(sheet: Path) -> list[Diagnostic]:
    with pytest.raises(BriefError) as caught:
        pipeline.check(sheet, strict=True)
    return list(caught.value.diagnostics)


def edit(sheet: Path, old: str, new: str) -> None:
    text = sheet.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    sheet.write_text(text.replace(old, new), encoding="utf-8")


# --- the bundled example, hard-wrapped: same paragraphs, same numbers -----------------------

def test_the_example_wrapped_at_72_columns_checks_and_keeps_its_numbers(
    example_copy: Path,
) -> None:
    before, md, page = markers(example_copy)
    for path in SOURCES:  # reflowed as an e-mail or an RFC would store it
        target = example_copy.parent / "sources" / path.name
        target.write_text(reflow(path.read_text(encoding="utf-8"), 72), encoding="utf-8")
    wrapped = [(example_copy.parent / "sources" / p.name).read_text(encoding="utf-8")
               for p in SOURCES]
    assert all(max(map(len, t.splitlines())) <= 72 for t in wrapped)
    # the accept step verifies every passage first: it refuses while any would break
    accepted = run("sources", "accept", str(example_copy.parent), "--yes",
                   cwd=example_copy.parent)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    checked = run("check", "--strict", str(example_copy), cwd=example_copy.parent)
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.endswith("checked 1 sheet: 0 error(s), 0 warning(s)\n")
    after, wrapped_md, wrapped_page = markers(example_copy)
    assert len(before) > 20
    assert after == before  # every [1 ¶5] of the built Markdown
    assert wrapped_md == md
    assert wrapped_page == page  # the sources page: the same paragraphs, the same marks


def test_excerpts_of_the_example_cross_soft_wraps_once_wrapped(example_copy: Path) -> None:
    """What makes the test above mean something: passages run across a line end."""
    wrap_copy(example_copy, 72)
    checked = pipeline.check(example_copy, strict=True)
    sources = {s.id: s.file for s in checked.brief.sources}
    crossing = 0
    for found in checked.evidence.values():
        text = (example_copy.parent / str(sources[found.source])).read_text(encoding="utf-8")
        crossing += "\n" in text[found.start:found.end]
    assert crossing >= 10


@pytest.mark.parametrize(("width", "newline"), [
    (40, "\n"), (60, "\n"), (72, "\r\n"), (79, "\n"), (100, "\n"), (100, "\r\n"),
])
def test_the_example_keeps_its_paragraphs_at_any_wrap_width(width: int, newline: str) -> None:
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        assert texts(reflow(text, width, newline)) == texts(text)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("width", [60, 72, 90])
def test_the_example_keeps_its_paragraphs_wrapped_raggedly(width: int, seed: int) -> None:
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        assert texts(ragged(text, width, seed)) == texts(text)


def test_the_example_as_stored_is_one_paragraph_per_line() -> None:
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        assert texts(text) == [line.strip() for line in text.splitlines() if line.strip()]


# --- each form a source comes in ---------------------------------------------------------

EMAIL = """\
Hi Anna,

Thanks for the draft. I read it on the train and I think the section on
sanctions is the strongest part; the part about the summit itself could
be shorter.

Two points:
- the date of the meeting is wrong, it was July 16, not July 15, and the
  venue was the Presidential Palace in the Finnish capital, Helsinki
- Lavrov's quote needs a source

Best,
Ben
"""

RFC = """\
1.  Introduction

   In many standards track documents several words are used to signify
   the requirements in the specification.  These words are often
   capitalized.  This document defines these words as they should be
   interpreted in IETF documents.

      The key words "MUST", "MUST NOT", "REQUIRED", "SHALL", "SHALL
      NOT", "SHOULD", "SHOULD NOT", "RECOMMENDED", "MAY", and
      "OPTIONAL" in this document are to be interpreted as described in
      RFC 2119.
"""

SENTENCES = """\
Resumption of the session

I declare resumed the session of the European Parliament adjourned on Friday 17 December.
Although, as you will have seen, the dreaded 'millennium bug' failed to materialise, the people in a number of countries suffered natural disasters.
You have requested a debate on this subject in the course of the next few days.

In the meantime, Mr. Putin met U.S. officials on Monday.
Please rise, then, for this minute's silence.
"""  # noqa: E501 (one sentence per line, however long)

PDF = """\
The summit took place in Helsinki on Monday, after weeks of preparation
by both sides. The two leaders met alone for more than two hours, with
only their interpreters present, and then joined their delegations for
a working lunch in the palace.
Observers were divided. Some called the meeting a first step towards a
thaw in relations between the two countries, while others warned that
nothing concrete had been agreed.
"""


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(EMAIL, [
        "Hi Anna,",
        "Thanks for the draft. I read it on the train and I think the section on sanctions "
        "is the strongest part; the part about the summit itself could be shorter.",
        "Two points:",
        "- the date of the meeting is wrong, it was July 16, not July 15, and the venue was "
        "the Presidential Palace in the Finnish capital, Helsinki",
        "- Lavrov's quote needs a source",
        "Best,",
        "Ben",
    ], id="hard-wrapped e-mail: blocks, list items, a signature"),
    pytest.param(RFC, [
        "1. Introduction",
        "In many standards track documents several words are used to signify the "
        "requirements in the specification. These words are often capitalized. This "
        "document defines these words as they should be interpreted in IETF documents.",
        'The key words "MUST", "MUST NOT", "REQUIRED", "SHALL", "SHALL NOT", "SHOULD", '
        '"SHOULD NOT", "RECOMMENDED", "MAY", and "OPTIONAL" in this document are to be '
        "interpreted as described in RFC 2119.",  # no line starts in lower case: the width
    ], id="hard-wrapped RFC, indented"),
    pytest.param(PDF, [
        "The summit took place in Helsinki on Monday, after weeks of preparation by both "
        "sides. The two leaders met alone for more than two hours, with only their "
        "interpreters present, and then joined their delegations for a working lunch in the "
        "palace.",
        "Observers were divided. Some called the meeting a first step towards a thaw in "
        "relations between the two countries, while others warned that nothing concrete "
        "had been agreed.",
    ], id="hard-wrapped, no blank lines: a short last line ends a paragraph"),
    pytest.param(SENTENCES, [
        "Resumption of the session",
        "I declare resumed the session of the European Parliament adjourned on Friday 17 "
        "December. Although, as you will have seen, the dreaded 'millennium bug' failed to "
        "materialise, the people in a number of countries suffered natural disasters. You "
        "have requested a debate on this subject in the course of the next few days.",
        "In the meantime, Mr. Putin met U.S. officials on Monday. Please rise, then, for "
        "this minute's silence.",  # Mr. and U.S. end no sentence
    ], id="sentence per line, blocks between blank lines"),
    pytest.param("The summit took place in Helsinki. It lasted four hours.\n"
                 "Both leaders spoke to the press afterwards.\n"
                 "Observers called the meeting historic. Others disagreed.\n", [
        "The summit took place in Helsinki. It lasted four hours.",
        "Both leaders spoke to the press afterwards.",
        "Observers called the meeting historic. Others disagreed.",
    ], id="one paragraph per line, no blank lines"),
    pytest.param("Summit news\n\n"
                 "The summit took place in Helsinki. It lasted four hours.\n"
                 "Both leaders spoke to the press afterwards.\n"
                 "Observers called the meeting historic.\n", [
        "Summit news",
        "The summit took place in Helsinki. It lasted four hours.",
        "Both leaders spoke to the press afterwards.",
        "Observers called the meeting historic.",
    ], id="mixed: a title, a blank line, one paragraph per line"),
    pytest.param("Summit news\n\n"
                 "The summit took place in Helsinki. It lasted four hours.\n"
                 "Both leaders spoke to the press. Neither took questions.\n\n"
                 "Reactions\n\n"
                 "Observers called the meeting historic. Others disagreed.\n"
                 "Markets did not move. Oil fell.\n", [
        "Summit news",
        "The summit took place in Helsinki. It lasted four hours.",
        "Both leaders spoke to the press. Neither took questions.",
        "Reactions",
        "Observers called the meeting historic. Others disagreed.",
        "Markets did not move. Oil fell.",
    ], id="blocks of paragraphs per line: lines of several sentences are no sentences"),
    pytest.param("The talks covered Syria, Ukraine, arms control and the sanctions regime,\n"
                 "North Korea and the Iran nuclear deal, officials in Helsinki said.\n",
                 ["The talks covered Syria, Ukraine, arms control and the sanctions regime, "
                  "North Korea and the Iran nuclear deal, officials in Helsinki said."],
                 id="a comma at a line end reads on"),
    pytest.param("Both leaders said they wanted better relations, and the first US-\n"
                 "Russia summit since 2009 was meant to show it, officials in Helsinki said.\n",
                 ["Both leaders said they wanted better relations, and the first US- Russia "
                  "summit since 2009 was meant to show it, officials in Helsinki said."],
                 id="a word cut at its hyphen reads on"),
    pytest.param("Summit news\n\n"
                 "The summit took place in Helsinki on Monday.\n"
                 "Both leaders spoke to the press afterwards.\n"
                 "Observers called the meeting historic.\n", [
        "Summit news",
        "The summit took place in Helsinki on Monday.",
        "Both leaders spoke to the press afterwards.",
        "Observers called the meeting historic.",
    ], id="mixed: one-sentence paragraphs under a title are not one sentence-per-line block"),
    pytest.param("Russian President Vladimir Putin and US President Donald Trump. (Photo: CNN)\n"
                 "Russian President Vladimir Putin and US President Donald Trump. (Photo: CNN)\n",
                 ["Russian President Vladimir Putin and US President Donald Trump. "
                  "(Photo: CNN)"] * 2,
                 id="two captions of one width: nothing reads on, nothing shows a width"),
    pytest.param("The two leaders met alone for more than two hours, with their interpreters\n"
                 "present, and then joined their delegations for a working lunch at noon\u2029"
                 "and the talks went on for the rest of the day in the presidential palace,\n"
                 "with no press.\n", [
        "The two leaders met alone for more than two hours, with their interpreters present, "
        "and then joined their delegations for a working lunch at noon",
        "and the talks went on for the rest of the day in the presidential palace, with no "
        "press.",
    ], id="U+2029 separates paragraphs"),
    pytest.param("", [], id="empty"),
])
def test_each_form_gets_the_paragraphs_a_reader_sees(text: str, expected: list[str]) -> None:
    assert texts(text) == expected
    assert texts(text.replace("\n", "\r\n")) == expected  # CRLF line ends: the same


@pytest.mark.parametrize("caption", [
    "Russian President Vladimir Putin and US President Donald Trump. (Photo:\nCNN)",
    "Russian President Vladimir Putin and US President Donald J. Trump. (Photo:\nCNN)",
])  # its longest line: as wide as PDF's, 3 characters wider (a little overrun: proportional)
def test_a_block_without_evidence_is_wrapped_when_the_text_shows_a_width(caption: str) -> None:
    assert len(texts(caption)) == 2
    assert texts(caption + "\n\n" + PDF)[0] == " ".join(caption.split())


def test_lines_too_long_to_be_wrapped_are_paragraphs() -> None:
    one = "Russia and the US agreed to talk, " * 4  # 136 characters, reads on
    two = "the talks will go on next week, in Vienna, and then in Geneva, officials said " * 2
    assert len(texts(f"{one}\n{two}\n")) == 2


def test_a_dash_after_a_full_line_is_not_a_list_item() -> None:
    text = ("Russia-US summit: can disagreements be resolved? The answer, for now, is\n"
            "- as they say in Helsinki - that the two leaders will talk and then\n"
            "see what comes of it.\n")
    assert len(texts(text)) == 1


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab Ab.,:-\n\r\t\u2029\u00a0", max_size=300))
def test_paragraphs_are_stripped_ordered_and_cover_every_word(text: str) -> None:
    spans = paragraphs(text)
    assert all(text[s:e] and text[s:e] == text[s:e].strip() for s, e in spans)
    assert all(a[1] < b[0] for a, b in pairwise(spans))
    covered = "".join(text[s:e] for s, e in spans)
    assert "".join(covered.split()) == "".join(text.split())
    assert len(spans) <= len([line for line in text.splitlines() if line.strip()])


# --- verification: a soft wrap is no break, a paragraph break still is ---------------------

def test_a_quote_may_cross_a_soft_wrap_but_not_stitch_two_paragraphs() -> None:
    spans = paragraphs(PDF)
    source = fold(PDF, spans)
    crossing = find(fold("joined their delegations for a working lunch"), PDF, source)
    assert crossing is not None
    assert crossing.problem == ""
    stitched = find(fold("lunch in the palace. Observers were divided"), PDF, source)
    assert stitched is not None
    assert stitched.problem == "break"
    broken = find(fold("lunch in the palace.\nObservers were divided"), PDF, source)
    assert broken is not None
    assert broken.problem == ""  # the passage breaks its line where the source does


def test_a_two_sentence_quote_of_a_sentence_per_line_source_verifies() -> None:
    source = fold(SENTENCES, paragraphs(SENTENCES))
    for quote in ("Mr. Putin met U.S. officials on Monday. Please rise",
                  "suffered natural disasters. You have requested a debate"):
        hit = find(fold(quote), SENTENCES, source)
        assert hit is not None
        assert hit.problem == ""


def test_a_wrapped_source_still_refuses_an_excerpt_over_a_paragraph_break(
    example_copy: Path,
) -> None:
    wrap_copy(example_copy, 72)
    edit(example_copy, BOTTOM_S2,
         'excerpt: "their first official summit since 2009. Troubled relations"')
    [found] = failures(example_copy)
    assert found.code == "BG402"
    assert found.message == "excerpt runs across a paragraph break in S2 (lines 14-17)"
    edit(example_copy, "since 2009. Troubled relations",
         "since 2009.\\nTroubled relations")  # broken where the source breaks it: accepted
    assert pipeline.check(example_copy, strict=True).warnings == ()


# --- a passage under the wrong source ------------------------------------------------------

def test_a_quote_found_in_a_source_its_position_does_not_cite_names_it(
    example_copy: Path,
) -> None:
    edit(example_copy, '    quote: "a fine relationship"',
         '    quote: "the best way to resolve problems"')
    edit(example_copy, '      - {source: S2, excerpt: "Trump has said he considers direct talks '
                       'the best way to resolve problems"}\n', "")
    [found] = failures(example_copy)
    assert found.code == "BG401"
    assert found.message == "quote not found in S1"
    assert found.hint == "the quote is in S2 (¶12, line 22): cite S2"


def test_a_passage_in_no_source_still_gets_the_closest_passage(example_copy: Path) -> None:
    edit(example_copy, BOTTOM_S2,
         'excerpt: "President Trump and Putin will meet for their first formal summit since '
         '2009"')
    [found] = failures(example_copy)
    assert found.message == "excerpt not found in S2"
    assert found.hint.startswith("closest passage in S2")


# --- cite uses the same paragraphs -----------------------------------------------------------

def test_cite_finds_a_phrase_across_a_wrap_and_offers_it_on_one_line(
    example_copy: Path,
) -> None:
    wrap_copy(example_copy, 72)
    text = (example_copy.parent / "sources" / SOURCES[0].name).read_text(encoding="utf-8")
    assert "official summit\nsince 2009" in text
    [best, *_] = search(example_copy, "first official summit since 2009")
    assert best.source == "S2"
    assert best.paragraph == 4  # as the sources page numbers it, wrapped or not
    assert best.match == "first official summit since 2009"
    line = paste_line(best)
    assert line == '{source: S2, excerpt: "first official summit since 2009"}'
    edit(example_copy, f"    - {{source: S2, {BOTTOM_S2}}}", f"    - {line}")
    assert pipeline.check(example_copy, strict=True).warnings == ()
