"""`briefgen cite` on long sources: the example sheet plus a 20,000-word source in 1,000
paragraphs and a ~1.9 MB source on one line (the worst case: one paragraph).

Run with `.venv/bin/python bench/cite.py`. It asserts nothing about time; it prints the
median wall time and peak memory of three runs per phrase.
"""

from __future__ import annotations

import hashlib
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "seeds" / "helsinki-summit-2018"
PHRASES = ("first official summit since 2009", "zebra quantum marmalade")


def project(root: Path) -> Path:
    """The example with two long synthetic sources made of its own words."""
    folder = root / "sheet"
    shutil.copytree(EXAMPLE, folder)
    words = (EXAMPLE / "sources" / "helsinki-summit-high-expectations.txt").read_text().split()
    rng = random.Random(1)
    paragraphs = [" ".join(rng.choice(words) for _ in range(20)) for _ in range(1000)]
    line: list[str] = []
    size = 0
    while size < 1_900_000:
        line.append(rng.choice(words))
        size += len(line[-1]) + 1
    texts = {"long.txt": "\n\n".join(paragraphs) + "\n", "oneline.txt": " ".join(line) + "\n"}
    sheet = (folder / "facts.yaml").read_text(encoding="utf-8")
    for n, (name, text) in enumerate(texts.items(), start=3):
        (folder / "sources" / name).write_text(text, encoding="utf-8")
        digest = hashlib.sha256(text.encode()).hexdigest()
        entry = (f"  - {{id: S{n}, title: Long, publisher: unknown, published: unknown, "
                 f"type: other, file: sources/{name}, sha256: {digest}, reliability: F}}\n")
        sheet = re.sub(r"\n(?=\nbottom_line:)", "\n" + entry, sheet, count=1)
    (folder / "facts.yaml").write_text(sheet, encoding="utf-8")
    return folder


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = project(Path(tmp))
        for phrase in PHRASES:
            times = []
            for _ in range(3):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "briefgen", "cite", str(folder), phrase],
                               capture_output=True, check=False, cwd=ROOT)
                times.append(time.perf_counter() - start)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"cite {phrase!r}: median {statistics.median(times):.2f} s, "
                  f"peak RSS so far {peak:.0f} MB")


if __name__ == "__main__":
    main()
