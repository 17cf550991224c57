"""The benchmark script keeps working (its numbers are read by people, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_the_benchmark_runs_and_writes_every_measure(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--smoke",
                             "--out", str(tmp_path)], capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((tmp_path / "latest.json").read_text())
    assert {"example", "check", "build", "pandoc", "site", "preview", "startup"} <= set(data)
    assert "ratio: what is compared (target)" in result.stdout


def test_the_preview_latencies_run_alone_with_their_targets(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--smoke",
                             "--only", "serve", "--out", str(tmp_path)], capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((tmp_path / "latest-serve.json").read_text())
    assert {"first_page", "html_in_browser", "pdf_shows_edit"} <= set(data["preview"])
    for target in ("(<= 3.0 s:", "(<= 0.3 s:", "(<= 1.5 s:"):
        assert target in result.stdout
