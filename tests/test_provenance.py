"""A verified quote is a whole quote (issue 8, provenance).

Quotes and excerpts are found as whole words of one paragraph of the stored source, long
enough to mean something; a miss shows the closest passage and a word-level difference;
verification records where each passage was found and the pages use that record (links,
`<mark>` highlights with back-links); stored sources that are not text, not regular files
or too large are refused without reading them whole or blocking.
"""

from __future__ import annotations

import hashlib
import html as html_
import os
import re
import stat
import subprocess
import sys
import threading
import tracemalloc
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.compose.compose import compose
from briefgen.errors import BriefError, Diagnostic
from briefgen.pipeline.options import BuildOptions
from briefgen.render.pages import render_html
from briefgen.schema.cites import cites
from briefgen.schema.model import Excerpt
from briefgen.site import pages as site
from briefgen.verify import passages
from briefgen.verify.passages import fold, inside, normalise, word_spans
from briefgen.verify.provenance import MIN_WORDS
from briefgen.verify.sources import MAX_SOURCE_BYTES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "seeds" / "helsinki-summit-2018"
S1 = "sources/helsinki-summit-high-expectations.txt"
S2 = "sources/helsinki-summit-can-disagreements-be-resolved.txt"
QUOTE = 'quote: "a fine relationship"'
BOTTOM_S2 = ('excerpt: "President Trump and Putin will meet for their first official summit '
             'since 2009"')
BOTTOM_S1 = 'excerpt: "Russia-US relations fall to the lowest level since the Cold War"'
CRIMEA = "excerpt: \"Ukraine and Russia's annexation of Crimea\""


def edit(sheet: Path, old: str, new: str) -> tuple[int, int]:
    """Replace OLD (once) with NEW in SHEET; the 1-based line and column of NEW's value."""
    text = sheet.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    at = text.index(old)
    sheet.write_text(text.replace(old, new), encoding="utf-8")
    line = text.count("\n", 0, at) + 1
    col = at - text.rfind("\n", 0, at) + new.index('"')  # the value starts at its quote mark
    return line, col


def failures(sheet: Path) -> list[Diagnostic]:
    with pytest.raises(BriefError) as caught:
        pipeline.check(sheet, strict=True)
    return list(caught.value.diagnostics)


# --- the corpus of fragments: each fails with its code, at the value's line:col -----------

FRAGMENTS = [  # (case, old, new, code, message, hint fragment)
    ("quote-mid-word-start", QUOTE, 'quote: "ne relationship"', "BG401",
     "quote starts inside a word of S1", "S1 line 12 reads: fine relationship"),
    ("quote-mid-word-end", QUOTE, 'quote: "a fine relation"', "BG401",
     "quote ends inside a word of S1", "reads: a fine relationship"),
    ("quote-tail-and-head", QUOTE, 'quote: "ne relat"', "BG401",
     "quote starts and ends inside words of S1", "reads: fine relationship"),
    ("quote-single-word", QUOTE, 'quote: "relationship"', "BG401",
     "quote is too short to verify: 1 word, at least 2 needed", "quote 2 or more whole words"),
    ("quote-one-word-changed", QUOTE, 'quote: "a wonderful relationship"', "BG401",
     "quote not found in S1, S2", 'the quote lacks "fine", adds "wonderful"'),
    ("excerpt-mid-word-start", BOTTOM_S2,
     'excerpt: "resident Trump and Putin will meet for their first official summit"', "BG402",
     "excerpt starts inside a word of S2", "reads: President Trump"),
    ("excerpt-mid-word-end", BOTTOM_S2,
     'excerpt: "President Trump and Putin will meet for their first official summit since 20"',
     "BG402", "excerpt ends inside a word of S2", "official summit since 2009"),
    ("excerpt-inside-a-hyphenated-word", BOTTOM_S1,
     'excerpt: "US relations fall to the lowest level since the Cold War"', "BG402",
     "excerpt starts inside a word of S1", "reads: Russia-US relations fall"),
    ("excerpt-inside-a-contraction", CRIMEA, 'excerpt: "s annexation of Crimea"', "BG402",
     "excerpt starts inside a word of S2", "reads: Russia’s annexation of Crimea"),
    ("excerpt-across-a-paragraph-break", BOTTOM_S2,
     'excerpt: "their first official summit since 2009. Troubled relations"', "BG402",
     "excerpt runs across a paragraph break in S2 (lines 6-8)", "cite one paragraph"),
    ("excerpt-too-short", BOTTOM_S2, 'excerpt: "official summit since"', "BG402",
     "excerpt is too short to verify: 3 words, at least 4 needed", "4 or more whole words"),
    ("excerpt-one-word-changed", BOTTOM_S2,
     'excerpt: "President Trump and Putin will meet for their first formal summit since 2009"',
     "BG402", "excerpt not found in S2", 'the excerpt lacks "official", adds "formal"'),
]


@pytest.mark.parametrize(("case", "old", "new", "code", "message", "hint"), FRAGMENTS,
                         ids=[f[0] for f in FRAGMENTS])
def test_a_fragment_fails_with_its_code_at_its_position(
    example_copy: Path, case: str, old: str, new: str, code: str, message: str, hint: str
) -> None:
    line, col = edit(example_copy, old, new)
    [found] = failures(example_copy)
    assert (found.code, found.message) == (code, message)
    assert (found.where.line, found.where.col) == (line, col)
    assert hint in found.hint, found.hint


def test_minimum_lengths() -> None:
    assert MIN_WORDS == {"quote": 2, "excerpt": 4}


@pytest.mark.parametrize(("new", "why"), [
    ('quote: "fine relationship"', "two whole words are a quote"),
    ("quote: \"A FINE  relationship\"", "case and spacing are forgiven"),
    ('excerpt: "their first official summit since 2009.\\nTroubled relations"',
     "the passage breaks its line where the source does"),
    ('excerpt: "Putin will meet for their"', "four whole words are an excerpt"),
])
def test_whole_words_pass(example_copy: Path, new: str, why: str) -> None:
    edit(example_copy, QUOTE if new.startswith("quote") else BOTTOM_S2, new)
    checked = pipeline.check(example_copy, strict=True)
    assert checked.warnings == (), why


def test_every_real_quote_and_excerpt_of_the_example_passes_as_whole_words() -> None:
    checked = pipeline.check(EXAMPLE / "facts.yaml", strict=True)
    assert checked.warnings == ()
    passages_ = {path: ref.excerpt for path, ref in cites(checked.brief)
                 if isinstance(ref, Excerpt)}
    passages_ |= {("positions", i, "quote"): p.quote
                  for i, p in enumerate(checked.brief.positions) if p.quote}
    assert set(checked.evidence) == set(passages_)
    for path, found in checked.evidence.items():
        text = checked.stored[found.source].text
        assert text is not None
        assert normalise(text[found.start:found.end]) == normalise(passages_[path]), path
        assert not inside(text, found.start), path
        assert not inside(text, found.end), path
        lo, hi = checked.stored[found.source].paragraphs[found.paragraph - 1]
        assert lo <= found.start < found.end <= hi, path


# --- the closest-passage hint ------------------------------------------------------------

def test_the_hint_never_doubles_or_cuts_quotation_marks(example_copy: Path) -> None:
    edit(example_copy, QUOTE, 'quote: "could open a wonderful relationship"')
    [found] = failures(example_copy)
    assert found.hint.endswith("): could open “a fine relationship”."), found.hint
    shown = found.hint.split("): ", 1)[1]
    assert shown.count("“") == shown.count("”") == 1
    assert not re.search(r"[\"“”][\"“”]", found.hint)


def test_the_hint_keeps_a_quotation_the_closest_passage_cuts_into(example_copy: Path) -> None:
    edit(example_copy, QUOTE, 'quote: "could open a wonderful"')
    [found] = failures(example_copy)
    assert found.hint.endswith("): could open “a fine relationship”."), found.hint


@pytest.mark.parametrize(("passage", "shown"), [
    ("relationship between us", "“a fine relationship” between"),
    ("could open a fine", "could open “a fine relationship”"),
    ('said "we will', 'said "we will go"'),
])
def test_the_closest_passage_keeps_quotations_whole(passage: str, shown: str) -> None:
    text = ("He said the meeting could open “a fine relationship” between them.\n"
            'He said "we will go" and left.\n')
    assert passages.closest(passage, text, passages.paragraphs(text)).shown == shown


def test_the_hint_says_when_only_punctuation_differs(example_copy: Path) -> None:
    edit(example_copy, BOTTOM_S2,
         'excerpt: "President Trump, and Putin will meet for their first official summit"')
    [found] = failures(example_copy)
    assert "the excerpt differs only in punctuation" in found.hint


def test_a_whole_word_occurrence_after_a_fragment_one_is_found() -> None:
    text = "Prussia relations were tense.\nRussia relations were tense."
    hit = passages.find(fold("Russia relations were"), text, fold(text))
    assert hit is not None
    assert (text[hit.start:hit.end], hit.problem) == ("Russia relations were", "")


# --- words and folding --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "words"), [
    ("Russia’s annexation", ["Russia’s", "annexation"]),
    ("US-Russia ties, 1,000 troops, 3.5 per cent", ["US-Russia", "ties", "1,000", "troops",
                                                     "3.5", "per", "cent"]),
    ("the U.S. said — “no”.", ["the", "U.S", "said", "no"]),
    ("naïve café", ["naïve", "café"]),
    ("東京で会談", ["東", "京", "で", "会", "談"]),  # no spaces: every character is a word
])
def test_words(text: str, words: list[str]) -> None:
    assert [text[a:b] for a, b in word_spans(text)] == words


def test_folding_keeps_the_origin_of_every_character() -> None:
    text = "  Straße ﬁne e\u0301té\n\n“Quote” —  done  "
    folded = fold(text)
    assert folded.text == "strasse fine été \"quote\" - done"
    for k, char in enumerate(folded.text):
        assert char in normalise(text[folded.starts[k]:folded.ends[k]]) or char == " "
    assert [folded.text[b] for b in folded.breaks] == [" "]
    assert text[folded.starts[folded.breaks[0]]:folded.ends[folded.breaks[0]]] == "\n\n"


# --- the pages use the evidence: links, highlights, back-links -----------------------------

def test_pages_render_from_the_evidence_without_searching_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked = pipeline.check(EXAMPLE / "facts.yaml", strict=True)

    def no_search(*_args: object) -> None:
        raise AssertionError("the pages searched a source again")

    for name in ("fold", "find", "normalise", "closest", "word_spans"):
        monkeypatch.setattr(passages, name, no_search)
    composed = compose(checked.brief, evidence=checked.evidence, stored=checked.stored)
    html = render_html(composed)
    page = site.sources_page(composed, base_url=None, project=None).decode()
    links = re.findall(r'<a class="cite" href="sources\.html#(S\d)-p(\d+)"', html)
    expected = {(f.source, str(f.paragraph)) for f in checked.evidence.values()}
    assert set(links) <= expected
    assert len(links) >= 20
    marked = [html_.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", page)]
    for found in checked.evidence.values():
        text = checked.stored[found.source].text or ""
        assert any(text[found.start:found.end] in m for m in marked), found


@pytest.fixture(scope="module")
def example_pages() -> tuple[str, str]:
    built = pipeline.make(EXAMPLE / "facts.yaml", BuildOptions(formats=("html",)))
    return (built.files["sources.html"].decode(),
            built.files["helsinki-summit-2018.html"].decode())


def test_sources_page_marks_each_excerpt_and_links_back_to_its_item(
    example_pages: tuple[str, str],
) -> None:
    sources, brief = example_pages
    assert ("As planned, <mark>the two leaders will hold a high-level meeting on July 16 in the "
            'Finnish capital, Helsinki</mark><a class="cited-by" '
            'href="helsinki-summit-2018.html#F1" title="cited in Key facts 1">Key facts 1</a>.'
            ) in sources
    # the quote inside its own excerpt: one highlight, one back-link
    assert ('<mark>the meeting could open “a fine relationship”</mark><a class="cited-by" '
            'href="helsinki-summit-2018.html#P3"') in sources
    backs = re.findall(r'<a class="cited-by" href="helsinki-summit-2018\.html#([\w-]+)"', sources)
    checked = pipeline.check(EXAMPLE / "facts.yaml")
    items = {"bottom-line", *(x.id for s in ("key_facts", "agenda", "obstacles", "positions",
                                              "assessments", "watch")
                             for x in getattr(checked.brief, s))}
    assert set(backs) == items  # every item cites an excerpt in the example
    for item in backs:
        assert f'id="{item}"' in brief


def test_a_passage_over_a_marked_line_break_is_highlighted_in_both_paragraphs(
    example_copy: Path,
) -> None:
    edit(example_copy, BOTTOM_S2,
         'excerpt: "their first official summit since 2009.\\nTroubled relations"')
    built = pipeline.make(example_copy, BuildOptions(formats=("html",)))
    sources = built.files["sources.html"].decode()
    first = re.search(r'<li id="S2-p4"[^>]*>(.*?)</li>', sources)
    second = re.search(r'<li id="S2-p5"[^>]*>(.*?)</li>', sources)
    assert first is not None
    assert second is not None
    assert first.group(1).endswith("<mark>their first official summit since 2009.</mark>")
    assert second.group(1) == (
        '<a class="pn" href="#S2-p5">¶5</a> <mark>Troubled relations</mark>'
        '<a class="cited-by" href="helsinki-summit-2018.html#bottom-line" '
        'title="cited in Bottom line">Bottom line</a>'
    )
    page = built.files["helsinki-summit-2018.html"].decode()
    assert ('href="sources.html#S2-p4">1 ¶4<span class="excerpt"> '
            '“their first official summit') in page


# --- stored sources that are not text, not regular files, or too large ---------------------

def _replace_s2(sheet: Path, data: bytes) -> None:
    (sheet.parent / S2).write_bytes(data)


@pytest.mark.parametrize(("char", "name", "col"), [
    ("\x00", "U+0000 (NUL)", 9), ("\x1b", "U+001B (ESC)", 9), ("\x07", "U+0007 (BEL)", 9),
    ("\x0c", "U+000C (FF)", 9), ("\x01", "U+0001", 9),
])
def test_a_source_with_control_characters_is_not_text(
    example_copy: Path, char: str, name: str, col: int
) -> None:
    text = (example_copy.parent / S2).read_text(encoding="utf-8")
    _replace_s2(example_copy, text.replace("Troubled relations", f"Troubled{char}relations")
                .encode())
    [found] = failures(example_copy)
    assert found.code == "BG405"
    assert found.message.endswith(f"is not text: control character {name} at line 8, "
                                  f"column {col}")


def test_tabs_and_crlf_line_ends_are_text(example_copy: Path) -> None:
    path = example_copy.parent / S2
    data = path.read_bytes().replace(b"\n", b"\r\n").replace(b"Troubled relations",
                                                             b"Troubled\trelations")
    path.write_bytes(data)
    text = example_copy.read_text(encoding="utf-8")
    old = hashlib.sha256((EXAMPLE / S2).read_bytes()).hexdigest()
    example_copy.write_text(text.replace(old, hashlib.sha256(data).hexdigest()),
                            encoding="utf-8")
    assert pipeline.check(example_copy, strict=True).warnings == ()


def _check_in_a_child(sheet: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "briefgen", "check", "--strict", str(sheet)],
                          capture_output=True, text=True, timeout=30, env=env, check=False)


def test_a_fifo_source_is_refused_without_blocking(example_copy: Path) -> None:
    path = example_copy.parent / S2
    path.unlink()
    os.mkfifo(path)
    result = _check_in_a_child(example_copy)  # a blocking open would hang until the timeout
    assert result.returncode == 1
    assert f"error BG405: source file '{S2}' is not a regular file" in result.stderr


def test_a_device_source_is_refused_without_reading(example_copy: Path) -> None:
    path = example_copy.parent / S2
    path.unlink()
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 5))  # a /dev/zero of our own
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here")
    result = _check_in_a_child(example_copy)
    assert result.returncode == 1
    assert f"error BG405: source file '{S2}' is not a regular file" in result.stderr


def test_a_fifo_swapped_in_after_the_type_check_does_not_block(example_copy: Path) -> None:
    """The type is taken from the opened descriptor, not from a stat before opening."""
    path = example_copy.parent / S2
    path.unlink()
    os.mkfifo(path)
    outcome: list[object] = []
    real_exists = Path.exists

    def looks_regular(self: Path, *args: object, **kwargs: object) -> bool:
        return True if self == path else real_exists(self)

    worker = threading.Thread(target=lambda: outcome.append(_diagnose(example_copy)),
                              daemon=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "exists", looks_regular)
        patch.setattr(Path, "is_file", looks_regular)
        worker.start()
        worker.join(10)
    if worker.is_alive():  # unblock the reader so the thread can end, then fail
        with path.open("wb"):
            pass
        pytest.fail("reading the source blocked on a FIFO")
    assert outcome == [["BG405"]]


def _diagnose(sheet: Path) -> list[str]:
    try:
        pipeline.check(sheet)
    except BriefError as error:
        return [d.code for d in error.diagnostics]
    return []


def test_a_huge_source_is_refused_after_reading_only_the_limit(example_copy: Path) -> None:
    path = example_copy.parent / S2
    with path.open("wb") as f:
        f.truncate(64 * 1024 * 1024)  # sparse: costs no disk
    tracemalloc.start()
    try:
        [found] = failures(example_copy)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found.code == "BG405"
    assert found.message.endswith("is larger than 2 MiB")
    assert peak < 4 * MAX_SOURCE_BYTES, f"read {peak} bytes for a 2 MiB limit"


@pytest.mark.parametrize(("source", "passage", "whole"), [
    ("a new inter\u00adnational order soon", "a new international order", True),
    ("a new inter\u00adnational order soon", "national order soon", False),
    ("and a fu\u200bture deal.", "ture deal", False),
    ("and a fu\u200bture deal.", "a future deal", True),
    ("er sagte groß und", "sagte gros", False),
    ("er sagte groß und", "sagte groß", True),
    ("on the oﬀ chance", "on the of", False),
    ("the ﬁnal agreement", "inal agreement", False),
    ("the ﬁnal agreement", "final agreement", True),
])
def test_invisible_and_multi_letter_characters_keep_words_whole(source: str, passage: str,
                                                                whole: bool) -> None:
    """A soft hyphen or zero-width space is inside its word, not a boundary; a match may not
    stop inside the letters one character folds to (ß → ss, ﬀ → ff, ﬁ → fi)."""
    hit = passages.find(fold(passage), source, fold(source))
    assert hit is not None
    assert (hit.problem == "") is whole, hit


def test_the_closest_passage_is_found_in_a_long_source() -> None:
    """Past MAX_WINDOWS windows only those sharing most words are compared letter by letter;
    the passage a mistyped excerpt came from must still be among them."""
    import random

    rng = random.Random(7)
    vocabulary = ["".join(rng.choice("abcdefghijklmnop") for _ in range(rng.randint(3, 8)))
                  for _ in range(3000)]
    lines = [" ".join(rng.choice(vocabulary) for _ in range(40)) for _ in range(200)]
    lines[150] = "The envoys agreed to resume talks on arms control after the summit in July."
    text = "\n".join(lines)
    assert len(passages.word_spans(text)) > passages.MAX_WINDOWS
    near = passages.closest("the envoys agreed to restart talks on arms control after the summit",
                            text, passages.paragraphs(text))
    assert near.shown.startswith("The envoys agreed to resume talks on arms control")
    assert "restart" in near.difference
    assert "resume" in near.difference
