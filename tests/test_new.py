"""`briefgen new --source FILE` reads its sources with a bound: issue 10 (hardening).

A device (`/dev/zero`) would be copied until the disk fills, a FIFO would hang, and a huge
file would be read whole into memory; each is refused with a diagnostic, exit 2, and no
half-made seeds/ folder. `new` reads through `sources add`'s path (issue 18), so the
codes and bounds are that command's: BG833, BG824 (10 MiB read), BG831 (2 MiB stored).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 2 * 1024 * 1024  # provenance.MAX_SOURCE_BYTES


def _limit_memory() -> None:
    """In the child: 1 GiB of address space, so an unbounded read fails instead of swapping."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def new(source: Path | str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "briefgen", "new", "x", "--source", str(source)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=60,
                          check=False, preexec_fn=_limit_memory)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_new_refuses_a_device_as_source(tmp_path: Path, device: str) -> None:
    result = new(device, tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"{device}: error BG833: not a regular file" in result.stderr
    assert not (tmp_path / "seeds").exists()


def test_new_refuses_a_fifo_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = new(fifo, tmp_path)  # the 60 s timeout fails the test if it hangs
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr
    assert not (tmp_path / "seeds").exists()


def test_new_refuses_a_source_over_the_limit_without_reading_it_whole(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(8 << 30)  # sparse: 8 GiB of zeros that take no disk space
    result = new(huge, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "error BG824: the file is larger than 10 MiB" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "seeds").exists()


def test_new_accepts_a_source_of_exactly_the_limit(tmp_path: Path) -> None:
    source = tmp_path / "long.txt"
    source.write_bytes(b"Long article\n" + b"x" * (LIMIT - 14) + b"\n")
    result = new(source, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "seeds" / "x" / "sources" / "long.txt").read_bytes() == source.read_bytes()


def test_new_refuses_a_text_over_the_stored_limit(tmp_path: Path) -> None:
    source = tmp_path / "long.txt"
    source.write_bytes(b"Long article\n" + b"x" * (LIMIT - 13) + b"\n")  # one byte over
    result = new(source, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "error BG831: the extracted text is larger than 2 MiB" in result.stderr
    assert not (tmp_path / "seeds").exists()
