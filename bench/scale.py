"""Past one process (issue 25): the same full build four ways, interleaved, on N synthetic
briefings that all pass `check` (default 1,000; `--n 40` for a quick look).

Rows: one process (`--jobs 1`), two processes (`--jobs 2`), 4 shards built one after
another (`--shard I/4 --jobs 1` each, as four one-core CI runners would) plus the merge,
and a 2-worker Dask `LocalCluster` (`--executor dask --jobs 2`, its start included). Each
row's ratio is to the one-process time; the merge's own cost is given as a share of it.
The four trees are compared by a hash of every file (they must be identical). It asserts
nothing about time. Run it on an idle machine: on shared cores the numbers mean little.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import BRIEFGEN, _machine, project, timed  # noqa: E402

SHARDS = 4


def measure(n: int, reps: int, formats: str) -> dict[str, object]:
    """The four ways of building N briefings, REPS times each, interleaved."""
    root = Path(tempfile.mkdtemp(prefix="briefgen-scale-"))
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    env.pop("BRIEFGEN_STRICT", None)
    build = [*BRIEFGEN, "build", "--force", "--format", formats]
    times: dict[str, list[float]] = {}
    try:
        folder = project(root, n, failing=False)

        def take(key: str, *cmd: str) -> float:
            took = timed([*cmd], cwd=folder, env=env)["median_s"]
            times.setdefault(key, []).append(took)
            return took

        for _ in range(reps):
            take("one_process", *build, "--jobs", "1", "-o", "one")
            take("two_processes", *build, "--jobs", "2", "-o", "two")
            shard_times = [
                take(f"shard_{i}", *build, "--jobs", "1", "--shard", f"{i}/{SHARDS}",
                     "-o", f"part-{i}")
                for i in range(1, SHARDS + 1)
            ]
            times.setdefault("shards_in_turn", []).append(sum(shard_times))
            times.setdefault("longest_shard", []).append(max(shard_times))
            parts = [f"part-{i}" for i in range(1, SHARDS + 1)]
            take("merge", *BRIEFGEN, "merge", "--format", formats, *parts, "-o", "merged")
            take("dask_2_workers", *build, "--executor", "dask", "--jobs", "2", "-o", "dask")
        plain = _tree(folder / "one")
        same = all(_tree(folder / o) == plain for o in ("two", "merged", "dask"))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    medians = {k: statistics.median(v) for k, v in times.items()}
    return {"n": n, "reps": reps, "formats": formats, "identical": same, "median_s": medians,
            "machine": _machine()}


def table(r: dict[str, object]) -> list[str]:
    """The rows, each with its ratio to one process; the merge as a share of it."""
    m: dict[str, float] = r["median_s"]  # type: ignore[assignment]
    one = m["one_process"]
    n = r["n"]
    lines = [f"machine: {r['machine']}",
             f"{n} synthetic briefings, --format {r['formats']}, medians of {r['reps']}",
             f"{'measure':<52}{'median':>10}  ratio to one process"]

    def row(name: str, value: float, extra: str = "") -> None:
        lines.append(f"{name:<52}{value:>9.2f}s  {value / one:.2f}x{extra}")

    row(f"build {n}, one process (--jobs 1)", one)
    row(f"build {n}, two processes (--jobs 2)", m["two_processes"])
    total = m["shards_in_turn"] + m["merge"]
    row(f"{SHARDS} shards one after another + merge", total,
        f"  (shards {m['shards_in_turn']:.2f}s, merge {m['merge']:.2f}s)")
    row(f"  as a {SHARDS}-runner matrix: longest shard + merge",
        m["longest_shard"] + m["merge"])
    row("  the merge alone", m["merge"],
        f" = {m['merge'] / one:.1%} of the one-process build")
    row("Dask LocalCluster, 2 workers (start included)", m["dask_2_workers"])
    lines.append(f"trees identical (hash of every file): {'yes' if r['identical'] else 'NO'}")
    return lines


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="Briefings (default 1000).")
    parser.add_argument("--reps", type=int, default=1, help="Repetitions, interleaved.")
    parser.add_argument("--format", default="md,html,pdf", help="Formats to build.")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="Results folder.")
    args = parser.parse_args()
    results = measure(args.n, args.reps, args.format)
    lines = table(results)
    print("\n".join(lines))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest-scale.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "latest-scale.txt").write_text("\n".join(lines) + "\n")
    if not results["identical"]:
        raise SystemExit("the trees differ")


if __name__ == "__main__":
    main()
