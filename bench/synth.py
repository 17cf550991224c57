"""Deterministic synthetic fact sheets for benchmarks and scale tests.

`write_project(root, n, seed)` writes root/seeds/brief-0000 … with two stored sources
each; every item cites an excerpt that is verbatim in its source, and the body lands near
the word budgets (about 300-370 words), so the sheets pass `briefgen check` and fit a page.

With `realistic=True` (the benchmark's sheets) they look more like real ones: actors with
accented and Cyrillic names, source texts with curly quotes and dashes, one position in
direct speech whose quote is verbatim in its source; every tenth sheet (index 4, 14, …)
is long enough to need a tighter rung of the fitting ladder, and every twentieth (index
13, 33, …) fails `check` (a quote edited after curation, or a source changed since).
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

WORDS = [
    "summit",
    "talks",
    "sanctions",
    "ministers",
    "delegation",
    "border",
    "security",
    "trade",
    "energy",
    "pipeline",
    "ceasefire",
    "agreement",
    "envoy",
    "parliament",
    "election",
    "coalition",
    "treaty",
    "inspection",
    "reactor",
    "exports",
    "tariffs",
    "grain",
    "corridor",
    "observers",
    "monitors",
    "region",
    "capital",
    "dialogue",
    "pressure",
    "relief",
    "reform",
    "budget",
    "loan",
    "default",
    "currency",
    "reserves",
    "protest",
    "opposition",
    "court",
    "ruling",
    "vote",
    "referendum",
    "frontier",
    "garrison",
    "navy",
    "drills",
    "airspace",
    "missile",
    "defence",
    "cyber",
    "outage",
    "refugees",
    "aid",
    "convoy",
    "harbour",
    "port",
    "strait",
    "shipping",
    "insurance",
    "lenders",
    "bondholders",
]
ACTORS = [
    ("alpha", "Ana Alvarez", "Foreign Minister"),
    ("bravo", "Boris Brandt", "President"),
    ("charlie", "Chen Cao", "Envoy"),
    ("delta", "Dara Diallo", "Prime Minister"),
    ("echo", "Eli Evans", "Secretary General"),
]
REAL_ACTORS = [
    ("alpha", "Ana Álvarez", "Foreign Minister"),
    ("bravo", "Jürgen Brandt", "President"),
    ("charlie", "Дмитрий Соколов", "Envoy"),
    ("delta", "Zoë N’Diaye", "Prime Minister"),
    ("echo", "Eli Evans", "Secretary General"),
]
TIGHT_EVERY, TIGHT_AT = 10, 4  # realistic: these sheets need a tighter ladder rung
TIGHT_ITEMS = 5  # agenda rows and obstacles added to a tight sheet
FAILING_EVERY, FAILING_AT = 20, 13  # realistic: these sheets fail `check`


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def kind(index: int, *, realistic: bool) -> str:
    """'plain', 'tight' (needs a ladder rung) or 'failing' (fails check) for sheet INDEX."""
    if realistic and index % FAILING_EVERY == FAILING_AT:
        return "failing"
    if realistic and index % TIGHT_EVERY == TIGHT_AT:
        return "tight"
    return "plain"


def sheet(index: int, seed: int = 1, *, realistic: bool = False) -> tuple[str, dict[str, str]]:
    """(facts.yaml text, {source file name: text}) for synthetic briefing INDEX."""
    rng = random.Random(seed * 100_003 + index)
    slug = f"brief-{index:04d}"
    quotes: dict[str, list[str]] = {"S1": [], "S2": []}
    actors = REAL_ACTORS if realistic else ACTORS
    what = kind(index, realistic=realistic)

    def excerpt(source: str, n: int) -> str:
        text = _phrase(rng, n)
        quotes[source].append(text)
        return text

    def item_cite(source: str) -> str:
        return f'[{{source: {source}, excerpt: "{excerpt(source, 6)}"}}]'

    day = 1 + index % 28
    month = 1 + (index // 28) % 12
    lines = [
        "# yaml-language-server: $schema=../../schema/fact-sheet.schema.json",
        'schema_version: "1"',
        "briefing:",
        f"  id: {slug}",
        f'  title: "Synthetic briefing {index}: {_phrase(rng, 4)}"',
        "  event:",
        f'    name: "{_phrase(rng, 3)} meeting"',
        "    type: meeting",
        f"    start_date: {2020 + index % 5}-{month:02d}-{day:02d}",
        "    location: {city: Geneva, country: Switzerland}",
        "    participants: [alpha, bravo]",
        f"  prepared: {{date: {2020 + index % 5}-{month:02d}-{day:02d}, by: synth}}",
        '  audience: "Benchmark readers"',
        "  handling: {classification: PUBLIC SOURCES, tlp: CLEAR}",
        "actors:",
        *(
            f"  - {{id: {a}, name: {json.dumps(n, ensure_ascii=False) if realistic else n}, "
            f"role: {r}, type: person}}"
            for a, n, r in actors
        ),
        "sources:",
    ]
    body = [
        "bottom_line:",
        f'  text: "{_sentence(rng, 22)} {_sentence(rng, 16)} A deal is likely."',
        f"  cite: {item_cite('S1')}",
        "  judgment: J1",
        "key_facts:",
        *(
            f'  - {{id: F{i}, text: "{_sentence(rng, 13)}", cite: {item_cite("S1")}}}'
            for i in range(1, 5)
        ),
        "agenda:",
        *(
            f'  - {{id: A{i}, topic: "{_phrase(rng, 2)}", detail: "{_phrase(rng, 8)}", '
            f"raised_by: [alpha], status: expected, cite: {item_cite('S2')}}}"
            for i in range(1, 5)
        ),
        "obstacles:",
        *(
            f'  - {{id: O{i}, issue: "{_phrase(rng, 7)}", cite: {item_cite("S2")}}}'
            for i in range(1, 5)
        ),
        "positions:",
        *(
            f"  - {{id: P{i}, actor: {actors[i - 1][0]}, speech: indirect, "
            f'summary: "{_sentence(rng, 13)}", cite: {item_cite("S1")}}}'
            for i in range(1 + realistic, 6)
        ),
        "assessments:",
        f'  - {{id: J1, statement: "A deal on {_phrase(rng, 4)} is likely.", likelihood: likely, '
        f'confidence: low, basis: "{_phrase(rng, 7)}", cite: {item_cite("S1")}}}',
        f'  - {{id: J2, statement: "Renewed {_phrase(rng, 3)} is unlikely.", likelihood: unlikely, '
        f'confidence: moderate, basis: "{_phrase(rng, 7)}", cite: {item_cite("S2")}}}',
        "watch:",
        *(
            f'  - {{id: W{i}, indicator: "{_phrase(rng, 6)}", signals: [J1], direction: raises, '
            f"cite: {item_cite('S2')}}}"
            for i in range(1, 4)
        ),
    ]
    said = ""
    if realistic:  # P1 in direct speech: the quote is verbatim in S1, between curly quotes
        said = f"we will not sign {_phrase(rng, 5)} before the vote"
        quoted = said if what != "failing" or index % 40 != FAILING_AT else said + " in June"
        first = body.index("positions:") + 1
        body.insert(
            first,
            f"  - {{id: P1, actor: {actors[0][0]}, speech: direct, "
            f'summary: "{_sentence(rng, 12)}", quote: "{quoted}", cite: {item_cite("S1")}}}',
        )
    if what == "tight":  # enough more to overflow the designed page, not the 9 pt floor
        first = body.index("obstacles:")  # short items: more lines, not over 400 words
        body[first:first] = [
            f'  - {{id: A{i}, topic: "{_phrase(rng, 1)}", detail: "{_phrase(rng, 3)}", '
            f"raised_by: [bravo], status: expected, cite: {item_cite('S2')}}}"
            for i in range(5, 5 + TIGHT_ITEMS)
        ]
        first = body.index("positions:")
        body[first:first] = [
            f'  - {{id: O{i}, issue: "{_phrase(rng, 3)}", cite: {item_cite("S2")}}}'
            for i in range(5, 5 + TIGHT_ITEMS)
        ]
    sources = {}
    for sid in ("S1", "S2"):
        paragraphs = [
            f"{_sentence(rng, 20)} {q.capitalize()} {_sentence(rng, 12)}" for q in quotes[sid]
        ]
        if said and sid == "S1":
            paragraphs.insert(
                1,
                f"{actors[0][1]} told reporters: \u201c{said.capitalize()}.\u201d"
                f" Officials \u2014 speaking in Genève \u2014 did not comment.",
            )
        text = f"Synthetic source {sid} for {slug}\n\n" + "\n\n".join(paragraphs) + "\n"
        name = f"{sid.lower()}.txt"
        sources[name] = text
        digest = hashlib.sha256(text.encode()).hexdigest()
        if what == "failing" and index % 40 != FAILING_AT and sid == "S2":
            text += "A paragraph added after the facts were curated.\n"  # sha256 mismatch
            sources[name] = text
        lines += [
            f"  - id: {sid}",
            f'    title: "Synthetic source {sid} for {slug}"',
            "    publisher: Synthetic Wire",
            "    published: unknown",
            "    type: wire",
            f"    file: sources/{name}",
            f"    sha256: {digest}",
        ]
    return "\n".join(lines + body) + "\n", sources


def write_project(
    root: Path, n: int, *, seed: int = 1, start: int = 0, realistic: bool = False
) -> list[Path]:
    """Write N synthetic sheets under ROOT/seeds/; return their facts.yaml paths."""
    paths = []
    for index in range(start, start + n):
        text, sources = sheet(index, seed, realistic=realistic)
        folder = root / "seeds" / f"brief-{index:04d}"
        (folder / "sources").mkdir(parents=True, exist_ok=True)
        (folder / "facts.yaml").write_text(text, encoding="utf-8")
        for name, body in sources.items():
            (folder / "sources" / name).write_text(body, encoding="utf-8")
        paths.append(folder / "facts.yaml")
    return paths


if __name__ == "__main__":
    import sys

    made = write_project(Path(sys.argv[1]), int(sys.argv[2]), realistic="--realistic" in sys.argv)
    print(json.dumps({"sheets": len(made)}))
