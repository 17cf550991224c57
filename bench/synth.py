"""Deterministic synthetic fact sheets for benchmarks and scale tests.

`write_project(root, n, seed)` writes root/seeds/brief-0000 … with two stored sources
each; every item cites an excerpt that is verbatim in its source, and the body lands near
the word budgets (about 300-370 words), so the sheets pass `briefgen check` and fit a page.
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


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def sheet(index: int, seed: int = 1) -> tuple[str, dict[str, str]]:
    """(facts.yaml text, {source file name: text}) for synthetic briefing INDEX."""
    rng = random.Random(seed * 100_003 + index)
    slug = f"brief-{index:04d}"
    quotes: dict[str, list[str]] = {"S1": [], "S2": []}

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
        *(f"  - {{id: {a}, name: {n}, role: {r}, type: person}}" for a, n, r in ACTORS),
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
            f"  - {{id: P{i}, actor: {ACTORS[i - 1][0]}, speech: indirect, "
            f'summary: "{_sentence(rng, 13)}", cite: {item_cite("S1")}}}'
            for i in range(1, 6)
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
    sources = {}
    for sid in ("S1", "S2"):
        paragraphs = [
            f"{_sentence(rng, 20)} {q.capitalize()} {_sentence(rng, 12)}" for q in quotes[sid]
        ]
        text = f"Synthetic source {sid} for {slug}\n\n" + "\n\n".join(paragraphs) + "\n"
        name = f"{sid.lower()}.txt"
        sources[name] = text
        digest = hashlib.sha256(text.encode()).hexdigest()
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


def write_project(root: Path, n: int, *, seed: int = 1, start: int = 0) -> list[Path]:
    """Write N synthetic sheets under ROOT/seeds/; return their facts.yaml paths."""
    paths = []
    for index in range(start, start + n):
        text, sources = sheet(index, seed)
        folder = root / "seeds" / f"brief-{index:04d}"
        (folder / "sources").mkdir(parents=True, exist_ok=True)
        (folder / "facts.yaml").write_text(text, encoding="utf-8")
        for name, body in sources.items():
            (folder / "sources" / name).write_text(body, encoding="utf-8")
        paths.append(folder / "facts.yaml")
    return paths


if __name__ == "__main__":
    import sys

    made = write_project(Path(sys.argv[1]), int(sys.argv[2]))
    print(json.dumps({"sheets": len(made)}))
