"""What the Word and plain-text formats add to a build (issue 24): a few lines to rerun.

    PYTHONPATH=. .venv/bin/python bench/formats.py [ROUNDS]

Builds every bundled example in memory (`pipeline.make`, one process, warm) with the
formats `md,html,pdf` and with all five, interleaved round by round so a busy machine
slows both alike, and prints the medians per briefing and the ratio. It asserts nothing;
the default `formats` includes docx and txt because this ratio stays small.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(rounds: int = 5) -> None:
    from briefgen import pipeline
    from briefgen.pipeline.options import BuildOptions

    started = time.perf_counter()
    import docx  # noqa: F401  # once per worker process

    print(f"import python-docx: {time.perf_counter() - started:.3f}s")
    sheets = sorted((ROOT / "seeds").glob("*/facts.yaml"))
    three, five = BuildOptions(formats=("md", "html", "pdf")), BuildOptions()
    for sheet in sheets:
        pipeline.make(sheet, five)  # warm: fonts, templates, imports
    times: dict[str, list[float]] = {"md,html,pdf": [], "all five": []}
    for _ in range(rounds):
        for name, options in (("md,html,pdf", three), ("all five", five)):
            started = time.perf_counter()
            for sheet in sheets:
                pipeline.make(sheet, options)
            times[name].append((time.perf_counter() - started) / len(sheets))
    base, full = (statistics.median(t) for t in times.values())
    print(f"per briefing, median of {rounds}: md,html,pdf {base:.3f}s, all five {full:.3f}s; "
          f"added {1000 * (full - base):.0f} ms = {full / base:.3f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
