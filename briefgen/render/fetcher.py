"""Stage 5, fetcher: every resource the PDF's layout asks for, from the bundled assets only.

Why a class of our own: WeasyPrint fetches whatever a page names (http:, file: anywhere);
a briefing's page names only its fonts and stylesheets, so anything else is refused: data:
URLs and regular files under the asset folders (symlinks resolved), bounded in size, no
network. WeasyPrint is imported lazily, on first use.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

MAX_ASSET_BYTES = 5 << 20


def fetcher_class() -> Any:
    """The `AssetFetcher` class (WeasyPrint's URLFetcher, imported on first use)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):  # type: ignore[misc]
        """data: URLs and regular files under the asset folders; nothing else."""

        def __init__(self, roots: tuple[Path, ...]) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, timeout=5)
            self.roots = tuple(r.resolve() for r in roots)

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                if len(url) > 2 * MAX_ASSET_BYTES:
                    msg = "data URL too large"
                    raise ValueError(msg)
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if scheme != "file" or parts.netloc not in ("", "localhost"):
                msg = f"refused {scheme}: URL (briefgen fetches nothing from outside)"
                raise ValueError(msg)
            path = self._found(Path(url2pathname(unquote(parts.path))).resolve())
            if not any(path.is_relative_to(r) for r in self.roots) or not path.is_file():
                msg = "refused: outside the bundled assets or not a regular file"
                raise ValueError(msg)
            if path.stat().st_size > MAX_ASSET_BYTES:
                msg = "refused: asset too large"
                raise ValueError(msg)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

        def _found(self, path: Path) -> Path:
            """PATH, or where the folders' lookup rule finds it: URLs resolve against the
            first folder (a project's templates/), and a file it lacks (a bundled font) is
            taken from the next folder that has it, as templates and site assets are."""
            if path.is_file() or not path.is_relative_to(self.roots[0]):
                return path
            relative = path.relative_to(self.roots[0])
            for root in self.roots[1:]:
                candidate = (root / relative).resolve()
                if candidate.is_relative_to(root) and candidate.is_file():
                    return candidate
            return path

    return AssetFetcher
