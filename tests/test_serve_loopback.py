"""`briefgen serve` is a local preview: it listens on the loopback address only, and the
diagnostics banner it injects shows a sheet's text as text.

Why these tests: a preview server reachable from the network publishes drafts (and their
diagnostics) to anyone on the same Wi-Fi; a banner that pasted a sheet's text into the
page as HTML would run whatever markup the sheet (or a pasted source) carries.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_helpers import EXAMPLE, Running, start_cli

pytestmark = pytest.mark.slow


HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def port(tmp_path: Path) -> Iterator[int]:
    """`briefgen serve --port 0` (default host) on a copy of the example, next to a sheet
    with a hostile unknown field; the port it took."""
    shutil.copytree(EXAMPLE, tmp_path / "seeds" / EXAMPLE.name)
    broken = tmp_path / "seeds" / "broken" / "facts.yaml"
    broken.parent.mkdir()
    broken.write_text(f'schema_version: "1"\n"{HOSTILE}": 1\n', encoding="utf-8")
    running = Running(start_cli(tmp_path, "serve", "--port", "0", stdout=subprocess.DEVNULL))
    try:
        yield int(running.wait_for(r"at http://[^\s/]+:(\d+)/").group(1))
    finally:
        running.stop()


def _other_addresses() -> list[str]:
    """Addresses of this machine that are not 127.0.0.1: the loopback alias 127.0.0.2
    (Linux routes all of 127/8 to lo) and the non-loopback IPv4 addresses `hostname -I`
    lists. A socket bound to 127.0.0.1 refuses them all; one bound to 0.0.0.0 accepts."""
    found = ["127.0.0.2"] if sys.platform.startswith("linux") else []
    tool = shutil.which("hostname")
    if tool is not None:
        listed = subprocess.run([tool, "-I"], capture_output=True, text=True, timeout=10,
                                check=False).stdout.split()
        found += [a for a in listed if "." in a and not a.startswith("127.")]
    return found


def test_serve_listens_on_loopback_only(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass  # reachable where it says it is
    others = _other_addresses()
    if not others:
        message = "no second local address to try: the loopback-only check did NOT run"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    for address in others:
        with pytest.raises(ConnectionRefusedError), \
                socket.create_connection((address, port), timeout=5):
            pass


def test_the_banner_shows_a_sheets_text_as_text(port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            page = response.read().decode("utf-8")
        if "the last build had problems" in page or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert "the last build had problems" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert HOSTILE not in page
